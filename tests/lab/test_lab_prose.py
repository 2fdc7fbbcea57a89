"""The notebook's prose in the real client, read against the book's page: JupyterLab (.venv-lab) renders MyST in
Markdown cells through jupyterlab-myst. Every glued value must read as its value and every finding as its text,
the same as on the book's page, both when the stored notebook is opened (before any cell runs) and after Run All;
no glued key or finding id may show in their place, and no MyST role may show raw.

This module holds the reading: what the stored notebook names, what the book shows, and :func:`misreadings`, which
compares them with JupyterLab's rendered cells. The lab itself runs once, in ``test_jupyterlab.py``, whose tests
read every notebook's prose through it, as opened and after Run All.

The book's value of each glued figure is read from the built page (``_build/html``: myst-nb pastes each one as a
``span.pasted-text``, in the order of the prose); each finding is the page's ``span#finding-<id>``. The notebook's
Markdown cells name the glued keys and the findings in the same order. In JupyterLab, each Markdown cell's rendered
text must hold its findings' texts and its book values in order, and none of its keys or finding ids.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from briefing.glue import shown_findings

pytestmark = pytest.mark.lab

REPO = Path(__file__).resolve().parents[2]
RAW_ROLE = re.compile(r"\{[a-z]+(?::[a-z]+)?\}`")
# A glued value in a notebook's prose: myst-nb's roles, or the inline expression that shows it in JupyterLab.
GLUED = re.compile(r"\{(?:glue(?::text)?\}`|eval\}`glue\.)(\w*)`")
BOOK = REPO / "_build" / "html" / "chapters"

# The rendered text of every Markdown cell of the notebook's panel (by its id), in the notebook's order (the
# editor's source is hidden, so innerText holds only what the reader sees).
CELLS_JS = """(id) => [...document.getElementById(id).querySelectorAll('.jp-MarkdownCell')]
  .map(c => { const r = c.querySelector('.jp-RenderedMarkdown, .myst'); return r ? r.innerText : ''; })"""

# Every stored user_expression of the panel's Markdown cells set to a stale value; how many cells held them.
STALE = "stale-value"
STALE_JS = """(id) => { let n = 0;
  const panel = [...window.jupyterapp.shell.widgets('main')].find(w => w.id === id);
  for (const c of panel.content.widgets) {
    const stored = c.model.type === 'markdown' && c.model.getMetadata('user_expressions');
    if (stored) { n++; c.model.setMetadata('user_expressions', stored.map(x => ({expression: x.expression,
      result: {status: 'ok', data: {'text/plain': "'%s'"}, metadata: {}}}))); } }
  return n; }""" % STALE


def _markdown(name: str) -> list[str]:
    cells = json.loads((REPO / "chapters" / name).read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]


def prose_keys(name: str) -> list[list[str]]:
    """The glued keys of each Markdown cell of a stored notebook, in order."""
    return [GLUED.findall(src) for src in _markdown(name)]


def prose_findings(name: str) -> list[list[str]]:
    """The findings each Markdown cell of a stored notebook shows (``{finding}`id``` or its inline expression)."""
    return [shown_findings(src) for src in _markdown(name)]


def _page(name: str):
    from bs4 import BeautifulSoup

    page = BOOK / name.replace(".ipynb", ".html")
    if not page.is_file():
        pytest.fail(f"{page} is missing: run `make book` first (`make test` does)")
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


def book_values(name: str) -> list[str]:
    """The glued values the book's page shows in the notebook's own prose, in order: pasted values inside a finding
    (``{finding}`` renders data/findings.csv, whose placeholders the book fills) are the finding's, not the prose's."""
    return [span.get_text() for span in _page(name).select("span.pasted-text")
            if not span.find_parent(class_="briefing-finding")]


def book_findings(name: str) -> dict[str, str]:
    """Each finding the book's page shows, by id: its text as the reader reads it."""
    spans = _page(name).select("span.briefing-finding")
    return {span["id"].removeprefix("finding-"): span.get_text() for span in spans}


def _norm(text: str) -> str:
    # The book's smart quotes and dashes against the lab's plain ones; runs of white space as one.
    text = text.translate(str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "\u00a0": " "}))
    return re.sub(r"\s+", " ", text).strip()


def _shows(name: str, text: str) -> bool:
    return bool(re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w(-])", text))


def misreadings(keys: list[list[str]], values: list[str], texts: list[str],
                findings: list[list[str]] | None = None, finding_texts: dict[str, str] | None = None
                ) -> tuple[list[str], int]:
    """What JupyterLab's rendering gets wrong against the book, and how many glued keys or finding ids show as
    their names.

    ``keys``: each Markdown cell's glued keys; ``values``: the book's values in order; ``texts``: each cell's
    rendered text in JupyterLab; ``findings``: each cell's finding ids; ``finding_texts``: the book's text of each.
    A cell's findings are read first and cut out of its text: the values inside them are the finding's."""
    findings = findings or [[] for _ in keys]
    finding_texts = finding_texts or {}
    flat = [k for ks in keys for k in ks]
    if len(flat) != len(values):
        return [f"the notebook glues {len(flat)} values into its prose, the book's page shows {len(values)}"], 0
    if len(texts) != len(keys):
        return [f"JupyterLab shows {len(texts)} Markdown cells, the notebook has {len(keys)}"], 0
    missing = sorted({f for fs in findings for f in fs} - set(finding_texts))
    if missing:
        return [f"the notebook shows findings the book's page does not: {missing}"], 0
    errors, shown, i = [], 0, 0
    for cell, (ks, fs, text) in enumerate(zip(keys, findings, texts)):
        text, pos = _norm(text), 0
        for fid in fs:
            book = _norm(finding_texts[fid])
            found = text.find(book)
            if found < 0:
                if _shows(fid, text):
                    shown += 1
                    errors.append(f"cell {cell}: the finding {fid!r} shows as its id where the book reads {book!r}")
                else:
                    errors.append(f"cell {cell}: the finding {fid!r} does not read {book!r} as on the book's page")
                continue
            text = text[:found] + " | " + text[found + len(book):]
        for key in ks:
            value = _norm(values[i])
            i += 1
            if _shows(key, text) and key != value:
                shown += 1
                errors.append(f"cell {cell}: the key {key!r} shows where the book reads {value!r}")
                continue
            found = text.find(value, pos)
            if found < 0:
                errors.append(f"cell {cell}: {key!r} does not read {value!r} as on the book's page")
                continue
            pos = found + len(value)
        raw = RAW_ROLE.findall(text)
        if raw:
            errors.append(f"cell {cell}: MyST roles shown raw: {raw}")
    return errors, shown


def test_the_check_fails_on_a_key_a_wrong_value_and_a_raw_role():
    keys, values = [["n_claims", "ex_trend"]], ["12", "rose"]
    assert misreadings(keys, values, ["Of 12 claims, exercises rose."]) == ([], 0)
    errors, shown = misreadings(keys, values, ["Of n_claims claims, exercises rose."])
    assert shown == 1 and "'n_claims' shows" in errors[0]
    errors, _ = misreadings(keys, values, ["Of 11 claims, exercises rose."])
    assert "does not read '12'" in errors[0]
    errors, _ = misreadings(keys, values, ["Of 12 claims, exercises {glue:text}`ex_trend`."])
    assert any("shown raw" in e for e in errors)
    assert "the book's page shows 1" in misreadings(keys, ["12"], ["Of 12 claims."])[0][0]


def test_the_check_fails_on_a_finding_shown_as_its_id_or_misread():
    """As jupyterlab-myst shows an unknown role, ``{finding}`thaw-b1``` reads as 'thaw-b1'."""
    book = {"thaw-b1": "Ties deepened. They rose 12 times (c018). Moderate confidence."}
    keys, findings, values = [["n"]], [["thaw-b1"]], ["12"]
    good = "Bottom line 1. Ties deepened. They rose 12 times (c018). Moderate confidence. Of 12 claims."
    assert misreadings(keys, values, [good], findings, book) == ([], 0)
    errors, shown = misreadings(keys, values, ["Bottom line 1. thaw-b1 Of 12 claims."], findings, book)
    assert shown == 1 and "the finding 'thaw-b1' shows as its id" in errors[0]
    errors, shown = misreadings(keys, values, ["1. Ties deepened. They rose 11 times (c018). Moderate confidence. "
                                               "Of 12 claims."], findings, book)
    assert shown == 0 and "'thaw-b1' does not read" in errors[0]
    # The value inside the finding is the finding's: the prose's own 12 must still be there.
    errors, _ = misreadings(keys, values, ["1. Ties deepened. They rose 12 times (c018). Moderate confidence. "
                                           "Of n claims."], findings, book)
    assert errors == ["cell 0: the key 'n' shows where the book reads '12'"]
    assert "does not" in misreadings(keys, values, [good], [["thaw-b2"]], book)[0][0]


WITH_PROSE = sorted(p.name for p in (REPO / "chapters").glob("*.ipynb")
                    if any(prose_keys(p.name)) or any(prose_findings(p.name)))


def test_the_notebooks_glue_values_and_show_findings_in_their_prose():
    assert len(WITH_PROSE) >= 4, WITH_PROSE
    assert sum(len(fs) for name in WITH_PROSE for fs in prose_findings(name)) >= 40
