"""The briefing's own calls (``briefing_calls``) and what to watch (``watch_indicators``): they validate, each rule
fails on a broken copy of the data naming the file, the row id, the field and the rule, and their tables escape
hostile text."""

import csv
import html

import pandas as pd
import pytest

from briefing import render
from briefing.claims import (CONFIDENCE_LEVELS, ESTIMATIVE_TERMS, MAX_CALLS, MIN_CALLS, MIN_WATCH, NOTE_ABOVE,
                             estimative_terms, register)
from briefing.datapackage import DataError, Package
from briefing.vocabulary import CHAPTER_LABELS

from csvedit import edit_csv

HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'


def _fails(pkg_path, *parts):
    with pytest.raises(DataError) as info:
        register(Package(pkg_path))
    message = str(info.value)
    for part in parts:
        assert part in message, message
    return message


def _drop_rows(path, ids, key="id"):
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    k = rows[0].index(key)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([rows[0]] + [r for r in rows[1:] if r[k] not in ids])


# -- the real data -----------------------------------------------------------------------------------------------

def test_calls_and_watch_are_loaded_valid_and_spread_over_the_chapters():
    reg = register()
    calls, watch = reg.calls, reg.watch
    assert MIN_CALLS <= len(calls) <= MAX_CALLS and len(watch) >= MIN_WATCH
    assert set(calls["chapter"]) == set(CHAPTER_LABELS)
    assert calls[["assessed_on", "horizon", "resolves_if", "resolves_not_if"]].notna().all().all()
    published = reg.sources.set_index("id")["published"]
    for _, b in calls.iterrows():
        assert estimative_terms(b["statement"]) == [b["probability_term"]]
        assert b["horizon"] > b["assessed_on"]
        # dated by its newest source (a month-only date stands for a day of that month), not by the book
        newest = max(published[s] for s in b["source_id"].split(";"))
        assert b["assessed_on"].startswith(newest), (b["id"], b["assessed_on"], newest)
        assert b["resolves_if"].startswith("Borne out if") and b["resolves_not_if"].startswith("Not borne out if")
        assert b["confidence"] != "high"
        if ESTIMATIVE_TERMS[b["probability_term"]][1] > NOTE_ABOVE:
            assert isinstance(b["note"], str) and b["note"].strip()
    assert set(calls["id"]) <= {c for v in watch["call_ids"].dropna() for c in v.split(";")}


# -- each rule, broken on purpose ----------------------------------------------------------------------------------

RULE_BREAKS = [
    pytest.param("briefing_calls.csv", "b03", "statement", "It is very likely that the bridge opens by mid-2027.",
                 ["briefing_calls.csv", "b03", "'statement'", "probability term", "'very likely'"],
                 id="term_differs_from_probability_term"),
    pytest.param("briefing_calls.csv", "b03", "statement", "The bridge opens to traffic by mid-2027.",
                 ["briefing_calls.csv", "b03", "'statement'", "probability term", "no estimative term"],
                 id="statement_without_a_term"),
    pytest.param("briefing_calls.csv", "b03", "statement", "It is likely, though very unlikely before 2027, that it "
                 "opens.", ["briefing_calls.csv", "b03", "'statement'", "probability term"], id="two_terms"),
    pytest.param("briefing_calls.csv", "b03", "horizon", "2026-03-31",
                 ["briefing_calls.csv", "b03", "'horizon'", "horizon", "not after assessed_on"],
                 id="horizon_not_after_assessed_on"),
    pytest.param("briefing_calls.csv", "b04", "assessed_on", "2026-02-22",
                 ["briefing_calls.csv", "b04", "'assessed_on'", "call date", "earlier than the newest evidence",
                  "s-rferl-20260223-fifth-year"], id="assessed_before_its_newest_source"),
    pytest.param("briefing_calls.csv", "b04", "assessed_on", "2026-11-26",
                 ["briefing_calls.csv", "b04", "'assessed_on'", "call date", "later than the newest evidence"],
                 id="assessed_on_the_day_the_book_was_written"),
    pytest.param("briefing_calls.csv", "b03", "assessed_on", "2026-04-01",
                 ["briefing_calls.csv", "b03", "'assessed_on'", "call date", "later than", "2026-03"],
                 id="assessed_after_a_month_only_source"),
    pytest.param("briefing_calls.csv", "b02", "resolves_not_if", "",
                 ["briefing_calls.csv", "b02", "'resolves_not_if'", "call resolution", "silence"],
                 id="silence_without_an_outcome"),
    pytest.param("briefing_calls.csv", "b05", "statement", "It is very likely that the three hold a further "
                 "Freedom Edge exercise in that period.",
                 ["briefing_calls.csv", "b05", "'statement'", "probability term", "'very likely'"],
                 id="term_raised_without_its_probability_term"),
    pytest.param("watch_indicators.csv", "w02", "call_ids", "",
                 ["briefing_calls.csv", "b03", "'id'", "call unwatched"], id="call_with_nothing_to_watch"),
    pytest.param("briefing_calls.csv", "b05", "resolves_if", "Whether it happens, by the author's notes (TODO).",
                 ["briefing_calls.csv", "b05", "'resolves_if'", "working note"], id="working_note_in_resolves_if"),
    pytest.param("watch_indicators.csv", "w05", "where_to_watch", "placeholder",
                 ["watch_indicators.csv", "w05", "'where_to_watch'", "working note"], id="working_note_in_watch"),
]


@pytest.mark.parametrize("call", ["b02", "b09", "b10"])
def test_confidence_above_its_claims(data_copy, call):
    """One level above the highest confidence recorded for the call's claims fails, naming that cap."""
    reg = register()
    recorded = reg.claims.set_index("id")["confidence"].dropna()
    claim_ids = reg.calls.set_index("id").loc[call, "claim_ids"].split(";")
    levels = [recorded[c] for c in claim_ids if c in recorded.index] or ["moderate"]
    cap = max(levels, key=CONFIDENCE_LEVELS.index)
    if cap == "high":
        pytest.skip(f"{call}'s claims record high confidence: nothing above it")
    edit_csv(data_copy.parent / "briefing_calls.csv", call, "confidence",
             CONFIDENCE_LEVELS[CONFIDENCE_LEVELS.index(cap) + 1])
    _fails(data_copy, "briefing_calls.csv", call, "'confidence'", "call confidence", f"'{cap}'")


def test_confidence_cap_without_recorded_claims(data_copy):
    """A call resting only on facts (which record no confidence) is capped at moderate."""
    path = data_copy.parent / "briefing_calls.csv"
    edit_csv(path, "b05", "claim_ids", "c023")
    edit_csv(path, "b05", "confidence", "high")
    _fails(data_copy, "b05", "'confidence'", "call confidence", "'moderate'", "the cap where its claims record none")


def test_near_certain_call_needs_a_note(data_copy):
    """A call whose term reaches above NOTE_ABOVE per cent (very likely: 95%) without a note fails; with one, it
    passes that rule."""
    path = data_copy.parent / "briefing_calls.csv"
    edit_csv(path, "b05", "statement", "It is very likely that the three hold a further Freedom Edge exercise.")
    edit_csv(path, "b05", "probability_term", "very likely")
    _fails(data_copy, "briefing_calls.csv", "b05", "'note'", "call note", "95%", f"above {NOTE_ABOVE}%")
    edit_csv(path, "b05", "note", "Tests whether Seoul under Lee Jae-myung keeps the trilateral exercise calendar.")
    register(Package(data_copy))


def test_month_only_source_allows_any_day_of_its_month(data_copy):
    """b03's newest source is dated by month (2026-03): any day of March 2026 is its evidence date."""
    edit_csv(data_copy.parent / "briefing_calls.csv", "b03", "assessed_on", "2026-03-01")
    register(Package(data_copy))


# The loader's own rules (table schema), each naming file, row, id, field and rule.
SCHEMA_BREAKS = [
    pytest.param("briefing_calls.csv", "b04", "resolves_if", "",
                 ["briefing_calls.csv", "row 3", "b04", "'resolves_if'", "required"], id="resolves_if_empty"),
    pytest.param("briefing_calls.csv", "b04", "claim_ids", "c017;c999",
                 ["briefing_calls.csv", "b04", "'claim_ids'", "foreign key", "c999"], id="unknown_claim"),
    pytest.param("briefing_calls.csv", "b04", "source_id", "s-nowhere",
                 ["briefing_calls.csv", "b04", "'source_id'", "foreign key", "s-nowhere"], id="unknown_source"),
    pytest.param("briefing_calls.csv", "b04", "probability_term", "probably",
                 ["briefing_calls.csv", "b04", "'probability_term'", "enum", "probably"], id="term_off_the_scale"),
    pytest.param("briefing_calls.csv", "b04", "confidence", "certain",
                 ["briefing_calls.csv", "b04", "'confidence'", "enum"], id="confidence_off_the_scale"),
    pytest.param("briefing_calls.csv", "b04", "chapter", "russia",
                 ["briefing_calls.csv", "b04", "'chapter'", "enum"], id="unknown_chapter"),
    pytest.param("briefing_calls.csv", "b04", "horizon", "2027-02-30",
                 ["briefing_calls.csv", "b04", "'horizon'", "date"], id="impossible_horizon"),
    pytest.param("watch_indicators.csv", "w03", "call_ids", "b04;b99",
                 ["watch_indicators.csv", "w03", "'call_ids'", "foreign key", "b99"], id="unknown_call"),
    pytest.param("watch_indicators.csv", "w03", "claim_ids", "c4",
                 ["watch_indicators.csv", "w03", "'claim_ids'", "pattern"], id="malformed_claim_id"),
    pytest.param("watch_indicators.csv", "w03", "would_move", "",
                 ["watch_indicators.csv", "w03", "'would_move'", "required"], id="would_move_empty"),
]


@pytest.mark.parametrize("file, row, field, value, parts", RULE_BREAKS + SCHEMA_BREAKS)
def test_one_broken_cell_fails_its_rule(data_copy, file, row, field, value, parts):
    """One cell broken in a copy of the data: the register's rule (RULE_BREAKS) or the table schema
    (SCHEMA_BREAKS) fails, naming file, row or id, field and rule."""
    edit_csv(data_copy.parent / file, row, field, value)
    _fails(data_copy, *parts)


def test_too_few_calls_and_indicators(data_copy):
    _drop_rows(data_copy.parent / "watch_indicators.csv", {"w10", "w11", "w12", "w04", "w08"})
    _fails(data_copy, "watch_indicators.csv", "watch count")


def test_too_few_calls(data_copy):
    calls = data_copy.parent / "briefing_calls.csv"
    dropped = {f"b{i:02d}" for i in range(MIN_CALLS - 3, MAX_CALLS + 1)}
    _drop_rows(calls, dropped)
    watch = data_copy.parent / "watch_indicators.csv"
    with watch.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        edit_csv(watch, r["id"], "call_ids", ";".join(c for c in r["call_ids"].split(";") if c and c not in dropped))
    _fails(data_copy, "briefing_calls.csv", "call count")


# -- rendering ---------------------------------------------------------------------------------------------------

def _synthetic_call(**cells):
    row = {"id": "b01", "chapter": "thaw", "statement": HOSTILE, "probability_term": "likely",
           "confidence": "low", "assessed_on": "2026-11-26", "horizon": "2027-06-30", "resolves_if": HOSTILE,
           "resolves_not_if": HOSTILE, "claim_ids": "c001;c002", "source_id": "s-x", "note": HOSTILE}
    return pd.DataFrame([{**row, **cells}])


def test_calls_table_escapes_hostile_text_and_shows_the_range():
    out = str(render.calls_table(_synthetic_call(), caption=HOSTILE))
    assert "<script>" not in out and "<img" not in out and html.escape(HOSTILE) in out
    assert out.count(html.escape(HOSTILE)) == 5  # caption, statement, resolves_if, resolves_not_if, note
    assert "likely (55–80%)" in out and 'href="register.html#c002"' in out and '<tr id="b01">' in out
    # a term off the scale (or hostile) is shown as text, without a range
    out = str(render.calls_table(_synthetic_call(probability_term=HOSTILE, confidence=HOSTILE), caption="c"))
    assert "<script>" not in out and "<img" not in out and "%)" not in out


def test_watch_table_escapes_hostile_text_and_links_calls():
    watch = pd.DataFrame([{"id": "w01", "indicator": HOSTILE, "chapter": "thaw", "would_move": HOSTILE,
                           "where_to_watch": HOSTILE, "claim_ids": "c001", "call_ids": "b01;b02"},
                          {"id": "w02", "indicator": "x", "chapter": "next", "would_move": "y",
                           "where_to_watch": "z", "claim_ids": "c003", "call_ids": pd.NA}])
    out = str(render.watch_table(watch, caption=HOSTILE, calls_page="index.html"))
    assert "<script>" not in out and "<img" not in out and out.count(html.escape(HOSTILE)) == 4
    assert 'href="index.html#b02"' in out and 'href="register.html#c003"' in out


def test_the_real_tables_render_every_row():
    reg = register()
    calls, watch = str(render.calls_table(reg.calls)), str(render.watch_table(reg.watch))
    assert all(f'<tr id="{b}">' in calls for b in reg.calls["id"])
    assert all(f'<tr id="{w}">' in watch for w in reg.watch["id"])
    for term, (low, high) in ESTIMATIVE_TERMS.items():
        if term in set(reg.calls["probability_term"]):
            assert f"{term} ({low}–{high}%)" in calls
