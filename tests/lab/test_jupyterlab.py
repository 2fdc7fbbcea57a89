"""The rerun path in the real client: JupyterLab from its own lock (.venv-lab, `make lab-setup`), driven by the same
headless Chromium as the book's browser tests (fixtures in ``conftest.py``: one lab and one browser per session).

JupyterLab's web app is loaded once, in one page, for the module (loading it cost more than most runs). Each
notebook is opened in it once, through the lab's own command (File > Open's), run once with the Run menu's command,
then closed and its kernel shut down before the next opens; every check reads that one run, in that notebook's own
panel:

- its prose, as stored (before any cell runs): every glued value and every finding reads as on the book's page
  (``test_lab_prose.misreadings``), none shows as its key or id, no MyST role shows raw;
- its prose after Run All, the stored values first replaced by a stale one, so each value shown is the kernel's;
- every figure drawn by JupyterLab's own Vega renderer, with marks; no cell shows an error;
- the browser asked for nothing off 127.0.0.1, and Vega logged no error, while the notebook was open (and while
  the app loaded: ``test_jupyterlab_loads_asking_for_nothing_off_localhost``).
"""

from __future__ import annotations

import json
import os
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from briefing.charts import VEGA_LITE_MIME
from support.harness import is_local
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

# The notebook's own panel, by its id (JupyterLab numbers them notebook-1, notebook-2, ... as it opens them).
PANEL = "const panel = [...window.jupyterapp.shell.widgets('main')].find(w => w.id === id);"

# The commands the test runs registered (the plugins that add them may activate after the app is exposed); polled
# synchronously (a predicate's promise would count as true at once), the app's restoring awaited after.
LOADED_JS = """() => { const app = window.jupyterapp;
  return !!app && ['docmanager:open', 'notebook:clear-all-cell-outputs', 'notebook:run-all-cells']
    .every(c => app.commands.hasCommand(c)); }"""

# Open the notebook as File > Open does (the document manager's command, the Notebook view); its panel's id.
OPEN_JS = """async (path) => {
  const panel = await window.jupyterapp.commands.execute('docmanager:open', {path, factory: 'Notebook'});
  return panel.id; }"""

KERNEL_READY_JS = """(id) => { %s
  const kernel = panel && panel.sessionContext.session && panel.sessionContext.session.kernel;
  return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle'; }""" % PANEL

# Closed without saving (the test changed it; the copy is the test's own), its kernel shut down as the Kernel
# menu's "Shut Down Kernel" does; not awaited: the next notebook opens while the old kernel exits.
CLOSE_JS = """(id) => { %s
  if (panel) { panel.sessionContext.shutdown(); panel.context.model.dirty = false; panel.dispose(); } }""" % PANEL

CLEARED_JS = """(id) => { const nb = document.querySelector('#' + id + ' .jp-Notebook');
  return !!nb && !nb.querySelector('.jp-OutputArea-output')
    && [...nb.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].every(p => p.textContent.trim() === '[ ]:'); }"""

DONE_JS = """([id, expected]) => { const nb = document.querySelector('#' + id + ' .jp-Notebook');
  if (!nb) return false;
  const prompts = [...nb.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim());
  const done = prompts.length && prompts.every(p => /^\\[\\d+\\]:$/.test(p));
  const drawn = [...nb.querySelectorAll('.jp-RenderedVegaLite, .jp-RenderedVega5')]
    .filter(v => v.querySelector('svg g.role-mark, canvas')).length;
  return done && drawn >= expected; }"""

STATE_JS = """(id) => { const nb = document.querySelector('#' + id + ' .jp-Notebook');
  if (!nb) return null;
  const prompts = [...nb.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim());
  const views = [...nb.querySelectorAll('.jp-RenderedVegaLite, .jp-RenderedVega5')].map(v => {
    const svg = v.querySelector('svg');
    return {svg: !!svg, marks: svg ? svg.querySelectorAll('g.role-mark > *').length : 0,
            error: v.textContent.includes('Error')};
  });
  const errors = [...nb.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]')]
    .map(e => e.textContent.slice(0, 300));
  return {prompts, views, errors}; }"""


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

    def read(self, page, panel: str, timeout_s: int = 15) -> tuple[list[str], int]:
        """Poll the panel's rendered cells until they read as the book (the renderers settle asynchronously); the
        last reading's errors otherwise, and how many keys or ids showed as themselves."""
        errors, shown = ["not read"], 0
        for _ in range(timeout_s * 2):
            errors, shown = misreadings(self.keys, self.values, page.evaluate(CELLS_JS, panel), self.findings,
                                        self.texts)
            if not errors:
                break
            page.wait_for_timeout(500)
        return errors, shown


@dataclass
class Run:
    """One notebook opened and run once in JupyterLab, and what each check reads from it (the requests and console
    messages are the page's while this notebook was open; ``LabApp.loading`` holds those of loading the app)."""
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
    """Shut down every kernel the lab still runs (a notebook that did not finish would otherwise keep a core busy;
    each notebook that finishes shuts its own down as it closes)."""
    api = f"{lab['base']}/api/kernels"
    headers = {"Authorization": f"token {lab['token']}"}
    with urllib.request.urlopen(urllib.request.Request(api, headers=headers), timeout=10) as r:
        kernels = json.load(r)
    for k in kernels:
        urllib.request.urlopen(urllib.request.Request(f"{api}/{k['id']}", method="DELETE", headers=headers),
                               timeout=10)


class LabApp:
    """JupyterLab's web app, loaded once in one page for the module (loading it is most of opening a notebook);
    the notebooks are opened in it one at a time, each closed and its kernel shut down before the next. The page's
    requests and console messages go to the run of the notebook open at the time."""

    def __init__(self, browser, lab):
        self.lab = lab
        self.ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.ctx.new_page()
        self.loading = self.current = Run("(loading JupyterLab)")
        self.page.on("request", lambda r: self.current.requests.append(r.url))
        self.page.on("console", lambda m: self.current.console.append(f"{m.type}: {m.text}")
                     if m.type in ("error", "warning") else None)
        self.load()

    def load(self):
        # A workspace of its own, reset: nothing restored from an earlier run (the lab would reopen every tab).
        self.page.goto(f"{self.lab['base']}/lab/workspaces/briefing-tests?reset&token={self.lab['token']}",
                       wait_until="load")
        self.page.wait_for_function(LOADED_JS, timeout=60_000, polling=250)
        self.page.evaluate("async () => { await window.jupyterapp.restored; }")

    def run(self, name: str, timeout_ms: int = RUN_TIMEOUT_MS) -> Run:
        """Open the notebook and read its prose as stored; once its kernel is idle, replace the stored values by a
        stale one and clear the outputs; run all cells with the Run menu's command, wait until every code cell has
        run and every figure is drawn, and read the prose and the outputs again. Then close it."""
        started = time.monotonic()
        run = self.current = Run(name)
        prose = Prose.of(name) if name in WITH_PROSE else None
        page, panel = self.page, None
        try:
            panel = page.evaluate(OPEN_JS, name)
            page.wait_for_selector(f"#{panel} .jp-Notebook .jp-Cell", timeout=60_000)
            if prose:
                run.opened, shown = prose.read(page, panel)
                print(f"{name}: opened: {sum(map(len, prose.keys))} glued values and "
                      f"{sum(map(len, prose.findings))} findings, {shown} show as their names")
            # Wait until the notebook's kernel is connected and idle: execute requests sent while its WebSocket is
            # still connecting can be lost, and the cells then never run.
            page.wait_for_selector(f"#{panel} .jp-NotebookPanel-toolbar .jp-KernelName", timeout=60_000)
            page.wait_for_function(KERNEL_READY_JS, arg=panel, timeout=120_000, polling=250)
            if prose:
                # The stored values are replaced by a stale one first, so that after Run All each value shown is
                # the kernel's answer to the cell's expression (jupyterlab-myst evaluates them as each Markdown
                # cell runs).
                run.staled = page.evaluate(STALE_JS, panel)
                if run.staled:
                    page.wait_for_function(f"(id) => document.getElementById(id).innerText.includes('{STALE}')",
                                           arg=panel, timeout=10_000)
            # Clear the stored outputs (JupyterLab draws them on opening), so that only this run's outputs count;
            # then run all cells: the commands of the Edit menu's "Clear Outputs of All Cells" and the Run menu's
            # "Run All Cells", called directly on this notebook's panel.
            page.evaluate("(id) => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs', "
                          "{widgetId: id})", panel)
            page.wait_for_function(CLEARED_JS, arg=panel, timeout=30_000, polling=250)
            page.evaluate("(id) => window.jupyterapp.commands.execute('notebook:run-all-cells', {widgetId: id})",
                          panel)
            page.wait_for_function(DONE_JS, arg=[panel, NOTEBOOKS[name]], timeout=timeout_ms, polling=250)
            run.finished = True
            if prose:
                run.ran, shown = prose.read(page, panel)
                print(f"{name}: after Run All: {shown} show as their names")
        except PlaywrightTimeout:
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"lab-{name}.png"), full_page=False)
        finally:
            try:
                if panel:
                    run.state = page.evaluate(STATE_JS, panel)
                    page.evaluate(CLOSE_JS, panel)
            finally:
                if not run.finished:
                    # A notebook that did not finish may leave its kernel and the app busy: the next one gets a
                    # fresh load.
                    stop_kernels(self.lab)
                    self.current = Run("(reloading JupyterLab)")
                    self.load()
            run.seconds = time.monotonic() - started
        return run

    def close(self):
        self.ctx.close()
        stop_kernels(self.lab)


@pytest.fixture(scope="module")
def app(lab, browser):
    """The lab's web app, loaded once in one browser page for the module."""
    a = LabApp(browser, lab)
    yield a
    a.close()


@pytest.fixture(scope="module")
def runs(app):
    """runs(name) -> Run: each notebook opened and run once in the module's JupyterLab page, on the first check
    that reads it."""
    done: dict[str, Run] = {}

    def get(name: str) -> Run:
        if name not in done:
            done[name] = app.run(name)
        return done[name]
    return get


def off_site(run: Run) -> list[str]:
    """What the page asked for off this machine while the run's notebook was open (or while the app loaded)."""
    return sorted({u for u in run.requests if not is_local(u)})


def vega_errors(run: Run) -> list[str]:
    return [c for c in run.console if "vega" in c.lower()]


def test_jupyterlab_loads_asking_for_nothing_off_localhost(app):
    loading = app.loading
    assert not off_site(loading), f"loading JupyterLab asked for addresses off localhost: {off_site(loading)}"
    assert not vega_errors(loading), f"Vega errors in the console while JupyterLab loaded: {vega_errors(loading)}"


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
    assert not off_site(run), f"{name}: JupyterLab asked for addresses off localhost: {off_site(run)}"
    assert not vega_errors(run), f"{name}: Vega errors in the console: {vega_errors(run)}"
    print(f"{name}: {NOTEBOOKS[name]} figures drawn in JupyterLab; opened and run in {run.seconds:.1f} s")
