"""Layer 4: what the book makes at build time from stored outputs and the vocabulary, so that changing how a page
looks needs no notebook re-executed (issue 20).

- :func:`figure_markup`: the book's figure (the chart's SVG inline, its spec for the interactive upgrade, caption,
  source note, CSV downloads, claims tested, text description) from a chart's stored output: its Vega-Lite spec,
  its SVG and its output metadata (``charts.figure`` writes them). The markup is the template ``figure.html``.
- :class:`FigureMimeRenderer`: the myst-nb mime-render plugin that puts that figure on HTML pages in place of the
  output's SVG (entry point ``myst_nb.mime_renderers`` in pyproject.toml, through ``sphinx_ext``).
- :func:`vocabulary_css`: every colour of :mod:`briefing.vocabulary` as a CSS custom property, for
  ``_static/vocabulary.css``; ``static/briefing.css`` types no colour of its own.

Notebooks never import this module, so the execution cache (``cache``) does not hash it.
"""

from __future__ import annotations

import copy
import hashlib
import json
import textwrap
from functools import lru_cache

from markupsafe import Markup

from . import vocabulary
from .html import render, svg_attributes
from .paths import files_digest
from .vocabulary import (FIGURE_METADATA, NARROW_WIDTH, SUBTITLE_PX_PER_CHAR, TITLE_PX_PER_CHAR, VEGA_LITE_MIME,
                         VEGA_LITE_SCHEMA, VEGA_LITE_VERSION)

FIGURE_TEMPLATE = "figure.html"


def _rewrap(text, width: float, px_per_char: float):
    text = text if isinstance(text, str) else " ".join(text)
    lines = textwrap.wrap(text, max(20, int(width / px_per_char)))
    return lines[0] if len(lines) == 1 else lines


def narrow_spec(spec: dict) -> dict:
    """The chart for a phone (issue 25): :data:`NARROW_WIDTH` px in all, its title and subtitle wrapped to that.

    A chart whose layout was made for a narrow plot (direct labels: ``usermeta.narrow.width``, from
    ``charts.narrow_usermeta``) gets that plot width; any other is fitted (autosize ``fit-x``) into the width. Its
    text keeps its size: on a phone the drawing shows at its own size instead of shrunk to the column.
    """
    out = copy.deepcopy(spec)
    out.pop("$schema", None)
    narrow = (out.get("usermeta") or {}).get("narrow") or {}
    if "width" in narrow:
        out["width"] = narrow["width"]
    elif "hconcat" not in out and "vconcat" not in out and "concat" not in out:
        out["width"] = NARROW_WIDTH
        out["autosize"] = {"type": "fit-x", "contains": "padding"}
    title = out.get("title")
    if isinstance(title, dict):
        for key, px in (("text", TITLE_PX_PER_CHAR), ("subtitle", SUBTITLE_PX_PER_CHAR)):
            if title.get(key):
                title[key] = _rewrap(title[key], NARROW_WIDTH - 10, px)
    # A legend below the chart wraps into columns instead of running past its right edge.
    config = out.setdefault("config", {})
    config["legend"] = {**config.get("legend", {}), "columns": 2, "labelLimit": NARROW_WIDTH // 2 - 30}
    return out


def narrow_overrides(spec: dict) -> dict:
    """What :func:`narrow_spec` changes, as top-level members: the page's script applies them to the spec before
    the interactive upgrade when the narrow drawing is the one showing."""
    narrow = narrow_spec(spec)
    return {k: v for k, v in narrow.items() if spec.get(k) != v}


@lru_cache(maxsize=256)
def _render_svg(text: str) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(json.loads(text), vl_version=VEGA_LITE_VERSION)


def narrow_svg(spec: dict) -> str:
    """The narrow chart as SVG, rendered offline at build time by vl-convert (as ``charts.render_svg`` does when
    the notebook runs), inline-ready: hidden from assistive technology like the wide one (the figure speaks)."""
    svg = _render_svg(json.dumps(narrow_spec(spec), sort_keys=True))
    return svg_attributes(svg, drop=("role", "aria-*"), aria_hidden="true", focusable="false")


def _svg_width(svg: str) -> float:
    import re

    m = re.search(r'<svg\b[^>]*\swidth="([\d.]+)"', svg)
    return float(m.group(1)) if m else float("inf")


def figure_markup(spec: dict, svg: str, metadata: dict) -> Markup:
    """The book's figure for one chart output: ``spec`` (its Vega-Lite member), ``svg`` (its SVG member) and
    ``metadata`` (its output metadata under :data:`FIGURE_METADATA`)."""
    # The page upgrades the chart with the book's own bundle, which reads the spec under its own schema.
    text = json.dumps({**spec, "$schema": VEGA_LITE_SCHEMA}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))
    vis_id = "vis-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]  # the same on every build
    # Inside the page the figure's role="img" and aria-label speak for the chart: hide the drawing from assistive
    # technology, and drop the per-element ARIA that Vega writes (dead weight under aria-hidden).
    inline = svg_attributes(svg, drop=("role", "aria-*"), aria_hidden="true", focusable="false")
    plain = {k: v for k, v in spec.items() if k != "$schema"}
    # A chart already narrow enough for a phone (the locator map) is drawn once.
    fits = _svg_width(svg) <= NARROW_WIDTH
    narrow = "" if fits else json.dumps(narrow_overrides(plain), sort_keys=True, ensure_ascii=False,
                                        separators=(",", ":"))
    return render(FIGURE_TEMPLATE, id=vis_id, svg=Markup(inline),
                  svg_narrow=None if fits else Markup(narrow_svg(plain)),
                  narrow_json=narrow, spec_json=text, title=metadata["title"],
                  alt_text=metadata["alt_text"], source_note=metadata["source_note"],
                  data=metadata.get("data", []), claims=metadata.get("claims", []))


class FigureMimeRenderer:
    """myst-nb mime-render plugin: a chart output (one with :data:`FIGURE_METADATA` in its output metadata) shows
    on HTML pages as the book's figure, made from its SVG member, its spec and its metadata; its Vega-Lite member
    renders to nothing (the figure carries the spec)."""

    mime_priority_overrides: list = []

    @staticmethod
    def handle_mime(renderer, data, inline):
        meta = data.output_metadata.get(FIGURE_METADATA)
        if not isinstance(meta, dict) or data.mime_type not in ("image/svg+xml", VEGA_LITE_MIME):
            return None
        if data.mime_type == VEGA_LITE_MIME:
            return []
        from docutils import nodes

        _, outputs = renderer.renderer.nb_client.code_cell_outputs(data.cell_index)
        spec = outputs[data.output_index]["data"][VEGA_LITE_MIME]
        return [nodes.raw(text=str(figure_markup(spec, data.string, meta)), format="html",
                          classes=["output", "text_html"])]


def tint(colour: str, share: float = vocabulary.TINT) -> str:
    """``colour`` (``#rrggbb``) mixed with white, ``share`` of it kept: a light background that dark text reads on."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - share * (255 - c)):02x}" for c in rgb)


# The colour tables the page uses, by the name of their custom properties (``--briefing-<name>-<key>``), and
# whether each colour also gets its tints: ``-tint`` (opaque, for badges that keep dark text in either theme) and
# ``-wash`` (translucent, for highlights over text in either theme).
CSS_COLOURS = {
    "verdict": ("VERDICT_COLOURS", True),
    "outcome": ("OUTCOME_COLOURS", True),
    "kind": ("KIND_COLOURS", False),
    "actor": ("ACTOR_COLOURS", False),
    "chart": ("CHART_COLOURS", False),
    "page": ("PAGE_COLOURS", False),
}
WASH = 0.22  # opacity of a -wash


def vocabulary_css() -> str:
    """``:root`` custom properties for the vocabulary's colours, and the dark theme's muted text."""
    lines = ["/* Made at build time from briefing.vocabulary (figures.vocabulary_css): do not edit. */", ":root {"]
    for name, (table, tints) in CSS_COLOURS.items():
        for key, colour in getattr(vocabulary, table).items():
            prop = f"--briefing-{name}-{key}".lower().replace("_", "-")
            lines.append(f"  {prop}: {colour};")
            if tints:
                rgb = ", ".join(str(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
                lines += [f"  {prop}-tint: {tint(colour)};", f"  {prop}-wash: rgba({rgb}, {WASH});"]
    lines += ["}", 'html[data-theme="dark"] {', "  --briefing-page-muted: var(--briefing-page-muted-dark);", "}"]
    return "\n".join(lines) + "\n"


def own_digest() -> str:
    """A digest of what the figures' markup is made from (this module, the figure template and the macros it
    uses): a Sphinx config value that re-reads every page when it changes (outputs come from the execution
    cache, nothing is executed)."""
    from .html import COMPONENTS

    return files_digest([__file__, COMPONENTS / FIGURE_TEMPLATE, COMPONENTS / "macros.html"])
