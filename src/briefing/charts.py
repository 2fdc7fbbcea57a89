"""Layer 3: the chart helper. One way to put an Altair chart in the book.

:func:`figure` always adds the title's subtitle, the source note (built from the data package's ``sources``) and
a link to download the chart's data as CSV from a stable URL (``/data/<file>.csv`` of the published site). The
chart itself is rendered by vega-embed from a pinned bundle that the book serves itself (see ``sphinx_ext``):
no CDN, no require.js, and the element id is a hash of the spec, so the notebook output is the same every run.
"""

from __future__ import annotations

import hashlib
import json
import re

import altair as alt
import pandas as pd

from .datapackage import load, package
from .html import esc, script_json
from .vocabulary import (  # noqa: F401  (notebooks import ACTOR_COLOURS from here)
    ACTOR_COLOURS,
    FIGURE_MIME,
    FONT,
    VEGA_LITE_MIME,
    VEGA_LITE_V5_SCHEMA,
    VEGA_LITE_VERSION,
)


def actor_scale(actors: list[str] | None = None) -> alt.Scale:
    keys = actors or list(ACTOR_COLOURS)
    return alt.Scale(domain=keys, range=[ACTOR_COLOURS.get(a, ACTOR_COLOURS["other"]) for a in keys])


def colour_scale(colours: dict[str, str], keys: list[str] | None = None) -> alt.Scale:
    keys = keys or list(colours)
    return alt.Scale(domain=keys, range=[colours[k] for k in keys])


def theme() -> dict:
    return {
        "config": {
            "background": "#ffffff",
            "font": FONT,
            "view": {"stroke": None, "continuousWidth": 560, "continuousHeight": 300},
            "title": {"anchor": "start", "fontSize": 15, "subtitleFontSize": 12, "subtitleColor": "#444444",
                      "color": "#111111", "offset": 12},
            "axis": {"labelColor": "#333333", "titleColor": "#333333", "gridColor": "#e6e6e6",
                     "labelFontSize": 11, "titleFontSize": 11},
            "legend": {"labelColor": "#333333", "titleColor": "#333333", "orient": "bottom"},
        }
    }


def _spec(chart: alt.TopLevelMixin) -> dict:
    spec = chart.to_dict()
    base = theme()["config"]
    spec["config"] = {**base, **spec.get("config", {})}
    return spec


def _date_text(value) -> str:
    """A source's publication date as shown in a note: 'YYYY-MM-DD' or 'YYYY-MM'; '' when it has none."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if hasattr(value, "date"):
        return value.date().isoformat()
    return str(value).strip()


def source_note(resources: list[str]) -> str:
    """'Source: Publisher (date), …; analysis: this briefing.' from the rows' ``source_id``s."""
    pkg = package()
    sources = load("sources").set_index("id")
    parts = []
    for res in resources:
        for sid in pkg.sources_of(res):
            row = sources.loc[sid]
            date = _date_text(row["published"])
            label = f"{row['publisher']} ({date})" if date else str(row["publisher"])
            if label not in parts:
                parts.append(label)
    return "Source: " + "; ".join(parts) + "; analysis: this briefing." if parts else "Source: this briefing."


def data_url(resource: str) -> str:
    """Stable URL of a resource's CSV, relative to any chapter page (all pages live in ``chapters/``)."""
    return "../data/" + package().resource(resource)["path"]


class Figure:
    """One chart as one MIME bundle, so that every viewer shows it.

    - :data:`VEGA_LITE_MIME`: the spec, drawn interactively by JupyterLab and VS Code with their own bundled
      renderers, with no network.
    - ``image/svg+xml``: the same chart rendered offline by vl-convert when the notebook runs, for static viewers
      (nbviewer, code-hosting previews, nbconvert), print and PDF.
    - :data:`FIGURE_MIME`: the book's figure (the SVG inline, so it is visible at first paint and without
      JavaScript; caption, source note, CSV download, claims tested). The book's script upgrades it to the
      interactive chart when it comes into view.
    - ``text/plain``: a one-line label.
    """

    def __init__(self, spec: dict, svg: str, html: str, title: str):
        self.spec, self.svg, self.html, self.title = spec, svg, html, title

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {
            FIGURE_MIME: self.html,
            "image/svg+xml": self.svg,
            VEGA_LITE_MIME: {**self.spec, "$schema": VEGA_LITE_V5_SCHEMA},
            "text/plain": f"<Figure: {self.title}>",
        }
        # The first entry marks the output as one figure, so the book renders only its own member of the bundle;
        # the second asks JupyterLab's Vega renderer for SVG (printable, searchable) and no actions menu.
        return data, {FIGURE_MIME: {"title": self.title},
                      VEGA_LITE_MIME: {"embed_options": {"renderer": "svg", "actions": False}}}

    def __repr__(self) -> str:
        return f"<Figure: {self.title}>"

    def __str__(self) -> str:
        return self.html


_ARIA_ATTR = re.compile(r' (?:role|aria-roledescription|aria-label|aria-hidden)="[^"]*"')


def render_svg(spec: dict) -> str:
    """The chart as a standalone SVG, rendered offline (no browser, no network) by vl-convert.

    Text is measured with the font vl-convert carries itself (Liberation Sans, see :data:`FONT`), never with the
    machine's fonts, so the same spec gives the same SVG on every machine: nbval can compare it strictly.
    """
    import vl_convert

    svg = vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE_VERSION)
    # Scale with the page instead of overflowing it; keep the drawing's own size as its intrinsic size.
    return svg.replace("<svg ", '<svg style="max-width: 100%; height: auto" ', 1)


def figure(chart: alt.TopLevelMixin, *, resources: str | list[str], alt_text: str, note: str | None = None,
           claims: list[str] | None = None) -> Figure:
    """The chart as a book figure: chart, text alternative, source note, CSV download, and the claims it tests.

    ``resources`` names the data-package table(s) the chart draws on: their sources make the note and their CSV
    files the downloads. The chart's title (the finding) and subtitle (what is plotted, in which unit) are
    required, because a chart without them cannot be read on its own. The title, subtitle and text alternative
    are written by the caller (the notebook), from values it computed: the library states no finding.
    """
    resources = [resources] if isinstance(resources, str) else list(resources)
    if not alt_text or not alt_text.strip():
        raise ValueError("figure: a text alternative (alt_text) is required")
    spec = _spec(chart)
    title = spec.get("title")
    if not isinstance(title, dict) or not title.get("text") or not title.get("subtitle"):
        raise ValueError("figure: the chart needs a title that states the finding and a subtitle saying what "
                         "is plotted and in which unit: alt.Title(text, subtitle=...)")
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    vis_id = "vis-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    title_text = title["text"] if isinstance(title["text"], str) else " ".join(title["text"])
    svg = render_svg(spec)
    # Inside the page the figure's role="img" and aria-label speak for the chart: hide the drawing from assistive
    # technology, and drop the per-element ARIA that Vega writes (dead weight under aria-hidden).
    inline_svg = _ARIA_ATTR.sub("", svg).replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    downloads = " · ".join(
        f'<a href="{esc(data_url(r))}" download>{esc(package().resource(r)["path"])}</a>' for r in resources)
    tested = ""
    if claims:
        links = ", ".join(f'<a href="register.html#{esc(c)}">{esc(c)}</a>' for c in claims)
        tested = f'<p class="briefing-chart__claims">Tests the article’s claim {links}.</p>'
    html = (
        f'<figure class="briefing-chart" aria-labelledby="{vis_id}-title">'
        f'<div class="briefing-chart__vis" id="{vis_id}" role="img" aria-label="{esc(alt_text)}" '
        f'data-spec-id="{vis_id}-spec">{inline_svg}</div>'
        f'<script type="application/json" id="{vis_id}-spec">{script_json(text)}</script>'
        f'<figcaption><span class="briefing-chart__title" id="{vis_id}-title">{esc(title_text)}</span>'
        f'<span class="briefing-chart__source">{esc(note or source_note(resources))}</span>'
        f'<span class="briefing-chart__download">Download the data (CSV): {downloads}</span>'
        f"{tested}<details class=\"briefing-chart__alt\"><summary>Text description</summary>"
        f"<p>{esc(alt_text)}</p></details></figcaption></figure>"
    )
    standalone = svg.replace("<svg ", f'<svg role="img" aria-label="{esc(alt_text)}" ', 1)
    return Figure(spec, standalone, html, title_text)
