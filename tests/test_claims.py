"""The claims register's rules, each shown to fail when broken."""

import pytest

from briefing.claims import ESTIMATIVE_TERMS, estimative_terms, register
from briefing.datapackage import DataError, Package

from csvedit import edit_csv


def test_register_is_valid_and_covers_every_body_paragraph():
    reg = register()
    body = set(reg.paragraphs.loc[reg.paragraphs["kind"] == "body", "id"])
    assert body == set(reg.claims["paragraph"])
    assert set(reg.claims["claim_type"]) == {"fact", "judgment", "forecast", "question"}


def test_ids_are_in_reading_order():
    reg = register()
    order = reg.claims["paragraph"].str[1:].astype(int)
    assert list(order) == sorted(order)
    assert list(reg.claims["id"]) == [f"c{i:03d}" for i in range(1, len(reg.claims) + 1)]


def test_the_four_cited_sources_are_recorded_and_linked():
    reg = register()
    cited = reg.sources[reg.sources["kind"] == "cited_by_article"]
    assert len(cited) == 4
    assert set(cited["id"]) <= set(reg.links.loc[reg.links["relation"] == "cited_by_article", "source_id"])


def test_estimative_terms_match_longest_first():
    assert estimative_terms("We judge it very unlikely") == ["very unlikely"]
    assert estimative_terms("roughly even chance, but likely later") == ["roughly even chance", "likely"]
    assert len(ESTIMATIVE_TERMS) == 7


def _fails(pkg_path, *parts):
    with pytest.raises(DataError) as info:
        register(Package(pkg_path))
    for part in parts:
        assert part in str(info.value), str(info.value)


def test_quote_not_in_article(data_copy):
    edit_csv(data_copy.parent / "claims.csv", "c010", "quote_zh", "这句话不在文章里")
    _fails(data_copy, "claims.csv", "c010", "quote_zh", "quote not found")


def test_quote_from_a_caption_line(data_copy):
    edit_csv(data_copy.parent / "claims.csv", "c010", "paragraph", "p03")
    _fails(data_copy, "c010", "paragraph kind", "image_caption")


def test_uncovered_body_paragraph(data_copy):
    path = data_copy.parent / "claims.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    # drop every claim on p02 (and its links) so the paragraph is uncovered
    keep = [l for l in lines if ",p02," not in l]
    dropped = {l.split(",")[0] for l in lines if ",p02," in l}
    path.write_text("".join(keep), encoding="utf-8")
    links = data_copy.parent / "claim_sources.csv"
    links.write_text("".join(l for l in links.read_text(encoding="utf-8").splitlines(keepends=True)
                             if l.split(",")[0] not in dropped), encoding="utf-8")
    dev = data_copy.parent / "developments.csv"
    text = dev.read_text(encoding="utf-8")
    for cid in dropped:
        text = text.replace(f";{cid}", "").replace(f"{cid};", "").replace(f",{cid}\n", ",\n")
    dev.write_text(text, encoding="utf-8")
    _fails(data_copy, "coverage", "p02")


def test_fact_with_not_checkable(data_copy):
    edit_csv(data_copy.parent / "claims.csv", "c002", "verdict", "not_checkable")
    _fails(data_copy, "c002", "verdict", "fact verdict")


def test_judgment_with_a_fact_verdict(data_copy):
    edit_csv(data_copy.parent / "claims.csv", "c001", "verdict", "supported")
    _fails(data_copy, "c001", "verdict for type")


def test_assessment_without_estimative_language(data_copy):
    edit_csv(data_copy.parent / "claims.csv", "c001", "assessment", "We think this is probably so.")
    _fails(data_copy, "c001", "assessment", "estimative language")


def test_fact_without_dated_evidence(data_copy):
    links = data_copy.parent / "claim_sources.csv"
    rows = links.read_text(encoding="utf-8").splitlines(keepends=True)
    links.write_text("".join(r for r in rows if not r.startswith("c002,") or ",cited_by_article," in r),
                     encoding="utf-8")
    _fails(data_copy, "c002", "evidence")


def test_forecast_without_outcome(data_copy):
    edit_csv(data_copy.parent / "claims.csv", "c004", "outcome", "")
    _fails(data_copy, "c004", "outcome")
