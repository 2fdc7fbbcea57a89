"""Invariants that only the tests used to hold, now register rules (issue 27): `make validate` reports each one, naming
file, row or id, field and rule. Each test breaks one thing in memory (a deep copy of the register, loaded once per
briefing) and runs the one rule that guards it, against this book and the second briefing (only this book has second
readings and calls: those tests say so in their ids); one end-to-end case per rule shows the same message from the
files."""

import copy

import pandas as pd
import pytest

from briefing import rules
from briefing.datapackage import DataError

from support import register_fails


@pytest.fixture
def loaded(loaded_briefing):
    return loaded_briefing[:2]


@pytest.fixture
def reg(loaded):
    return copy.deepcopy(loaded[0])


@pytest.fixture
def pkg(loaded):
    return loaded[1]


def broken(rule, reg, pkg, *parts):
    with pytest.raises(DataError) as info:
        rule(reg, pkg)
    message = str(info.value)
    for part in parts:
        assert part in message, message
    return message


def test_every_new_rule_is_checked_on_load():
    for rule in (rules.claim_order, rules.paragraph_table, rules.second_reading_coverage, rules.call_chapters):
        assert rule in rules.RULES


def test_the_real_register_keeps_every_invariant(loaded):
    reg, pkg = loaded
    for rule in (rules.claim_order, rules.paragraph_table, rules.second_reading_coverage, rules.call_chapters,
                 rules.call_resolution):
        rule(reg, pkg)


# -- claims in reading order ---------------------------------------------------------------------------------------

def test_claims_out_of_reading_order(reg, pkg):
    claims = reg.claims
    claims.loc[claims.index[0], "paragraph"] = claims["paragraph"].iloc[-1]  # the first claim moved to the end
    broken(rules.claim_order, reg, pkg, "claims.csv", claims["id"].iloc[1], "'paragraph'", "claim order")


def test_a_gap_in_the_claim_ids(reg, pkg):
    second = reg.claims.index[1]
    reg.claims = reg.claims.drop(index=second)
    third = reg.claims.iloc[1]["id"]
    broken(rules.claim_order, reg, pkg, "claims.csv", third, "'id'", "claim order")


def test_claims_out_of_order_from_the_files(data_copy):
    path = data_copy.parent / "claims.csv"
    import csv
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1], rows[2] = rows[2], rows[1]  # the second claim's row before the first's
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    register_fails(data_copy, "claims.csv", rows[1][0], "'id'", "claim order")


# -- the paragraph table is the article's ----------------------------------------------------------------------------

@pytest.mark.parametrize("field, value", [("kind", "heading"), ("text", "一行不在文章里"), ("line_no", 9999)])
def test_paragraph_table_differs_from_the_article(reg, pkg, field, value):
    body = reg.paragraphs.index[reg.paragraphs["kind"] == "body"]  # a body line: its kind set to heading changes it
    row = body[len(body) // 2]
    pid = reg.paragraphs.loc[row, "id"]
    reg.paragraphs.loc[row, field] = value
    broken(rules.paragraph_table, reg, pkg, "article_paragraphs.csv", pid, f"'{field}'", "paragraph table")


def test_paragraph_table_missing_a_line(reg, pkg):
    last = reg.paragraphs.iloc[-1]["id"]
    reg.paragraphs = reg.paragraphs.iloc[:-1]
    broken(rules.paragraph_table, reg, pkg, "article_paragraphs.csv", last, "paragraph table")


# -- the second reading read what its draw sent it -----------------------------------------------------------------

@pytest.mark.needs("second_readings")
@pytest.mark.parametrize("what", ["flagged", "sampled"])
def test_a_drawn_claim_left_unread(reg, pkg, what):
    verdicts = reg.claims.set_index("id")["verdict"]
    readings = reg.second_readings
    owed = readings["claim_id"].map(verdicts).isin(["contradicted", "partly_supported"])
    if what == "sampled":
        owed = readings["claim_id"].isin(rules.second_reading_draw(pkg)["supported_sample"])
    dropped = readings.loc[owed, "claim_id"].iloc[0]
    reg.second_readings = readings[readings["claim_id"] != dropped]
    broken(rules.second_reading_coverage, reg, pkg, "second_readings.csv", dropped, "second reading coverage",
           "not read")


@pytest.mark.needs("second_readings")
def test_a_claim_read_that_was_not_drawn(reg, pkg):
    read = set(reg.second_readings["claim_id"])
    extra = next(c for c in reg.claims.loc[reg.claims["claim_type"] == "fact", "id"] if c not in read)
    row = reg.second_readings.iloc[[0]].copy()
    row["claim_id"], row["first_verdict"], row["second_verdict"] = extra, "supported", "supported"
    reg.second_readings = pd.concat([reg.second_readings, row], ignore_index=True)
    broken(rules.second_reading_coverage, reg, pkg, "second_readings.csv", extra, "second reading coverage")


# -- the briefing's own calls ----------------------------------------------------------------------------------------

@pytest.mark.needs("briefing_calls")
def test_a_chapter_without_a_call(reg, pkg):
    chapter = reg.calls["chapter"].iloc[0]
    reg.calls = reg.calls[reg.calls["chapter"] != chapter]
    broken(rules.call_chapters, reg, pkg, "briefing_calls.csv", chapter, "call in every chapter")


@pytest.mark.needs("briefing_calls")
@pytest.mark.parametrize("field, value", [("resolves_if", "If a bridge opens."),
                                          ("resolves_not_if", "Borne out if nothing happens.")])
def test_resolution_wording(reg, pkg, field, value):
    cid = reg.calls.iloc[0]["id"]
    reg.calls.loc[reg.calls.index[0], field] = value
    broken(rules.call_resolution, reg, pkg, "briefing_calls.csv", cid, field, "call resolution")
