"""Layer 5 (entry point): the book's Sphinx extension, loaded from ``_config.yml``.

- Serves a pinned, matched vega + vega-lite + vega-embed bundle (made by vl-convert) from ``_static/vendor/``,
  added only to pages that hold a chart, once per page. No CDN, no require.js.
- Publishes ``data/`` at the stable path ``/data/`` of the site so every chart's download link keeps working.
- Adds the book's stylesheet (charts, verdict boxes, print rules).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .charts import VEGA_LITE_VERSION
from .paths import DATA

STATIC = Path(__file__).parent / "static"
BUNDLE = f"vendor/vega-bundle-vl{VEGA_LITE_VERSION}.js"


def _config_inited(app, config):
    config.html_static_path.append(str(STATIC))


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
    if "briefing-chart__vis" in context.get("body", ""):
        app.add_js_file(BUNDLE)
        app.add_js_file("briefing-charts.js")
    if "briefing-register-controls" in context.get("body", ""):
        app.add_js_file("briefing-register.js")


def _build_finished(app, exception):
    if exception is not None or app.builder.format != "html":
        return
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
