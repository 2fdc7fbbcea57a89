"""Layer 6: the rules of the claims register that a table schema cannot express. Every rule raises
:class:`~briefing.datapackage.DataError` naming file, id, field and rule.

Rules (the brief's analytic standards):

- every claim belongs to a section of ``briefing.yml`` (and every line of the article to one, or to the opening,
  the cited sources or the artifacts);
- ``quote_zh`` is an exact substring of the paragraph it points to, and that paragraph is body text;
- every body paragraph of the article is covered by at least one claim;
- facts get a fact verdict; judgments, forecasts and questions get ``not_checkable`` and carry an assessment in
  the fixed estimative language, each term followed by its range ("likely (55–80%)"), with a confidence;
- a fact's confidence follows from its evidence (:func:`evidence_confidence`): ``high`` only when it is supported
  or contradicted by a primary record (``PRIMARY_SOURCE_KINDS``: an official text, a recorded vote, a membership
  list, a customs release), ``low`` when unverified or resting on one secondary report, ``moderate`` otherwise; a
  confidence recorded on a fact row is never higher than that; and high only on an original primary record: an
  official text or data release in the issuer's own copy (``sources.copy`` original), a mirror or agency copy of it
  earning moderate at most;
- every fact not ``unverified`` rests on at least one source other than the article, with a URL and a date;
- forecasts and questions carry an outcome, its date and rationale, and (unless ``too_early`` or
  ``not_scorable``) a source;
- scoring rules: every scored forecast or question (any outcome but ``not_scorable``) records ``resolves_if``,
  the observable that decides it; a scored question states the answer its text implies ("Implied answer: …");
  ``not_scorable`` (a question that implies no answer, a conditional whose condition has not occurred, a list of
  possibilities) names its reason and records no ``resolves_if``; ``outcome_as_of`` lies between the article's
  publication and the evidence-as-of date, and is no earlier than the newest development recorded against the
  claim; every forecast and question records ``hedged`` and ``thesis`` (the marks the scorecard's hedging line
  counts), and no fact or judgment does;
- judging rules a reader applies, stated here and in the Methods notebook (the code checks only their traces):
  (1) what is a forecast: a sentence that names an event or state that can later come true or fail; one that
  describes the mood or situation of the moment (此刻 'at this moment') is a judgment and is not scored;
  (2) conditionals: a forecast whose sentence states a condition or premise (如果 'if', 随着 'as'), or which answers
  one stated in the passage it continues (as its rationale records), is scored only if the condition occurred by
  ``outcome_as_of``; otherwise it is ``not_scorable`` ("the condition has not occurred"), even where the consequent
  happened for other reasons; a premise that is itself a claim of the article has occurred only where the
  particular the forecast needs holds (a premise rated partly supported for that very particular has not); a
  premise that only sets the scene ('facing the change') is no condition;
  (2b) a need is not an event: a sentence of what an actor must, needs to, can or cannot do names no event that can
  come true or fail; it is a judgment, assessed and not scored;
  (3) implied answers: a question implies an answer when the question itself, or the sentence next to it that it
  refers to (对此 'given this'; a preceding 'may' or 'perhaps'), states the outcome the author expects, even hedged;
  ``resolves_if`` names that sentence. A question whose neighbours set only a condition or state no
  expectation implies none;
  (4) silence about a documented meeting (``ABSENCE_RULE``): a claim about what a meeting decided, agreed or was
  for is ``contradicted`` where the record states a different outcome or purpose, or where the participants' agreed
  text, read in full, sets out the outcome and omits what the claim says all agreed; it is ``unverified`` where the
  only records are readouts, summaries or reports of a statement, whose silence is not evidence against it; a claim
  about what was discussed is never contradicted by silence alone: where the rest of it is confirmed and only one
  particular rests on silence, it is ``partly_supported`` and the rationale names that particular as unverified,
  not wrong;
- developments: no event is recorded twice (same date, same track, a shared actor, and a shared source or
  highly similar wording);
- facts are judged as of the article's publication: a fact whose supporting or contradicting source was published
  after the article (a month-only date counts as the month's last day) labels that evidence as later in its
  rationale (the word "later");
- the article's cited sources (as many as ``briefing.yml`` says it cites) are in ``sources``, each linked to
  at least one claim;
- the article against itself (``article_inconsistencies``): both quotes verbatim in their paragraphs, the first
  passage body text and before the second, the second body text or a line of the reference list (then the quote is
  that source's headline as listed), every claim named sits in one of the two paragraphs;
- consistency (``claim_links``): linked claims about the same event whose fact verdicts differ carry a note naming
  both claims (the explanation of the difference); a ``supported`` claim never depends on a premise claim that is
  ``contradicted``;
- the adjudication (``third_readings``): every disagreement of the second reading is read by a blind third reader;
  the final verdict is the claim's verdict and follows the majority of the three readings, or says why not;
- published text holds no working notes (how a search was done, who owned a row, placeholders);
- the book's own findings (``findings``, checked by :func:`briefing.claims.findings` with ``FINDING_RULES``): every
  id they rest on or mention exists, and none is both; no finding types a number (a placeholder is filled from the
  notebook); an outlook rests on one call and carries its term and confidence, a record or an article error neither;
  a record or an article error is rated no higher than its weakest load-bearing item earns;
- the briefing's own calls (``briefing_calls``): between ``calls.min`` and ``calls.max`` (``briefing.yml``) of them; the statement
  carries exactly one estimative term, the one in ``probability_term``; ``assessed_on`` is the newest publication
  date among the call's own sources (the evidence it rests on, not the day the book was written; a month-only date
  stands for any day of its month); ``information_cutoff`` (the date the record was searched to) is no earlier and
  ``written_on`` no earlier than the cut-off, and the horizon lies after the later of the two, from which lead time
  counts; ``resolves_if`` and ``resolves_not_if`` both say what decides the call, so that silence has an outcome; a
  call whose chance of being borne out, however phrased, reaches above ``NOTE_ABOVE`` per cent (very likely, almost
  certain, and their mirrors very unlikely, almost no chance) needs a ``note`` saying why the call is worth making; its confidence is no higher than the highest confidence
  recorded for the claims it bears on (``moderate`` where none is recorded); every call is informed by at least one
  of at least ``calls.min_watch`` indicators to watch (``watch_indicators``).
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from .article import paragraphs
from . import config
from .config import RESERVED_PARTS
from .datapackage import DataError, Package
from .findings import PLACEHOLDER as FINDING_PLACEHOLDER
from .scoring import (  # the standards every rule applies
    DECISIVE_RELATIONS, DEFAULT_CONFIDENCE_CAP, EVIDENCE_RELATIONS, FACT_VERDICTS, IMPLIED_ANSWER,
    LATER_EVIDENCE, NOT_SCORABLE_REASONS, NOTE_ABOVE, ORIGINAL_COPY,
    PRIMARY_SOURCE_KINDS, PUBLISHED_TEXT, RELIABILITY_EXTRA_PATTERNS, Register, cited_headline, duplicate_developments,
    estimative_terms, evidence_as_of, evidence_confidence, fact_confidences, majority_verdict, second_reading_draw,
    unranged_terms, working_note)
from .values import first_day, id_list, last_day
from .vocabulary import CONFIDENCE_LEVELS, ESTIMATIVE_TERMS  # noqa: F401

def _err(pkg: Package, table: str, rule: str, msg: str, key: str, field: str | None = None) -> DataError:
    return DataError(pkg.file_of(table), rule, msg, key=key, field=field)


def _rows(reg: Register, types: tuple[str, ...] | None = None):
    claims = reg.claims if types is None else reg.claims[reg.claims["claim_type"].isin(types)]
    return (c for _, c in claims.iterrows())


def configured_sections(reg: Register, pkg: Package) -> None:
    """Every claim belongs to a section of ``briefing.yml``, and every line of the article to one of its sections or
    to a part every article has (opening, cited sources, artifacts): a section the configuration does not know has
    no label, theme or chapter."""
    sections = config.current().sections
    known = set(sections)
    for c in _rows(reg):
        if c["section"] not in known:
            raise _err(pkg, "claims", "configured section", f"'{c['section']}' is not a section of briefing.yml "
                       f"({', '.join(sections)})", c["id"], "section")
    for _, p in reg.paragraphs.iterrows():
        if p["heading_section"] not in known | set(RESERVED_PARTS):
            raise _err(pkg, "article_paragraphs", "configured section", f"'{p['heading_section']}' is not a section "
                       f"of briefing.yml ({', '.join(sections)}) nor one of {', '.join(RESERVED_PARTS)}", p["id"],
                       "heading_section")


def paragraph_kind(reg: Register, pkg: Package) -> None:
    """A claim quotes body text, not a heading, caption or artifact line."""
    paras = reg.paragraphs.set_index("id")
    for c in _rows(reg):
        kind = paras.loc[c["paragraph"], "kind"]
        if kind != "body":
            raise _err(pkg, "claims", "paragraph kind", f"paragraph {c['paragraph']} is a {kind} line, "
                       "not body text", c["id"], "paragraph")


def quote_found(reg: Register, pkg: Package) -> None:
    """``quote_zh`` is an exact substring of the paragraph the claim points to."""
    paras = reg.paragraphs.set_index("id")
    for c in _rows(reg):
        if c["quote_zh"] not in paras.loc[c["paragraph"], "text"]:
            raise _err(pkg, "claims", "quote not found", f"'{c['quote_zh']}' is not verbatim in paragraph "
                       f"{c['paragraph']}", c["id"], "quote_zh")


def fact_verdict(reg: Register, pkg: Package) -> None:
    for c in _rows(reg, ("fact",)):
        if c["verdict"] not in FACT_VERDICTS:
            raise _err(pkg, "claims", "fact verdict", f"a fact needs one of {', '.join(FACT_VERDICTS)}, "
                       f"not '{c['verdict']}'", c["id"], "verdict")


def rationale(reg: Register, pkg: Package) -> None:
    for c in _rows(reg, ("fact",)):
        if pd.isna(c["rationale"]):
            raise _err(pkg, "claims", "rationale", "a fact needs a rationale", c["id"], "rationale")


def evidence(reg: Register, pkg: Package) -> None:
    """A fact rated anything but ``unverified`` rests on a source other than the article, with a URL and date."""
    for c in _rows(reg, ("fact",)):
        if c["verdict"] == "unverified":
            continue
        ev = reg.evidence(c["id"])
        ev = ev[ev["relation"].isin(EVIDENCE_RELATIONS) & (ev["kind"] != "cited_by_article")
                & ev["url"].notna() & ev["published"].notna()]
        if ev.empty:
            raise _err(pkg, "claims", "evidence", f"a '{c['verdict']}' fact needs at least one source other "
                       "than the article, with a URL and a publication date", c["id"], "verdict")


def verdict_for_type(reg: Register, pkg: Package) -> None:
    for c in _rows(reg, ("judgment", "forecast", "question")):
        if c["verdict"] != "not_checkable":
            raise _err(pkg, "claims", "verdict for type", f"a {c['claim_type']} is not_checkable, not "
                       f"'{c['verdict']}'", c["id"], "verdict")


def estimative_language(reg: Register, pkg: Package) -> None:
    for c in _rows(reg, ("judgment", "forecast", "question")):
        if pd.isna(c["assessment"]) or not estimative_terms(c["assessment"]):
            raise _err(pkg, "claims", "estimative language", "a judgment, forecast or question needs an "
                       "assessment using one of the fixed terms: " + ", ".join(ESTIMATIVE_TERMS), c["id"],
                       "assessment")


def estimative_range(reg: Register, pkg: Package) -> None:
    """Every estimative term in an assessment is followed by its range, as the fixed scale gives it ("likely
    (55–80%)"), so that a reader need not look the word up and no term drifts from its probability."""
    for c in _rows(reg, ("judgment", "forecast", "question")):
        bare = unranged_terms(c["assessment"])
        if bare:
            ranges = ", ".join(f"{t.split(' (')[0].lower()} ({ESTIMATIVE_TERMS[t.split(' (')[0].lower()][0]}–"
                               f"{ESTIMATIVE_TERMS[t.split(' (')[0].lower()][1]}%)" for t in bare)
            raise _err(pkg, "claims", "estimative range", f"'{bare[0]}' is not followed by its range: write "
                       f"{ranges}", c["id"], "assessment")


def confidence(reg: Register, pkg: Package) -> None:
    for c in _rows(reg, ("judgment", "forecast", "question")):
        if pd.isna(c["confidence"]):
            raise _err(pkg, "claims", "confidence", "an assessment needs a confidence", c["id"], "confidence")


def outcome(reg: Register, pkg: Package) -> None:
    """Forecasts and questions carry an outcome, its date and rationale; nothing else is scored."""
    for c in _rows(reg):
        if c["claim_type"] in ("forecast", "question"):
            for field in ("outcome", "outcome_as_of", "outcome_rationale"):
                if pd.isna(c[field]):
                    raise _err(pkg, "claims", "outcome", f"a {c['claim_type']} needs {field}", c["id"], field)
        elif not pd.isna(c["outcome"]) or not pd.isna(c.get("resolves_if")):
            raise _err(pkg, "claims", "outcome", f"only forecasts and questions are scored, not a "
                       f"{c['claim_type']}", c["id"], "outcome")


def outcome_evidence(reg: Register, pkg: Package) -> None:
    for c in _rows(reg, ("forecast", "question")):
        if c["outcome"] not in ("too_early", "not_scorable"):
            ev = reg.evidence(c["id"])
            if ev[ev["relation"].isin(EVIDENCE_RELATIONS)].empty:
                raise _err(pkg, "claims", "outcome evidence", f"outcome '{c['outcome']}' needs a source",
                           c["id"], "outcome")


def scoring(reg: Register, pkg: Package) -> None:
    """The scoring rules of each forecast and question (see :func:`_check_scoring`)."""
    newest = evidence_as_of(reg)
    for c in _rows(reg, ("forecast", "question")):
        _check_scoring(reg, pkg, c, newest)


def as_of_publication(reg: Register, pkg: Package) -> None:
    """Facts are judged as of the article's publication: a ``supports`` or ``contradicts`` link to a source
    published after the article (a month-only date on either side counts as that month's last day) requires the
    claim's rationale to label the evidence as later (the word "later")."""
    published = last_day(pkg.resource("article").get("x-published"))
    if published is None:
        return
    dates = reg.sources.set_index("id")["published"]
    decisive = reg.links[reg.links["relation"].isin(("supports", "contradicts"))]
    for c in _rows(reg, ("fact",)):
        if isinstance(c["rationale"], str) and LATER_EVIDENCE.search(c["rationale"]):
            continue
        for sid in decisive.loc[decisive["claim_id"] == c["id"], "source_id"]:
            when = last_day(dates.get(sid))
            if when and when > published:
                raise _err(pkg, "claims", "as of publication", f"the claim rests on source {sid}, published "
                           f"{dates[sid]}, after the article ({published}); the rationale must label it as later "
                           "evidence", c["id"], "rationale")


def scoring_marks(reg: Register, pkg: Package) -> None:
    """Every forecast and question records ``hedged`` (the article's own words hedge it) and ``thesis`` (it carries
    the article's central argument), which the scorecard's hedging line counts; facts and judgments record
    neither."""
    for field in ("hedged", "thesis"):
        if field not in reg.claims.columns:
            raise DataError(pkg.file_of("claims"), "scoring marks", f"claims has no {field} column: the scorecard's "
                            "hedging line needs it", field=field)
    for c in _rows(reg):
        scored = c["claim_type"] in ("forecast", "question")
        for field in ("hedged", "thesis"):
            if scored and pd.isna(c[field]):
                raise _err(pkg, "claims", "scoring marks", f"a {c['claim_type']} records {field} (true or false)",
                           c["id"], field)
            if not scored and not pd.isna(c[field]):
                raise _err(pkg, "claims", "scoring marks", f"only forecasts and questions are marked; a "
                           f"{c['claim_type']} leaves {field} empty", c["id"], field)


def same_event_twice(reg: Register, pkg: Package) -> None:
    if reg.developments is not None:
        for first, second, why in duplicate_developments(reg.developments):
            raise _err(pkg, "developments", "same event twice", f"{first} and {second} record the same event "
                       f"(same date, track and actors; {why}): merge them into one row", second, "event")


def coverage(reg: Register, pkg: Package) -> None:
    """Every body paragraph of the article is covered by at least one claim."""
    covered = set(reg.claims["paragraph"])
    for _, para in reg.paragraphs.iterrows():
        if para["kind"] == "body" and para["id"] not in covered:
            raise DataError(pkg.file_of("claims"), "coverage", f"body paragraph {para['id']} has no claim",
                            field="paragraph")


def cited_sources(reg: Register, pkg: Package) -> None:
    """The article's cited sources (as many as ``article.cited_sources`` of ``briefing.yml``) are in ``sources``, each
    linked to at least one claim."""
    cited = reg.sources[reg.sources["kind"] == "cited_by_article"]
    expected = config.current().cited_sources
    if len(cited) != expected:
        raise DataError(pkg.file_of("sources"), "cited sources", f"the article cites {expected} sources "
                        f"(briefing.yml: article.cited_sources); {len(cited)} rows have kind cited_by_article",
                        field="kind")
    linked = set(reg.links.loc[reg.links["relation"] == "cited_by_article", "source_id"])
    for sid in cited["id"]:
        if sid not in linked:
            raise _err(pkg, "sources", "cited source unused", "no claim links to this cited source", sid, "id")


def _check_scoring(reg: Register, pkg: Package, c: pd.Series, newest: dt.date | None) -> None:
    """The scoring rules for one forecast or question (see the module docstring)."""
    cid, outcome, ctype = c["id"], c["outcome"], c["claim_type"]
    resolves = c.get("resolves_if")
    resolves = None if resolves is None or pd.isna(resolves) else str(resolves)
    if outcome == "not_scorable":
        if not any(reason in c["outcome_rationale"].lower() for reason in NOT_SCORABLE_REASONS):
            raise _err(pkg, "claims", "not scorable without a reason", "a not_scorable outcome_rationale names its "
                       "reason: " + "; ".join(NOT_SCORABLE_REASONS), cid, "outcome_rationale")
        if resolves:
            raise _err(pkg, "claims", "not scorable with a test", "nothing can decide a not_scorable claim; "
                       "resolves_if stays empty (or score it)", cid, "resolves_if")
    else:
        if not resolves:
            raise _err(pkg, "claims", "resolves_if", f"a scored {ctype} ('{outcome}') records resolves_if, the "
                       "observable that decides it", cid, "resolves_if")
        if ctype == "question" and IMPLIED_ANSWER not in resolves.lower():
            raise _err(pkg, "claims", "implied answer", "a scored question states the answer its text implies "
                       "in resolves_if ('Implied answer: …'); a question that implies none is not_scorable", cid,
                       "resolves_if")
    as_of = first_day(c["outcome_as_of"])
    published = first_day(pkg.resource("article").get("x-published"))
    if published and as_of < published:
        raise _err(pkg, "claims", "outcome date", f"outcome_as_of {as_of} is before the article ({published})",
                   cid, "outcome_as_of")
    if newest and as_of > newest:
        raise _err(pkg, "claims", "outcome date", f"outcome_as_of {as_of} is later than the newest evidence in "
                   f"the record ({newest}): an outcome cannot be scored as of a date nothing covers", cid,
                   "outcome_as_of")
    if reg.developments is not None:
        bearing = reg.developments[reg.developments["claim_ids"].map(lambda v: cid in id_list(v))]
        if not bearing.empty:
            latest = max(bearing["date"].map(first_day))
            if as_of < latest:
                last = bearing.loc[bearing["date"].map(first_day) == latest, "id"].iloc[0]
                raise _err(pkg, "claims", "stale outcome", f"outcome_as_of {as_of} predates development {last} "
                           f"({latest}) recorded against this claim: re-score it", cid, "outcome_as_of")


def inconsistency_passages(reg: Register, pkg: Package) -> None:
    """The article against itself: both passages quoted verbatim from the lines they name; the first is body
    text, the second body text or a line of the reference list, and then its quote is that source's headline."""
    if reg.inconsistencies.empty:
        return
    paras = reg.paragraphs.set_index("id")
    for _, row in reg.inconsistencies.iterrows():
        iid = row["id"]
        for side in ("a", "b"):
            pid, quote = row[f"paragraph_{side}"], row[f"quote_{side}"]
            kind = paras.loc[pid, "kind"]
            allowed = ("body",) if side == "a" else ("body", "cited_source")
            if kind not in allowed:
                raise _err(pkg, "article_inconsistencies", "paragraph kind", f"paragraph {pid} is a {kind} line; "
                           f"paragraph_{side} must be {' or '.join(allowed)}", iid, f"paragraph_{side}")
            text = paras.loc[pid, "text"]
            if quote not in text:
                raise _err(pkg, "article_inconsistencies", "quote not found", f"'{quote}' is not verbatim in "
                           f"paragraph {pid}", iid, f"quote_{side}")
            if kind == "cited_source" and quote != cited_headline(text):
                raise _err(pkg, "article_inconsistencies", "cited headline", f"for a reference-list line quote_{side} "
                           f"is the source's headline as listed, '{cited_headline(text)}'", iid, f"quote_{side}")


def inconsistency_order(reg: Register, pkg: Package) -> None:
    """The two passages of a conflict are distinct and listed in reading order."""
    if reg.inconsistencies.empty:
        return
    order = {pid: n for n, pid in enumerate(reg.paragraphs["id"])}
    for _, row in reg.inconsistencies.iterrows():
        iid = row["id"]
        if order[row["paragraph_a"]] > order[row["paragraph_b"]]:
            raise _err(pkg, "article_inconsistencies", "reading order", f"paragraph_a ({row['paragraph_a']}) comes "
                       f"after paragraph_b ({row['paragraph_b']})", iid, "paragraph_a")
        if row["paragraph_a"] == row["paragraph_b"] and row["quote_a"] == row["quote_b"]:
            raise _err(pkg, "article_inconsistencies", "same passage", "a passage cannot conflict with itself", iid,
                       "quote_b")


def inconsistency_claims(reg: Register, pkg: Package) -> None:
    """Every claim a conflict names sits in one of its two paragraphs."""
    if reg.inconsistencies.empty:
        return
    claims = reg.claims.set_index("id")
    for _, row in reg.inconsistencies.iterrows():
        for cid in id_list(row["claim_ids"]):
            where = claims.loc[cid, "paragraph"]
            if where not in (row["paragraph_a"], row["paragraph_b"]):
                raise _err(pkg, "article_inconsistencies", "claim paragraph", f"claim {cid} sits in {where}, not in "
                           f"{row['paragraph_a']} or {row['paragraph_b']}", row["id"], "claim_ids")


def link_order(reg: Register, pkg: Package) -> None:
    """A link joins two different claims; a same_event pair is listed with the lower id first."""
    if reg.claim_links.empty:
        return
    for _, row in reg.claim_links.iterrows():
        a, b = row["claim_a"], row["claim_b"]
        if a == b:
            raise _err(pkg, "claim_links", "self link", "a claim cannot be linked to itself", f"{a}/{b}", "claim_b")
        if row["link"] == "same_event" and a > b:
            raise _err(pkg, "claim_links", "link order", "list a same_event pair with the lower id first", f"{a}/{b}",
                       "claim_a")


def inconsistent_verdicts(reg: Register, pkg: Package) -> None:
    """Facts about the same event with different verdicts carry a note that explains the difference, naming
    both claims."""
    if reg.claim_links.empty:
        return
    claims = reg.claims.set_index("id")
    for _, row in reg.claim_links[reg.claim_links["link"] == "same_event"].iterrows():
        a, b, note = row["claim_a"], row["claim_b"], row["note"]
        va, vb = claims.loc[a, "verdict"], claims.loc[b, "verdict"]
        both_facts = claims.loc[a, "claim_type"] == "fact" and claims.loc[b, "claim_type"] == "fact"
        explained = isinstance(note, str) and a in note and b in note
        if both_facts and va != vb and not explained:
            raise _err(pkg, "claim_links", "inconsistent verdicts", f"{a} is {va} but {b}, about the same event, "
                       f"is {vb}; the note must explain the difference, naming both claims", f"{a}/{b}", "note")


def contradicted_premise(reg: Register, pkg: Package) -> None:
    """A claim rated supported never rests on a premise claim that is contradicted."""
    if reg.claim_links.empty:
        return
    verdicts = reg.claims.set_index("id")["verdict"]
    for _, row in reg.claim_links[reg.claim_links["link"] == "depends_on_premise"].iterrows():
        a, b = row["claim_a"], row["claim_b"]
        if verdicts[a] == "supported" and verdicts[b] == "contradicted":
            raise _err(pkg, "claim_links", "contradicted premise", f"{a} is rated supported but rests on {b}, which "
                       "is contradicted", f"{a}/{b}", "claim_a")


def second_reading(reg: Register, pkg: Package) -> None:
    """Each second reading is of a fact; where it disagrees with the first, the resolution is recorded."""
    if reg.second_readings.empty:
        return
    claims = reg.claims.set_index("id")
    for _, row in reg.second_readings.iterrows():
        cid = row["claim_id"]
        if claims.loc[cid, "claim_type"] != "fact":
            raise _err(pkg, "second_readings", "fact only", f"{cid} is a {claims.loc[cid, 'claim_type']}, not a fact",
                       cid, "claim_id")
        if row["second_verdict"] != row["first_verdict"] and pd.isna(row["resolution"]):
            raise _err(pkg, "second_readings", "unresolved", f"the second reading ({row['second_verdict']}) differs "
                       f"from the first ({row['first_verdict']}) and no resolution is recorded", cid, "resolution")


def adjudication(reg: Register, pkg: Package) -> None:
    """Every disagreement of the second reading is adjudicated by a blind third reading (``third_readings``), and
    only those: the final verdict is the claim's verdict in the register, and it follows the majority of the three
    readings (first, second, third) or the adjudication gives the reason it does not (or why, where no two agree)."""
    if reg.third_readings.empty:
        return
    second = reg.second_readings.set_index("claim_id")
    third = reg.third_readings.set_index("claim_id")
    disputed = set(second.index[second["first_verdict"] != second["second_verdict"]])
    for cid in sorted(disputed - set(third.index)):
        raise _err(pkg, "second_readings", "adjudication", "the second reading disagrees with the first and no third "
                   "reading adjudicates it (third_readings.csv)", cid, "second_verdict")
    verdicts = reg.claims.set_index("id")["verdict"]
    for cid, row in third.iterrows():
        if cid not in disputed:
            raise _err(pkg, "third_readings", "adjudication", "a third reading adjudicates only a claim on which the "
                       "first and second readings disagree", cid, "claim_id")
        if row["final_verdict"] != verdicts[cid]:
            raise _err(pkg, "third_readings", "adjudication", f"the final verdict '{row['final_verdict']}' is not the "
                       f"claim's verdict in claims.csv ('{verdicts[cid]}')", cid, "final_verdict")
        majority = majority_verdict(second.loc[cid, "first_verdict"], second.loc[cid, "second_verdict"],
                                    row["third_verdict"])
        reason = row["adjudication"]
        if row["final_verdict"] != majority and not (isinstance(reason, str) and reason.strip()):
            said = f"the majority's '{majority}'" if majority else "no majority (no two readings agree)"
            raise _err(pkg, "third_readings", "adjudication", f"the final verdict '{row['final_verdict']}' departs from "
                       f"{said} and no reason is given", cid, "adjudication")


def working_notes(reg: Register, pkg: Package) -> None:
    """Published fields hold only what a reader should read: no working notes (see WORKING_NOTE_PATTERNS)."""
    tables = {"claims": reg.claims, "sources": reg.sources, "claim_sources": reg.links,
              "article_inconsistencies": reg.inconsistencies, "claim_links": reg.claim_links,
              "second_readings": reg.second_readings, "briefing_calls": reg.calls, "watch_indicators": reg.watch,
              "third_readings": reg.third_readings}
    keys = {"claim_sources": ("claim_id", "source_id"), "claim_links": ("claim_a", "claim_b"),
            "second_readings": ("claim_id",), "third_readings": ("claim_id",)}
    for table, fields in PUBLISHED_TEXT.items():
        df = tables[table]
        if df.empty:
            continue
        key = keys.get(table, ("id",))
        for _, row in df.iterrows():
            for fname in fields:
                extra = RELIABILITY_EXTRA_PATTERNS if (table, fname) == ("sources", "reliability") else ()
                found = working_note(row[fname], extra)
                if found:
                    raise _err(pkg, table, "working note", f"'{found}' reads as a working note, not as text for a "
                               "reader", "/".join(str(row[k]) for k in key), fname)


def fact_confidence(reg: Register, pkg: Package) -> None:
    """A confidence recorded on a fact is no higher than its evidence earns (:func:`evidence_confidence`): above
    all, no fact is rated high without a primary record behind its verdict."""
    earned = fact_confidences(reg)
    rank = {level: n for n, level in enumerate(CONFIDENCE_LEVELS)}
    for c in _rows(reg, ("fact",)):
        stated = c["confidence"]
        if isinstance(stated, str) and rank[stated] > rank[earned[c["id"]]]:
            why = ("no source of a primary kind (" + ", ".join(PRIMARY_SOURCE_KINDS) + ") supports or contradicts it"
                   if stated == "high" else "its evidence earns no more")
            raise _err(pkg, "claims", "fact confidence", f"confidence '{stated}' is higher than "
                       f"'{earned[c['id']]}': {why}", c["id"], "confidence")


def high_on_original(reg: Register, pkg: Package) -> None:
    """High only on an original primary record: a fact whose confidence is ``high`` (as recorded, or as its
    evidence earns it) has among the sources that support or contradict it an official text or data release
    (``PRIMARY_SOURCE_KINDS``) in its original copy (``sources.copy`` is ``original``: the issuer's own page). A
    primary record read on a mirror or in an agency copy earns ``moderate`` at most. Checked on the sources
    themselves, apart from :func:`evidence_confidence`."""
    earned = fact_confidences(reg)
    sources = reg.sources.set_index("id")
    decisive = reg.links[reg.links["relation"].isin(DECISIVE_RELATIONS)]
    for c in _rows(reg, ("fact",)):
        level = c["confidence"] if isinstance(c["confidence"], str) else earned[c["id"]]
        if level != "high":
            continue
        ids = [sid for sid in decisive.loc[decisive["claim_id"] == c["id"], "source_id"] if sid in sources.index]
        primary = [sid for sid in ids if sources.loc[sid, "kind"] in PRIMARY_SOURCE_KINDS]
        if not primary:
            continue  # no primary record at all: the fact-confidence rule says so
        if not any(sources.loc[sid, "copy"] == ORIGINAL_COPY for sid in primary):
            seen = (", ".join(f"{sid} ({sources.loc[sid, 'copy']})" for sid in primary) or "none")
            raise _err(pkg, "claims", "high on an original primary record", "confidence is high, but no primary "
                       f"record ({', '.join(PRIMARY_SOURCE_KINDS)}) in its original copy supports or contradicts it "
                       f"(primary records behind it: {seen}); it is moderate", c["id"], "confidence")


def call_count(reg: Register, pkg: Package) -> None:
    """Between ``min`` and ``max`` calls, and at least ``min_watch`` indicators to watch (briefing.yml: calls)."""
    n, calls = len(reg.calls), config.current().calls
    least, most = calls["min"], calls["max"]
    if not reg.calls.empty and (n < least or (most is not None and n > most)):
        bounds = f"between {least} and {most}" if most is not None else f"at least {least}"
        raise DataError(pkg.file_of("briefing_calls"), "call count", f"{n} calls; the briefing makes {bounds} "
                        "(briefing.yml: calls)", field="id")
    if not reg.watch.empty and len(reg.watch) < calls["min_watch"]:
        raise DataError(pkg.file_of("watch_indicators"), "watch count", f"{len(reg.watch)} indicators; what to watch "
                        f"lists at least {calls['min_watch']}", field="id")


def call_term(reg: Register, pkg: Package) -> None:
    """A call's statement carries exactly one estimative term, and it is the call's ``probability_term``."""
    for _, b in reg.calls.iterrows():
        found = estimative_terms(b["statement"])
        if found != [b["probability_term"]]:
            said = ", ".join(f"'{t}'" for t in found) or "no estimative term"
            raise _err(pkg, "briefing_calls", "probability term", f"the statement says {said}; it must carry exactly "
                       f"one term, its probability_term '{b['probability_term']}'", b["id"], "statement")


def call_dates(reg: Register, pkg: Package) -> None:
    """A call is dated by the evidence it rests on, not by the day the book was written: ``assessed_on`` is the
    newest publication date among its sources (``source_id``). We chose equality over "not later than": a date
    earlier than the newest source would hide evidence the call used, a later one would claim evidence it does not
    cite. A source dated by month only stands for any day of that month, so ``assessed_on`` must be no earlier than
    any source's first possible day and no later than the newest source's last possible day. And a call resolves
    later than it was made (``horizon`` after ``assessed_on``), so nothing already resolved is given a
    probability.

    Three dates (issue 24): ``assessed_on`` (the newest source), ``information_cutoff`` (the date to which the record
    was searched, no earlier than the newest source) and ``written_on`` (no earlier than the cut-off); lead time
    counts from the later of the cut-off and the writing, and the horizon lies after it."""
    if reg.calls.empty:
        return
    published = reg.sources.set_index("id")["published"]
    for _, b in reg.calls.iterrows():
        made, horizon = first_day(b["assessed_on"]), first_day(b["horizon"])
        dated = [(sid, published[sid]) for sid in id_list(b["source_id"])
                 if sid in published.index and not pd.isna(published[sid])]
        if dated:
            earliest_newest = max(first_day(p) for _, p in dated)  # no source may be newer than the call
            latest_newest = max(last_day(p) for _, p in dated)  # the newest source, its month's last day at most
            newest = max(dated, key=lambda sp: (last_day(sp[1]), first_day(sp[1])))
            if not earliest_newest <= made <= latest_newest:
                when = "earlier than" if made < earliest_newest else "later than"
                raise _err(pkg, "briefing_calls", "call date", f"assessed_on {made} is {when} the newest evidence "
                           f"the call rests on ({newest[0]}, published {newest[1]}): a call is dated by its newest "
                           "source", b["id"], "assessed_on")
        if horizon <= made:
            raise _err(pkg, "briefing_calls", "horizon", f"horizon {horizon} is not after assessed_on {made}: a call "
                       "resolves after it is made", b["id"], "horizon")
        if "information_cutoff" in b.index and "written_on" in b.index:
            cutoff, written = first_day(b["information_cutoff"]), first_day(b["written_on"])
            if cutoff < made:
                raise _err(pkg, "briefing_calls", "call dates", f"information_cutoff {cutoff} is before the newest "
                           f"source ({made}): the record was searched at least as far as the evidence it cites",
                           b["id"], "information_cutoff")
            if written < cutoff:
                raise _err(pkg, "briefing_calls", "call dates", f"written_on {written} is before the information "
                           f"cut-off ({cutoff}): a call cannot use what was found after it was written", b["id"],
                           "written_on")
            start = max(cutoff, written)
            if horizon <= start:
                raise _err(pkg, "briefing_calls", "horizon", f"horizon {horizon} is not after {start}, the later of "
                           "information_cutoff and written_on, from which lead time counts", b["id"], "horizon")


RESOLUTION_OPENINGS = {"resolves_if": "Borne out if", "resolves_not_if": "Not borne out if"}


def call_resolution(reg: Register, pkg: Package) -> None:
    """A call says what makes it borne out (``resolves_if``) and what makes it not borne out
    (``resolves_not_if``), so that silence by the horizon has an outcome."""
    for _, b in reg.calls.iterrows():
        for fname in ("resolves_if", "resolves_not_if"):
            value = b.get(fname)
            if value is None or pd.isna(value) or not str(value).strip():
                side = "borne out" if fname == "resolves_if" else "not borne out"
                raise _err(pkg, "briefing_calls", "call resolution", f"{fname} is empty: a call says what makes it "
                           f"{side}, so that silence by the horizon has an outcome", b["id"], fname)
            opening = RESOLUTION_OPENINGS[fname]
            if not str(value).startswith(opening):
                raise _err(pkg, "briefing_calls", "call resolution", f"{fname} must open with '{opening}', so that "
                           "each side reads as the outcome it decides", b["id"], fname)


def call_note(reg: Register, pkg: Package) -> None:
    """A call whose chance of being borne out, however it is phrased, reaches above ``NOTE_ABOVE`` per cent carries a
    ``note`` saying why it is worth making: a near-certain call tests little. 'Very likely X' reaches 95% that X
    happens; 'very unlikely X' is borne out when X does not happen, which it puts as high as 95% too."""
    for _, b in reg.calls.iterrows():
        low, high = ESTIMATIVE_TERMS.get(b["probability_term"], (0, 0))
        borne = max(high, 100 - low)  # the chance the call is borne out, however it is phrased
        note = b.get("note")
        if borne > NOTE_ABOVE and (note is None or pd.isna(note) or not str(note).strip()):
            raise _err(pkg, "briefing_calls", "call note", f"'{b['probability_term']}' puts the chance that the call "
                       f"is borne out as high as {borne}%, above {NOTE_ABOVE}%: the note must say why so near-certain "
                       "a call is worth making", b["id"], "note")


def call_confidence(reg: Register, pkg: Package) -> None:
    """A call's confidence is no higher than the highest confidence recorded for the claims it bears on
    (``DEFAULT_CONFIDENCE_CAP`` where none of them records one)."""
    if reg.calls.empty:
        return
    recorded = reg.claims.set_index("id")["confidence"].dropna()
    rank = {level: n for n, level in enumerate(CONFIDENCE_LEVELS)}
    for _, b in reg.calls.iterrows():
        levels = [recorded[c] for c in id_list(b["claim_ids"]) if c in recorded.index]
        cap = max(levels, key=rank.__getitem__) if levels else DEFAULT_CONFIDENCE_CAP
        if rank[b["confidence"]] > rank[cap]:
            basis = "the highest recorded for its claims" if levels else "the cap where its claims record none"
            raise _err(pkg, "briefing_calls", "call confidence", f"confidence '{b['confidence']}' is higher than "
                       f"'{cap}', {basis}", b["id"], "confidence")


def call_watched(reg: Register, pkg: Package) -> None:
    """Every call is informed by at least one indicator to watch."""
    if reg.calls.empty or reg.watch.empty:
        return
    watched = {cid for value in reg.watch["call_ids"] for cid in id_list(value)}
    for cid in reg.calls["id"]:
        if cid not in watched:
            raise _err(pkg, "briefing_calls", "call unwatched", "no indicator in watch_indicators.csv names this call "
                       "in its call_ids: say what to watch for it", cid, "id")


# Every rule of the register, in the order they are checked (a later rule may assume an earlier one holds).
def sweep_dates(reg: Register, pkg: Package) -> None:
    """Currency is stated, not assumed (``sweeps``): an item's newest evidence is the newest publication date among
    its own sources (a month-only date stands for its month), and never after the date it was swept to."""
    if reg.sweeps.empty:
        return
    published = reg.sources.set_index("id")["published"]
    for _, w in reg.sweeps.iterrows():
        stated = w["newest_evidence"]
        if first_day(stated) > first_day(w["swept_to"]):
            raise _err(pkg, "sweeps", "sweep dates", f"newest evidence {stated} is after the date swept to "
                       f"({first_day(w['swept_to'])})", w["id"], "newest_evidence")
        dated = [published[s] for s in id_list(w["source_id"]) if s in published.index and isinstance(published[s], str)]
        newest = max(dated, key=last_day) if dated else None
        if newest is None or not (first_day(newest) <= first_day(stated) <= last_day(newest)
                                  or first_day(stated) <= first_day(newest) <= last_day(stated)):
            raise _err(pkg, "sweeps", "sweep dates", f"newest evidence {stated} is not the newest publication date "
                       f"of its sources ({newest})", w["id"], "newest_evidence")


# -- invariants the tests used to hold alone: now rules, so that `make validate` reports them -----------------------

def claim_order(reg: Register, pkg: Package) -> None:
    """Claim ids run c001, c002, ... without a gap, in the article's reading order (a claim's paragraph is never
    before the previous claim's): a reader who follows the ids reads the article from top to bottom."""
    previous = 0
    for n, (_, c) in enumerate(reg.claims.iterrows(), start=1):
        expected = f"c{n:03d}"
        if c["id"] != expected:
            raise _err(pkg, "claims", "claim order", f"row {n} has id {c['id']}; ids run {expected} here, in "
                       "reading order without gaps", c["id"], "id")
        place = int(str(c["paragraph"])[1:])
        if place < previous:
            raise _err(pkg, "claims", "claim order", f"paragraph {c['paragraph']} comes before the previous claim's "
                       f"(p{previous:02d}): claims are numbered in reading order", c["id"], "paragraph")
        previous = place


def paragraph_table(reg: Register, pkg: Package) -> None:
    """The paragraph table is the one generated from the article (``briefing.article``): same lines, ids, kinds
    and sections, so no claim points at a paragraph the article does not have."""
    generated = paragraphs(pkg.base / pkg.resource("article")["path"], record=False)
    table = reg.paragraphs.reset_index(drop=True)
    for n, p in enumerate(generated):
        if n >= len(table):
            raise _err(pkg, "article_paragraphs", "paragraph table", f"the article has {len(generated)} non-empty "
                       f"lines, the table {len(table)}: regenerate it with briefing.article.write_table", p.id, "id")
        row = table.iloc[n]
        for fname in ("id", "line_no", "kind", "heading_section", "text"):
            if str(row[fname]) != str(getattr(p, fname)):
                raise _err(pkg, "article_paragraphs", "paragraph table", f"{fname} is {row[fname]!r}; the article "
                           f"gives {getattr(p, fname)!r} (regenerate with briefing.article.write_table)",
                           str(row["id"]), fname)
    if len(table) > len(generated):
        extra = table.iloc[len(generated)]
        raise _err(pkg, "article_paragraphs", "paragraph table", f"the table has {len(table)} rows, the article "
                   f"{len(generated)} non-empty lines", str(extra["id"]), "id")


def second_reading_coverage(reg: Register, pkg: Package) -> None:
    """The blind second reading read what its recorded draw (``x-draw``) sends to it: every fact now rated
    contradicted or partly supported, and the seeded sample of supported facts; and nothing else, except facts the
    first reading flagged that have since moved to supported (their first verdict is on the row)."""
    if reg.second_readings.empty:
        return
    draw = second_reading_draw(pkg)
    facts = reg.claims[reg.claims["claim_type"] == "fact"]
    flagged_now = set(facts.loc[facts["verdict"].isin(["contradicted", "partly_supported"]), "id"])
    first = reg.second_readings.set_index("claim_id")["first_verdict"]
    flagged_then = set(first[first.isin(["contradicted", "partly_supported"])].index)
    owed = flagged_now | set(draw["supported_sample"])
    read = set(reg.second_readings["claim_id"])
    for cid in sorted(owed - read):
        raise _err(pkg, "second_readings", "second reading coverage", "owed a second reading (a flagged fact, or "
                   "in the recorded sample) but not read", cid, "claim_id")
    for cid in sorted(read - owed - flagged_then):
        raise _err(pkg, "second_readings", "second reading coverage", "read although neither flagged by the first "
                   "reading nor in the recorded sample", cid, "claim_id")


def call_chapters(reg: Register, pkg: Package) -> None:
    """Every chapter that carries calls (``briefing.yml``: the sections' chapters and ``chapters``) holds at least
    one of the briefing's own calls: each chapter ends with what it expects next."""
    if reg.calls.empty:
        return
    for chapter in config.current().chapter_labels:
        if chapter not in set(reg.calls["chapter"]):
            raise DataError(pkg.file_of("briefing_calls"), "call in every chapter", f"no call belongs to chapter "
                            f"'{chapter}': every chapter makes at least one", key=chapter, field="chapter")


RULES = (configured_sections, paragraph_kind, quote_found, fact_verdict, rationale, evidence, verdict_for_type, estimative_language,
         estimative_range, confidence, high_on_original, fact_confidence, outcome, outcome_evidence, scoring, scoring_marks, same_event_twice, coverage, cited_sources,
         inconsistency_passages, inconsistency_order, inconsistency_claims, link_order, inconsistent_verdicts,
         contradicted_premise, second_reading, adjudication, call_count, call_term, call_dates, call_resolution, call_note,
         call_confidence, call_watched, sweep_dates,
         working_notes, as_of_publication, claim_order, paragraph_table, second_reading_coverage, call_chapters)


def check(reg: Register, pkg: Package) -> None:
    """Apply every register rule (:data:`RULES`); raise on the first broken one."""
    for rule in RULES:
        rule(reg, pkg)


# -- the book's own findings (findings.csv) ------------------------------------------------------------------------
# Checked by :func:`briefing.claims.findings`, which loads them beside the register (the pages that show findings
# read the table; the register's notebooks need not).

FINDING_DIGIT = re.compile(r"\d")
# The kit's own tables: a finding rests on their rows through the register (claims, calls, developments); any other
# table with an ``id`` and a ``source_id`` holds dated rows of this briefing's data that a finding may rest on.
KIT_TABLES = ("article", "article_paragraphs", "sources", "claims", "claim_sources", "developments", "sweeps",
              "article_inconsistencies", "claim_links", "second_readings", "briefing_calls", "watch_indicators",
              "findings")


def finding_items(reg: Register, pkg: Package, findings: pd.DataFrame) -> dict[str, tuple[str, str | None]]:
    """Every id the findings rest on or mention, with what it is (claim, call, development or a dated row of the
    data) and, for a development or a data row, its sources. The data tables are read only as far as needed: in
    the data package's order, until every id is found."""
    items: dict[str, tuple[str, str | None]] = {cid: ("claim", None) for cid in reg.claims["id"]}
    if not reg.calls.empty:
        items.update({bid: ("call", None) for bid in reg.calls["id"]})
    if reg.developments is not None:
        items.update({d: ("development", s) for d, s in zip(reg.developments["id"], reg.developments["source_id"])})
    missing = {i for f in ("rests_on", "mentions") for v in findings[f] for i in id_list(v)} - set(items)
    for name, res in pkg.resources.items():
        fields = {f["name"] for f in res.get("schema", {}).get("fields", [])}
        if not missing or name in KIT_TABLES or not {"id", "source_id"} <= fields:
            continue
        table = pkg.table(name)
        hit = table[table["id"].isin(missing)]
        items.update({i: ("data row", s) for i, s in zip(hit["id"], hit["source_id"])})
        missing -= set(hit["id"])
    return items


def finding_refs(reg: Register, pkg: Package, findings: pd.DataFrame) -> None:
    """Every id a finding rests on or mentions is a claim, call, development or dated event of the data, and no id
    is both load-bearing and merely mentioned."""
    items = finding_items(reg, pkg, findings)
    for _, f in findings.iterrows():
        for fname in ("rests_on", "mentions"):
            for ident in id_list(f[fname]):
                if ident not in items:
                    raise _err(pkg, "findings", "finding reference", f"'{ident}' is no claim, call, development or "
                               "event of the data package", f["id"], fname)
        both = set(id_list(f["rests_on"])) & set(id_list(f["mentions"]))
        if both:
            raise _err(pkg, "findings", "finding reference", f"{', '.join(sorted(both))} both rest(s) the finding "
                       "and is only mentioned: list it once", f["id"], "mentions")


def finding_numbers(reg: Register, pkg: Package, findings: pd.DataFrame) -> None:
    """A finding states no number in its own text: a number (a count, a date, a year, an amount) is a placeholder
    ``{name}`` filled from the value its page's notebook computes and glues, so it cannot drift from the data."""
    for _, f in findings.iterrows():
        for fname in ("headline", "text"):
            value = f[fname]
            if not isinstance(value, str):
                continue
            bare = FINDING_PLACEHOLDER.sub("", value)
            if FINDING_DIGIT.search(bare) or "{" in bare or "}" in bare:
                raise _err(pkg, "findings", "finding number", "a finding types no number (and no malformed "
                           "placeholder): write {name} and glue the value under that name in its page's notebook",
                           f["id"], fname)


def finding_kind(reg: Register, pkg: Package, findings: pd.DataFrame) -> None:
    """An outlook is the sentence of exactly one of our calls: it rests on that call and on no other, carries the
    call's estimative term (once, in ``probability_term`` and in its text) and the call's confidence. A record or an
    article error rests on no call and carries no estimative term: a line that holds both is two findings, each
    with its own label."""
    calls = reg.calls.set_index("id") if not reg.calls.empty else pd.DataFrame()
    for _, f in findings.iterrows():
        said = estimative_terms(" ".join(str(f[k]) for k in ("headline", "text") if isinstance(f[k], str)))
        called = [i for i in id_list(f["rests_on"]) if i in calls.index]
        term = f["probability_term"] if isinstance(f["probability_term"], str) else None
        if f["kind"] == "outlook":
            if len(called) != 1:
                raise _err(pkg, "findings", "outlook call", f"an outlook rests on exactly one of our calls; it names "
                           f"{len(called)}", f["id"], "rests_on")
            call = calls.loc[called[0]]
            if term != call["probability_term"] or said != [term]:
                raise _err(pkg, "findings", "outlook term", f"the outlook carries its call {called[0]}'s term "
                           f"'{call['probability_term']}' in probability_term and, once, in its text (found "
                           f"{', '.join(said) or 'none'})", f["id"], "probability_term")
            if f["confidence"] != call["confidence"]:
                raise _err(pkg, "findings", "outlook confidence", f"the outlook has its call {called[0]}'s confidence "
                           f"'{call['confidence']}', not '{f['confidence']}'", f["id"], "confidence")
        else:
            if called or term or said:
                raise _err(pkg, "findings", "record without outlook", f"a {f['kind']} finding rests on no call and "
                           "carries no estimative term; put the outlook in a finding of its own, with its own label",
                           f["id"], "rests_on" if called else ("probability_term" if term else "text"))


def item_confidences(reg: Register, pkg: Package, findings: pd.DataFrame) -> dict[str, str]:
    """What each claim, development or data row that a finding names earns as a load-bearing item: a claim its
    confidence (a fact as its evidence earns it, :func:`fact_confidences`; a judgment, forecast or question as
    recorded); a development or a dated data row as a supported fact whose sources are its own
    (:func:`evidence_confidence`: high with a primary record among them, low on one secondary report)."""
    earned = dict(reg.confidence())
    kinds = reg.sources.set_index("id")["kind"]
    for ident, (what, sids) in finding_items(reg, pkg, findings).items():
        if sids is not None:
            own = [s for s in id_list(sids) if s in kinds.index and kinds[s] != "cited_by_article"]
            earned[ident] = evidence_confidence("supported", [kinds[s] for s in own], len(own))
    return earned


def finding_confidence(reg: Register, pkg: Package, findings: pd.DataFrame) -> None:
    """A record or an article error is rated no higher than the weakest item it rests on earns: every item in
    ``rests_on`` is load-bearing (the sentence fails without it), so the sentence is no surer than the least sure of
    them. What it only mentions does not cap it. (An outlook has its call's confidence: :func:`finding_kind`.)"""
    earned = item_confidences(reg, pkg, findings)
    rank = {level: n for n, level in enumerate(CONFIDENCE_LEVELS)}
    for _, f in findings[findings["kind"] != "outlook"].iterrows():
        levels = [(earned[i], i) for i in id_list(f["rests_on"]) if i in earned]
        if not levels:
            continue
        cap, weakest = min(levels, key=lambda li: rank[li[0]])
        if rank[f["confidence"]] > rank[cap]:
            raise _err(pkg, "findings", "finding confidence", f"confidence '{f['confidence']}' is higher than "
                       f"'{cap}', what its weakest load-bearing item ({weakest}) earns", f["id"], "confidence")


FINDING_RULES = (finding_refs, finding_numbers, finding_kind, finding_confidence)
