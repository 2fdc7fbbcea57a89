"""The kit installs from a wheel with everything it reads at run time (issue 28, part 4): the templates, the static
files (CSS, scripts, icon), the vendored icon set and any JSON schema are package data, declared in
``pyproject.toml``. A wheel without them imports and then fails at the first page it renders.

The wheel is built offline, the way ``make setup`` installs the package (the venv's pip and locked setuptools, no
index, no build isolation), from a copy of the tracked files, so that the build leaves nothing in the worktree.
"""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from support import REPO

PACKAGE = "src/briefing"


def _tracked(under: str) -> list[str]:
    run = subprocess.run(["git", "ls-files", "-z", under], cwd=REPO, capture_output=True, text=True, check=True)
    return [f for f in run.stdout.split("\0") if f]


def test_the_wheel_carries_every_file_of_the_package(tmp_path):
    source = tmp_path / "source"
    for name in ["pyproject.toml", "README.md", "LICENSE", "LICENSE-content", *_tracked(PACKAGE)]:
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    wheels = tmp_path / "wheels"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                            "--disable-pip-version-check", "-q", "-w", str(wheels), str(source)],
                           capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stdout + build.stderr
    (wheel,) = wheels.glob("briefing-*.whl")
    carried = set(zipfile.ZipFile(wheel).namelist())
    data_files = [f for f in _tracked(PACKAGE) if not f.endswith(".py")]
    assert data_files, "the package has no data files to check"
    missing = [f for f in data_files if str(Path(f).relative_to("src")) not in carried]
    assert not missing, f"{Path(wheel).name} lacks {len(missing)} package files: {', '.join(missing)}"
