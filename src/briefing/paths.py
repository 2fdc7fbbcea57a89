"""Where things live, and what this process has read from there.

Everything is resolved from the repository root, so notebooks run from any folder. The readers of ``data/`` (the
loader and the article reader) call :func:`record_read`; :func:`reads` says which data-package resources this
process has read, so a test can compare a notebook's declared reads (its ``briefing.reads`` metadata, used by the
build cache) with what it really read while it ran.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("BRIEFING_ROOT", Path(__file__).resolve().parents[2]))
DATA = ROOT / "data"
ARTICLE = DATA / "source" / "article.zh.txt"
DATAPACKAGE = DATA / "datapackage.json"

_READS: set[str] = set()


def record_read(resource: str) -> None:
    """Note that this process read a data-package resource (a table, or the article's text)."""
    _READS.add(resource)


def reads() -> list[str]:
    """The resources this process has read so far, sorted."""
    return sorted(_READS)
