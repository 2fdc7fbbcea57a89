"""Strict nbval really compares stored outputs: a notebook whose stored output was edited fails."""

import json
import shutil
import subprocess
import sys

import pytest

from briefing.html import COMPONENT_MIME
from briefing.paths import ROOT

pytestmark = pytest.mark.slow


def _run_nbval(path):
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(path), "-p", "no:cacheprovider", "-o", "addopts=", "--nbval",
         "--nbval-current-env", "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"), "-q"],
        capture_output=True, text=True, cwd=path.parent, timeout=300)


def test_edited_stored_output_fails_and_untouched_passes(tmp_path):
    nb_path = ROOT / "chapters" / "status.ipynb"
    good = tmp_path / "good" / "status.ipynb"
    good.parent.mkdir()
    shutil.copy(nb_path, good)
    assert _run_nbval(good).returncode == 0

    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code" and c.get("outputs"))
    out = next(o for o in cell["outputs"] if "data" in o)
    stored = out["data"][COMPONENT_MIME]  # the version table: its name and data, which the book renders
    row = next(r for r in stored["data"]["rows"] if r["package"] == "pandas")
    row["package"] = "pandaz"
    bad = tmp_path / "bad" / "status.ipynb"
    bad.parent.mkdir()
    bad.write_text(json.dumps(nb), encoding="utf-8")
    result = _run_nbval(bad)
    assert result.returncode != 0
    assert "pandaz" in result.stdout or "differ" in result.stdout
