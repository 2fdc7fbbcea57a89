"""What a reader sees who opens a committed notebook without running it: nbconvert's HTML exporter, which is what
static notebook viewers (nbviewer, code-hosting previews) do. Every figure must show as an SVG with marks, and
every figure output must carry its chart once (spec and SVG) and its caption as output metadata."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from briefing.vocabulary import FIGURE_METADATA, VEGA_LITE_MIME

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "chapters").glob("*.ipynb"))
SVG = re.compile(r"<svg\b.*?</svg>", re.S)
DATA_URI = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')
MARK = re.compile(r'<g class="mark-[a-z]+ role-mark[^"]*"[^>]*>\s*<(path|rect|circle|line|text|symbol|g)\b')


def figure_outputs(nb: Path) -> list[dict]:
    import nbformat

    cells = nbformat.read(nb, as_version=4).cells
    return [o for c in cells for o in c.get("outputs", []) if FIGURE_METADATA in o.get("metadata", {})]


def svgs_in(page: str) -> list[str]:
    """Every SVG drawing of an exported page: inline, or as a base64 data URI (nbconvert's default for SVG)."""
    inline = SVG.findall(page)
    encoded = [base64.b64decode(m).decode("utf-8") for m in DATA_URI.findall(page)]
    return inline + encoded


def test_every_figure_output_stores_its_chart_once_and_its_caption_as_metadata():
    found = 0
    for nb in NOTEBOOKS:
        for out in figure_outputs(nb):
            found += 1
            data, meta = out["data"], out["metadata"][FIGURE_METADATA]
            assert set(data) == {VEGA_LITE_MIME, "image/svg+xml", "text/plain"}, \
                f"{nb.name}: a figure is its spec, its SVG and a label (no text/html: it would hide the chart in " \
                "JupyterLab; no markup: the book makes it at build time)"
            assert data[VEGA_LITE_MIME]["$schema"].endswith("/vega-lite/v5.json"), nb.name
            assert MARK.search(data["image/svg+xml"]), f"{nb.name}: the SVG member has no marks"
            assert meta["title"] and meta["alt_text"] and meta["source_note"] and meta["data"], nb.name
    assert found, "no figure output in any notebook"


@pytest.mark.parametrize("nb", [n for n in NOTEBOOKS if figure_outputs(n)], ids=lambda n: n.name)
def test_static_viewer_shows_every_figure_as_svg(nb):
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_filename(str(nb))
    expected = len(figure_outputs(nb))
    with_marks = [s for s in svgs_in(body) if MARK.search(s)]
    assert len(with_marks) >= expected, f"{nb.name}: {len(with_marks)} SVG charts with marks, expected {expected}"
    assert "<script src=\"http" not in body.split("</head>")[-1], f"{nb.name}: the export loads a remote script"
