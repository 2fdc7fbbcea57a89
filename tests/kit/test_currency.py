"""Currency you can trust: "evidence as of" means the date to which every open item was searched (``sweeps``), and
each item's newest evidence is what its own sources say. Each rule is shown failing on a broken copy of the register
(this book's: the second briefing records no sweeps)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from briefing import rules
from briefing.claims import currency_by_track, evidence_as_of, newest_evidence, reader_date

import picks


def test_the_record_holds_no_evidence_newer_than_the_sweep():
    # the book's date claims no more than was searched: nothing on record is newer than "evidence as of"
    reg = picks.reg()
    assert newest_evidence(reg) <= evidence_as_of(reg)


@pytest.mark.needs("sweeps")
def test_no_outcome_is_scored_beyond_the_earliest_sweep(broken):
    """One item searched only to the day before the latest outcome moves the book's date back, and that outcome then
    claims evidence that was not swept for: the register refuses it."""
    reg = picks.reg()
    earlier = picks.day_before(max(reg.claims["outcome_as_of"].dropna()).date().isoformat())
    item = next(w["id"] for _, w in reg.sweeps.iterrows() if picks.day_after(w["newest_evidence"]) <= earlier)
    broken.edit("sweeps.csv", item, "swept_to", earlier)
    broken.passes(rules.sweep_dates)
    broken.fails(rules.scoring, "outcome_as_of", earlier)


def _after_the_sweep(sweep):
    return picks.day_after(sweep["swept_to"].date().isoformat())


def _before_its_newest_evidence(sweep):
    return picks.day_before(sweep["newest_evidence"])


@pytest.mark.needs("sweeps")
@pytest.mark.parametrize("field, value, words", [
    ("newest_evidence", _after_the_sweep, "after the date swept to"),
    ("newest_evidence", _before_its_newest_evidence, "not the newest publication date of its sources"),
])
def test_a_sweep_whose_dates_disagree_fails(broken, field, value, words):
    sweep = picks.reg().sweeps.iloc[0]
    broken.edit("sweeps.csv", sweep["id"], field, value(sweep))
    broken.fails(rules.sweep_dates, "sweeps.csv", sweep["id"], "sweep dates", words)


def test_currency_by_track_names_the_stalest_item():
    from briefing.config import THEME_LABELS
    first, last = list(THEME_LABELS)[0], list(THEME_LABELS)[-1]  # tracks are briefing.yml's themes, in its order
    sweeps = pd.DataFrame({
        "item": ["a", "b", "c"], "track": [last, last, first],
        "swept_to": pd.to_datetime(["2026-05-19", "2026-05-19", "2026-05-01"]),
        "newest_evidence": ["2026-03-12", "2025-09", "2026-01-01"]})
    table = currency_by_track(sweeps)
    assert list(table["track"]) == [first, last]
    track = table.set_index("track").loc[last]
    assert track["items"] == 2 and track["stalest_item"] == "b" and track["stalest"] == "2025-09"
    assert track["newest"] == "2026-03-12"


def test_reader_date_keeps_a_month_a_month():
    assert reader_date("2025-09") == "September 2025" and reader_date("2026-05-19") == "19 May 2026"
    assert reader_date(dt.date(2026, 5, 1)) == "1 May 2026"
