"""Shared fixtures: a scratch copy of the data package that a test may break on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefing.paths import DATA


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of data/ (returns the path of its datapackage.json)."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target / "datapackage.json"
