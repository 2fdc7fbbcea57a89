"""The reader's edition, in the page's head and the theme's weight (issue 11): description and link-preview
metadata, sitemap only with a site URL, Font Awesome replaced by inline SVG icons, no search index on every page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

from briefing import sphinx_ext
from briefing.paths import ROOT
from support import toc_pages

HTML = ROOT / "_build" / "html"
built = pytest.mark.skipif(not (HTML / "index.html").exists(), reason="run `make book` first")


def _doctree(rst: str) -> nodes.document:
    doc = new_document("test", get_default_settings(Parser))
    Parser().parse(rst, doc)
    return doc


# ----------------------------------------------------------------------------------------- description

def test_description_comes_from_the_bottom_line():
    doc = _doctree("Title\n=====\n\nAn opening paragraph that is not the bottom line at all.\n\n"
                   "Bottom line\n-----------\n\nThe article is mostly wrong about the details, right about the themes.\n")
    assert sphinx_ext.page_description(doc) == "The article is mostly wrong about the details, right about the themes."


def test_description_from_a_bottom_line_list_takes_its_first_item():
    doc = _doctree("Title\n=====\n\nBottom line\n-----------\n\n1. **First finding.** It holds in outline but "
                   "not in detail.\n2. Second finding, never shown.\n")
    assert sphinx_ext.page_description(doc) == "First finding. It holds in outline but not in detail."


def test_description_falls_back_to_the_first_paragraph_of_prose():
    doc = _doctree("Title\n=====\n\nToo short.\n\n.. code-block:: python\n\n   x = 'code is never the description'"
                   "\n\nHow the article was turned into data, and how each claim was checked.\n")
    assert sphinx_ext.page_description(doc) == "How the article was turned into data, and how each claim was checked."


def test_long_descriptions_end_on_a_sentence_or_an_ellipsis():
    sentence = "A sentence of some length that says one thing about the article. "
    assert sphinx_ext._shorten(sentence * 6).endswith("article.")
    assert len(sphinx_ext._shorten(sentence * 6)) <= sphinx_ext.DESCRIPTION_CHARS
    words = "word " * 100
    short = sphinx_ext._shorten(words)
    assert short.endswith("…") and len(short) <= sphinx_ext.DESCRIPTION_CHARS and "word…" in short


def _app(baseurl: str = "", outdir=None):
    builder = SimpleNamespace(get_target_uri=lambda doc: doc + ".html")
    config = SimpleNamespace(html_title="A <b>briefing</b> & more", project="p", html_baseurl=baseurl, language="en",
                             root_doc="chapters/index")
    env = SimpleNamespace(found_docs={"chapters/index", "chapters/china", "chapters/methods"})
    return SimpleNamespace(config=config, builder=builder, env=env, outdir=str(outdir or "."))


class _Meta(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and "content" in a:
            self.meta[a.get("property") or a.get("name") or a.get("http-equiv")] = a["content"]


def _meta(text: str) -> dict:
    p = _Meta()
    p.feed(text)
    return p.meta


def test_share_metadata_is_escaped_and_has_no_url_without_a_site():
    doc = _doctree("T\n=\n\nBottom line\n-----------\n\nQuotes \"and\" <tags> & ampersands stay text in the head.\n")
    tags = sphinx_ext.share_metadata(_app(), "chapters/china", {"title": "China &amp; <em>trade</em>"}, doc)
    meta = _meta(tags)
    assert meta["og:title"] == meta["twitter:title"] == "China & trade"
    assert meta["description"] == meta["og:description"] == 'Quotes "and" <tags> & ampersands stay text in the head.'
    assert meta["og:site_name"] == "A briefing & more" and meta["og:type"] == "article"
    assert meta["twitter:card"] == "summary"
    assert "og:url" not in meta and "og:image" not in meta
    with_site = _meta(sphinx_ext.share_metadata(_app("https://example.org/book/"), "chapters/index", {}, doc))
    assert with_site["og:url"] == "https://example.org/book/chapters/index.html"
    assert with_site["og:type"] == "website"


def test_sitemap_only_with_a_site_url(tmp_path):
    assert sphinx_ext.write_sitemap(_app("", tmp_path)) is None
    assert not (tmp_path / "sitemap.xml").exists()
    path = sphinx_ext.write_sitemap(_app("https://example.org/book", tmp_path))
    text = path.read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]+)</loc>", text)
    assert locs[0] == "https://example.org/book/chapters/index.html"
    assert sorted(locs[1:]) == ["https://example.org/book/chapters/china.html",
                                "https://example.org/book/chapters/methods.html"]
    assert sphinx_ext.write_sitemap(_app("", tmp_path)) is None and not path.exists()  # a stale one goes


# --------------------------------------------------------------------------------------------- icons

def test_every_font_awesome_icon_becomes_inline_svg_with_its_attributes():
    page = ('<button aria-label="Color mode"><i class="theme-switch fa-solid fa-sun fa-lg" data-mode="light" '
            'aria-hidden="true"></i></button><span class="fa-solid fa-bars"></span>\n'
            '  <script defer src="../_static/scripts/fontawesome.js?digest=1"></script>\n')
    out = sphinx_ext.inline_icons(page)
    assert "fontawesome" not in out and "<i " not in out and "<span" not in out
    svgs = re.findall(r"<svg [^>]*>", out)
    assert len(svgs) == 2
    assert 'class="theme-switch fa-solid fa-sun fa-lg svg-inline--fa"' in svgs[0] and 'data-mode="light"' in svgs[0]
    assert all(s.count('aria-hidden="true"') == 1 and 'focusable="false"' in s for s in svgs)
    assert sphinx_ext.inline_icons(out) == out  # idempotent: a rebuild may meet pages already converted


def test_an_icon_without_svg_is_reported_not_dropped(caplog):
    page = '<i class="fa-solid fa-unicorn-of-doom"></i>'
    assert sphinx_ext.inline_icons(page, "x.html") == page


def test_icon_set_covers_the_theme_templates_in_use():
    """Every Font Awesome class in the theme templates the book renders has an inline SVG."""
    assert {"magnifying-glass", "bars", "list", "sun", "moon", "circle-half-stroke", "arrow-up", "outdent",
            "angle-left", "angle-right"} <= set(sphinx_ext.ICONS)
    for width, height, path in sphinx_ext.ICONS.values():
        assert 0 < width <= 640 and height == 512 and path.startswith("M")


# ------------------------------------------------------------------------------------------ built book

def _toc_pages() -> list:
    return [p for p in toc_pages() if p != "index.html"]


@built
@pytest.mark.parametrize("page", _toc_pages())
def test_every_page_has_a_description_and_a_link_preview(page):
    meta = _meta((HTML / page).read_text(encoding="utf-8").split("</head>")[0])
    assert len(meta.get("description", "")) >= 40, f"{page}: no description"
    for key in ("og:title", "og:description", "og:type", "og:site_name", "twitter:card", "twitter:title",
                "twitter:description"):
        assert meta.get(key), f"{page}: no {key}"
    assert meta["og:description"] == meta["description"]
    assert not any(v.startswith(("http:", "https:", "//")) for k, v in meta.items() if k != "og:url"), page


@built
def test_no_page_carries_font_awesome_or_the_search_index():
    for page in HTML.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        where = page.relative_to(HTML)
        assert "fontawesome" not in text, f"{where} still loads Font Awesome"
        assert not re.search(r'<(i|span) class="[^"]*\bfa-solid\b', text), f"{where} has a Font Awesome icon element"
        if page.name != "search.html":
            assert "searchindex.js" not in text, f"{where} loads the search index"
    assert "searchindex.js" in (HTML / "search.html").read_text(encoding="utf-8")
    assert not (HTML / "_static" / "scripts" / "fontawesome.js").exists()
    css = (HTML / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    assert not re.search(r'\}\.fa-[a-z0-9-]+:before\{content:"', css)


@built
def test_no_sitemap_without_a_site_url():
    from briefing.paths import ROOT as root
    import yaml

    cfg = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    baseurl = (cfg.get("html") or {}).get("baseurl") or (cfg.get("sphinx", {}).get("config") or {}).get("html_baseurl")
    assert (HTML / "sitemap.xml").exists() == bool(baseurl)


# ----------------------------------------------------------------------------------------- dates and downloads

def test_the_dates_line_is_escaped_and_names_both_dates():
    line = sphinx_ext.dates_line({"reviewed": "26 November 2026", "evidence": "<15 May 2026>"})
    assert line == ('<p class="briefing-dates">Reviewed 26 November 2026 · evidence as of &lt;15 May 2026&gt;</p>')


@built
@pytest.mark.parametrize("page", _toc_pages())
def test_every_page_states_its_review_and_evidence_dates(page):
    """Under its title, from the data (not the build date, which says nothing about the evidence)."""
    text = (HTML / page).read_text(encoding="utf-8")
    expected = sphinx_ext.dates_line(sphinx_ext.page_dates())
    assert re.search(r"</h1>\s*" + re.escape(expected), text), f"{page}: no review and evidence-as-of dates"
    assert "Last updated on" not in text, f"{page} still gives the build date as an update date"


@built
@pytest.mark.parametrize("page", _toc_pages())
def test_a_page_made_from_a_notebook_offers_that_notebook(page):
    source = ROOT / page.replace(".html", ".ipynb")
    text = (HTML / page).read_text(encoding="utf-8")
    link = re.search(r'<a href="([^"]+\.ipynb)"[^>]*download>', text)
    if not source.exists():
        assert link is None, f"{page} offers a notebook it was not made from"
        return
    assert link, f"{page}: no download link for {source.name}"
    served = (HTML / page).parent / link.group(1)
    assert served.resolve() == (HTML / page.replace(".html", ".ipynb")).resolve()
    assert served.read_bytes() == source.read_bytes(), f"{page}: the served notebook is not the committed one"


# --------------------------------------------------------------------------------------------- rebuilds

def rendered_components(source: str) -> set[str]:
    """The component templates a module renders by name (``_render("x.html", ...)``)."""
    return set(re.findall(r'_render\(\s*"([^"]+)"', source))


def test_every_component_the_extension_renders_is_in_its_digest():
    """A template that sphinx_ext renders into pages must be in ``PAGE_COMPONENTS``, whose digest makes Sphinx
    rewrite every page when it changes; else an edited template reaches only the pages whose source changed."""
    source = Path(sphinx_ext.__file__).read_text(encoding="utf-8")
    rendered = rendered_components(source)
    assert rendered and rendered <= set(sphinx_ext.PAGE_COMPONENTS), rendered - set(sphinx_ext.PAGE_COMPONENTS)
    assert all((sphinx_ext.COMPONENTS / name).is_file() for name in sphinx_ext.PAGE_COMPONENTS)
    # The check sees a template rendered but not listed.
    assert not rendered_components(source + '\n_render("new_banner.html", x=1)\n') <= set(sphinx_ext.PAGE_COMPONENTS)
