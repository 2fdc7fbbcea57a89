"""The lab's fixtures: one JupyterLab (.venv-lab, `make lab-setup`) for the session.

Chromium is the suite's own (``browser`` in tests/conftest.py, started by ``support.harness.launch``: the same
binary and arguments as the book's browser tests, so nothing but 127.0.0.1 resolves); test_jupyterlab.py loads the
lab's web app in one page of it. The notebooks are copied to a temporary folder (the lab autosaves; the committed
notebooks must not change).
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

import pytest


REPO = Path(__file__).resolve().parents[2]
LAB_JUPYTER = REPO / ".venv-lab" / "bin" / "jupyter"

# Settings of a fresh user, written for the test: no news or update checks (they would go to the network).
# Every cell laid out (no windowing), so a test reads the rendered text of cells below the fold too.
SETTINGS = {"@jupyterlab/apputils-extension/notification.jupyterlab-settings":
            {"fetchNews": "false", "checkForUpdates": False},
            "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """JupyterLab serving a copy of chapters/*.ipynb: {"base": URL, "token": token}."""
    if not LAB_JUPYTER.is_file():
        pytest.fail(f"{LAB_JUPYTER} is missing: run `make lab-setup` (`make test` does)")
    root = tmp_path_factory.mktemp("lab")
    work = root / "notebooks"
    work.mkdir()
    for nb in sorted((REPO / "chapters").glob("*.ipynb")):
        shutil.copy(nb, work / nb.name)
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

