"""A notebook that raises fails the build, and the message names the notebook (nb_execution_raise_on_error).

Builds a one-page book with the project's own _config.yml in a temporary folder: once with a cell that raises
(the build must fail and name the notebook), once with execution off (the same book must build), once citing an
unknown claim (the build must fail and name it).
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
    tmp_path.mkdir(parents=True)
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


class ProbeBooks:
    """The probe books this module needs, each built once, on first use (three builds, and one that stops at its
    configuration): ``raising`` runs ``1 / 0`` in the book's own execution mode; ``good`` is the same book with
    BRIEFING_EXECUTE=off (the cell never runs), citing a known claim and call; ``unknown_id`` is ``good`` citing a
    claim the register lacks; ``unknown_mode`` asks for an execution mode that does not exist. Only ``raising``
    starts a kernel: roles resolve whether or not cells run, so the other twins need none."""

    def __init__(self, root: Path):
        self.root, self.built = root, {}
        self.claim, self.call = picks.any_claim(), picks.any_call()
        self.unknown = picks.absent("c", picks.reg().claims["id"])

    def __getitem__(self, name: str) -> subprocess.CompletedProcess:
        if name not in self.built:
            roles = f"# Probe\n\nSee {{claim}}`{self.claim}` and {{call}}`{self.call}`."
            recipe = {"raising": dict(source="1 / 0"),
                      "good": dict(source="1 / 0", execute="off", prose=roles),
                      "unknown_id": dict(source="1 / 0", execute="off", prose=roles.replace(self.claim, self.unknown)),
                      "unknown_mode": dict(source="1 / 1", execute="sometimes")}[name]
            self.built[name] = _book(self.root / name, **recipe)
        return self.built[name]


@pytest.fixture(scope="module")
def probes(tmp_path_factory):
    if not JB.exists():
        pytest.skip("jupyter-book not installed in this environment")
    return ProbeBooks(tmp_path_factory.mktemp("probes"))


def _out(run: subprocess.CompletedProcess) -> str:
    return run.stdout + run.stderr


@pytest.mark.slow
def test_a_raising_cell_fails_the_build_and_names_the_notebook(probes):
    bad = probes["raising"]
    assert bad.returncode != 0 and "probe.ipynb" in _out(bad) and "ZeroDivisionError" in _out(bad)
    assert probes["good"].returncode == 0, _out(probes["good"])[-2000:]  # the same book, its cell not run


@pytest.mark.slow
def test_the_execution_mode_override_takes_effect(probes):
    """`make book EXECUTE=...` sets BRIEFING_EXECUTE, which the book's extension applies over _config.yml: with
    execution off, the raising cell never runs and the book that fails in its own mode builds; an unknown mode
    stops the build."""
    assert probes["raising"].returncode != 0
    assert probes["good"].returncode == 0, _out(probes["good"])[-2000:]
    bad = probes["unknown_mode"]
    assert bad.returncode != 0 and "BRIEFING_EXECUTE" in _out(bad)


@pytest.mark.slow
def test_an_unknown_claim_or_call_fails_the_build_and_names_the_page_and_the_id(probes):
    """{claim} and {call} (briefing.roles) resolve against the register: a known id builds into a relative link
    to its card; an unknown one fails the strict build, and the message names the page and the id."""
    good = probes["good"]
    assert good.returncode == 0, _out(good)[-2000:]
    page = (probes.root / "good" / "_build" / "html" / "probe.html").read_text(encoding="utf-8")
    assert f'href="chapters/register.html#{probes.claim}"' in page
    assert f'href="chapters/calls.html#{probes.call}"' in page
    bad = probes["unknown_id"]
    assert bad.returncode != 0 and "probe" in _out(bad) and probes.unknown in _out(bad), _out(bad)[-2000:]


def test_the_makefile_passes_the_execution_mode_and_rewrites_no_config():
    from support import make_dry_run

    for mode in ("cache", "force"):
        commands = make_dry_run("book", EXECUTE=mode)
        build = next(line for line in commands.splitlines() if "jupyter-book build" in line)
        assert build.startswith(f"BRIEFING_EXECUTE={mode} "), build
        assert "sed " not in commands and "_config.yml >" not in commands
