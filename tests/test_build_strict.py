"""A notebook that raises fails the build, and the message names the notebook (nb_execution_raise_on_error).

Builds a one-page book with the project's own _config.yml in a temporary folder: once with a cell that raises
(the build must fail and name the notebook), once with the cell fixed (the same book must build).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from briefing.paths import ROOT

import picks

JB = Path(sys.executable).with_name("jupyter-book")


def _book(tmp_path: Path, source: str, execute: str | None = None,
          prose: str = "# Probe") -> subprocess.CompletedProcess:
    tmp_path.mkdir()
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: probe\n", encoding="utf-8")
    favicon = tmp_path / "src" / "briefing" / "static" / "favicon.svg"
    favicon.parent.mkdir(parents=True)
    shutil.copy(ROOT / "src" / "briefing" / "static" / "favicon.svg", favicon)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(prose), nbformat.v4.new_code_cell(source)]
    nbformat.write(nb, tmp_path / "probe.ipynb")
    env = {k: v for k, v in os.environ.items() if k != "BRIEFING_EXECUTE"}
    if execute is not None:
        env["BRIEFING_EXECUTE"] = execute
    return subprocess.run([str(JB), "build", str(tmp_path), "-W", "-n", "--keep-going"], capture_output=True,
                          text=True, timeout=300, env=env)


@pytest.mark.slow
@pytest.mark.skipif(not JB.exists(), reason="jupyter-book not installed in this environment")
def test_a_raising_cell_fails_the_build_and_names_the_notebook(tmp_path):
    bad = _book(tmp_path / "bad", "1 / 0")
    assert bad.returncode != 0
    out = bad.stdout + bad.stderr
    assert "probe.ipynb" in out and "ZeroDivisionError" in out
    good = _book(tmp_path / "good", "1 / 1")
    assert good.returncode == 0, good.stdout[-2000:] + good.stderr[-2000:]


@pytest.mark.slow
@pytest.mark.skipif(not JB.exists(), reason="jupyter-book not installed in this environment")
def test_the_execution_mode_override_takes_effect(tmp_path):
    """`make book EXECUTE=...` sets BRIEFING_EXECUTE, which the book's extension applies over _config.yml: with
    execution off, the raising cell never runs and the same book builds; an unknown mode stops the build."""
    off = _book(tmp_path / "off", "1 / 0", execute="off")
    assert off.returncode == 0, off.stdout[-2000:] + off.stderr[-2000:]
    forced = _book(tmp_path / "force", "1 / 0", execute="force")
    assert forced.returncode != 0 and "ZeroDivisionError" in forced.stdout + forced.stderr
    bad = _book(tmp_path / "bad", "1 / 1", execute="sometimes")
    assert bad.returncode != 0 and "BRIEFING_EXECUTE" in bad.stdout + bad.stderr


@pytest.mark.slow
@pytest.mark.skipif(not JB.exists(), reason="jupyter-book not installed in this environment")
def test_an_unknown_claim_or_call_fails_the_build_and_names_the_page_and_the_id(tmp_path):
    """{claim} and {call} (briefing.roles) resolve against the register: a known id builds into a relative link
    to its card; an unknown one fails the strict build, and the message names the page and the id."""
    claim, call = picks.any_claim(), picks.any_call()
    unknown = picks.absent("c", picks.reg().claims["id"])
    good = _book(tmp_path / "good", "1", prose=f"# Probe\n\nSee {{claim}}`{claim}` and {{call}}`{call}`.")
    assert good.returncode == 0, good.stdout[-2000:] + good.stderr[-2000:]
    page = (tmp_path / "good" / "_build" / "html" / "probe.html").read_text(encoding="utf-8")
    assert f'href="chapters/register.html#{claim}"' in page and f'href="chapters/calls.html#{call}"' in page
    bad = _book(tmp_path / "bad", "1", prose=f"# Probe\n\nSee {{claim}}`{unknown}` and {{call}}`{call}`.")
    out = bad.stdout + bad.stderr
    assert bad.returncode != 0 and "probe" in out and unknown in out, out[-2000:]


def test_the_makefile_passes_the_execution_mode_and_rewrites_no_config():
    from support import make_dry_run

    for mode in ("cache", "force"):
        commands = make_dry_run("book", EXECUTE=mode)
        build = next(line for line in commands.splitlines() if "jupyter-book build" in line)
        assert build.startswith(f"BRIEFING_EXECUTE={mode} "), build
        assert "sed " not in commands and "_config.yml >" not in commands
