"""Layer 3: the book's own findings (``data/findings.csv``) as the page shows them, written once.

Each finding is one sentence (or two) in the book's own voice; pages cite it by id (the ``{finding}`` role of
:mod:`briefing.roles`) and the notebook's static rendering (:mod:`briefing.computation`) shows the same text.
:func:`finding_myst` writes a finding as MyST inline text: its headline in bold, its text with each placeholder
``{name}`` as the page's glued value, what it rests on (claims and calls as links), and its confidence label.
Only the standard library is used (the Sphinx extension loads this); the table's rules are in
:mod:`briefing.rules` (``FINDING_RULES``), applied by :func:`briefing.claims.findings`.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from . import paths

TABLE = "findings"  # the data package's resource (a table of the kit, like the register's)
FINDINGS = TABLE + ".csv"
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
REFERENCE = (("claim", re.compile(r"^c\d{3}$")), ("call", re.compile(r"^b\d{2}$")))  # cited by their roles


@lru_cache(maxsize=8)
def _findings(table: Path, mtime: float) -> dict[str, dict[str, str]]:
    with table.open(encoding="utf-8", newline="") as f:
        return {row["id"]: row for row in csv.DictReader(f)}


def known_findings(data: Path | None = None) -> dict[str, dict[str, str]]:
    """The book's findings by id (read afresh when the table changes)."""
    table = Path(data or paths.data()) / FINDINGS
    return _findings(table, table.stat().st_mtime)


def _reference(ident: str) -> str:
    for kind, pattern in REFERENCE:
        if pattern.match(ident):
            return f"{{{kind}}}`{ident}`"
    return ident  # a development or dated event: its id, as the data package's tables list it


def finding_myst(row: dict[str, str]) -> str:
    """One finding as MyST inline text: '**Headline** text (rests on; see also mentions). *Moderate confidence.*'
    Each placeholder ``{name}`` becomes the page's glued value ``{glue:text}`name```; an outlook's estimative term
    is set in bold."""
    def ids(value):
        return [i.strip() for i in (value or "").split(";") if i.strip()]

    text = PLACEHOLDER.sub(lambda m: f"{{glue:text}}`{m.group(1)}`", row["text"].strip())
    term = (row.get("probability_term") or "").strip()
    if term:
        text = re.sub(rf"(?<![\w-]){re.escape(term)}(?![\w-])", f"**{term}**", text, count=1)
    refs = ", ".join(_reference(i) for i in ids(row.get("rests_on")))
    also = ", ".join(_reference(i) for i in ids(row.get("mentions")))
    cited = refs + (f"; see also {also}" if also else "")
    end = text[-1] if text[-1] in ".!?" else ""
    body = (text[:-1] if end else text) + (f" ({cited})" if cited else "") + (end or ".")
    head = (row.get("headline") or "").strip()
    head = PLACEHOLDER.sub(lambda m: f"{{glue:text}}`{m.group(1)}`", head)
    label = f"*{row['confidence'].capitalize()} confidence.*"
    return " ".join(part for part in (f"**{head}**" if head else "", body, label) if part)
