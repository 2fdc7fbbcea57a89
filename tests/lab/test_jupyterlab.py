"""The rerun path in the real client: JupyterLab from its own lock (.venv-lab, `make lab-setup`), driven by the same
headless Chromium as the book's browser tests (fixtures in ``conftest.py``: one lab and one browser per session).

Each notebook is opened once, in a workspace of its own, and run once from the Run menu; every check reads that
one run:

- its prose, as stored (before any cell runs): every glued value and every finding reads as on the book's page
  (``test_lab_prose.misreadings``), none shows as its key or id, no MyST role shows raw;
- its prose after Run All, the stored values first replaced by a stale one, so each value shown is the kernel's;
- every figure drawn by JupyterLab's own Vega renderer, with marks; no cell shows an error;
- the browser asked for nothing off 127.0.0.1, and Vega logged no error.
"""

from __future__ import annotations

import json
import os
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from briefing.charts import VEGA_LITE_MIME
from test_lab_prose import (CELLS_JS, STALE, STALE_JS, WITH_PROSE, book_findings, book_values, misreadings,
                            prose_findings, prose_keys)

pytestmark = pytest.mark.lab

REPO = Path(__file__).resolve().parents[2]
RUN_TIMEOUT_MS = int(os.environ.get("BRIEFING_LAB_TIMEOUT_MS", 240_000))
SHOTS = REPO / "_build" / "screenshots"


def figure_counts() -> dict[str, int]:
    """Every notebook of chapters/, and how many figures it stores (outputs with the Vega-Lite member)."""
    counts = {}
    for nb in sorted((REPO / "chapters").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        n = sum(VEGA_LITE_MIME in out.get("data", {}) for c in cells for out in c.get("outputs", []))
        counts[nb.name] = n
    return counts


NOTEBOOKS = figure_counts()

KERNEL_READY_JS = """() => {
  const app = window.jupyterapp;
  const widget = app && app.shell.currentWidget;
  const kernel = widget && widget.sessionContext && widget.sessionContext.session
    && widget.sessionContext.session.kernel;
  return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}"""

CLEARED_JS = """() => {
  const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
  return !!nb && !nb.querySelector('.jp-OutputArea-output')
    && [...nb.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].every(p => p.textContent.trim() === '[ ]:');
}"""

DONE_JS = """([expected]) => { const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
  if (!nb) return false;
  const prompts = [...nb.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim());
  const done = prompts.length && prompts.every(p => /^\\[\\d+\\]:$/.test(p));
  const drawn = [...nb.querySelectorAll('.jp-RenderedVegaLite, .jp-RenderedVega5')]
    .filter(v => v.querySelector('svg g.role-mark, canvas')).length;
  return done && drawn >= expected; }"""

STATE_JS = """() => {
  const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
  if (!nb) return null;
  const prompts = [...nb.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim());
  const views = [...nb.querySelectorAll('.jp-RenderedVegaLite, .jp-RenderedVega5')].map(v => {
    const svg = v.querySelector('svg');
    return {svg: !!svg, marks: svg ? svg.querySelectorAll('g.role-mark > *').length : 0,
            error: v.textContent.includes('Error')};
  });
  const errors = [...nb.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]')]
    .map(e => e.textContent.slice(0, 300));
  return {prompts, views, errors};
}"""


@dataclass
class Prose:
    """What the stored notebook's Markdown names and what the book's page shows for it."""
    keys: list[list[str]]
    values: list[str]
    findings: list[list[str]]
    texts: dict[str, str]

    @classmethod
    def of(cls, name: str) -> "Prose":
        return cls(prose_keys(name), book_values(name), prose_findings(name), book_findings(name))

    @property
    def cells(self) -> int:
        """The Markdown cells that hold a glued value or a finding (each stores its user_expressions)."""
        return sum(1 for ks, fs in zip(self.keys, self.findings) if ks or fs)

    def read(self, page, timeout_s: int = 15) -> tuple[list[str], int]:
        """Poll the rendered cells until they read as the book (the renderers settle asynchronously); the last
        reading's errors otherwise, and how many keys or ids showed as themselves."""
        errors, shown = ["not read"], 0
        for _ in range(timeout_s * 2):
            errors, shown = misreadings(self.keys, self.values, page.evaluate(CELLS_JS), self.findings, self.texts)
            if not errors:
                break
            page.wait_for_timeout(500)
        return errors, shown


@dataclass
class Run:
    """One notebook opened and run once in JupyterLab, and what each check reads from it."""
    name: str
    finished: bool = False
    state: dict | None = None
    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    opened: list[str] | None = None  # the prose's misreadings as stored; None: no prose to read
    staled: int | None = None
    ran: list[str] | None = None  # ... after Run All (None: the run did not finish)
    seconds: float = 0.0


def stop_kernels(lab):
    """Shut down every kernel the lab started (each notebook's kernel would otherwise keep a core busy)."""
    api = f"{lab['base']}/api/kernels"
    headers = {"Authorization": f"token {lab['token']}"}
    with urllib.request.urlopen(urllib.request.Request(api, headers=headers), timeout=10) as r:
        kernels = json.load(r)
    for k in kernels:
        urllib.request.urlopen(urllib.request.Request(f"{api}/{k['id']}", method="DELETE", headers=headers),
                               timeout=10)


def run_notebook(browser, lab, name: str, timeout_ms: int = RUN_TIMEOUT_MS) -> Run:
    """Open the notebook in a reset workspace and read its prose as stored; once its kernel is idle, replace the
    stored values by a stale one and clear the outputs; run all cells from the Run menu, wait until every code cell
    has run and every figure is drawn, and read the prose and the outputs again."""
    started = time.monotonic()
    run = Run(name)
    prose = Prose.of(name) if name in WITH_PROSE else None
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.on("request", lambda r: run.requests.append(r.url))
    page.on("console", lambda m: run.console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning")
            else None)
    try:
        # A workspace of its own, reset: only this notebook is open (the lab would restore every earlier tab).
        page.goto(f"{lab['base']}/lab/workspaces/{Path(name).stem}/tree/{name}?reset&token={lab['token']}",
                  wait_until="load")
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=60_000)
        if prose:
            run.opened, shown = prose.read(page)
            print(f"{name}: opened: {sum(map(len, prose.keys))} glued values and "
                  f"{sum(map(len, prose.findings))} findings, {shown} show as their names")
        # Wait until the notebook's kernel is connected and idle: execute requests sent while its WebSocket is
        # still connecting can be lost, and the cells then never run.
        page.wait_for_selector(".jp-NotebookPanel-toolbar .jp-KernelName", timeout=60_000)
        page.wait_for_function(KERNEL_READY_JS, timeout=120_000, polling=250)
        if prose:
            # The stored values are replaced by a stale one first, so that after Run All each value shown is the
            # kernel's answer to the cell's expression (jupyterlab-myst evaluates them as each Markdown cell runs).
            run.staled = page.evaluate(STALE_JS)
            if run.staled:
                page.wait_for_function(f"() => document.body.innerText.includes('{STALE}')", timeout=10_000)
        # Clear the stored outputs (JupyterLab draws them on opening), so that only this run's outputs count; then
        # run all cells: the commands of the Edit menu's "Clear Outputs of All Cells" and the Run menu's "Run All
        # Cells", called directly.
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        page.wait_for_function(CLEARED_JS, timeout=30_000, polling=250)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(DONE_JS, arg=[NOTEBOOKS[name]], timeout=timeout_ms, polling=250)
        run.finished = True
        if prose:
            run.ran, shown = prose.read(page)
            print(f"{name}: after Run All: {shown} show as their names")
    except PlaywrightTimeout:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"lab-{name}.png"), full_page=False)
    finally:
        try:
            run.state = page.evaluate(STATE_JS)
        finally:
            ctx.close()
            stop_kernels(lab)
        run.seconds = time.monotonic() - started
    return run


@pytest.fixture(scope="module")
def runs(lab, browser):
    """runs(name) -> Run: each notebook opened and run once in the session's JupyterLab, on the first check that
    reads it."""
    done: dict[str, Run] = {}

    def get(name: str) -> Run:
        if name not in done:
            done[name] = run_notebook(browser, lab, name)
        return done[name]
    return get


@pytest.mark.parametrize("name", WITH_PROSE)
def test_prose_reads_as_in_the_book_when_opened(runs, name):
    run = runs(name)
    assert run.opened is not None, f"{name}: the notebook did not open: {run.state}"
    assert not run.opened, f"{name}, as stored (before any cell runs): {run.opened}"


@pytest.mark.parametrize("name", WITH_PROSE)
def test_prose_reads_as_in_the_book_after_run_all(runs, name):
    run = runs(name)
    cells = Prose.of(name).cells
    assert run.staled == cells, f"{name}: {run.staled} Markdown cells held stored values, {cells} should"
    assert run.ran is not None, f"{name}: Run All did not finish: {run.state}"
    assert not run.ran, f"{name}, after Run All: {run.ran}"


@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_notebook_runs_and_draws_every_figure_in_jupyterlab(runs, name):
    run = runs(name)
    state = run.state
    assert run.finished, (f"{name}: not every cell ran and drew its figures within {RUN_TIMEOUT_MS // 1000} s: "
                          f"{state}; console: {run.console[-8:]}; screenshot in {SHOTS}")
    assert not state["errors"], f"{name}: error output in JupyterLab: {state['errors']}"
    assert len(state["views"]) == NOTEBOOKS[name], (f"{name}: {len(state['views'])} Vega views, "
                                                    f"expected {NOTEBOOKS[name]}")
    empty = [i for i, v in enumerate(state["views"]) if not (v["svg"] and v["marks"]) or v["error"]]
    assert not empty, f"{name}: figures drawn without marks in JupyterLab: {empty} of {state['views']}"
    off_site = sorted({u for u in run.requests if urlsplit(u).hostname not in {"127.0.0.1", "localhost"}
                       and not u.startswith(("data:", "blob:"))})
    assert not off_site, f"{name}: JupyterLab asked for addresses off localhost: {off_site}"
    vega_errors = [c for c in run.console if "vega" in c.lower()]
    assert not vega_errors, f"{name}: Vega errors in the console: {vega_errors}"
    print(f"{name}: {NOTEBOOKS[name]} figures drawn in JupyterLab; opened and run in {run.seconds:.1f} s")
