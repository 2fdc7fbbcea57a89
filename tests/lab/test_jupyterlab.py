"""The rerun path in the real client: JupyterLab from its own lock (.venv-lab, `make lab-setup`), driven by the same
headless Chromium and Playwright as the book's browser tests.

Each notebook with figures is copied to a temporary folder (the lab autosaves; the committed notebooks must not
change), opened in JupyterLab and run from the Run menu. Then every figure must be drawn by JupyterLab's own Vega
renderer with marks, no cell may show an error, and the browser may not have asked for anything off 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from briefing.charts import VEGA_LITE_MIME

pytestmark = pytest.mark.lab

REPO = Path(__file__).resolve().parents[2]
LAB_JUPYTER = REPO / ".venv-lab" / "bin" / "jupyter"
CHROMIUM = os.environ.get("BRIEFING_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"]
RUN_TIMEOUT_MS = int(os.environ.get("BRIEFING_LAB_TIMEOUT_MS", 240_000))
SHOTS = REPO / "_build" / "screenshots"

# Settings of a fresh user, written for the test: no news or update checks (they would go to the network).
# Every cell laid out (no windowing), so a test reads the rendered text of cells below the fold too.
SETTINGS = {"@jupyterlab/apputils-extension/notification.jupyterlab-settings":
            {"fetchNews": "false", "checkForUpdates": False},
            "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"}}


def figure_counts() -> dict[str, int]:
    """Every notebook of chapters/, and how many figures it stores (outputs with the Vega-Lite member)."""
    counts = {}
    for nb in sorted((REPO / "chapters").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        n = sum(VEGA_LITE_MIME in out.get("data", {}) for c in cells for out in c.get("outputs", []))
        counts[nb.name] = n
    return counts


NOTEBOOKS = figure_counts()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not LAB_JUPYTER.is_file():
        pytest.fail(f"{LAB_JUPYTER} is missing: run `make lab-setup` (`make test` does)")
    root = tmp_path_factory.mktemp("lab")
    work = root / "notebooks"
    work.mkdir()
    for name in NOTEBOOKS:
        shutil.copy(REPO / "chapters" / name, work / name)
    settings = root / "settings"
    for rel, values in SETTINGS.items():
        f = settings / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(values), encoding="utf-8")
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(root / "config"), "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(settings), "JUPYTERLAB_WORKSPACES_DIR": str(root / "workspaces"),
           "IPYTHONDIR": str(root / "ipython")}
    cmd = [str(LAB_JUPYTER), "lab", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}", "--ServerApp.open_browser=False",
           "--LabApp.news_url=", "--ServerApp.port_retries=0",
           # window.jupyterapp: the test reads the kernel's connection state and runs the lab's own commands.
           "--LabApp.expose_app_in_browser=True"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = (root / "lab.log").open("w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=work)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("JupyterLab did not start: " + (root / "lab.log").read_text()[-2000:])
            time.sleep(0.3)
    yield {"base": base, "token": token}
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def browser(playwright):
    if not shutil.which(CHROMIUM):
        pytest.fail(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield b
    b.close()


def _stop_kernels(lab):
    """Shut down every kernel the lab started (each notebook's kernel would otherwise keep a core busy)."""
    api = f"{lab['base']}/api/kernels"
    headers = {"Authorization": f"token {lab['token']}"}
    with urllib.request.urlopen(urllib.request.Request(api, headers=headers), timeout=10) as r:
        kernels = json.load(r)
    for k in kernels:
        urllib.request.urlopen(urllib.request.Request(f"{api}/{k['id']}", method="DELETE", headers=headers),
                               timeout=10)


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


def _run_all(browser, lab, name, timeout_ms):
    """Open the notebook in a reset workspace, run all cells from the Run menu, and wait until every code cell
    has run and every figure is drawn. Returns (finished, state, requests, console)."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    requests, console = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    try:
        # A workspace of its own, reset: only this notebook is open (the lab would restore every earlier tab).
        page.goto(f"{lab['base']}/lab/workspaces/{Path(name).stem}/tree/{name}?reset&token={lab['token']}",
                  wait_until="load")
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=60_000)
        # Wait for the kernel before running: the toolbar shows its status.
        page.wait_for_selector(".jp-NotebookPanel-toolbar .jp-KernelName", timeout=60_000)
        # Wait until the notebook's kernel is connected and idle: execute requests sent while its WebSocket is
        # still connecting can be lost, and the cells then never run.
        page.wait_for_function(KERNEL_READY_JS, timeout=120_000, polling=250)
        # Clear the stored outputs first (JupyterLab draws them on opening), so that only this run's outputs count;
        # then run all cells: the commands of the Edit menu's "Clear Outputs of All Cells" and the Run menu's
        # "Run All Cells", called directly.
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        page.wait_for_function(CLEARED_JS, timeout=30_000, polling=250)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(
            """([expected]) => { const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
              if (!nb) return false;
              const prompts = [...nb.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim());
              const done = prompts.length && prompts.every(p => /^\\[\\d+\\]:$/.test(p));
              const drawn = [...nb.querySelectorAll('.jp-RenderedVegaLite, .jp-RenderedVega5')]
                .filter(v => v.querySelector('svg g.role-mark, canvas')).length;
              return done && drawn >= expected; }""",
            arg=[NOTEBOOKS[name]], timeout=timeout_ms, polling=250)
        return True, page.evaluate(STATE_JS), requests, console
    except PlaywrightTimeout:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"lab-{name}.png"), full_page=False)
        return False, page.evaluate(STATE_JS), requests, console
    finally:
        ctx.close()
        _stop_kernels(lab)


@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_notebook_runs_and_draws_every_figure_in_jupyterlab(lab, browser, name):
    started = time.monotonic()
    finished, state, requests, console = _run_all(browser, lab, name, RUN_TIMEOUT_MS)
    assert finished, (f"{name}: not every cell ran and drew its figures within {RUN_TIMEOUT_MS // 1000} s: {state}; "
                      f"console: {console[-8:]}; screenshot in {SHOTS}")
    assert not state["errors"], f"{name}: error output in JupyterLab: {state['errors']}"
    assert len(state["views"]) == NOTEBOOKS[name], f"{name}: {len(state['views'])} Vega views, expected {NOTEBOOKS[name]}"
    empty = [i for i, v in enumerate(state["views"]) if not (v["svg"] and v["marks"]) or v["error"]]
    assert not empty, f"{name}: figures drawn without marks in JupyterLab: {empty} of {state['views']}"
    off_site = sorted({u for u in requests if urlsplit(u).hostname not in {"127.0.0.1", "localhost"}
                       and not u.startswith(("data:", "blob:"))})
    assert not off_site, f"{name}: JupyterLab asked for addresses off localhost: {off_site}"
    vega_errors = [c for c in console if "vega" in c.lower()]
    assert not vega_errors, f"{name}: Vega errors in the console: {vega_errors}"
    print(f"{name}: {NOTEBOOKS[name]} figures drawn in JupyterLab in {time.monotonic() - started:.1f} s")
