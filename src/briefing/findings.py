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
from typing import Mapping

from . import paths
from .values import id_list

TABLE = "findings"  # the data package's resource (a table of the kit, like the register's)
FINDINGS = TABLE + ".csv"
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
MARKUP = re.compile(r"[\\`*_\[\]<>$~|#]")  # what Markdown or MyST would read as markup
REFERENCE = (("claim", re.compile(r"^c\d{3}$")), ("call", re.compile(r"^b\d{2}$")))  # cited by their roles


@lru_cache(maxsize=8)
def _findings(table: Path, mtime: float) -> dict[str, dict[str, str]]:
    with table.open(encoding="utf-8", newline="") as f:
        return {row["id"]: row for row in csv.DictReader(f)}


def known_findings(data: Path | None = None) -> dict[str, dict[str, str]]:
    """The book's findings by id (read afresh when the table changes); none for a briefing without the table, so
    that a page citing one reports the id as unknown rather than a missing file."""
    table = Path(data or paths.data()) / FINDINGS
    if not table.is_file():
        return {}
    return _findings(table, table.stat().st_mtime)


def _reference(ident: str) -> str:
    for kind, pattern in REFERENCE:
        if pattern.match(ident):
            return f"{{{kind}}}`{ident}`"
    return ident  # a development or dated event: its id, as the data package's tables list it


def _escaped(value: str) -> str:
    """A glued value as literal Markdown text (a '$' or '*' in a value is text, not math or emphasis)."""
    return MARKUP.sub(r"\\\g<0>", str(value))


def finding_myst(row: dict[str, str], values: Mapping[str, str] | None = None) -> str:
    """One finding as MyST inline text: '**Headline** text (rests on; see also mentions). *Moderate confidence.*'
    Each placeholder ``{name}`` becomes the page's glued value ``{glue:text}`name``` or, given ``values`` (the
    values glued as plain text, as myst-nb pastes them), that value itself; a placeholder without a value is a
    :class:`KeyError` naming the finding and the name. An outlook's estimative term is set in bold."""
    def fill(match: re.Match) -> str:
        name = match.group(1)
        if values is None:
            return f"{{glue:text}}`{name}`"
        if name not in values:
            raise KeyError(f"{FINDINGS}: finding {row.get('id', '?')} needs the glued value {name!r}")
        return _escaped(values[name])

    text = row["text"].strip()
    term = (row.get("probability_term") or "").strip()
    if term:  # before the values are filled in: the term is the finding's word, never a value's
        text = re.sub(rf"(?<![\w-]){re.escape(term)}(?![\w-])", f"**{term}**", text, count=1)
    text = PLACEHOLDER.sub(fill, text)
    refs = ", ".join(_reference(i) for i in id_list(row.get("rests_on")))
    also = ", ".join(_reference(i) for i in id_list(row.get("mentions")))
    cited = refs + (f"; see also {also}" if also else "")
    end = text[-1] if text[-1] in ".!?" else ""
    body = (text[:-1] if end else text) + (f" ({cited})" if cited else "") + (end or ".")
    head = PLACEHOLDER.sub(fill, (row.get("headline") or "").strip())
    label = f"*{row['confidence'].capitalize()} confidence.*"
    return " ".join(part for part in (f"**{head}**" if head else "", body, label) if part)


def finding_plain(myst: str) -> str:
    """A finding's MyST (:func:`finding_myst` with values) as plain text: a role as its content, no emphasis,
    escapes undone."""
    text = re.sub(r"\{[a-z:]+\}`([^`]*)`", r"\1", myst)
    text = re.sub(r"(?<!\\)\*+", "", text)
    return re.sub(r"\\(.)", r"\1", text)
