"""Tables and cards are made at build time from what the notebooks store (issue 28, part 5): a component's output
holds its name and data with a Markdown fallback, never its HTML; the stored outputs stay small; and every stored
component renders, from its stored data alone, to what the book's page shows."""

import json
import re
from pathlib import Path

import nbformat
import pytest

from briefing.components import component_html
from briefing.html import COMPONENT_MIME
from briefing.paths import ROOT

NOTEBOOKS = sorted(ROOT.glob("chapters/*.ipynb"))
HTML_DIR = ROOT / "_build" / "html"
STORED_OUTPUTS_BUDGET = 600_000  # bytes: the sum over every notebook of its outputs as JSON


def stored_output_bytes(notebook: Path) -> int:
    """The size of a notebook's stored outputs: each output as JSON (``json.dumps``, as issue 28 measured them)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return sum(len(json.dumps(o)) for cell in nb["cells"] for o in cell.get("outputs", []))


def components_of(notebook: Path) -> list[dict]:
    nb = nbformat.read(notebook, as_version=4)
    return [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs
            if COMPONENT_MIME in o.get("data", {})]


def test_stored_outputs_stay_within_the_budget():
    sizes = {nb.name: stored_output_bytes(nb) for nb in NOTEBOOKS}
    assert sum(sizes.values()) <= STORED_OUTPUTS_BUDGET, sorted(sizes.items(), key=lambda kv: -kv[1])


def test_no_notebook_stores_the_html_of_a_table_or_card():
    """A component's output has its name, data, Markdown and plain text; no output holds the book's markup (its
    ``briefing-`` classes) as HTML. pandas' own frames (the analyst's glances) may keep theirs."""
    for notebook in NOTEBOOKS:
        for cell in nbformat.read(notebook, as_version=4).cells:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if COMPONENT_MIME in data:
                    assert set(data) == {COMPONENT_MIME, "text/markdown", "text/plain"}, (notebook.name, set(data))
                assert 'class="briefing-' not in data.get("text/html", ""), notebook.name


def test_every_notebook_with_a_table_stores_it_as_a_component():
    assert {nb.stem for nb in NOTEBOOKS if components_of(nb)} >= {"register", "sources", "article", "calls", "next"}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_page_shows_each_stored_component_rendered_from_its_stored_data(notebook):
    """What the build does, from the committed notebook alone: each component's template rendered from the stored
    data is on the built page, verbatim. So the page follows the templates, and a template edited changes the
    page with no notebook re-executed (``tests/kit/test_cache.py``: a template is no input of any notebook)."""
    stored = components_of(notebook)
    htmls = [str(component_html(o["data"][COMPONENT_MIME]["name"], o["data"][COMPONENT_MIME]["data"]))
             for o in stored]
    assert all(h.startswith("<") and "briefing" in h for h in htmls)
    for output in stored:  # the fallback is Markdown, not markup
        markdown = output["data"]["text/markdown"]
        assert markdown.strip() and not re.search(r"</?[a-z]+[ >]", markdown), notebook.stem
    page = HTML_DIR / "chapters" / f"{notebook.stem}.html"
    if not page.is_file():
        pytest.skip("no built book (make book)")
    text = page.read_text(encoding="utf-8")
    for html in htmls:
        assert html in text, (notebook.stem, html[:120])


def test_the_fallback_names_every_claim_the_register_shows():
    """JupyterLab and static viewers show the Markdown fallback: readable, with the claim ids."""
    from briefing.claims import register

    register_nb = ROOT / "chapters" / "register.ipynb"
    markdown = "\n".join(o["data"]["text/markdown"] for o in components_of(register_nb))
    assert all(cid in markdown for cid in register().claims["id"])
    assert not re.search(r"</?[a-z]+[ >]", markdown)
