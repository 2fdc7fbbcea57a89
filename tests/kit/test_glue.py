"""A glued value reads by name in every face (briefing.glue): the prose's {eval}`glue.key`, the stored
user_expressions JupyterLab shows before any cell runs, and the kernel's glue.key after Run All.

Every committed notebook must be converted and its stored values current (``stale`` is empty): a {glue:text} role
left in prose, a Markdown cell whose stored values differ from the glue outputs, or a name the outputs do not glue
fails here, naming the notebook and the cell. The lab test (tests/lab/test_lab_prose.py) reads the values in the
real JupyterLab against the book's page."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import nbformat
import pytest

from briefing import glue as g
from briefing.paths import ROOT

CHAPTERS = ROOT / "chapters"
NOTEBOOKS = sorted(CHAPTERS.glob("*.ipynb"))


def record(name: str, text: str) -> dict:
    return {"output_type": "display_data", "metadata": {"scrapbook": {"mime_prefix": g.RECORD, "name": name}},
            "data": {g.RECORD + "text/plain": text}}


def notebook(prose: str, *outputs, code: str = "from myst_nb import glue\nglue('n', 3, display=False)") -> dict:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(code)
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    nb.cells = [nbformat.v4.new_markdown_cell(prose), cell]
    return nb


def test_convert_rewrites_roles_and_import_and_stores_values_once():
    nb = notebook("Of {glue:text}`n` facts, {glue}`n` and {glue:text}`who`.", record("n", "'61'"),
                  record("who", '"Pyongyang\'s"'))
    assert g.convert(nb, "x.ipynb") is True
    prose, code = nb.cells[0], nb.cells[1]
    assert prose.source == "Of {eval}`glue.n` facts, {eval}`glue.n` and {eval}`glue.who`."
    assert code.source.startswith(g.NEW_IMPORT)
    assert prose.metadata[g.METADATA] == [
        {"expression": "glue.n", "result": {"status": "ok", "data": {"text/plain": "'61'"}, "metadata": {}}},
        {"expression": "glue.who", "result": {"status": "ok", "data": {"text/plain": '"Pyongyang\'s"'},
                                              "metadata": {}}}]
    again = copy.deepcopy(nb)
    assert g.convert(again, "x.ipynb") is False and again == nb, "a second run changes nothing"
    assert g.stale(nb) == []


def test_convert_refreshes_stale_values_and_names_what_it_cannot_read():
    nb = notebook("Of {glue:text}`n` facts.", record("n", "'61'"))
    g.convert(nb)
    nb.cells[1].outputs[0]["data"][g.RECORD + "text/plain"] = "'62'"  # re-executed: a new value
    assert g.stale(nb, "x.ipynb") == ["x.ipynb: cell 0: glue roles left, or stored values stale "
                                      "(run `python -m briefing.glue`)"]
    g.convert(nb)
    assert nb.cells[0].metadata[g.METADATA][0]["result"]["data"]["text/plain"] == "'62'"
    with pytest.raises(g.GlueError, match=r"x.ipynb: cell 0: m not glued in the stored outputs"):
        g.convert(notebook("{glue:text}`m`", record("n", "'61'")), "x.ipynb")
    with pytest.raises(g.GlueError, match=r"cell 0: .*no path, no format"):
        g.convert(notebook("{glue:text}`n:.2f`", record("n", "3.0")), "x.ipynb")
    with pytest.raises(g.GlueError, match=r"reads only glue.NAME, NAME glued, not n"):
        g.convert(notebook("{eval}`n`", record("n", "'61'")), "x.ipynb")
    with pytest.raises(g.GlueError, match=r"glues without `from briefing.glue import glue`"):
        g.convert(notebook("{glue:text}`n`", record("n", "'61'"), code="import myst_nb\nmyst_nb.glue('n', 3)"))


def test_stale_reports_a_role_left_in_prose():
    nb = notebook("Of {glue:text}`n` facts.", record("n", "'61'"))
    assert g.stale(nb, "x.ipynb")[0].startswith("x.ipynb: cell 0")


def test_glue_keeps_each_value_readable_by_name_and_never_as_a_variable():
    glue = g.Glue()
    glue("n_facts", 61, display=False)
    assert glue.n_facts == 61 and dir(glue) == ["n_facts"]
    with pytest.raises(AttributeError, match="nothing is glued as 'n_other'"):
        glue.n_other
    with pytest.raises(g.GlueError, match="not a plain identifier"):
        glue("n-facts", 61, display=False)
    with pytest.raises(AttributeError):
        glue.n_facts = 62


def test_key_of_reads_only_glued_names():
    assert g.key_of(" glue.n_claims ") == "n_claims"
    assert [g.key_of(e) for e in ("n_claims", "glue.", "glue.a.b", "glue.x + 1", "len(glue.x)")] == [None] * 5


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_is_converted_and_its_stored_values_current(path):
    nb = nbformat.read(path, as_version=4)
    assert g.stale(nb, path.name) == [], "run `make notebooks` (or `python -m briefing.glue chapters/*.ipynb`)"


def test_the_command_is_idempotent_on_a_copy_of_the_notebooks(tmp_path):
    for path in NOTEBOOKS:
        (tmp_path / path.name).write_bytes(path.read_bytes())
    copies = sorted(tmp_path.glob("*.ipynb"))
    run = subprocess.run([sys.executable, "-m", "briefing.glue", *map(str, copies)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert all((tmp_path / p.name).read_bytes() == p.read_bytes() for p in NOTEBOOKS), "the command changed a file"
    assert "up to date" in run.stdout and "converted" not in run.stdout


def test_the_glued_values_are_those_the_notebooks_glue():
    """Each stored expression's value is the glue output's (a finding: its text with those values), in every notebook
    that reads one."""
    seen = 0
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        values = g.glued_values(nb)
        for cell in nb["cells"]:
            for item in cell.get("metadata", {}).get(g.METADATA, []):
                finding = g.finding_of(item["expression"])
                if finding:  # a finding's text, filled with the same values
                    assert item["result"]["data"] == g.finding_bundle(finding, values)
                else:
                    assert g.plain(item["result"]["data"]["text/plain"]) == values[g.key_of(item["expression"])]
                seen += 1
    assert seen > 50
