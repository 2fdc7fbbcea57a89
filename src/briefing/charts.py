"""Layer 5: the chart helper. One way to put an Altair chart in the book.

:func:`figure` stores each chart once in its notebook: the Vega-Lite spec (JupyterLab and VS Code draw it) and an
SVG rendered offline by vl-convert (static viewers, print), with what the book's figure shows besides the chart as
output metadata: the title, the text alternative, the source note (built from the data package's ``sources``), the
links to download the chart's data as CSV from a stable URL (``/data/<file>.csv`` of the published site) and the
claims the chart tests. The book's figure markup is made from these at build time (``figures``, template
``figure.html``), so changing the figure's look needs no re-execution; nothing here writes markup.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .datapackage import load, package
from .html import svg_attributes
from . import vocabulary
from .values import id_list
from .vocabulary import (  # noqa: F401
    CHART_COLOURS,
    FIGURE_METADATA,
    CHART_TEXT_PX,
    DEFAULT_WIDTH,
    FONT,
    LABEL_PX_PER_CHAR,
    LABEL_ROW_PX,
    NARROW_WIDTH,
    OTHER_COLOUR,
    SUBTITLE_PX_PER_CHAR,
    TITLE_PX_PER_CHAR,
    VEGA_LITE_MIME,
    VEGA_LITE_V5_SCHEMA,
    VEGA_LITE_VERSION,
)


def __getattr__(name: str):
    if name == "ACTOR_COLOURS":  # notebooks import it from here: the current briefing's (vocabulary.of())
        return vocabulary.of().ACTOR_COLOURS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def actor_scale(actors: list[str] | None = None) -> alt.Scale:
    colours = vocabulary.of().ACTOR_COLOURS
    keys = actors or list(colours)
    return alt.Scale(domain=keys, range=[colours.get(a, OTHER_COLOUR) for a in keys])


def colour_scale(colours: dict[str, str], keys: list[str] | None = None) -> alt.Scale:
    keys = keys or list(colours)
    return alt.Scale(domain=keys, range=[colours[k] for k in keys])


def theme() -> dict:
    return {
        "config": {
            "background": CHART_COLOURS["background"],
            "font": FONT,
            "view": {"stroke": None, "continuousWidth": 560, "continuousHeight": 300},
            "title": {"anchor": "start", "fontSize": 15, "subtitleFontSize": 12,
                      "subtitleColor": CHART_COLOURS["subtitle"], "color": CHART_COLOURS["title"], "offset": 12},
            "axis": {"labelColor": CHART_COLOURS["axis"], "titleColor": CHART_COLOURS["axis"],
                     "gridColor": CHART_COLOURS["grid"], "labelFontSize": CHART_TEXT_PX,
                     "titleFontSize": CHART_TEXT_PX},
            "legend": {"labelColor": CHART_COLOURS["axis"], "titleColor": CHART_COLOURS["axis"], "orient": "bottom",
                       "labelFontSize": CHART_TEXT_PX, "titleFontSize": CHART_TEXT_PX},
            "text": {"fontSize": CHART_TEXT_PX},
        }
    }


# Titles wrap to the chart's width instead of running past it (in print a long title shrank the whole chart):
# about TITLE_PX_PER_CHAR / SUBTITLE_PX_PER_CHAR pixels per character at the theme's title and subtitle sizes
# (Liberation Sans, bold 15 / 12 px; vocabulary).


def label_layout(positions: list[float], texts: list[str], width: float, gap: float = 6.0) -> list[tuple[int, str]]:
    """Where direct labels go so that no two overlap: for labels anchored at ``positions`` (px from the plot's
    left edge) of a plot ``width`` px wide, each label's row (0 nearest the plot, upwards) and alignment ("left":
    the text starts at its anchor; "right": it ends there).

    Each label hangs on a line from its row down to the plot, so a label in a higher row also should not have its
    line cross the text of a label below it. Greedy, in order of position, a label takes the lowest row (and an
    alignment that keeps it inside the plot) where its text clears every label in that row by ``gap`` px and no
    line crosses text; where no row avoids every crossing, the lowest row where the texts clear. Of a few
    preferences for the alignment, the layout with the fewest crossings, then rows, wins. Text widths are
    reckoned generously (``LABEL_PX_PER_CHAR``), so a layout made for the narrow rendering (the tightest) holds at
    every wider one, where the anchors only move apart.
    """
    n = len(positions)
    order = sorted(range(n), key=lambda i: positions[i])
    widths = [len(t) * LABEL_PX_PER_CHAR for t in texts]

    def span(i, align):
        x = positions[i]
        return (x, x + widths[i]) if align == "left" else (x - widths[i], x)

    def clear(a, b):
        return a[0] >= b[1] + gap or a[1] <= b[0] - gap

    def crosses(x, sp):
        return sp[0] - gap / 2 <= x <= sp[1] + gap / 2

    def run(prefer):
        placed: dict[int, tuple[int, str, tuple[float, float]]] = {}
        for k, i in enumerate(order):
            aligns = [a for a in prefer(k, i) if 0 <= span(i, a)[0] and span(i, a)[1] <= width] or \
                     ["left" if positions[i] + widths[i] <= width else "right"]
            best = None
            for strict in (True, False):
                for r in range(len(placed) + 1):
                    for a in aligns:
                        sp = span(i, a)
                        ok = all(clear(sp, q) for (rj, _, q) in placed.values() if rj == r)
                        if ok and strict:
                            ok = all(not crosses(positions[i], q) for (rj, _, q) in placed.values() if rj < r) and \
                                 all(not crosses(positions[j], sp) for j, (rj, _, _) in placed.items() if rj > r)
                        if ok:
                            best = (r, a, sp)
                            break
                    if best:
                        break
                if best:
                    break
            placed[i] = best
        crossings = sum(crosses(positions[i], placed[j][2]) for i in placed for j in placed
                        if placed[j][0] < placed[i][0])
        return crossings, 1 + max((p[0] for p in placed.values()), default=0), placed

    prefs = [lambda k, i: ["left", "right"], lambda k, i: ["right", "left"],
             lambda k, i: ["left", "right"] if k % 2 else ["right", "left"],
             lambda k, i: ["left", "right"] if positions[i] < width / 2 else ["right", "left"]]
    _, _, placed = min((run(p) for p in prefs), key=lambda t: (t[0], t[1]))
    return [(placed[i][0], placed[i][1]) for i in range(n)]


def label_y(row: int) -> float:
    """A label row's baseline in px from the plot's top edge (negative: above the plot)."""
    return -4.0 - row * LABEL_ROW_PX


def narrow_usermeta(width: float) -> dict:
    """The spec's ``usermeta`` that tells the narrow rendering (``figures.narrow_spec``) its plot width, when a
    chart's layout (its direct labels) was made for it."""
    return {"narrow": {"width": round(width, 1)}}


def _wrap(text, width: float, px_per_char: float):
    import textwrap

    text = text if isinstance(text, str) else " ".join(text)
    lines = textwrap.wrap(text, max(20, int(width / px_per_char)))
    return lines[0] if len(lines) == 1 else lines


def _spec(chart: alt.TopLevelMixin) -> dict:
    spec = chart.to_dict()
    base = theme()["config"]
    spec["config"] = {**base, **spec.get("config", {})}
    title = spec.get("title")
    if isinstance(title, dict):
        width = spec["width"] if isinstance(spec.get("width"), (int, float)) else DEFAULT_WIDTH
        for key, px in (("text", TITLE_PX_PER_CHAR), ("subtitle", SUBTITLE_PX_PER_CHAR)):
            if title.get(key):
                title[key] = _wrap(title[key], width, px)
    return spec


def _date_text(value) -> str:
    """A source's publication date as shown in a note: 'YYYY-MM-DD' or 'YYYY-MM'; '' when it has none."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if hasattr(value, "date"):
        return value.date().isoformat()
    return str(value).strip()


def _cited_by(pkg, res: str) -> list[str]:
    """The sources behind a table: those its rows cite (``source_id``), or, for a table that cites none (the claims
    register), those of the tables that reference it by a foreign key and cite sources (``claim_sources``)."""
    own = pkg.sources_of(res)
    if own:
        return own
    out: list[str] = []
    for other in pkg.descriptor["resources"]:
        refs = other.get("schema", {}).get("foreignKeys", [])
        if any(fk["reference"]["resource"] == res for fk in refs):
            out += [s for s in pkg.sources_of(other["name"]) if s not in out]
    return out


def _year(value) -> str:
    return _date_text(value)[:4]


def source_note(resources: list[str]) -> str:
    """One dated line (issue 25): 'Source: 28 reports, 2023–2025, listed on Sources; analysis: this briefing.',
    counting the distinct sources behind the tables' rows and the years they were published. The full list is on
    the book's Sources page and in each row's ``source_id`` of the CSV."""
    pkg = package()
    ids: list[str] = []
    for res in resources:
        ids += [s for s in _cited_by(pkg, res) if s not in ids]
    if not ids:
        raise ValueError(f"figure: no source behind {', '.join(resources)}; pass note= with a dated source")
    return note_for(ids)


def note_for(source_ids) -> str:
    """The one-line source note for the rows a chart draws, from their sources' ids (a chart of rows picked from
    several tables notes only those rows' sources)."""
    ids = list(dict.fromkeys(s for value in source_ids for s in id_list(value)))
    sources = load("sources").set_index("id")
    years = sorted(y for y in (_year(v) for v in sources.loc[ids, "published"]) if y)
    span = (years[0] if years[0] == years[-1] else f"{years[0]}–{years[-1]}") if years else "undated"
    return f"Source: {len(ids):,} {'report' if len(ids) == 1 else 'reports'}, {span}, listed on Sources; " \
           "analysis: this briefing."


def data_url(resource: str) -> str:
    """Stable URL of a resource's CSV, relative to any chapter page (all pages live in ``chapters/``)."""
    return "../data/" + package().resource(resource)["path"]


class Figure:
    """One chart as one output that every viewer shows, stored once:

    - :data:`VEGA_LITE_MIME`: the spec, drawn interactively by JupyterLab and VS Code with their own bundled
      renderers, with no network;
    - ``image/svg+xml``: the same chart rendered offline by vl-convert when the notebook runs, for static viewers
      (nbviewer, code-hosting previews, nbconvert), print and PDF; the book inlines it in its figure;
    - ``text/plain``: a one-line label;
    - output metadata :data:`FIGURE_METADATA`: the figure's title, text alternative, source note, data downloads
      and claims tested, from which the book makes its figure markup at build time (``figures.figure_markup``).

    No ``text/html`` member: JupyterLab would rank it above its Vega renderer.
    """

    def __init__(self, spec: dict, svg: str, metadata: dict):
        self.spec, self.svg, self.metadata = spec, svg, metadata
        self.title = metadata["title"]

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {
            "image/svg+xml": self.svg,
            VEGA_LITE_MIME: {**self.spec, "$schema": VEGA_LITE_V5_SCHEMA},
            "text/plain": repr(self),
        }
        # JupyterLab's Vega renderer: SVG (printable, searchable) and no actions menu.
        return data, {FIGURE_METADATA: self.metadata,
                      VEGA_LITE_MIME: {"embed_options": {"renderer": "svg", "actions": False}}}

    def __repr__(self) -> str:
        return f"<Figure: {self.title}>"


def render_svg(spec: dict) -> str:
    """The chart as a standalone SVG, rendered offline (no browser, no network) by vl-convert.

    Text is measured with the font vl-convert carries itself (Liberation Sans, see :data:`FONT`), never with the
    machine's fonts, so the same spec gives the same SVG on every machine: nbval can compare it strictly.
    """
    import vl_convert

    svg = vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE_VERSION)
    # Scale with the page instead of overflowing it; keep the drawing's own size as its intrinsic size.
    return svg_attributes(svg, style="max-width: 100%; height: auto")


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
    title_text = title["text"] if isinstance(title["text"], str) else " ".join(title["text"])  # wrapped: rejoin
    metadata = {
        "title": title_text,
        "alt_text": alt_text,
        "source_note": note or source_note(resources),
        "data": [{"href": data_url(r), "name": package().resource(r)["path"]} for r in resources],
        "claims": list(claims or []),
    }
    # The standalone drawing speaks for itself in static viewers: the text alternative is its accessible name.
    svg = svg_attributes(render_svg(spec), role="img", aria_label=alt_text)
    return Figure(spec, svg, metadata)
