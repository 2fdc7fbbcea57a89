"""A finding reads as its text in every face of a notebook (briefing.glue, briefing.findings): the prose's
{eval}`glue.finding("id")`, which the converter writes for {finding}`id` and whose stored user_expressions
JupyterLab shows before any cell runs; the kernel's glue.finding(id) after Run All; the book's eval role, which
hands it to the {finding} role; and the static rendering. The lab test (tests/lab/) reads them in JupyterLab."""

from __future__ import annotations

import re

import nbformat
import pytest

from briefing import glue as g
from briefing.computation import resolve_roles
from briefing.findings import PLACEHOLDER, finding_myst, finding_plain, known_findings


def _with_values():
    """A finding whose text has placeholders, its id and the names it needs."""
    fid, row = next((i, r) for i, r in known_findings().items() if PLACEHOLDER.search(r["text"]))
    return fid, row, PLACEHOLDER.findall(row["text"] + (row.get("headline") or ""))


def _record(name: str, text: str) -> dict:
    return {"output_type": "display_data", "metadata": {"scrapbook": {"mime_prefix": g.RECORD, "name": name}},
            "data": {g.RECORD + "text/plain": text}}


def _notebook(prose: str, values: dict[str, str]):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("from briefing.glue import glue\n" +
                                     "\n".join(f"glue({n!r}, {v!r}, display=False)" for n, v in values.items()))
    cell.outputs = [nbformat.from_dict(_record(n, repr(v))) for n, v in values.items()]
    nb.cells = [nbformat.v4.new_markdown_cell(prose), cell]
    return nb


def test_convert_writes_the_expression_and_stores_the_filled_finding():
    fid, row, names = _with_values()
    values = {n: f"US$1*{i}" for i, n in enumerate(names)}  # markup in a value stays text
    nb = _notebook(f"1. {{finding}}`{fid}` and {{glue:text}}`{names[0]}`", values)
    assert g.convert(nb, "x.ipynb")
    prose = nb.cells[0]
    assert prose.source == f'1. {{eval}}`glue.finding("{fid}")` and {{eval}}`glue.{names[0]}`'
    stored = prose.metadata[g.METADATA]
    assert [s["expression"] for s in stored] == [f'glue.finding("{fid}")', f"glue.{names[0]}"]
    bundle = stored[0]["result"]["data"]
    assert bundle == g.finding_bundle(fid, values)
    assert "US\\$1\\*0" in bundle["text/markdown"] and "US$1*0" in bundle["text/plain"]
    assert "{" not in bundle["text/plain"] and "*" + row["confidence"].capitalize() in bundle["text/markdown"]
    assert not g.convert(nb, "x.ipynb"), "converting again changes nothing"
    assert g.shown_findings(prose.source) == [fid] == g.shown_findings(f"- {{finding}}`{fid}`")


def test_convert_names_the_notebook_cell_finding_and_value_it_cannot_fill():
    fid, _row, names = _with_values()
    with pytest.raises(g.GlueError, match=rf"x.ipynb: cell 0: .*finding {fid} needs the glued value '{names[0]}'"):
        g.convert(_notebook(f"{{finding}}`{fid}`", {}), "x.ipynb")
    with pytest.raises(g.GlueError, match=r"x.ipynb: cell 0: .*no finding zz-9 in data/findings.csv"):
        g.convert(_notebook("{finding}`zz-9`", {}), "x.ipynb")
    assert g.stale(_notebook(f"{{finding}}`{fid}`", {}), "x.ipynb")[0].startswith("x.ipynb: cell 0:")


def test_the_kernel_answers_with_the_stored_bundle():
    """In the kernel, glue.finding(id) is an error until its values are glued, then the bundle convert stores."""
    from IPython.core.interactiveshell import InteractiveShell

    fid, _row, names = _with_values()
    shell = InteractiveShell.instance()
    shell.run_cell("from briefing.glue import Glue\nglue = Glue()")
    expression = {"f": g.finding_expression(fid)}
    early = shell.user_expressions(expression)["f"]
    assert early["status"] == "error" and names[0] in early["evalue"]
    values = {n: 1000 + i for i, n in enumerate(names)}
    for n, v in values.items():
        shell.run_cell(f"glue({n!r}, {v!r}, display=False)")
    late = shell.user_expressions(expression)["f"]
    assert late["status"] == "ok"
    assert late["data"] == g.finding_bundle(fid, {n: str(v) for n, v in values.items()})
    with pytest.raises(g.GlueError, match="taken"):
        g.Glue()("finding", 1, display=False)


def test_the_book_and_the_static_rendering_read_the_expression_as_the_role():
    fid, _row, names = _with_values()
    glued = {n: f"<{n}>" for n in names}
    expression = f"{{eval}}`{g.finding_expression(fid)}`"
    assert resolve_roles(expression, glued) == resolve_roles(f"{{finding}}`{fid}`", glued)
    assert all(v in resolve_roles(expression, glued) for v in glued.values())
    # The book's eval role hands the expression to the finding role, unchanged but for the id.
    seen = []
    role = g.eval_role(lambda *args: seen.append(args) or ([], []))
    assert role("eval", f"{{eval}}`{g.finding_expression(fid)}`", g.finding_expression(fid), 3, None) == ([], [])
    assert seen[0][:4] == ("finding", f"{{eval}}`{g.finding_expression(fid)}`", fid, 3)


def test_the_plain_text_is_the_markdown_without_markup():
    fid, row, names = _with_values()
    myst = finding_myst(row, {n: "7" for n in names})
    plain = finding_plain(myst)
    assert "**" not in plain and "{claim}" not in plain and "{call}" not in plain and "`" not in plain
    assert re.sub(r"[*]", "", re.sub(r"\{[a-z]+\}`([^`]*)`", r"\1", myst)) == plain
    # The book's own form is unchanged: each placeholder a glue role.
    assert all(f"{{glue:text}}`{n}`" in finding_myst(row) for n in names)
