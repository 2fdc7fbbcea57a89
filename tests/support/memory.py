"""A briefing in memory, for the tests that break one cell and run the one rule that guards it (issue 27).

Each briefing the tests know (:data:`BRIEFINGS`: this book and the fictional second briefing) is loaded once per
test session (:func:`loaded`; ``tests/conftest.py``'s ``broken`` runs each such test against each briefing that has
the tables it needs, :func:`having`) and deep-copied for each test: a test edits a cell as the CSV would hold it
(the value is parsed by the table's schema, as the loader parses it), then runs one rule of :mod:`briefing.rules`
and reads its message. The message is the one ``make validate`` prints (file, id, field and rule): the rules name
the file from the package, not from the frame. A handful of end-to-end cases per module still break a copy of the
files (fixture ``data_copy``) for the loader's own rules and to show the whole path from a CSV row to the message.
"""

from __future__ import annotations

import copy
import json
from functools import cache

import pandas as pd
import pytest

from briefing import config, rules
from briefing.datapackage import DataError, Package, _parse, package
from briefing.paths import REPOSITORY, root

# The briefings the rule tests run against, by the name their test ids carry: the book the tests are run for (as
# outside them: ``BRIEFING_ROOT``, else this repository; read at import, before any test enters a briefing) and
# the fictional second briefing.
BRIEFINGS = {"book": root().resolve(), "second": REPOSITORY / "tests" / "fixtures" / "second_briefing"}


@cache
def tables(name: str) -> frozenset[str]:
    """The tables a briefing's data package names (read from its descriptor: nothing is loaded)."""
    descriptor = json.loads((BRIEFINGS[name] / "data" / "datapackage.json").read_text(encoding="utf-8"))
    return frozenset(r["name"] for r in descriptor["resources"])


def having(*needed: str) -> list[str]:
    """The briefings whose data package has every one of ``needed`` (all of them when none is named)."""
    return [name for name in BRIEFINGS if set(needed) <= tables(name)]


@cache
def loaded(name: str):
    """A briefing's register, package and findings (empty where it has none), loaded once per session: the
    register is the one :func:`picks.reg` reads in that briefing."""
    import picks

    with config.use(BRIEFINGS[name]):
        pkg = package()
        findings = pkg.table("findings") if "findings" in pkg.resources else pd.DataFrame()
        return picks.reg(), pkg, findings

# The register's frames by the table (CSV file) they are read from.
FRAMES = {"claims": "claims", "sources": "sources", "claim_sources": "links", "article_paragraphs": "paragraphs",
          "developments": "developments", "article_inconsistencies": "inconsistencies",
          "claim_links": "claim_links", "second_readings": "second_readings", "briefing_calls": "calls",
          "watch_indicators": "watch", "sweeps": "sweeps", "third_readings": "third_readings"}


class Briefing:
    """A deep copy of a loaded register (``reg``), its package (``pkg``) and its findings table (``findings``)."""

    def __init__(self, reg, pkg: Package, findings: pd.DataFrame):
        self.reg, self.pkg, self.findings = copy.deepcopy(reg), pkg, findings.copy(deep=True)

    def table(self, name: str) -> pd.DataFrame:
        name = name.removesuffix(".csv")
        return self.findings if name == "findings" else getattr(self.reg, FRAMES[name])

    def _set(self, name: str, frame: pd.DataFrame) -> None:
        name = name.removesuffix(".csv")
        if name == "findings":
            self.findings = frame
        else:
            setattr(self.reg, FRAMES[name], frame)

    def _value(self, name: str, field: str, value: str):
        """A cell as the loader makes it from the CSV text ``value`` ('' is empty)."""
        spec = next(f for f in self.pkg.resource(name.removesuffix(".csv"))["schema"]["fields"]
                    if f["name"] == field)
        if value == "":
            return pd.NA
        parsed = _parse(value, spec)
        return pd.Timestamp(parsed) if spec.get("type") == "date" else parsed

    def _rows(self, frame: pd.DataFrame, row_id, key: str) -> pd.Series:
        if isinstance(row_id, tuple):  # a table keyed by several columns: its first cells
            mask = pd.Series(True, index=frame.index)
            for column, part in zip(frame.columns, row_id):
                mask &= frame[column] == part
        else:
            mask = frame[key] == row_id
        if not mask.any():
            raise KeyError(row_id)
        return mask

    def edit(self, name: str, row_id, field: str, value: str, key: str = "id") -> None:
        """Set one cell, as :func:`support.edit_csv` sets it in a file (the first row matching ``row_id``)."""
        frame = self.table(name)
        first = self._rows(frame, row_id, key).idxmax()
        frame.loc[first, field] = self._value(name, field, value)

    def drop(self, name: str, ids, key: str = "id") -> None:
        frame = self.table(name)
        self._set(name, frame[~frame[key].isin(set(ids))].reset_index(drop=True))

    def append(self, name: str, cells: dict) -> None:
        """Append one row, its cells as the CSV text by column name (a column not named is left empty)."""
        frame = self.table(name)
        row = {c: self._value(name, c, str(cells.get(c, ""))) for c in frame.columns}
        self._set(name, pd.concat([frame, pd.DataFrame([row]).astype(frame.dtypes)], ignore_index=True))

    def run(self, rule) -> None:
        if rule in rules.FINDING_RULES:
            rule(self.reg, self.pkg, self.findings)
        else:
            rule(self.reg, self.pkg)

    def passes(self, *checks) -> None:
        for rule in checks:
            self.run(rule)

    def fails(self, rule, *parts: str) -> str:
        """``rule`` raises a DataError whose message names every one of ``parts``; returns the message."""
        with pytest.raises(DataError) as info:
            self.run(rule)
        message = str(info.value)
        for part in parts:
            assert part in message, message
        return message
