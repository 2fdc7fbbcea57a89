"""Layer 0: the plain values the data holds, read one way everywhere: a recorded date (``YYYY-MM-DD``, or
``YYYY-MM`` when the day is unknown), a list of ids (separated by ``;``), a missing value, and a file's digest.
Nothing here imports the package or pandas (the Sphinx extension loads it)."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import math
from pathlib import Path


def missing(value) -> bool:
    """None, NaN, pandas' NA and NaT: a value that is not there."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in ("NAType", "NaTType")


def first_day(value) -> dt.date | None:
    """A recorded date as a date: ``YYYY-MM-DD``, or ``YYYY-MM`` as its month's first day; a date or timestamp as
    its day; None when missing. A date not in the calendar (2025-02-30) raises ValueError."""
    if missing(value):
        return None
    if hasattr(value, "date"):  # a datetime or a pandas timestamp
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value if len(value) == 10 else value + "-01")


def last_day(value) -> dt.date | None:
    """As :func:`first_day`, but a month-only date counts as its month's last day."""
    if isinstance(value, str) and len(value) == 7:
        year, month = int(value[:4]), int(value[5:])
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    return first_day(value)


def id_list(value) -> list[str]:
    """The ids of a ``;``-separated field (``"s001; s002"``), in order, blanks dropped; none when missing."""
    if missing(value):
        return []
    return [v.strip() for v in str(value).split(";") if v.strip()]


def digest(path: Path, algorithm: str = "sha256") -> str:
    """The hex digest of a file's bytes (SHA-256 unless the data package names another algorithm)."""
    return hashlib.new(algorithm, Path(path).read_bytes()).hexdigest()
