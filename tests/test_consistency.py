"""The article against itself, the consistency rules between linked claims, the blind second reading and the
working-note rule: the data passes, and each rule fails when broken."""

import csv

import pandas as pd
import pytest

from briefing.claims import (INCONSISTENCY_KINDS, agreement, cited_headline, register, second_reading_draw,
                             second_reading_sample, second_reading_set, working_note)
from briefing.datapackage import DataError, Package

from csvedit import edit_csv


def _fails(pkg_path, *parts):
    with pytest.raises(DataError) as info:
        register(Package(pkg_path))
    for part in parts:
        assert part in str(info.value), str(info.value)


def _edit_row(path, match, field, value):
    """Set one cell in the row whose cells start with ``match`` (a tuple of leading cells)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    for row in rows[1:]:
        if tuple(row[: len(match)]) == tuple(match):
            row[header.index(field)] = value
            break
    else:
        raise KeyError(match)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


# -- the article against itself ----------------------------------------------------------------------------------

def test_inconsistencies_are_valid_and_use_every_kind():
    reg = register()
    inc = reg.inconsistencies
    assert len(inc) >= 10
    assert set(inc["kind"]) == set(INCONSISTENCY_KINDS)
    paras = reg.paragraphs.set_index("id")
    for _, row in inc.iterrows():
        assert row["quote_a"] in paras.loc[row["paragraph_a"], "text"]
        assert row["quote_b"] in paras.loc[row["paragraph_b"], "text"]


def test_the_four_hours_against_the_first_cited_source():
    inc = register().inconsistencies.set_index("id")
    row = inc[(inc["paragraph_a"] == "p01") & (inc["kind"] == "number")].iloc[0]
    assert "4小时" in row["quote_a"] and row["quote_b"].startswith("4.5小时")


def test_cited_headline():
    assert cited_headline("北京日报2025年2月19日——朝鲜副外相:强化发展朝中友好是朝方一贯立场") == \
        "朝鲜副外相:强化发展朝中友好是朝方一贯立场"


def test_inconsistency_quote_not_in_paragraph(data_copy):
    edit_csv(data_copy.parent / "article_inconsistencies.csv", "i02", "quote_b", "朴明浩访问平壤")
    _fails(data_copy, "article_inconsistencies.csv", "i02", "quote_b", "quote not found")


def test_inconsistency_cited_source_must_quote_the_headline(data_copy):
    edit_csv(data_copy.parent / "article_inconsistencies.csv", "i01", "quote_b", "法制日报2025年2月24日")
    _fails(data_copy, "i01", "quote_b", "cited headline")


def test_inconsistency_first_passage_must_be_body_text(data_copy):
    path = data_copy.parent / "article_inconsistencies.csv"
    edit_csv(path, "i01", "paragraph_a", "p03")
    edit_csv(path, "i01", "quote_a", "取材网络")
    _fails(data_copy, "i01", "paragraph_a", "paragraph kind")


def test_inconsistency_passages_in_reading_order(data_copy):
    path = data_copy.parent / "article_inconsistencies.csv"
    for field, value in (("paragraph_a", "p35"), ("quote_a", "朝鲜外务省副相朴明浩访问中国驻朝使馆"),
                         ("paragraph_b", "p04"), ("quote_b", "朝鲜外务省副相朴明浩立刻造访中国")):
        edit_csv(path, "i02", field, value)
    _fails(data_copy, "i02", "reading order")


def test_inconsistency_unknown_claim(data_copy):
    edit_csv(data_copy.parent / "article_inconsistencies.csv", "i01", "claim_ids", "c002;c999")
    with pytest.raises(DataError) as info:
        Package(data_copy).validate()
    assert "claim_ids" in str(info.value) and "foreign key" in str(info.value)


def test_inconsistency_claim_on_another_paragraph(data_copy):
    edit_csv(data_copy.parent / "article_inconsistencies.csv", "i01", "claim_ids", "c002;c010")
    _fails(data_copy, "i01", "claim_ids", "claim paragraph", "c010")


def test_inconsistency_kind_enum(data_copy):
    edit_csv(data_copy.parent / "article_inconsistencies.csv", "i01", "kind", "tone")
    with pytest.raises(DataError) as info:
        Package(data_copy).validate()
    assert "enum" in str(info.value) and "'kind'" in str(info.value)


def test_inconsistencies_of_a_chapter():
    reg = register()
    china = reg.inconsistencies_of("china_ties")
    assert "i02" in set(china["id"]) and "i01" not in set(china["id"])


# -- consistency between linked claims ----------------------------------------------------------------------------

def test_linked_claims_are_consistent():
    reg = register()
    assert len(reg.claim_links) > 0
    verdicts = reg.claims.set_index("id")["verdict"]
    c025, c037 = verdicts["c025"], verdicts["c037"]
    assert c025 == c037  # the same evidence, the same verdict


def test_same_event_with_different_verdicts_needs_a_note(data_copy):
    _edit_row(data_copy.parent / "claim_links.csv", ("c006", "c047"), "note", "")
    _fails(data_copy, "claim_links.csv", "c006/c047", "inconsistent verdicts")


def test_a_note_that_does_not_name_both_claims_does_not_explain(data_copy):
    _edit_row(data_copy.parent / "claim_links.csv", ("c006", "c047"), "note", "The same meeting.")
    _fails(data_copy, "c006/c047", "inconsistent verdicts")


def test_supported_claim_on_a_contradicted_premise(data_copy):
    # c022 (supported) rests on c021; point it at c032 (contradicted) instead
    _edit_row(data_copy.parent / "claim_links.csv", ("c022", "c021"), "claim_b", "c032")
    _fails(data_copy, "claim_links.csv", "c022/c032", "contradicted premise")


def test_same_event_pair_in_order(data_copy):
    path = data_copy.parent / "claim_links.csv"
    _edit_row(path, ("c002", "c003"), "claim_a", "c003")
    _edit_row(path, ("c003", "c003"), "claim_b", "c002")
    _fails(data_copy, "c003/c002", "link order")


def test_link_to_an_unknown_claim(data_copy):
    _edit_row(data_copy.parent / "claim_links.csv", ("c002", "c003"), "claim_b", "c999")
    with pytest.raises(DataError) as info:
        Package(data_copy).validate()
    assert "foreign key" in str(info.value)


# -- published text ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["searched the stored pages for the headline", "owned by the china helper",
                                  "title searched in pages corpus", "[title not shown in stored copy] X"])
def test_working_note_patterns(text):
    assert working_note(text, ("\\bsearched\\b",))


def test_reader_text_is_not_a_working_note():
    assert working_note("Chinese state news agency wire; reports both sides' official statements") is None


def test_working_note_in_reliability(data_copy):
    edit_csv(data_copy.parent / "sources.csv", "s-caixin-20250219-riyadh-talks", "reliability",
             "Chinese business outlet; searched for the headline")
    _fails(data_copy, "sources.csv", "s-caixin-20250219-riyadh-talks", "reliability", "working note")


def test_working_note_in_a_rationale(data_copy):
    edit_csv(data_copy.parent / "claims.csv", "c002", "rationale", "Owned by the thaw helper; see pages corpus.")
    _fails(data_copy, "claims.csv", "c002", "rationale", "working note")


def test_placeholder_title(data_copy):
    edit_csv(data_copy.parent / "sources.csv", "s-caixin-20250219-riyadh-talks", "title",
             "[title not shown in stored copy] Caixin report")
    _fails(data_copy, "s-caixin-20250219-riyadh-talks", "title", "working note")


# -- the blind second reading --------------------------------------------------------------------------------------

def test_recorded_sample_is_the_samplers_output():
    draw = second_reading_draw()
    assert second_reading_sample(draw["supported_population"], draw["seed"]) == draw["supported_sample"]
    assert draw["supported_sample"] == ["c052", "c072", "c012"]


def test_sample_is_a_rounded_up_fifth_and_seeded():
    ids = [f"c{i:03d}" for i in range(1, 12)]
    assert len(second_reading_sample(ids, 1)) == 3
    assert second_reading_sample(ids, 7) == second_reading_sample(list(reversed(ids)), 7)


def test_second_reading_set_of_a_register():
    claims = pd.DataFrame({"id": ["c001", "c002", "c003", "c004"], "claim_type": ["fact"] * 3 + ["judgment"],
                           "verdict": ["contradicted", "supported", "unverified", "not_checkable"]})
    assert second_reading_set(claims) == ["c001", "c002"]


def test_every_drawn_claim_was_read():
    reg = register()
    draw = second_reading_draw()
    if reg.second_readings.empty:
        pytest.skip("the second reading is not recorded yet")
    first = reg.second_readings.set_index("claim_id")["first_verdict"]
    flagged = set(first[first.isin(["contradicted", "partly_supported"])].index)
    assert set(reg.second_readings["claim_id"]) == flagged | set(draw["supported_sample"])


def test_agreement():
    df = pd.DataFrame({"first_verdict": ["supported", "contradicted", "partly_supported", "contradicted"],
                       "second_verdict": ["supported", "partly_supported", "partly_supported", "contradicted"]})
    assert agreement(df) == {"claims": 4, "agreed": 3, "disagreed": 1, "rate": 0.75}


def test_disagreement_without_resolution(data_copy):
    path = data_copy.parent / "second_readings.csv"
    path.write_text("claim_id,first_verdict,second_verdict,source_ids,note,resolution\n"
                    "c002,partly_supported,supported,,The talks lasted about four hours.,\n", encoding="utf-8")
    _fails(data_copy, "second_readings.csv", "c002", "unresolved")


def test_second_reading_of_a_judgment(data_copy):
    path = data_copy.parent / "second_readings.csv"
    path.write_text("claim_id,first_verdict,second_verdict,source_ids,note,resolution\n"
                    "c001,supported,supported,,A note.,\n", encoding="utf-8")
    _fails(data_copy, "c001", "fact only")
