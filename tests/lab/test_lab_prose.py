"""The notebook's prose in the real client: JupyterLab (.venv-lab) renders MyST in Markdown cells through
jupyterlab-myst. Every glued value must read as its value, the same as on the book's page, both when the stored
notebook is opened (before any cell runs) and after Run All; no MyST role may show raw.

The book's value of each glued figure is read from the built page (``_build/html``: myst-nb pastes each one as a
``span.pasted-text``, in the order of the prose); the notebook's Markdown cells name the glued keys in the same
order. In JupyterLab, each Markdown cell's rendered text must hold its book values in order and none of its keys.
"""

from __future__ import annotations

import json
import re

import pytest

from test_jupyterlab import REPO, _stop_kernels, browser, lab  # noqa: F401  (fixtures)

pytestmark = pytest.mark.lab

RAW_ROLE = re.compile(r"\{[a-z]+(?::[a-z]+)?\}`")
# A glued value in a notebook's prose: myst-nb's roles, or the inline expression that shows it in JupyterLab.
GLUED = re.compile(r"\{(?:glue(?::text)?\}`|eval\}`glue\.)([^`]*)`")
BOOK = REPO / "_build" / "html" / "chapters"

# The rendered text of every Markdown cell, in the notebook's order (the editor's source is hidden, so innerText
# holds only what the reader sees).
CELLS_JS = """() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell')]
  .map(c => { const r = c.querySelector('.jp-RenderedMarkdown, .myst'); return r ? r.innerText : ''; })"""

RUN_DONE_JS = """() => { const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
  if (!nb) return false;
  const prompts = [...nb.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim());
  return prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:$/.test(p)); }"""


# Every stored user_expression of the open notebook's Markdown cells set to a stale value; how many cells held them.
STALE = "stale-value"
STALE_JS = """() => { let n = 0;
  for (const c of window.jupyterapp.shell.currentWidget.content.widgets) {
    const stored = c.model.type === 'markdown' && c.model.getMetadata('user_expressions');
    if (stored) { n++; c.model.setMetadata('user_expressions', stored.map(x => ({expression: x.expression,
      result: {status: 'ok', data: {'text/plain': "'%s'"}, metadata: {}}}))); } }
  return n; }""" % STALE


def prose_keys(name: str) -> list[list[str]]:
    """The glued keys of each Markdown cell of a stored notebook, in order."""
    cells = json.loads((REPO / "chapters" / name).read_text(encoding="utf-8"))["cells"]
    return [GLUED.findall("".join(c["source"])) for c in cells if c["cell_type"] == "markdown"]


def book_values(name: str) -> list[str]:
    """The glued values the book's page shows in the notebook's own prose, in order: pasted values inside a finding
    (``{finding}`` renders data/findings.csv, whose placeholders the book fills) are the finding's, not the prose's."""
    from bs4 import BeautifulSoup

    page = BOOK / name.replace(".ipynb", ".html")
    if not page.is_file():
        pytest.fail(f"{page} is missing: run `make book` first (`make test` does)")
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [span.get_text() for span in soup.select("span.pasted-text")
            if not span.find_parent(class_="briefing-finding")]


def _norm(text: str) -> str:
    # The book's smart quotes and dashes against the lab's plain ones; runs of white space as one.
    text = text.translate(str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "\u00a0": " "}))
    return re.sub(r"\s+", " ", text).strip()


def misreadings(keys: list[list[str]], values: list[str], texts: list[str]) -> tuple[list[str], int]:
    """What JupyterLab's rendering gets wrong against the book, and how many glued keys show as their names.

    ``keys``: each Markdown cell's glued keys; ``values``: the book's values in order; ``texts``: each cell's
    rendered text in JupyterLab."""
    flat = [k for ks in keys for k in ks]
    if len(flat) != len(values):
        return [f"the notebook glues {len(flat)} values into its prose, the book's page shows {len(values)}"], 0
    if len(texts) != len(keys):
        return [f"JupyterLab shows {len(texts)} Markdown cells, the notebook has {len(keys)}"], 0
    errors, shown, i = [], 0, 0
    for cell, (ks, text) in enumerate(zip(keys, texts)):
        text, pos = _norm(text), 0
        for key in ks:
            value = _norm(values[i])
            i += 1
            key_shows = re.search(rf"(?<![\w.]){re.escape(key)}(?![\w(])", text) and key != value
            if key_shows:
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


WITH_VALUES = sorted(p.name for p in (REPO / "chapters").glob("*.ipynb") if any(prose_keys(p.name)))


def test_the_notebooks_glue_values_into_their_prose():
    assert len(WITH_VALUES) >= 4, WITH_VALUES


def _read(page, keys, values, timeout_s=15):
    """Poll the rendered cells until they read as the book (the renderers settle asynchronously); the last
    reading's errors otherwise."""
    errors, shown = ["not read"], 0
    for _ in range(timeout_s * 2):
        errors, shown = misreadings(keys, values, page.evaluate(CELLS_JS))
        if not errors:
            break
        page.wait_for_timeout(500)
    return errors, shown


@pytest.mark.parametrize("name", WITH_VALUES)
def test_glued_values_read_as_in_the_book_when_opened_and_after_run_all(browser, lab, name):  # noqa: F811
    keys, values = prose_keys(name), book_values(name)
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    try:
        page.goto(f"{lab['base']}/lab/workspaces/prose-{name.split('.')[0]}/tree/{name}?reset&token={lab['token']}",
                  wait_until="load")
        page.wait_for_selector(".jp-NotebookPanel .jp-MarkdownCell", timeout=60_000, state="attached")
        opened, shown = _read(page, keys, values)
        print(f"{name}: opened: {sum(map(len, keys))} glued values, {shown} show as their keys")
        assert not opened, f"{name}, as stored (before any cell runs): {opened}"
        page.wait_for_function("""() => { const w = window.jupyterapp.shell.currentWidget;
            const k = w && w.sessionContext.session && w.sessionContext.session.kernel;
            return !!k && k.connectionStatus === 'connected' && k.status === 'idle'; }""", timeout=120_000)
        # The stored values are replaced by a stale one first, so that after Run All each value shown is the
        # kernel's answer to the cell's expression (jupyterlab-myst evaluates them as each Markdown cell runs).
        staled = page.evaluate(STALE_JS)
        assert staled == sum(1 for ks in keys if ks), f"{name}: {staled} Markdown cells held stored values"
        page.wait_for_function(f"() => document.body.innerText.includes('{STALE}')", timeout=10_000)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(RUN_DONE_JS, timeout=240_000, polling=250)
        ran, shown = _read(page, keys, values)
        print(f"{name}: after Run All: {shown} show as their keys")
        assert not ran, f"{name}, after Run All: {ran}"
    finally:
        ctx.close()
        _stop_kernels(lab)
