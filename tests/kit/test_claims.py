"""The claims register's rules, each shown to fail when broken, against this book and the second briefing (the
``briefing`` fixture: tests/conftest.py); those that need a table only this book has say so in their ids."""

import re

import pytest

from briefing import rules
from briefing.claims import ESTIMATIVE_TERMS, estimative_terms, evidence_confidence, majority_verdict, unranged_terms

from support import edit_csv, register_fails as _fails

import picks
from picks import a, later, now, scored


def test_register_is_valid_and_covers_every_body_paragraph(briefing):
    reg = picks.reg()
    body = set(reg.paragraphs.loc[reg.paragraphs["kind"] == "body", "id"])
    assert body == set(reg.claims["paragraph"])
    assert set(reg.claims["claim_type"]) == {"fact", "judgment", "forecast", "question"}


def test_the_cited_sources_are_recorded_and_linked(briefing):
    """As many as briefing.yml says the article cites (``article.cited_sources``), each linked to a claim."""
    from briefing.config import CITED_SOURCES

    reg = picks.reg()
    cited = reg.sources[reg.sources["kind"] == "cited_by_article"]
    assert len(cited) == CITED_SOURCES > 0
    assert set(cited["id"]) <= set(reg.links.loc[reg.links["relation"] == "cited_by_article", "source_id"])


def test_estimative_terms_match_longest_first():
    assert estimative_terms("We judge it very unlikely") == ["very unlikely"]
    assert estimative_terms("roughly even chance, but likely later") == ["roughly even chance", "likely"]
    assert len(ESTIMATIVE_TERMS) == 7


# One cell of claims.csv broken on purpose: the register fails, naming the claim, the field and the rule. Each row
# is picked by what it is (tests/picks.py), not by its id, when the test runs (in the briefing it runs against).
_FACT, _JUDGMENT, _FORECAST, _QUESTION = (later(a, t) for t in ("fact", "judgment", "forecast", "question"))
_SCORED_FORECAST, _SCORED_QUESTION = later(scored, "forecast"), later(scored, "question")
_NOT_SCORABLE, _CLAIM = later(picks.not_scorable), later(picks.any_claim)


def _caption():
    return picks.non_body_paragraph()[0]


def _caption_kind():
    return picks.non_body_paragraph()[1]


def _late_claim():
    return picks.scored_with_a_later_development()[0]


def _before_its_development():
    return picks.scored_with_a_later_development()[1]


def _after_the_newest_evidence():
    from briefing.claims import evidence_as_of
    return picks.day_after(evidence_as_of(picks.reg()).isoformat())


def _before_the_article():
    return picks.day_before(picks.article_published())


_CAPTION, _CAPTION_KIND, _LATE_CLAIM = later(_caption), later(_caption_kind), later(_late_claim)


@pytest.mark.parametrize("rule, claim, field, value, parts", [
    pytest.param(rules.quote_found, _CLAIM, "quote_zh", "这句话不在文章里",
                 ["claims.csv", _CLAIM, "quote_zh", "quote not found"], id="quote_not_in_article"),
    pytest.param(rules.paragraph_kind, _CLAIM, "paragraph", _CAPTION,
                 [_CLAIM, "paragraph kind", _CAPTION_KIND], id="quote_from_a_caption_line"),
    pytest.param(rules.fact_verdict, _FACT, "verdict", "not_checkable",
                 [_FACT, "verdict", "fact verdict"], id="fact_with_not_checkable"),
    pytest.param(rules.verdict_for_type, _JUDGMENT, "verdict", "supported",
                 [_JUDGMENT, "verdict for type"], id="judgment_with_a_fact_verdict"),
    pytest.param(rules.estimative_language, _JUDGMENT, "assessment", "We think this is probably so.",
                 [_JUDGMENT, "assessment", "estimative language"], id="assessment_without_estimative_language"),
    pytest.param(rules.outcome, _FORECAST, "outcome", "",
                 [_FORECAST, "outcome"], id="forecast_without_outcome"),
    pytest.param(rules.outcome, _JUDGMENT, "outcome", "not_borne_out",
                 [_JUDGMENT, "outcome", "only forecasts and questions are scored"], id="judgment_of_the_moment_scored"),
    pytest.param(rules.scoring_marks, _FORECAST, "hedged", "",
                 ["claims.csv", _FORECAST, "'hedged'", "scoring marks"], id="forecast_without_hedged_mark"),
    pytest.param(rules.scoring_marks, _QUESTION, "thesis", "",
                 ["claims.csv", _QUESTION, "'thesis'", "scoring marks"], id="question_without_thesis_mark"),
    pytest.param(rules.scoring_marks, _FACT, "thesis", "true",
                 ["claims.csv", _FACT, "'thesis'", "scoring marks", "only forecasts and questions"],
                 id="fact_marked_as_thesis"),
    pytest.param(rules.scoring, _SCORED_FORECAST, "resolves_if", "",
                 [_SCORED_FORECAST, "resolves_if"], id="scored_forecast_without_resolves_if"),
    pytest.param(rules.scoring, _SCORED_QUESTION, "resolves_if", "Whether it happens.",
                 [_SCORED_QUESTION, "implied answer"], id="scored_question_without_implied_answer"),
    pytest.param(rules.scoring, _NOT_SCORABLE, "outcome_rationale", "We cannot tell.",
                 [_NOT_SCORABLE, "outcome_rationale", "not scorable without a reason"],
                 id="not_scorable_without_a_reason"),
    pytest.param(rules.scoring, _NOT_SCORABLE, "resolves_if", "It happens.",
                 [_NOT_SCORABLE, "resolves_if", "not scorable with a test"], id="not_scorable_with_a_test"),
    pytest.param(rules.scoring, _SCORED_FORECAST, "outcome_as_of", later(_after_the_newest_evidence),
                 [_SCORED_FORECAST, "outcome_as_of", "later than the newest evidence"],
                 id="outcome_after_the_newest_evidence"),
    pytest.param(rules.scoring, _SCORED_FORECAST, "outcome_as_of", later(_before_the_article),
                 [_SCORED_FORECAST, "outcome_as_of", "before the article"], id="outcome_before_the_article"),
    pytest.param(rules.scoring, _LATE_CLAIM, "outcome_as_of", later(_before_its_development),
                 [_LATE_CLAIM, "outcome_as_of", "stale outcome"], id="outcome_older_than_a_development_about_it"),
    pytest.param(rules.outcome, _FACT, "resolves_if", "Something happens.",
                 [_FACT, "only forecasts and questions are scored"], id="only_scored_types_carry_resolves_if"),
])
def test_one_broken_cell_fails_its_rule(broken, rule, claim, field, value, parts):
    claim, value, parts = now(claim, value, parts)
    broken.edit("claims.csv", claim, field, value)
    broken.fails(rule, *parts)



def test_uncovered_body_paragraph(broken):
    # drop every claim on a body paragraph so the paragraph is uncovered
    pid = picks.body_paragraph_alone()
    reg = picks.reg()
    broken.drop("claims.csv", set(reg.claims.loc[reg.claims["paragraph"] == pid, "id"]))
    broken.fails(rules.coverage, "coverage", f"body paragraph {pid} has no claim")


def test_uncovered_body_paragraph_from_the_files(briefing, data_copy):
    """End to end: the claims dropped from the files with their links and mentions, as an author would."""
    pid = picks.body_paragraph_alone()
    reg = picks.reg()
    picks.drop_claims(data_copy.parent, set(reg.claims.loc[reg.claims["paragraph"] == pid, "id"]))
    _fails(data_copy, "coverage", f"body paragraph {pid} has no claim")


def test_fact_without_dated_evidence(broken):
    fact = picks.checked_fact()  # a fact rated other than unverified, stripped of all but the article's sources
    links = broken.reg.links
    broken.reg.links = links[(links["claim_id"] != fact) | (links["relation"] == "cited_by_article")]
    broken.fails(rules.evidence, fact, "evidence", "at least one source other than the article")


# -- facts are judged as of the article's publication (issue 14 item 1) --------------------------------------------

def test_later_evidence_unlabelled_fails(broken):
    # a fact resting on a source published after the article: its rationale must call that evidence later
    fact, source = picks.fact_resting_on_later_evidence()
    broken.edit("claims.csv", fact, "rationale", "The sources bear the claim out.")
    broken.fails(rules.as_of_publication, "claims.csv", fact, "'rationale'", "as of publication", source)


def _month_only_dates() -> dict[str, str]:
    """Dates on either side of the article's publication (its last possible day): the last day and a month-only
    date ending by it are as of publication; the next day and its month are later."""
    import datetime as dt
    last = dt.date.fromisoformat(picks.day_before(picks.day_after(picks.article_published())))
    month = last.isoformat()[:7] if picks.day_after(last.isoformat()[:7]) == picks.day_after(last.isoformat()) \
        else picks.day_before(last.isoformat()[:7])[:7]
    after = picks.day_after(last.isoformat())
    return {"last_day": last.isoformat(), "its_month": month, "next_day": after, "next_month": after[:7]}


@pytest.mark.parametrize("date, ok", [("last_day", True), ("its_month", True), ("next_day", False),
                                      ("next_month", False)])
def test_a_month_only_date_counts_as_the_months_last_day(broken, date, ok):
    # a fact whose rationale says nothing of later evidence; move one of its supporting sources across the line
    published = _month_only_dates()[date]
    source, fact = picks.movable_source()
    broken.edit("sources.csv", source, "published", published)
    if ok:
        broken.passes(rules.as_of_publication)
    else:
        broken.fails(rules.as_of_publication, fact, "as of publication", source)


def test_context_links_need_no_label(broken):
    # only supports/contradicts links decide a verdict; a later source given as context is not held to the rule
    source, fact = picks.movable_source(("context",))
    broken.edit("sources.csv", source, "published", picks.day_after(picks.article_published()))
    broken.passes(rules.as_of_publication)
    # the same date on a source that decides a verdict fails (so the edit above did move it past the article)
    decisive, fact = picks.movable_source()
    broken.edit("sources.csv", decisive, "published", picks.day_after(picks.article_published()))
    broken.fails(rules.as_of_publication, fact, "as of publication", decisive)


# -- scoring rules and developments (issue 12 item 4, issue 14 item 1) ------------------------------------------

def _again(**cells) -> tuple[str, str, dict]:
    """A development of the register recorded again under a new id: (its id, the new id, the new row)."""
    d = picks.development_naming_actors()  # the same event needs a shared actor
    new = picks.absent("d", picks.reg().developments["id"])
    row = {"id": new, "date": d["date"], "category": d["category"], "actors": d["actors"], "event": d["event"],
           "source_id": d["source_id"], "added_in": str(d["added_in"])}
    return d["id"], new, {**row, **cells}


def test_same_event_twice_fails(broken):
    # the same event in the same words, from another source
    first = picks.development_naming_actors()
    other = next(s for s in picks.reg().sources["id"] if s not in set(first["source_id"].split(";")))
    old, new, row = _again(source_id=other)
    broken.append("developments.csv", row)
    broken.fails(rules.same_event_twice, "developments.csv", new, "same event twice", old, "wording overlaps")


def test_same_event_twice_by_shared_source(broken):
    # the same day, track, actors and source, worded apart
    old, new, row = _again(event="Unrelated wording for a second row")
    broken.append("developments.csv", row)
    broken.fails(rules.same_event_twice, new, "same event twice", old, "shares source")


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


def test_evidence_as_of_and_new_developments(briefing):
    from briefing.claims import edition, evidence_as_of, new_developments
    reg = picks.reg()
    as_of = evidence_as_of(reg)
    assert as_of is not None
    assert reg.claims["outcome_as_of"].dropna().map(lambda d: d.date() <= as_of).all()
    new = new_developments(reg)
    assert (new["added_in"] == edition(reg)).all() and len(new) > 0
    assert len(new_developments(reg, since=0)) == len(reg.developments)


def test_validate_runs_the_register_rules_and_stops_with_one_line(briefing, data_copy, capsys):
    """`make book` runs `python -m briefing.validate` first: a quote missing from the article stops it there, with
    one line naming file, id, field and rule, before any notebook runs (its exit status: tests/kit/test_config.py)."""
    from briefing import validate

    claim = picks.any_claim()
    edit_csv(data_copy.parent / "claims.csv", claim, "quote_zh", "这句话不在文章里")
    assert validate.main(data_copy.parent.parent) == 1
    stderr = capsys.readouterr().err
    assert stderr.count("\n") == 1 and f"claims.csv: id {claim}, field 'quote_zh': quote not found" in stderr


def test_the_build_validates_before_it_executes_anything():
    from support import make_dry_run

    commands = make_dry_run("book")
    assert commands.index("briefing.validate") < commands.index("jupyter-book build")


def test_outcome_summary_shows_every_category_by_theme(briefing):
    from briefing.claims import outcome_summary
    from briefing.vocabulary import OUTCOME_LABELS
    reg = picks.reg()
    table = outcome_summary(reg.claims)
    assert list(table.columns) == [*OUTCOME_LABELS, "total"]
    scored = reg.claims[reg.claims["claim_type"].isin(["forecast", "question"])]
    # every theme of briefing.yml holding a scored claim has its row, and so does every theme shown even when empty
    from briefing.config import THEME_LABELS, THEMES, THEMES_WHEN_SCORED
    expected = set(scored["section"].map(THEMES)) | (set(THEME_LABELS) - set(THEMES_WHEN_SCORED))
    assert expected | {"all"} <= set(table.index) and len(expected) > 1
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


@pytest.mark.parametrize("copies, level", [
    (["original"], "high"),
    (["mirror"], "moderate"),        # an official text read on a mirror reports the record at second hand
    (["agency_copy"], "moderate"),
])
def test_high_only_on_an_original_primary_record(copies, level):
    assert evidence_confidence("contradicted", ["official_statement"], 2, copies) == level


def test_a_fact_rated_high_on_a_mirrored_primary_record_fails(broken):
    fact, _ = picks.fact_on_a_mirrored_primary_record()  # its official text was read on a mirror
    assert broken.reg.confidence()[fact] == "moderate"
    broken.edit("claims.csv", fact, "confidence", "high")
    broken.fails(rules.high_on_original, "claims.csv", fact, "'confidence'", "high on an original primary record",
                 "(mirror)")


def test_a_fact_rated_high_without_a_primary_record_fails(broken):
    fact = picks.earned_below("high")  # a fact resting on secondary reports only
    broken.edit("claims.csv", fact, "confidence", "high")
    broken.fails(rules.fact_confidence, "claims.csv", fact, "'confidence'", "fact confidence",
                 "no source of a primary kind")


def test_a_fact_may_record_less_than_its_evidence_earns(broken):
    fact, statement = picks.fact_on_a_mirrored_primary_record()  # the official text behind it, on a mirror
    broken.edit("sources.csv", statement, "copy", "original")  # as if read on the issuer's page
    broken.passes(rules.high_on_original, rules.fact_confidence)
    assert broken.reg.confidence()[fact] == "high"
    broken.edit("claims.csv", fact, "confidence", "moderate")
    broken.passes(rules.high_on_original, rules.fact_confidence)
    assert broken.reg.confidence()[fact] == "moderate"


# -- this briefing's data: tests of particular claims' content (regression tests of the record, not of the kit) -------

def test_primary_records_rate_high_only_in_their_original_copy():
    confidence = picks.reg().confidence()
    assert confidence["c031"] == "moderate"  # the eleven states' launch statement, read in Italian on a mirror
    assert confidence["c042"] == "moderate"  # the 2024 UN veto record is context for a claim about 2025


# -- every estimative term carries its range (issue 26 item 5) -------------------------------------------------------

@pytest.mark.parametrize("text, bare", [
    ("Likely (55–80%) that it holds.", []),
    ("We judge it likely that it holds.", ["likely"]),
    ("Very likely (55–80%) that it holds.", ["Very likely (55–80%)"]),     # another term's range
    ("Unlikely (20-45%), and roughly even chance (45–55%) otherwise.", []),  # a hyphen is accepted
])
def test_unranged_terms(text, bare):
    assert unranged_terms(text) == bare


def test_an_estimative_term_without_its_range_fails(broken):
    claim = picks.a_claim_with("assessment")
    text = picks.reg().claims.set_index("id").loc[claim, "assessment"]
    stripped = re.sub(r"\s*\(\d+–\d+%\)", "", text)
    assert stripped != text
    broken.edit("claims.csv", claim, "assessment", stripped)
    broken.fails(rules.estimative_range, "claims.csv", claim, "'assessment'", "estimative range",
                 "is not followed by its range")


# -- the adjudication of the second reading by a blind third reader (issue 26 item 2) ---------------------------------

def _against_majority() -> str:
    """A third reading whose final verdict departs from the majority of the three readings."""
    reg = picks.reg()
    second = reg.second_readings.set_index("claim_id")
    for _, row in reg.third_readings.iterrows():
        first = second.loc[row["claim_id"]]
        if row["final_verdict"] != majority_verdict(first["first_verdict"], first["second_verdict"],
                                                    row["third_verdict"]):
            return row["claim_id"]
    raise picks.NoSuchRow("the register has no verdict kept against the majority")


@pytest.mark.needs("second_readings", "third_readings")
def test_a_verdict_kept_against_the_majority_needs_a_reason(broken):
    claim = _against_majority()
    broken.edit("third_readings.csv", claim, "adjudication", "", key="claim_id")
    broken.fails(rules.adjudication, "third_readings.csv", claim, "'adjudication'", "adjudication",
                 "departs from the majority's")


@pytest.mark.needs("second_readings", "third_readings")
def test_every_disagreement_is_adjudicated(broken):
    claim = picks.reg().third_readings["claim_id"].iloc[0]
    broken.drop("third_readings.csv", {claim}, key="claim_id")
    broken.fails(rules.adjudication, "second_readings.csv", claim, "'second_verdict'", "adjudication",
                 "no third reading")


@pytest.mark.needs("second_readings", "third_readings")
def test_the_final_verdict_is_the_registers(broken):
    row = picks.reg().third_readings.iloc[0]
    other = next(v for v in ("supported", "partly_supported", "contradicted") if v != row["final_verdict"])
    broken.edit("third_readings.csv", row["claim_id"], "final_verdict", other, key="claim_id")
    broken.fails(rules.adjudication, "third_readings.csv", row["claim_id"], "'final_verdict'", "adjudication",
                 "is not the claim's")


@pytest.mark.parametrize("verdicts, majority", [
    (("supported", "supported", "contradicted"), "supported"),
    (("supported", "partly_supported", "contradicted"), None),
    (("unverified", "partly_supported", None), None),
])
def test_majority_verdict(verdicts, majority):
    assert majority_verdict(*verdicts) == majority
