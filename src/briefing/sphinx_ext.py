"""Layer 5 (entry point): the book's Sphinx extension, loaded from ``_config.yml``.

- Serves a pinned, matched vega + vega-lite + vega-embed bundle (made by vl-convert) from ``_static/vendor/``,
  added only to pages that hold a chart, once per page. No CDN, no require.js.
- Publishes ``data/`` at the stable path ``/data/`` of the site so every chart's download link keeps working.
- Adds the book's stylesheet (charts, verdict boxes, print rules).
- Chooses how notebooks execute: ``BRIEFING_EXECUTE=force`` (or ``cache``, ``off``, ``auto``, ``inline``) in the
  environment overrides ``execute.execute_notebooks`` of ``_config.yml``; an unknown value stops the build. The
  Makefile sets it (``make book EXECUTE=force``); ``tests/test_build_strict.py`` shows that it takes effect.
"""

from __future__ import annotations

import html
import os
import shutil
from pathlib import Path

from .paths import DATA
from .vocabulary import VEGA_LITE_VERSION

STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"  # overrides of theme components (accessibility fixes)
BUNDLE = f"vendor/vega-bundle-vl{VEGA_LITE_VERSION}.js"


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
    config.html_static_path.append(str(STATIC))
    config.templates_path.append(str(TEMPLATES))


def _builder_inited(app):
    if app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / BUNDLE
    if not target.exists():
        import vl_convert

        target.parent.mkdir(parents=True, exist_ok=True)
        bundle = vl_convert.javascript_bundle(vl_version=VEGA_LITE_VERSION)
        # The bundle declares top-level consts (e.g. `_`) that clash with other page scripts: give it a scope.
        # Its default snippet still assigns vegaEmbed, vegaLite and vega to window.
        target.write_text("(function () {\n" + bundle + "\n})();\n", encoding="utf-8")


def _page_context(app, pagename, templatename, context, doctree):
    # myst-nb names the hide-input toggle "Toggle hidden content" while it shows "Show code cell source":
    # the visible text must be part of the accessible name (WCAG 2.5.3), so let the visible text name it.
    if "body" in context:
        context["body"] = context["body"].replace('<summary aria-label="Toggle hidden content">', "<summary>")
    if "briefing-chart__vis" in context.get("body", ""):
        app.add_js_file(BUNDLE)
        app.add_js_file("briefing-charts.js")
    if "briefing-register-controls" in context.get("body", ""):
        app.add_js_file("briefing-register.js")


def _build_finished(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    # The site's index.html (written by sphinx-external-toc) is a bare redirect without an icon, so browsers
    # ask for /favicon.ico and log a 404: make it a small page with the book's icon and a link.
    index = Path(app.outdir) / "index.html"
    if index.is_file() and index.read_text(encoding="utf-8").startswith("<meta http-equiv=\"Refresh\""):
        target = app.config.root_doc + ".html"
        index.write_text(
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Refresh" content="0; url={target}"><title>{html.escape(app.config.html_title or app.config.project)}</title>'
            '<link rel="icon" href="_static/favicon.svg"></head>'
            f'<body><p><a href="{target}">Open the briefing</a></p></body></html>\n', encoding="utf-8")
    out = Path(app.outdir) / "data"
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(DATA, out, ignore=shutil.ignore_patterns("*.md", ".*"))


def setup(app):
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", _builder_inited)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _build_finished)
    app.add_css_file("briefing.css")
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
