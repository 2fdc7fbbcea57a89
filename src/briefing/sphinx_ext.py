"""Layer 9 (entry point): the book's Sphinx extension, loaded from ``_config.yml``.

- Serves a pinned, matched vega + vega-lite + vega-embed bundle (made by vl-convert) from ``_static/vendor/``;
  pages that hold a chart get the small script that loads it when a chart comes into view. No CDN, no require.js.
- Publishes ``data/`` at the stable path ``/data/`` of the site so every chart's download link keeps working, with
  the data package merged (the kit's table schemas and the briefing's own datasets in one ``datapackage.json``).
- Adds the book's stylesheets: ``vocabulary.css``, made at build time from the vocabulary's colours (custom
  properties), and ``briefing.css`` (charts, verdict boxes, print rules), which uses them.
- Makes each chart's figure from its stored output at build time (``figures.FigureMimeRenderer``), and each table
  and card from its stored name and data (``components.ComponentMimeRenderer``).
- Chooses how notebooks execute: ``BRIEFING_EXECUTE=force`` (or ``cache``, ``off``, ``auto``, ``inline``) in the
  environment overrides ``execute.execute_notebooks`` of ``_config.yml``; an unknown value stops the build. The
  Makefile sets it (``make book EXECUTE=force``); ``tests/build/test_build_strict.py`` shows that it takes effect.
- Gives every page a description and Open Graph / Twitter card metadata (title; description from the page's
  "Bottom line" section or its first paragraph), with no external request; writes ``sitemap.xml`` when the site's
  URL is configured (``html.baseurl`` in ``_config.yml``).
- Links the PDF edition (``make pdf``, ``briefing.pdf``) from the foot of the primary sidebar.
- Sheds theme weight (issue 11): the few Font Awesome icons of the theme's markup are drawn as inline SVG (from
  ``fa-icons.json``), so Font Awesome's script (~540 kB gzip) and web font (~160 kB) are never loaded; the icon
  rules of Font Awesome's stylesheet go from the theme's CSS. (``templates/layout.html`` keeps the search index
  off the pages that do not search.)
- Searches English and Chinese (``search``, issue 30): the search language ``en_zh`` indexes Chinese as
  two-character pieces beside the English words, and the index reads the tags of raw HTML as word breaks.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from pathlib import Path
from markupsafe import Markup
from sphinx.util import logging

from . import paths
from .paths import files_digest, pdf_name
from .figures import FigureMimeRenderer, vocabulary_css  # noqa: F401  (FigureMimeRenderer: a myst-nb entry point)
from .figures import own_digest as figures_digest
from .components import ComponentMimeRenderer  # noqa: F401  (a myst-nb entry point)
from .components import component_html, own_digest as components_digest
from .html import COMPONENTS, render as _render
from . import search as _search
from .vocabulary import VEGA_LITE_VERSION

STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"  # overrides of theme components (accessibility fixes)
BUNDLE = f"vendor/vega-bundle-vl{VEGA_LITE_VERSION}.js"
ICONS = json.loads((Path(__file__).parent / "fa-icons.json").read_text(encoding="utf-8"))["icons"]
DESCRIPTION_CHARS = 200
# The components of templates/components/ that this extension renders into every page (or the site's files).
PAGE_COMPONENTS = ("dates_line.html", "share_meta.html", "sitemap.xml", "icon.svg", "redirect.html",
                   "computation_links.html")
logger = logging.getLogger(__name__)


EXECUTION_MODES = ("off", "auto", "force", "cache", "inline")  # myst-nb's nb_execution_mode


class ExecutionModeError(ValueError):
    pass


def execution_mode(config) -> None:
    """Apply ``BRIEFING_EXECUTE`` to ``nb_execution_mode`` (myst-nb reads it later, when the builder starts)."""
    mode = os.environ.get("BRIEFING_EXECUTE", "")
    if not mode:
        return
    if mode not in EXECUTION_MODES:
        raise ExecutionModeError(f"BRIEFING_EXECUTE={mode!r}: not one of {', '.join(EXECUTION_MODES)}")
    config.nb_execution_mode = mode


def _config_inited(app, config):
    execution_mode(config)
    _search.config_inited(config)
    config.html_static_path.append(str(STATIC))
    config.templates_path.append(str(TEMPLATES))
    # The PDF edition's link, at the foot of the primary sidebar (templates/briefing-pdf-link.html).
    options = config.html_theme_options
    end = list(options.get("primary_sidebar_end") or ["sidebar-ethical-ads"])
    if "briefing-pdf-link.html" not in end:
        options["primary_sidebar_end"] = end + ["briefing-pdf-link.html"]


def _builder_inited(app):
    if app.builder.format != "html":
        return
    # The vocabulary's colours as CSS custom properties (briefing.css uses only those): made at every build, so a
    # colour changed in vocabulary.py reaches every page without any notebook re-executed.
    css = Path(app.outdir) / "_static" / "vocabulary.css"
    css.parent.mkdir(parents=True, exist_ok=True)
    if not css.is_file() or css.read_text(encoding="utf-8") != vocabulary_css():
        css.write_text(vocabulary_css(), encoding="utf-8")
    target = Path(app.outdir) / "_static" / BUNDLE
    if not target.exists():
        import vl_convert

        target.parent.mkdir(parents=True, exist_ok=True)
        bundle = vl_convert.javascript_bundle(vl_version=VEGA_LITE_VERSION)
        # The bundle declares top-level consts (e.g. `_`) that clash with other page scripts: give it a scope.
        # Its default snippet still assigns vegaEmbed, vegaLite and vega to window.
        target.write_text("(function () {\n" + bundle + "\n})();\n", encoding="utf-8")


_DATES: dict[str, str] = {}


def page_dates() -> dict[str, str]:
    """The review date and the evidence-as-of date that every page states, from the data package (computed once
    per build; the import of the register is deferred so that loading this extension stays light)."""
    if not _DATES:
        import datetime as dt

        from .claims import evidence_as_of, register, review_context

        def day(value) -> str:
            value = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
            return f"{value.day} {value:%B %Y}"

        reviewed, _article = review_context()
        evidence = evidence_as_of(register())  # None while the record holds no dated evidence (a new briefing)
        _DATES.update(reviewed=day(reviewed), evidence=day(evidence) if evidence else "")
    return _DATES


def dates_line(dates: dict[str, str], tracks: list[dict] | None = None) -> str:
    return str(_render("dates_line.html", reviewed=dates["reviewed"], evidence=dates["evidence"], tracks=tracks or []))


def currency_strip() -> list[dict]:
    """Under the landing page's dates (issue 25): the newest evidence found on each track of the article (``sweeps``:
    ``newest_evidence`` by ``track``), since the tracks stop at different dates."""
    from .datapackage import load, package
    from .scoring import currency_by_track, reader_date
    from .vocabulary import THEME_LABELS

    if "sweeps" not in package().resources:  # a briefing without sweeps states one date only
        return []
    table = currency_by_track(load("sweeps"))
    return [{"label": THEME_LABELS.get(r["track"], r["track"]), "newest": reader_date(r["newest"])}
            for _, r in table.iterrows()]


def _dates_under_title(app, doctree, docname):
    """Every page says when it was reviewed and how recent its evidence is, right under its title (a node after
    the first section's title, not a splice into the page's HTML); the landing page adds each track's currency."""
    from docutils import nodes

    tracks = currency_strip() if docname == app.config.root_doc else None
    for section in doctree.findall(nodes.section):
        title = next(iter(section.findall(nodes.title)), None)
        if title is not None:
            title.parent.insert(title.parent.index(title) + 1,
                                nodes.raw("", dates_line(page_dates(), tracks), format="html"))
        return


def _page_context(app, pagename, templatename, context, doctree):
    # The dates line (see _dates_under_title) replaces the build date: a rebuild is not a review.
    context["last_updated"] = None
    # myst-nb names the hide-input toggle "Toggle hidden content" while it shows "Show code cell source":
    # the visible text must be part of the accessible name (WCAG 2.5.3), so let the visible text name it.
    if "body" in context:
        context["body"] = context["body"].replace('<summary aria-label="Toggle hidden content">', "<summary>")
    if "briefing-chart__vis" in context.get("body", ""):
        # Only the small upgrade script is on the page; it fetches the bundle when a chart comes into view.
        app.add_js_file("briefing-charts.js", **{"data-bundle": BUNDLE})
    if "briefing-register-controls" in context.get("body", ""):
        app.add_js_file("briefing-register.js")
    context["metatags"] = context.get("metatags", "") + share_metadata(app, pagename, context, doctree)
    context["briefing_pdf"] = pdf_name()
    # A page made from a notebook offers that notebook (with its outputs) for download: see _build_finished.
    source = Path(app.env.doc2path(pagename)) if pagename in app.env.all_docs else None
    context["briefing_notebook"] = pagename + ".ipynb" if source and source.suffix == ".ipynb" else None
    if context["briefing_notebook"] and "body" in context:
        context["body"] += computation_links(Path(pagename).name)
    drop_unused_assets(context)


def computation_links(stem: str) -> str:
    """The foot of a reading page made from a notebook: its computation, one link away (the page itself shows no
    code: ``nb_remove_code_source`` in ``_config.yml``)."""
    from .computation import SUFFIX

    return str(_render("computation_links.html", notebook=stem + ".ipynb", rendering=stem + SUFFIX))


def reader_face(doctree, docname: str = "") -> int:
    """Take the analyst's glances at the data off the reading page. The page shows what a notebook formats for a
    reader (the package's HTML tables and boxes, figures, prose); a pandas frame in pandas' default HTML (index
    column, cells cut at pandas' width) and a plain-text repr (a Series, a dict, a printed line) stay in the
    notebook, where the computation is. Returns how many outputs were taken off."""
    from docutils import nodes

    def glance(node) -> bool:
        if isinstance(node, nodes.raw):
            return node.get("format") == "html" and bool(PANDAS_FRAME.search(node.astext()))
        return isinstance(node, nodes.literal_block) and "output" in node.get("classes", [])

    removed = 0
    for node in [n for n in doctree.findall(nodes.Element) if glance(n)]:
        output = node.parent
        output.remove(node)
        removed += 1
        # Drop the output's container, and the cell's, when nothing else is left in them.
        while isinstance(output, nodes.container) and not output.children:
            parent = output.parent
            parent.remove(output)
            output = parent
    if removed:
        logger.info(f"[briefing] {docname}: {removed} analyst output(s) kept in the notebook, off the page")
    return removed


def _reader_face_transform():
    from sphinx.transforms.post_transforms import SphinxPostTransform

    class ReaderFace(SphinxPostTransform):
        """Runs after myst-nb has chosen each output's MIME type for the builder (its priority 4)."""

        default_priority = 5
        formats = ("html",)

        def run(self, **kwargs):
            reader_face(self.document, self.env.docname)

    return ReaderFace


PANDAS_FRAME = re.compile(r'<table[^>]*class="dataframe"')


# Assets of extensions that a page loads whether or not it uses them, with the test of its body that says it does.
EXTENSION_ASSETS = [
    ("sphinx-design", re.compile(r'class="[^"]*\bsd-'), {"sphinx-design.min.css", "design-tabs.js"}),
    ("sphinx-copybutton", re.compile(r'class="[^"]*\bhighlight'), {"copybutton.css", "copybutton.js",
                                                                   "clipboard.min.js"}),
    ("sphinx-togglebutton", re.compile(r'class="[^"]*\b(?:toggle|dropdown)\b'), {"togglebutton.css",
                                                                                "togglebutton.js"}),
]


def drop_unused_assets(context: dict) -> list[str]:
    """Leave out of this page the stylesheets and scripts of extensions it does not use (sphinx-design on every
    page; copy buttons where there is no code; toggle buttons where nothing toggles): up to ~20 kB gzip and five
    requests a page. The lists are the page's own (Sphinx restores them for the next page)."""
    body = context.get("body", "")
    unused = set().union(*(files for _name, used, files in EXTENSION_ASSETS if not used.search(body)))
    dropped = []
    for key in ("css_files", "script_files"):
        assets = context.get(key)
        if isinstance(assets, list):
            keep = [a for a in assets
                    if (getattr(a, "filename", None) or "").split("?")[0].rsplit("/", 1)[-1] not in unused]
            dropped += [getattr(a, "filename", str(a)) for a in assets if a not in keep]
            assets[:] = keep
    return dropped


# -- sharing: description, Open Graph, Twitter card, sitemap ----------------------------------------------------
def _plain(text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text or "")).split())


def _shorten(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    end = cut.rfind(". ")
    if end >= limit // 2:  # whole sentences fit
        return cut[:end + 1]
    return cut[:cut.rfind(" ")].rstrip(",;:–—- ") + "…"


def page_description(doctree) -> str:
    """The first paragraph of the page's "Bottom line" section, else its first paragraph of prose (not code, not
    a table, not an output), shortened to a sentence or two."""
    from docutils import nodes

    if doctree is None:
        return ""

    def prose(node) -> bool:
        parent = node.parent
        while parent is not None:
            if isinstance(parent, (nodes.table, nodes.literal_block, nodes.admonition, nodes.raw)) or (
                    isinstance(parent, nodes.container) and "cell" in parent.get("classes", [])):
                return False
            parent = parent.parent
        return True

    def first_paragraph(root) -> str:
        for para in root.findall(nodes.paragraph):
            if prose(para) and len(para.astext().split()) >= 5:
                return para.astext()
        return ""

    for section in doctree.findall(nodes.section):
        if section.children and isinstance(section[0], nodes.title) and \
                section[0].astext().strip().lower() == "bottom line":
            text = first_paragraph(section)
            if text:
                return _shorten(text)
    return _shorten(first_paragraph(doctree))


def share_metadata(app, pagename: str, context: dict, doctree) -> str:
    """<meta> tags for search engines and link previews. No image: a card image would have to be an absolute URL
    (and a file to keep up); the "summary" card needs none."""
    site = _plain(app.config.html_title or app.config.project)
    title = _plain(context.get("title", "")) or site
    description = page_description(doctree)
    tags = [("name", "description", description),
            ("property", "og:type", "website" if pagename == app.config.root_doc else "article"),
            ("property", "og:site_name", site), ("property", "og:title", title),
            ("property", "og:description", description)]
    language = (app.config.language or "").replace("-", "_")
    if "_" in language:  # og:locale wants language_TERRITORY; a bare language says nothing more than lang=""
        tags.append(("property", "og:locale", language))
    base = (app.config.html_baseurl or "").rstrip("/")
    if base:
        tags.append(("property", "og:url", f"{base}/{app.builder.get_target_uri(pagename)}"))
    tags += [("name", "twitter:card", "summary"), ("name", "twitter:title", title),
             ("name", "twitter:description", description)]
    return "\n" + str(_render("share_meta.html", tags=[t for t in tags if t[2]])) + "\n"


def write_sitemap(app) -> Path | None:
    """sitemap.xml of every page of the table of contents, when the site's URL (html_baseurl) is configured."""
    base = (app.config.html_baseurl or "").rstrip("/")
    target = Path(app.outdir) / "sitemap.xml"
    if not base:
        target.unlink(missing_ok=True)
        return None
    docs = [app.config.root_doc] + sorted(d for d in app.env.found_docs if d != app.config.root_doc)
    urls = [base + "/" + app.builder.get_target_uri(d) for d in docs]
    target.write_text(str(_render("sitemap.xml", urls=urls)) + "\n", encoding="utf-8")
    return target


# -- theme weight: Font Awesome out ------------------------------------------------------------------------------
_ICON_TAG = re.compile(r'<(i|span)\s+class="([^"]*\bfa-(?:solid|regular|brands)\b[^"]*|(?:[^"]*\s)?fa[srb](?:\s[^"]*)?)"'
                       r'([^>]*)>\s*</\1>')
_FA_SCRIPT = re.compile(r'[ \t]*<!-- So that users can add custom icons -->\n|'
                        r'[ \t]*<script[^>]*src="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*></script>\n?')
# A rule of Font Awesome's stylesheet that only gives an icon class its glyph: `.fa-x:before{content:"\f00d"}`.
_FA_GLYPH_RULE = re.compile(r'(?:\.fa-[a-z0-9-]+:(?::)?before,?)+\{content:"[^"]*"\}')


def inline_icons(page: str, where: str = "") -> str:
    """The page with each Font Awesome icon element (``<i class="fa-solid fa-bars"></i>``) drawn as inline SVG,
    its classes and attributes kept (the theme's CSS and scripts select on them), hidden from assistive technology
    (every control that holds one is named by its own label), and Font Awesome's script tag dropped."""
    def svg(m):
        classes = m.group(2).split()
        names = [c[3:] for c in classes if c.startswith("fa-") and c[3:] in ICONS]
        if not names:
            logger.warning(f"{where}: Font Awesome icon {m.group(0)!r} has no inline SVG: add it to fa-icons.json",
                           type="briefing", subtype="icon")
            return m.group(0)
        width, height, path = ICONS[names[0]]
        # The element's own attributes are markup of the theme's page already: they pass as they are.
        attributes = Markup(re.sub(r'\s+aria-hidden="[^"]*"', "", m.group(3)))
        return str(_render("icon.svg", classes=" ".join(classes), attributes=attributes, width=width,
                           height=height, path=path))

    return _FA_SCRIPT.sub("", _ICON_TAG.sub(svg, page))


def _shed_font_awesome(outdir: Path) -> None:
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = inline_icons(text, str(page.relative_to(outdir)))
        if new != text:
            page.write_text(new, encoding="utf-8")
    scripts = outdir / "_static" / "scripts"
    for f in scripts.glob("fontawesome.js*"):
        f.unlink()
    css = outdir / "_static" / "styles" / "pydata-sphinx-theme.css"
    if css.is_file():
        text = css.read_text(encoding="utf-8")
        new = _FA_GLYPH_RULE.sub("", text)
        if new != text:
            css.write_text(new, encoding="utf-8")


def _build_finished(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    # The site's index.html (written by sphinx-external-toc) is a bare redirect without an icon, so browsers
    # ask for /favicon.ico and log a 404: make it a small page with the book's icon and a link.
    index = Path(app.outdir) / "index.html"
    if index.is_file() and index.read_text(encoding="utf-8").startswith("<meta http-equiv=\"Refresh\""):
        page = _render("redirect.html", target=app.config.root_doc + ".html",
                       title=app.config.html_title or app.config.project)
        index.write_text(str(page) + "\n", encoding="utf-8")
    _shed_font_awesome(Path(app.outdir))
    from . import computation

    for docname in app.env.all_docs:
        source = Path(app.env.doc2path(docname))
        if source.suffix == ".ipynb":
            # The computation behind the page: its notebook, byte for byte, and the notebook's static rendering.
            target = Path(app.outdir) / (docname + ".ipynb")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            title = app.env.titles[docname].astext() if docname in app.env.titles else docname
            computation.write(source, target.parent, title=title, component_html=component_html)
    write_sitemap(app)
    out = Path(app.outdir) / "data"
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(paths.data(), out, ignore=shutil.ignore_patterns("*.md", ".*"))
    # Readers download the package as the loader sees it: the briefing's datasets and the kit's tables, merged.
    from .datapackage import descriptor

    (out / "datapackage.json").write_text(json.dumps(descriptor(paths.datapackage()), indent=2,
                                                     ensure_ascii=False) + "\n", encoding="utf-8")


def _own_digest() -> str:
    """A digest of this extension's code, templates and icons: a config value that changes with them, so that
    Sphinx rewrites every page when they change (it otherwise rewrites only the pages whose source changed)."""
    return files_digest([Path(__file__), Path(__file__).parent / "roles.py", Path(__file__).parent / "search.py",
                         Path(__file__).parent / "glue.py", Path(__file__).parent / "findings.py",
                         Path(__file__).parent / "fa-icons.json",
                         *sorted(TEMPLATES.glob("*.html")), *(COMPONENTS / name for name in PAGE_COMPONENTS)])


def _dates_digest() -> str:
    """A digest of the files the page dates are computed from (the data package and the tables behind
    "evidence as of")."""
    data, config = paths.data(), paths.root() / "briefing.yml"  # briefing.yml names the pages links point to
    return files_digest(sorted(data.glob("*.csv")) + [data / "datapackage.json"] + ([config] if config.is_file() else []))


def setup(app):
    from . import roles  # {claim}`c017` and {call}`b03`, checked against the register (roles.py)

    roles.setup(app)
    _search.setup(app)
    # {eval}`name`: the glued value, in the book as in JupyterLab (glue.py); replaces myst-nb's kernel-only eval.
    # {eval}`glue.finding("id")` is the {finding} role's.
    from .glue import eval_role

    app.add_role("eval", eval_role(roles.finding_role), override=True)
    app.add_config_value("briefing_extension_digest", _own_digest(), "html")
    # Every page states the review and evidence-as-of dates, which come from the data: when the data change, Sphinx
    # must rewrite every page, not only those whose source changed.
    app.add_config_value("briefing_dates_digest", _dates_digest(), "html")
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", _builder_inited)
    app.connect("doctree-resolved", _dates_under_title)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _build_finished)
    app.add_post_transform(_reader_face_transform())
    # The figures' markup is made when a page is read (figures.FigureMimeRenderer): when it changes, every page is
    # read again, with its outputs from the execution cache (no notebook runs).
    app.add_config_value("briefing_figures_digest", figures_digest(), "env")
    # So are the tables' and cards' (components.ComponentMimeRenderer): a template changed re-reads every page.
    app.add_config_value("briefing_components_digest", components_digest(), "env")
    app.add_css_file("vocabulary.css")
    app.add_css_file("briefing.css")
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
