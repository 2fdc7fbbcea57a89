"""Currency you can trust: "evidence as of" means the date to which every open item was searched (``sweeps``), and
each item's newest evidence is what its own sources say. Each rule is shown failing on a broken copy of the data."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from briefing.claims import currency_by_track, evidence_as_of, newest_evidence, reader_date, register
from briefing.datapackage import DataError, Package

from csvedit import edit_csv


def test_evidence_as_of_is_the_date_every_open_item_was_swept_to():
    reg = register()
    assert evidence_as_of(reg) == min(reg.sweeps["swept_to"]).date()
    # The record holds no evidence newer than the sweep: the date claims no more than was searched.
    assert newest_evidence(reg) <= evidence_as_of(reg)


def test_no_outcome_is_scored_beyond_the_earliest_sweep(data_copy):
    """One item searched only to 30 April moves the book's date back, and outcomes scored as of 19 May then claim
    evidence that was not swept for: the register refuses them."""
    edit_csv(data_copy.parent / "sweeps.csv", "sw03", "swept_to", "2026-04-30")
    with pytest.raises(DataError) as err:
        register(Package(data_copy))
    assert "outcome_as_of" in str(err.value) and "2026-04-30" in str(err.value)


@pytest.mark.parametrize("field, value, words", [
    ("newest_evidence", "2026-06-01", "after the date swept to"),
    ("newest_evidence", "2026-02-01", "not the newest publication date of its sources"),
])
def test_a_sweep_whose_dates_disagree_fails(data_copy, field, value, words):
    edit_csv(data_copy.parent / "sweeps.csv", "sw04", field, value)
    with pytest.raises(DataError) as err:
        register(Package(data_copy))
    message = str(err.value)
    assert "sweeps.csv" in message and "sw04" in message and "sweep dates" in message and words in message


def test_currency_by_track_names_the_stalest_item():
    sweeps = pd.DataFrame({
        "item": ["a", "b", "c"], "track": ["china", "china", "russia"],
        "swept_to": pd.to_datetime(["2026-05-19", "2026-05-19", "2026-05-01"]),
        "newest_evidence": ["2026-03-12", "2025-09", "2026-01-01"]})
    table = currency_by_track(sweeps)
    assert list(table["track"]) == ["russia", "china"]
    china = table.set_index("track").loc["china"]
    assert china["items"] == 2 and china["stalest_item"] == "b" and china["stalest"] == "2025-09"
    assert china["newest"] == "2026-03-12"


def test_reader_date_keeps_a_month_a_month():
    assert reader_date("2025-09") == "September 2025" and reader_date("2026-05-19") == "19 May 2026"
    assert reader_date(dt.date(2026, 5, 1)) == "1 May 2026"
