"""Layer 3: the chart helper. One way to put an Altair chart in the book.

:func:`figure` always adds the title's subtitle, the source note (built from the data package's ``sources``) and
a link to download the chart's data as CSV from a stable URL (``/data/<file>.csv`` of the published site). The
chart itself is rendered by vega-embed from a pinned bundle that the book serves itself (see ``sphinx_ext``):
no CDN, no require.js, and the element id is a hash of the spec, so the notebook output is the same every run.
"""

from __future__ import annotations

import hashlib
import json

import altair as alt

from .datapackage import load, package
from .html import HTML, esc, script_json
from .vocabulary import ACTOR_COLOURS, FONT  # noqa: F401  (notebooks still import ACTOR_COLOURS from here)


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


def source_note(resources: list[str]) -> str:
    """'Source: Publisher (date), …; analysis: this briefing.' from the rows' ``source_id``s."""
    pkg = package()
    sources = load("sources").set_index("id")
    parts = []
    for res in resources:
        for sid in pkg.sources_of(res):
            row = sources.loc[sid]
            date = row["published"].date().isoformat() if hasattr(row["published"], "date") else ""
            label = f"{row['publisher']} ({date})" if date else str(row["publisher"])
            if label not in parts:
                parts.append(label)
    return "Source: " + "; ".join(parts) + "; analysis: this briefing." if parts else "Source: this briefing."


def data_url(resource: str) -> str:
    """Stable URL of a resource's CSV, relative to any chapter page (all pages live in ``chapters/``)."""
    return "../data/" + package().resource(resource)["path"]


def figure(chart: alt.TopLevelMixin, *, resources: str | list[str], alt_text: str, note: str | None = None,
           claims: list[str] | None = None) -> HTML:
    """The chart as a book figure: chart, text alternative, source note, CSV download, and the claims it tests.

    ``resources`` names the data-package table(s) the chart draws on: their sources make the note and their CSV
    files the downloads. The chart's title (the finding) and subtitle (what is plotted, in which unit) are
    required, because a chart without them cannot be read on its own.
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
    downloads = " · ".join(
        f'<a href="{esc(data_url(r))}" download>{esc(package().resource(r)["path"])}</a>' for r in resources)
    tested = ""
    if claims:
        links = ", ".join(f'<a href="register.html#{esc(c)}">{esc(c)}</a>' for c in claims)
        tested = f'<p class="briefing-chart__claims">Tests the article’s claim {links}.</p>'
    html = (
        f'<figure class="briefing-chart" aria-labelledby="{vis_id}-title">'
        f'<div class="briefing-chart__vis" id="{vis_id}" role="img" aria-label="{esc(alt_text)}" '
        f'data-spec-id="{vis_id}-spec"></div>'
        f'<script type="application/json" id="{vis_id}-spec">{script_json(text)}</script>'
        f'<figcaption><span class="briefing-chart__title" id="{vis_id}-title">{esc(title_text)}</span>'
        f'<span class="briefing-chart__source">{esc(note or source_note(resources))}</span>'
        f'<span class="briefing-chart__download">Download the data (CSV): {downloads}</span>'
        f"{tested}<details class=\"briefing-chart__alt\"><summary>Text description</summary>"
        f"<p>{esc(alt_text)}</p></details></figcaption></figure>"
    )
    return HTML(html, f"Figure: {title_text}")
