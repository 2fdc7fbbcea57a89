"""Shared fixtures: a scratch copy of the data package that a test may break on purpose."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from briefing.paths import DATA, ROOT


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of data/ (returns the path of its datapackage.json)."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target / "datapackage.json"


def edit_csv(path: Path, row_id: str, field: str, value: str, key: str = "id") -> None:
    """Set one cell of a CSV in place (the row whose `key` column equals `row_id`)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    for row in rows[1:]:
        if row[header.index(key)] == row_id:
            row[header.index(field)] = value
            break
    else:
        raise KeyError(row_id)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


@pytest.fixture
def root() -> Path:
    return ROOT
