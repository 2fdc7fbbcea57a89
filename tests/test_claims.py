"""The claims register's rules, each shown to fail when broken."""

import re
import subprocess
import sys

import pytest

from briefing.claims import ESTIMATIVE_TERMS, RULES, estimative_terms, evidence_confidence, register
from briefing.datapackage import DataError, Package
from briefing.paths import ROOT

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


def test_the_cited_sources_are_recorded_and_linked():
    """As many as briefing.yml says the article cites (``article.cited_sources``), each linked to a claim."""
    from briefing.config import CITED_SOURCES

    reg = register()
    cited = reg.sources[reg.sources["kind"] == "cited_by_article"]
    assert len(cited) == CITED_SOURCES > 0
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


# One cell of claims.csv broken on purpose: the register fails, naming the claim, the field and the rule.
@pytest.mark.parametrize("claim, field, value, parts", [
    pytest.param("c010", "quote_zh", "这句话不在文章里",
                 ["claims.csv", "c010", "quote_zh", "quote not found"], id="quote_not_in_article"),
    pytest.param("c010", "paragraph", "p03",
                 ["c010", "paragraph kind", "image_caption"], id="quote_from_a_caption_line"),
    pytest.param("c002", "verdict", "not_checkable",
                 ["c002", "verdict", "fact verdict"], id="fact_with_not_checkable"),
    pytest.param("c001", "verdict", "supported",
                 ["c001", "verdict for type"], id="judgment_with_a_fact_verdict"),
    pytest.param("c001", "assessment", "We think this is probably so.",
                 ["c001", "assessment", "estimative language"], id="assessment_without_estimative_language"),
    pytest.param("c017", "outcome", "",
                 ["c017", "outcome"], id="forecast_without_outcome"),
    pytest.param("c004", "outcome", "not_borne_out",
                 ["c004", "outcome", "only forecasts and questions are scored"], id="judgment_of_the_moment_scored"),
    pytest.param("c062", "hedged", "",
                 ["claims.csv", "c062", "'hedged'", "scoring marks"], id="forecast_without_hedged_mark"),
    pytest.param("c018", "thesis", "",
                 ["claims.csv", "c018", "'thesis'", "scoring marks"], id="question_without_thesis_mark"),
    pytest.param("c002", "thesis", "true",
                 ["claims.csv", "c002", "'thesis'", "scoring marks", "only forecasts and questions"],
                 id="fact_marked_as_thesis"),
    pytest.param("c062", "resolves_if", "",
                 ["c062", "resolves_if"], id="scored_forecast_without_resolves_if"),
    pytest.param("c061", "resolves_if", "Whether the DPRK opens up.",
                 ["c061", "implied answer"], id="scored_question_without_implied_answer"),
    pytest.param("c019", "outcome_rationale", "We cannot tell.",
                 ["c019", "outcome_rationale", "not scorable without a reason"], id="not_scorable_without_a_reason"),
    pytest.param("c019", "resolves_if", "Russia cuts its support.",
                 ["c019", "resolves_if", "not scorable with a test"], id="not_scorable_with_a_test"),
    pytest.param("c062", "outcome_as_of", "2030-01-01",
                 ["c062", "outcome_as_of", "later than the newest evidence"], id="outcome_after_the_newest_evidence"),
    pytest.param("c062", "outcome_as_of", "2024-12-31",
                 ["c062", "outcome_as_of", "before the article"], id="outcome_before_the_article"),
    pytest.param("c062", "outcome_as_of", "2025-04-01",
                 ["c062", "outcome_as_of", "stale outcome"], id="outcome_older_than_a_development_about_it"),
    pytest.param("c002", "resolves_if", "Something happens.",
                 ["c002", "only forecasts and questions are scored"], id="only_scored_types_carry_resolves_if"),
])
def test_one_broken_cell_fails_its_rule(data_copy, claim, field, value, parts):
    edit_csv(data_copy.parent / "claims.csv", claim, field, value)
    _fails(data_copy, *parts)


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
    for name in ("developments.csv", "briefing_calls.csv", "watch_indicators.csv"):
        path = data_copy.parent / name
        text = path.read_text(encoding="utf-8")
        for cid in dropped:
            text = text.replace(f";{cid}", "").replace(f"{cid};", "").replace(f",{cid}\n", ",\n")
        path.write_text(text, encoding="utf-8")
    _fails(data_copy, "coverage", "p02")


def test_fact_without_dated_evidence(data_copy):
    links = data_copy.parent / "claim_sources.csv"
    rows = links.read_text(encoding="utf-8").splitlines(keepends=True)
    links.write_text("".join(r for r in rows if not r.startswith("c002,") or ",cited_by_article," in r),
                     encoding="utf-8")
    _fails(data_copy, "c002", "evidence")


# -- facts are judged as of the article's publication (issue 14 item 1) --------------------------------------------

def test_later_evidence_unlabelled_fails(data_copy):
    # c052 rests on KOTRA's report on 2024, published in July 2025: its rationale must call that evidence later
    edit_csv(data_copy.parent / "claims.csv", "c052", "rationale",
             "KOTRA's report on 2024 puts China at about 98% of the DPRK's recorded trade.")
    _fails(data_copy, "claims.csv", "c052", "'rationale'", "as of publication", "s-segye-20250729-kotra-2024-trade")


@pytest.mark.parametrize("published, ok", [("2025-03-31", True), ("2025-03", True), ("2025-04-01", False),
                                           ("2025-04", False)])
def test_a_month_only_date_counts_as_the_months_last_day(data_copy, published, ok):
    # c002's rationale says nothing of later evidence; move one of its supporting sources across the line
    edit_csv(data_copy.parent / "sources.csv", "s-ap-20250219-riyadh-talks", "published", published)
    if ok:
        register(Package(data_copy))
    else:
        _fails(data_copy, "c002", "as of publication", "s-ap-20250219-riyadh-talks")


def test_context_links_need_no_label(data_copy):
    # only supports/contradicts links decide a verdict; a later source given as context is not held to the rule
    edit_csv(data_copy.parent / "sources.csv", "s-politico-20250218-dmitriev-arctic", "published", "2026-01-01")
    register(Package(data_copy))


# -- scoring rules and developments (issue 12 item 4, issue 14 item 1) ------------------------------------------

def _append_row(path, cells: dict) -> None:
    import csv
    with path.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow([cells.get(h, "") for h in header])


def test_same_event_twice_fails(data_copy):
    dev = data_copy.parent / "developments.csv"
    _append_row(dev, {"id": "d900", "date": "2025-09-04", "category": "china_dprk", "actors": "CHN;PRK",
                      "event": "Xi Jinping and Kim Jong Un hold first summit in six years in Beijing",
                      "source_id": "s-aa-20250904-xi-kim", "claim_ids": "c062", "added_in": "2"})
    _fails(data_copy, "developments.csv", "d900", "same event twice", "d041")


def test_same_event_twice_by_shared_source(data_copy):
    dev = data_copy.parent / "developments.csv"
    _append_row(dev, {"id": "d900", "date": "2025-03-05", "category": "tourism", "actors": "PRK",
                      "event": "Foreign tourism halted in the Rason zone",
                      "source_id": "s-anews-20250306-rason-closed", "added_in": "2"})
    _fails(data_copy, "d900", "same event twice", "shares source")


def test_the_merged_pairs_are_caught_and_distinct_events_are_not():
    import pandas as pd
    from briefing.claims import duplicate_developments
    rows = [  # the duplicate pairs of the first edition, as they were recorded
        ("a1", "2025-05-29", "sanctions", "MSMT;PRK;RUS", "x1", "MSMT publishes its first report, on DPRK–Russia "
         "military cooperation (arms transfers, troop training, refined petroleum, workers)"),
        ("a2", "2025-05-29", "sanctions", "USA;MSMT;PRK;RUS", "x2", "MSMT issues first report, on DPRK–Russia "
         "military cooperation"),
        ("b1", "2025-07-17", "sanctions", "USA;MSMT;UN", "x3", "US State Department briefs UN member states in New "
         "York on the first MSMT report"),
        ("b2", "2025-07-17", "sanctions", "USA;MSMT;UN;PRK;RUS", "x4", "US briefs UN member states on behalf of MSMT "
         "about DPRK–Russia sanctions violations"),
        ("c1", "2025-11-04", "sanctions", "USA;PRK", "x5", "US Treasury (OFAC) designates 8 individuals and 2 entities "
         "for laundering DPRK cybercrime and IT-worker proceeds"),
        ("c2", "2025-11-04", "sanctions", "USA;PRK", "x6", "US Treasury sanctions eight individuals and two entities "
         "laundering DPRK cyber and IT-worker proceeds"),
        # distinct events on one day and track: a drill and a ministers' meeting
        ("e1", "2025-07-11", "trilateral", "USA;JPN;KOR", "x7", "Trilateral air drill with a US B-52H coincides with "
         "the trilateral chiefs of defence meeting in Seoul"),
        ("e2", "2025-07-11", "trilateral", "USA;JPN;KOR", "x8", "Trilateral meeting on the ASEAN margins in Kuala "
         "Lumpur (ROK represented by vice foreign minister)"),
    ]
    df = pd.DataFrame(rows, columns=["id", "date", "category", "actors", "source_id", "event"])
    assert {(a, b) for a, b, _ in duplicate_developments(df)} == {("a1", "a2"), ("b1", "b2"), ("c1", "c2")}


def test_evidence_as_of_and_new_developments():
    from briefing.claims import edition, evidence_as_of, new_developments
    reg = register()
    as_of = evidence_as_of(reg)
    assert as_of is not None
    assert reg.claims["outcome_as_of"].dropna().map(lambda d: d.date() <= as_of).all()
    new = new_developments(reg)
    assert (new["added_in"] == edition(reg)).all() and len(new) > 0
    assert len(new_developments(reg, since=0)) == len(reg.developments)


def test_validate_runs_the_register_rules_and_stops_with_one_line(data_copy):
    """`make book` runs `python -m briefing.validate` first: a quote missing from the article stops it there, with
    one line naming file, id, field and rule, before any notebook runs."""
    edit_csv(data_copy.parent / "claims.csv", "c010", "quote_zh", "这句话不在文章里")
    env = {"BRIEFING_ROOT": str(data_copy.parent.parent), "PATH": ""}
    run = subprocess.run([sys.executable, "-m", "briefing.validate"], capture_output=True, text=True, env=env,
                         cwd=ROOT)
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1 and "claims.csv: id c010, field 'quote_zh': quote not found" in run.stderr


def test_every_rule_is_a_function_of_its_own_and_passes_on_the_real_register():
    reg, pkg = register(), Package()
    assert len({rule.__name__ for rule in RULES}) == len(RULES) >= 14
    for rule in RULES:
        assert rule(reg, pkg) is None, rule.__name__


def test_the_build_validates_before_it_executes_anything():
    recipe = re.search(r"^\$\(BUILT\):.*?\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M).group(1)
    assert recipe.index("briefing.validate") < recipe.index("jupyter-book build")


def test_outcome_summary_shows_every_category_by_theme():
    from briefing.claims import outcome_summary
    from briefing.vocabulary import OUTCOME_LABELS
    reg = register()
    table = outcome_summary(reg.claims)
    assert list(table.columns) == [*OUTCOME_LABELS, "total"]
    assert {"russia", "pressure", "china", "all"} <= set(table.index)
    scored = reg.claims[reg.claims["claim_type"].isin(["forecast", "question"])]
    assert table.loc["all", "total"] == len(scored)
    assert (table.drop(index="all").sum() == table.loc["all"]).all()


# -- a fact's confidence follows from its evidence (issue 18 item 3) ------------------------------------------------

@pytest.mark.parametrize("verdict, kinds, n, level", [
    ("supported", ["news_report", "official_statement"], 2, "high"),
    ("contradicted", ["data_release"], 1, "high"),
    ("partly_supported", ["official_statement"], 1, "moderate"),   # a primary record, but a particular is wrong
    ("supported", ["news_report", "state_media"], 2, "moderate"),
    ("contradicted", ["news_report"], 1, "low"),                    # one secondary report
    ("unverified", [], 0, "low"),
])
def test_a_facts_confidence_is_what_its_evidence_earns(verdict, kinds, n, level):
    assert evidence_confidence(verdict, kinds, n) == level


def test_primary_records_rate_high():
    confidence = register().confidence()
    assert confidence["c031"] == "high"  # MSMT membership: the eleven states' own launch statement
    assert confidence["c042"] == "high"  # the recorded 13-1-1 vote (UN meetings coverage)


def test_a_fact_rated_high_without_a_primary_record_fails(data_copy):
    # c002 (the Riyadh talks' length) rests on news reports and state media only
    edit_csv(data_copy.parent / "claims.csv", "c002", "confidence", "high")
    _fails(data_copy, "claims.csv", "c002", "'confidence'", "fact confidence", "no source of a primary kind")


def test_a_fact_may_record_less_than_its_evidence_earns(data_copy):
    edit_csv(data_copy.parent / "claims.csv", "c042", "confidence", "moderate")
    assert register(Package(data_copy)).confidence()["c042"] == "moderate"
