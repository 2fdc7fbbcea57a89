"""The data's plain values read one way (briefing.values), and the package's imports said by name."""

import ast
import datetime as dt
import hashlib
import math

import pytest

from briefing.values import digest, first_day, id_list, last_day, missing
from test_layers import PACKAGE


@pytest.mark.parametrize("value, first, last", [
    ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),  # a month: its first and its last day (a leap year)
    ("2025-02", dt.date(2025, 2, 1), dt.date(2025, 2, 28)),
    ("2025-02-18", dt.date(2025, 2, 18), dt.date(2025, 2, 18)),
    (dt.date(2025, 3, 1), dt.date(2025, 3, 1), dt.date(2025, 3, 1)),
    (dt.datetime(2025, 3, 1, 12), dt.date(2025, 3, 1), dt.date(2025, 3, 1)),
    (None, None, None), (math.nan, None, None),
])
def test_a_recorded_date_reads_as_its_first_or_last_day(value, first, last):
    assert first_day(value) == first and last_day(value) == last


def test_a_date_not_in_the_calendar_is_an_error():
    with pytest.raises(ValueError):
        first_day("2025-02-30")


def test_id_lists_and_missing_values():
    assert id_list(" s001; s002;;s003 ") == ["s001", "s002", "s003"]
    assert id_list(None) == id_list(math.nan) == id_list("") == []
    assert missing(None) and missing(math.nan) and not missing("") and not missing(0)


def test_digest_is_the_files_sha256(tmp_path):
    f = tmp_path / "t.csv"
    f.write_bytes(b"id\nc001\n")
    assert digest(f) == hashlib.sha256(b"id\nc001\n").hexdigest()
    assert digest(f, "md5") == hashlib.md5(b"id\nc001\n").hexdigest()


def star_imports() -> list[str]:
    return [f"{p.name}:{node.lineno}" for p in sorted(PACKAGE.glob("*.py"))
            for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
            if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names)]


def test_no_star_imports():
    """Each module names what it takes from another (a star import hid where ``claims``' and ``rules``' names came
    from, and carried names the module never meant to give)."""
    assert star_imports() == []
