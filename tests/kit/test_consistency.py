"""The article against itself, the consistency rules between linked claims, the blind second reading and the
working-note rule: the data passes, and each rule fails when broken (in memory: against this book and the second
briefing, which has no conflicts, claim links or second readings, so those tests run against this book and say so in
their ids)."""

import pandas as pd
import pytest

from briefing import rules
from briefing.claims import (INCONSISTENCY_KINDS, agreement, cited_headline, second_reading_draw,
                             second_reading_sample, second_reading_set, working_note)
from briefing.datapackage import DataError, Package

from support import edit_csv, register_fails as _fails

import picks


# -- the article against itself ----------------------------------------------------------------------------------

def test_inconsistencies_are_valid_and_use_every_kind():
    reg = picks.reg()
    inc = reg.inconsistencies
    assert len(inc) >= 10
    # every kind but 'sequence' is used: its one conflict (i13, a quick change of strategy against the cited
    # source's "consistent position") was dropped in the fourth edition as too weak, like i11 before it
    assert set(inc["kind"]) == set(INCONSISTENCY_KINDS) - {"sequence"}
    paras = reg.paragraphs.set_index("id")
    for _, row in inc.iterrows():
        assert row["quote_a"] in paras.loc[row["paragraph_a"], "text"]
        assert row["quote_b"] in paras.loc[row["paragraph_b"], "text"]


def test_cited_headline():
    assert cited_headline("北京日报2025年2月19日——朝鲜副外相:强化发展朝中友好是朝方一贯立场") == \
        "朝鲜副外相:强化发展朝中友好是朝方一贯立场"


# Each conflict, claim or link below is picked by what it is (tests/picks.py), not by its id.

@pytest.mark.needs("article_inconsistencies")
def test_inconsistency_quote_not_in_paragraph(broken):
    row = picks.inconsistency()
    broken.edit("article_inconsistencies.csv", row["id"], "quote_b", "这句话不在文章里")
    broken.fails(rules.inconsistency_passages, "article_inconsistencies.csv", row["id"], "quote_b", "quote not found")


def test_inconsistency_quote_not_in_paragraph_from_the_files(data_copy):
    """End to end: the same break read from the CSV names file, id, field and rule."""
    row = picks.inconsistency()
    edit_csv(data_copy.parent / "article_inconsistencies.csv", row["id"], "quote_b", "这句话不在文章里")
    _fails(data_copy, f"article_inconsistencies.csv: id {row['id']}, field 'quote_b'", "quote not found")


@pytest.mark.needs("article_inconsistencies")
def test_inconsistency_cited_source_must_quote_the_headline(broken):
    from briefing.config import CITED_SOURCE_SEPARATOR
    row = picks.conflict_with_a_cited_source()
    line = picks.reg().paragraphs.set_index("id").loc[row["paragraph_b"], "text"]
    before = line[:line.index(CITED_SOURCE_SEPARATOR)].strip()  # the publisher and date: in the line, not its headline
    broken.edit("article_inconsistencies.csv", row["id"], "quote_b", before)
    broken.fails(rules.inconsistency_passages, row["id"], "quote_b", "cited headline")


@pytest.mark.needs("article_inconsistencies")
def test_inconsistency_first_passage_must_be_body_text(broken):
    row = picks.inconsistency()
    pid, kind, text = picks.non_body_paragraph()
    broken.edit("article_inconsistencies.csv", row["id"], "paragraph_a", pid)
    broken.edit("article_inconsistencies.csv", row["id"], "quote_a", text)
    broken.fails(rules.inconsistency_passages, row["id"], "paragraph_a", "paragraph kind", kind)


@pytest.mark.needs("article_inconsistencies")
def test_inconsistency_passages_in_reading_order(broken):
    row = picks.conflict_between_two_body_paragraphs()  # swap its passages: the later one first
    for field, value in (("paragraph_a", row["paragraph_b"]), ("quote_a", row["quote_b"]),
                         ("paragraph_b", row["paragraph_a"]), ("quote_b", row["quote_a"])):
        broken.edit("article_inconsistencies.csv", row["id"], field, value)
    broken.fails(rules.inconsistency_order, row["id"], "reading order")


def test_inconsistency_unknown_claim(data_copy):
    row, missing = picks.inconsistency(), picks.absent("c", picks.reg().claims["id"])
    edit_csv(data_copy.parent / "article_inconsistencies.csv", row["id"], "claim_ids", f"{row['claim_ids']};{missing}")
    with pytest.raises(DataError) as info:
        Package(data_copy).validate()
    assert "claim_ids" in str(info.value) and "foreign key" in str(info.value) and missing in str(info.value)


@pytest.mark.needs("article_inconsistencies")
def test_inconsistency_claim_on_another_paragraph(broken):
    row = picks.inconsistency()
    elsewhere = picks.claim_elsewhere((row["paragraph_a"], row["paragraph_b"]))
    broken.edit("article_inconsistencies.csv", row["id"], "claim_ids", f"{row['claim_ids']};{elsewhere}")
    broken.fails(rules.inconsistency_claims, row["id"], "claim_ids", "claim paragraph", elsewhere)


def test_inconsistency_kind_enum(data_copy):
    edit_csv(data_copy.parent / "article_inconsistencies.csv", picks.inconsistency()["id"], "kind", "tone")
    with pytest.raises(DataError) as info:
        Package(data_copy).validate()
    assert "enum" in str(info.value) and "'kind'" in str(info.value)


def test_inconsistencies_of_a_chapter():
    """A section's conflicts are those naming one of its claims: some of the conflicts, not all."""
    reg = picks.reg()
    section, ids = picks.section_with_conflicts()
    own = set(reg.claims_of(section)["id"])
    names = {row["id"]: set(row["claim_ids"].split(";")) for _, row in reg.inconsistencies.iterrows()}
    assert ids == {i for i, claims in names.items() if claims & own}
    assert ids and ids != set(names)


# -- consistency between linked claims ----------------------------------------------------------------------------

@pytest.mark.needs("claim_links")
def test_same_event_with_different_verdicts_needs_a_note(broken):
    a, b = picks.same_event_facts_that_differ()
    broken.edit("claim_links.csv", (a, b), "note", "")
    broken.fails(rules.inconsistent_verdicts, "claim_links.csv", f"{a}/{b}", "inconsistent verdicts")


@pytest.mark.needs("claim_links")
def test_a_note_that_does_not_name_both_claims_does_not_explain(broken):
    a, b = picks.same_event_facts_that_differ()
    broken.edit("claim_links.csv", (a, b), "note", "The same meeting.")
    broken.fails(rules.inconsistent_verdicts, f"{a}/{b}", "inconsistent verdicts")


@pytest.mark.needs("claim_links")
def test_supported_claim_on_a_contradicted_premise(broken):
    # a supported claim rests on a premise; point it at a contradicted claim instead
    a, b = picks.link("depends_on_premise", lambda a, b, claims: claims.loc[a, "verdict"] == "supported")
    contradicted = picks.with_verdict("contradicted", besides=(a,))
    broken.edit("claim_links.csv", (a, b), "claim_b", contradicted)
    broken.fails(rules.contradicted_premise, "claim_links.csv", f"{a}/{contradicted}", "contradicted premise")


@pytest.mark.needs("claim_links")
def test_same_event_pair_in_order(broken):
    a, b = picks.link("same_event")  # listed the other way round: the higher id first
    broken.edit("claim_links.csv", (a, b), "claim_a", b)
    broken.edit("claim_links.csv", (b, b), "claim_b", a)
    broken.fails(rules.link_order, f"{b}/{a}", "link order")


def test_link_to_an_unknown_claim(data_copy):
    a, b = picks.link("same_event")
    missing = picks.absent("c", picks.reg().claims["id"])
    edit_csv(data_copy.parent / "claim_links.csv", (a, b), "claim_b", missing)
    with pytest.raises(DataError) as info:
        Package(data_copy).validate()
    assert "foreign key" in str(info.value) and missing in str(info.value)


# -- published text ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["searched the stored pages for the headline", "owned by the chapter helper",
                                  "title searched in pages corpus", "[title not shown in stored copy] X"])
def test_working_note_patterns(text):
    assert working_note(text, ("\\bsearched\\b",))


def test_reader_text_is_not_a_working_note():
    assert working_note("Chinese state news agency wire; reports both sides' official statements") is None


def _a_source() -> str:
    """A source with a reliability note, other than the article's own cited sources."""
    s = picks.reg().sources
    return s.loc[(s["kind"] != "cited_by_article") & s["reliability"].notna(), "id"].iloc[0]


def test_working_note_in_reliability(broken):
    source = _a_source()
    broken.edit("sources.csv", source, "reliability", "A business outlet; searched for the headline")
    broken.fails(rules.working_notes, "sources.csv", source, "reliability", "working note", "'searched'")


def test_working_note_in_a_rationale(broken):
    fact = picks.a("fact")
    broken.edit("claims.csv", fact, "rationale", "Owned by the chapter's helper; see pages corpus.")
    broken.fails(rules.working_notes, "claims.csv", fact, "rationale", "working note")


def test_placeholder_title(broken):
    source = _a_source()
    broken.edit("sources.csv", source, "title", "[title not shown in stored copy] A report")
    broken.fails(rules.working_notes, source, "title", "working note")


# -- the blind second reading --------------------------------------------------------------------------------------

def test_recorded_sample_is_the_samplers_output():
    draw = second_reading_draw()
    assert second_reading_sample(draw["supported_population"], draw["seed"]) == draw["supported_sample"]
    assert draw["supported_sample"] and set(draw["supported_sample"]) <= set(draw["supported_population"])


def test_sample_is_a_rounded_up_fifth_and_seeded():
    ids = [f"c{i:03d}" for i in range(1, 12)]
    assert len(second_reading_sample(ids, 1)) == 3
    assert second_reading_sample(ids, 7) == second_reading_sample(list(reversed(ids)), 7)


def test_second_reading_set_of_a_register():
    # a synthetic register (ids of the 9s: no register uses them)
    claims = pd.DataFrame({"id": ["c901", "c902", "c903", "c904"], "claim_type": ["fact"] * 3 + ["judgment"],
                           "verdict": ["contradicted", "supported", "unverified", "not_checkable"]})
    assert second_reading_set(claims) == ["c901", "c902"]


def test_agreement():
    df = pd.DataFrame({"first_verdict": ["supported", "contradicted", "partly_supported", "contradicted"],
                       "second_verdict": ["supported", "partly_supported", "partly_supported", "contradicted"]})
    assert agreement(df) == {"claims": 4, "agreed": 3, "disagreed": 1, "rate": 0.75}


def _only_reading(broken, **cells):
    """The second reading reduced to one row."""
    broken.drop("second_readings.csv", set(broken.reg.second_readings["claim_id"]), key="claim_id")
    broken.append("second_readings.csv", cells)


@pytest.mark.needs("second_readings")
def test_disagreement_without_resolution(broken):
    fact = picks.checked_fact()
    first = picks.reg().claims.set_index("id").loc[fact, "verdict"]
    second = "supported" if first != "supported" else "contradicted"
    _only_reading(broken, claim_id=fact, first_verdict=first, second_verdict=second,
                  note="The second reader read the sources otherwise.")
    broken.fails(rules.second_reading, "second_readings.csv", fact, "unresolved")


@pytest.mark.needs("second_readings")
def test_second_reading_of_a_judgment(broken):
    judgment = picks.a("judgment")
    _only_reading(broken, claim_id=judgment, first_verdict="supported", second_verdict="supported", note="A note.")
    broken.fails(rules.second_reading, judgment, "fact only")


# -- this briefing's data: tests of particular rows' content (regression tests of the record, not of the kit) -------

def test_the_four_hours_against_the_first_cited_source():
    inc = picks.reg().inconsistencies.set_index("id")
    row = inc[(inc["paragraph_a"] == "p01") & (inc["kind"] == "number")].iloc[0]
    assert "4小时" in row["quote_a"] and row["quote_b"].startswith("4.5小时")


def test_linked_claims_are_consistent():
    reg = picks.reg()
    assert len(reg.claim_links) > 0
    verdicts = reg.claims.set_index("id")["verdict"]
    c025, c037 = verdicts["c025"], verdicts["c037"]
    assert c025 == c037  # the same evidence, the same verdict
