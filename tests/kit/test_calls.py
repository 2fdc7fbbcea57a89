"""The briefing's own calls (``briefing_calls``) and what to watch (``watch_indicators``): they validate, each rule
fails on a broken copy of the data naming the file, the row id, the field and the rule, and their tables escape
hostile text."""

import dataclasses
import html

import pandas as pd
import pytest

from briefing import render, rules
from briefing.components import html_of
from briefing.claims import (CONFIDENCE_LEVELS, DEFAULT_CONFIDENCE_CAP, ESTIMATIVE_TERMS, NOTE_ABOVE,
                             estimative_terms)
from briefing.config import MAX_CALLS, MIN_CALLS, MIN_WATCH
from briefing.vocabulary import CHAPTER_LABELS

from support import edit_csv, register_fails as _fails
from support.memory import having

import picks

HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'


# -- the real data -----------------------------------------------------------------------------------------------

def test_calls_and_watch_are_loaded_valid_and_spread_over_the_chapters():
    reg = picks.reg()
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

# Each row is picked by what it is (tests/picks.py), not by its id. Only this book has calls and indicators, so the
# tests that break them in memory run against it alone (their ids say why), and these picks, made at collection,
# are its own; the assert stops collection should another briefing gain calls before they are picked lazily
# (picks.later, as tests/kit/test_claims.py does).
pytestmark = pytest.mark.needs("briefing_calls", "watch_indicators")
assert having("briefing_calls") == ["book"], "picks made at collection read this book only: pick them in the test"
_CALLS = picks.calls().set_index("id")
_CALL = picks.any_call()
_TERM = _CALLS.loc[_CALL, "probability_term"]
try:
    _OTHER = picks.other_term(_TERM, higher=False)
except picks.NoSuchRow:
    _OTHER = picks.other_term(_TERM, higher=True)
_LOW_CALL = picks.call_below_the_top()
_HIGHER = picks.other_term(_CALLS.loc[_LOW_CALL, "probability_term"], higher=True)
_DAY_CALL, _DAY_SOURCE, _DAY_NEWEST = picks.call_dated_by_a_day()
_MONTH_CALL, _MONTH = picks.call_dated_by_a_month()
_INDICATOR = picks.any_indicator()
_ALONE_INDICATOR, _ALONE_CALL = picks.indicator_alone_on_a_call()

RULE_BREAKS = [
    pytest.param(rules.call_term, "briefing_calls.csv", _CALL, "statement", f"It is {_OTHER} that it happens by the horizon.",
                 ["briefing_calls.csv", _CALL, "'statement'", "probability term", f"'{_OTHER}'"],
                 id="term_differs_from_probability_term"),
    pytest.param(rules.call_term, "briefing_calls.csv", _CALL, "statement", "It happens by the horizon.",
                 ["briefing_calls.csv", _CALL, "'statement'", "probability term", "no estimative term"],
                 id="statement_without_a_term"),
    pytest.param(rules.call_term, "briefing_calls.csv", _CALL, "statement", f"It is {_TERM}, though {_OTHER} before then, that it "
                 "happens.", ["briefing_calls.csv", _CALL, "'statement'", "probability term", f"'{_OTHER}'"],
                 id="two_terms"),
    pytest.param(rules.call_dates, "briefing_calls.csv", _CALL, "horizon", _CALLS.loc[_CALL, "assessed_on"],
                 ["briefing_calls.csv", _CALL, "'horizon'", "horizon", "not after assessed_on"],
                 id="horizon_not_after_assessed_on"),
    pytest.param(rules.call_dates, "briefing_calls.csv", _DAY_CALL, "assessed_on", picks.day_before(_DAY_NEWEST),
                 ["briefing_calls.csv", _DAY_CALL, "'assessed_on'", "call date", "earlier than the newest evidence",
                  _DAY_SOURCE], id="assessed_before_its_newest_source"),
    pytest.param(rules.call_dates, "briefing_calls.csv", _DAY_CALL, "assessed_on", picks.day_after(_DAY_NEWEST),
                 ["briefing_calls.csv", _DAY_CALL, "'assessed_on'", "call date", "later than the newest evidence"],
                 id="assessed_on_the_day_the_book_was_written"),
    pytest.param(rules.call_dates, "briefing_calls.csv", _MONTH_CALL, "assessed_on", picks.day_after(_MONTH),
                 ["briefing_calls.csv", _MONTH_CALL, "'assessed_on'", "call date", "later than", _MONTH],
                 id="assessed_after_a_month_only_source"),
    pytest.param(rules.call_resolution, "briefing_calls.csv", _CALL, "resolves_not_if", "",
                 ["briefing_calls.csv", _CALL, "'resolves_not_if'", "call resolution", "silence"],
                 id="silence_without_an_outcome"),
    pytest.param(rules.call_term, "briefing_calls.csv", _LOW_CALL, "statement", f"It is {_HIGHER} that it happens in that period.",
                 ["briefing_calls.csv", _LOW_CALL, "'statement'", "probability term", f"'{_HIGHER}'"],
                 id="term_raised_without_its_probability_term"),
    pytest.param(rules.call_watched, "watch_indicators.csv", _ALONE_INDICATOR, "call_ids", "",
                 ["briefing_calls.csv", _ALONE_CALL, "'id'", "call unwatched"], id="call_with_nothing_to_watch"),
    pytest.param(rules.working_notes, "briefing_calls.csv", _CALL, "resolves_if", "Borne out if it happens, by the author's notes (TODO).",
                 ["briefing_calls.csv", _CALL, "'resolves_if'", "working note"], id="working_note_in_resolves_if"),
    pytest.param(rules.working_notes, "watch_indicators.csv", _INDICATOR, "where_to_watch", "placeholder",
                 ["watch_indicators.csv", _INDICATOR, "'where_to_watch'", "working note"], id="working_note_in_watch"),
]

# Every confidence cap the calls have below high (a cap of high leaves nothing above it); None: the call's claims
# record no confidence, so the default cap applies.
_CAPS = sorted({picks.confidence_cap(b) for b in _CALLS.index} - {"high"}, key=lambda c: (c is None, str(c)))
assert _CAPS, "no call is capped below high: the cap rule would go untested"


@pytest.mark.parametrize("cap", _CAPS, ids=lambda c: str(c or "default"))
def test_confidence_above_its_claims(broken, cap):
    """One level above the highest confidence recorded for the call's claims fails, naming that cap."""
    call = picks.call_capped_at(cap)
    cap = cap or DEFAULT_CONFIDENCE_CAP
    broken.edit("briefing_calls.csv", call, "confidence", CONFIDENCE_LEVELS[CONFIDENCE_LEVELS.index(cap) + 1])
    broken.fails(rules.call_confidence, "briefing_calls.csv", call, "'confidence'", "call confidence", f"'{cap}'")


def test_confidence_cap_without_recorded_claims(broken):
    """A call resting only on facts (which record no confidence) is capped at the default cap (moderate)."""
    broken.edit("briefing_calls.csv", _CALL, "claim_ids", picks.fact_recording_no_confidence())
    broken.edit("briefing_calls.csv", _CALL, "confidence", "high")
    broken.fails(rules.call_confidence, _CALL, "'confidence'", "call confidence", f"'{DEFAULT_CONFIDENCE_CAP}'",
                 "the cap where its claims record none")


def test_near_certain_call_needs_a_note(broken):
    """A call whose term reaches above NOTE_ABOVE per cent (very likely: 95%) without a note fails; with one, it
    passes that rule."""
    call = picks.call_without_note()
    term, (_low, high) = next((t, r) for t, r in ESTIMATIVE_TERMS.items() if r[1] > NOTE_ABOVE)
    broken.edit("briefing_calls.csv", call, "statement", f"It is {term} that it happens by the horizon.")
    broken.edit("briefing_calls.csv", call, "probability_term", term)
    broken.fails(rules.call_note, "briefing_calls.csv", call, "'note'", "call note", f"{high}%",
                 f"above {NOTE_ABOVE}%")
    broken.edit("briefing_calls.csv", call, "note", "Worth making: it tests whether the record holds up.")
    broken.passes(rules.call_note, rules.call_term)


def test_month_only_source_allows_any_day_of_its_month(broken):
    """A call whose newest source is dated by month: any day of that month is its evidence date."""
    broken.edit("briefing_calls.csv", _MONTH_CALL, "assessed_on", f"{_MONTH}-01")
    broken.passes(rules.call_dates)


# The loader's own rules (table schema), each naming file, row, id, field and rule.
_LAST = picks.calls()["id"].iloc[-1]
_ROW = f"row {picks.row_number('briefing_calls', _LAST)} (id {_LAST})"
_NO_CLAIM = picks.absent("c", picks.reg().claims["id"])
_NO_CALL = picks.absent("b", _CALLS.index, width=2)
SCHEMA_BREAKS = [
    pytest.param("briefing_calls.csv", _LAST, "resolves_if", "",
                 ["briefing_calls.csv", _ROW, "'resolves_if'", "required"], id="resolves_if_empty"),
    pytest.param("briefing_calls.csv", _LAST, "claim_ids", f"{picks.any_claim()};{_NO_CLAIM}",
                 ["briefing_calls.csv", _LAST, "'claim_ids'", "foreign key", _NO_CLAIM], id="unknown_claim"),
    pytest.param("briefing_calls.csv", _LAST, "source_id", "s-nowhere",
                 ["briefing_calls.csv", _LAST, "'source_id'", "foreign key", "s-nowhere"], id="unknown_source"),
    pytest.param("briefing_calls.csv", _LAST, "probability_term", "probably",
                 ["briefing_calls.csv", _LAST, "'probability_term'", "enum", "probably"], id="term_off_the_scale"),
    pytest.param("briefing_calls.csv", _LAST, "confidence", "certain",
                 ["briefing_calls.csv", _LAST, "'confidence'", "enum"], id="confidence_off_the_scale"),
    pytest.param("briefing_calls.csv", _LAST, "chapter", "no-such-chapter",
                 ["briefing_calls.csv", _LAST, "'chapter'", "enum"], id="unknown_chapter"),
    pytest.param("briefing_calls.csv", _LAST, "horizon", "2027-02-30",
                 ["briefing_calls.csv", _LAST, "'horizon'", "date"], id="impossible_horizon"),
    pytest.param("watch_indicators.csv", _INDICATOR, "call_ids", f"{_LAST};{_NO_CALL}",
                 ["watch_indicators.csv", _INDICATOR, "'call_ids'", "foreign key", _NO_CALL], id="unknown_call"),
    pytest.param("watch_indicators.csv", _INDICATOR, "claim_ids", "c4",
                 ["watch_indicators.csv", _INDICATOR, "'claim_ids'", "pattern"], id="malformed_claim_id"),
    pytest.param("watch_indicators.csv", _INDICATOR, "would_move", "",
                 ["watch_indicators.csv", _INDICATOR, "'would_move'", "required"], id="would_move_empty"),
]


@pytest.mark.parametrize("rule, file, row, field, value, parts", RULE_BREAKS)
def test_one_broken_cell_fails_its_rule(broken, rule, file, row, field, value, parts):
    """One cell broken in memory: the register's rule fails, naming file, id, field and rule."""
    broken.edit(file, row, field, value)
    broken.fails(rule, *parts)


@pytest.mark.parametrize("file, row, field, value, parts", SCHEMA_BREAKS)
def test_one_broken_cell_fails_its_schema(data_copy, file, row, field, value, parts):
    """One cell broken in a copy of the files: the table schema fails, naming file, row, id, field and rule."""
    edit_csv(data_copy.parent / file, row, field, value)
    _fails(data_copy, *parts)


def test_a_broken_call_fails_from_the_files(data_copy):
    """End to end: the register's rule read from a CSV row names file, id, field and rule as in memory."""
    edit_csv(data_copy.parent / "briefing_calls.csv", _CALL, "resolves_not_if", "")
    _fails(data_copy, "briefing_calls.csv", f"id {_CALL}, field 'resolves_not_if'", "call resolution", "silence")


def test_too_few_calls_and_indicators(broken):
    broken.drop("watch_indicators.csv", set(picks.reg().watch["id"].iloc[MIN_WATCH - 1:]))
    broken.fails(rules.call_count, "watch_indicators.csv", "watch count")


def test_too_few_calls(broken):
    broken.drop("briefing_calls.csv", set(picks.calls()["id"].iloc[MIN_CALLS - 1:]))
    broken.fails(rules.call_count, "briefing_calls.csv", "call count")


# -- rendering ---------------------------------------------------------------------------------------------------
# Synthetic rows: ids of the 9s (c901, b91) that no register uses; chapters from briefing.yml.

def _synthetic_call(**cells):
    row = {"id": "b91", "chapter": picks.chapters()[0], "statement": HOSTILE, "probability_term": "likely",
           "confidence": "low", "assessed_on": "2026-11-26", "horizon": "2027-06-30", "resolves_if": HOSTILE,
           "resolves_not_if": HOSTILE, "claim_ids": "c901;c902", "source_id": "s-x", "note": HOSTILE}
    return pd.DataFrame([{**row, **cells}])


def _shown(component, **tables) -> str:
    """A table as the book shows it, made from the register with these tables in place of its own."""
    return html_of(component, dataclasses.replace(picks.reg(), **tables))


def test_calls_table_escapes_hostile_text_and_shows_the_range():
    out = _shown(render.calls_table(_synthetic_call(), caption=HOSTILE), calls=_synthetic_call())
    assert "<script>" not in out and "<img" not in out and html.escape(HOSTILE) in out
    assert out.count(html.escape(HOSTILE)) == 5  # caption, statement, resolves_if, resolves_not_if, note
    assert "likely (55–80%)" in out and 'href="register.html#c902"' in out and '<tr id="b91">' in out
    # a term off the scale (or hostile) is shown as text, without a range
    hostile = _synthetic_call(probability_term=HOSTILE, confidence=HOSTILE)
    out = _shown(render.calls_table(hostile, caption="c"), calls=hostile)
    assert "<script>" not in out and "<img" not in out and "%)" not in out


def test_watch_table_escapes_hostile_text_and_links_calls():
    first, last = picks.chapters()[0], picks.chapters()[-1]
    watch = pd.DataFrame([{"id": "w91", "indicator": HOSTILE, "chapter": first, "would_move": HOSTILE,
                           "where_to_watch": HOSTILE, "claim_ids": "c901", "call_ids": "b91;b92"},
                          {"id": "w92", "indicator": "x", "chapter": last, "would_move": "y",
                           "where_to_watch": "z", "claim_ids": "c903", "call_ids": pd.NA}])
    out = _shown(render.watch_table(watch, caption=HOSTILE, calls_page="index.html"), watch=watch)
    assert "<script>" not in out and "<img" not in out and out.count(html.escape(HOSTILE)) == 4
    assert 'href="index.html#b92"' in out and 'href="register.html#c903"' in out


def test_the_real_tables_render_every_row():
    reg = picks.reg()
    calls, watch = html_of(render.calls_table(reg.calls), reg), html_of(render.watch_table(reg.watch), reg)
    assert all(f'<tr id="{b}">' in calls for b in reg.calls["id"])
    assert all(f'<tr id="{w}">' in watch for w in reg.watch["id"])
    for term, (low, high) in ESTIMATIVE_TERMS.items():
        if term in set(reg.calls["probability_term"]):
            assert f"{term} ({low}–{high}%)" in calls


# -- three dates and the 90% rule however phrased (issue 24) --------------------------------------------------------

def _first_call():
    return picks.calls().astype(str).iloc[0]


def test_cutoff_before_the_newest_source_fails(broken):
    b = _first_call()
    broken.edit("briefing_calls.csv", b["id"], "information_cutoff", picks.day_before(b["assessed_on"]))
    broken.fails(rules.call_dates, "briefing_calls.csv", b["id"], "information_cutoff", "call dates")


def test_written_before_the_cutoff_fails(broken):
    b = _first_call()
    broken.edit("briefing_calls.csv", b["id"], "written_on", picks.day_before(b["information_cutoff"]))
    broken.fails(rules.call_dates, "briefing_calls.csv", b["id"], "written_on", "call dates")


def test_horizon_not_after_the_writing_fails(broken):
    """Lead time counts from the later of the cut-off and the writing: a horizon before the writing fails."""
    b = _first_call()
    broken.edit("briefing_calls.csv", b["id"], "horizon", b["written_on"])
    broken.fails(rules.call_dates, "briefing_calls.csv", b["id"], "horizon",
                 "later of information_cutoff and written_on")


@pytest.mark.parametrize("term", [t for t, (low, high) in ESTIMATIVE_TERMS.items()
                                  if max(high, 100 - low) > NOTE_ABOVE and high <= NOTE_ABOVE])
def test_a_near_certain_call_by_negation_needs_a_note(broken, term):
    """'Very unlikely' is borne out when the event does not happen, up to 95%: above the 90% rule like 'very
    likely'."""
    b = _first_call()
    statement = b["statement"].replace(b["probability_term"], term, 1)
    broken.edit("briefing_calls.csv", b["id"], "statement", statement)
    broken.edit("briefing_calls.csv", b["id"], "probability_term", term)
    broken.edit("briefing_calls.csv", b["id"], "note", "")
    broken.fails(rules.call_note, "briefing_calls.csv", b["id"], "note", "call note", "borne out")


def test_every_call_has_its_three_dates():
    calls = picks.reg().calls
    assert calls[["assessed_on", "information_cutoff", "written_on"]].notna().all().all()
    assert (calls["assessed_on"] <= calls["information_cutoff"]).all()
    assert (calls["information_cutoff"] <= calls["written_on"]).all()
