"""Layer 3: the claims register — claims, their sources and the evidence links — with the rules a table schema
cannot express. Every rule raises :class:`~briefing.datapackage.DataError` naming file, id, field and rule.

Rules (the brief's analytic standards):

- ``quote_zh`` is an exact substring of the paragraph it points to, and that paragraph is body text;
- every body paragraph of the article is covered by at least one claim;
- facts get a fact verdict; judgments, forecasts and questions get ``not_checkable`` and carry an assessment in
  the fixed estimative language, with a confidence;
- every fact not ``unverified`` rests on at least one source other than the article, with a URL and a date;
- forecasts and questions carry an outcome, its date and rationale, and (unless ``too_early`` or
  ``not_scorable``) a source;
- scoring rules: every scored forecast or question (any outcome but ``not_scorable``) records ``resolves_if``,
  the observable that decides it; a scored question states the answer its text implies ("Implied answer: …");
  ``not_scorable`` (a question that implies no answer, a conditional whose condition has not occurred, a list of
  possibilities) names its reason and records no ``resolves_if``; ``outcome_as_of`` lies between the article's
  publication and the evidence-as-of date, and is no earlier than the newest development recorded against the
  claim;
- developments: no event is recorded twice (same date, same track, a shared actor, and a shared source or
  highly similar wording);
- the article's four cited sources are in ``sources`` and linked to at least one claim.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from itertools import combinations

import pandas as pd

from .datapackage import DataError, Package, package
from .vocabulary import OUTCOME_LABELS, THEME_LABELS

FACT_VERDICTS = ("supported", "partly_supported", "contradicted", "unverified")
ESTIMATIVE_TERMS = {
    "almost no chance": (1, 5),
    "very unlikely": (5, 20),
    "unlikely": (20, 45),
    "roughly even chance": (45, 55),
    "likely": (55, 80),
    "very likely": (80, 95),
    "almost certain": (95, 99),
}
# Why a forecast or question cannot be scored; a not_scorable outcome_rationale names one of these.
NOT_SCORABLE_REASONS = ("the question implies no answer", "the condition has not occurred",
                        "a list of possibilities")
IMPLIED_ANSWER = "implied answer:"  # how resolves_if of a scored question states the answer its text implies
# Two developments are one event when dates overlap, the track is the same, an actor is shared, and they share a
# source or their wording overlaps this much (share of the shorter text's word stems found in the other).
DUPLICATE_WORDING = 0.5
_STOPWORDS = frozenset("a an the of in on at to for and or by with from as its it is was were be been after before "
                       "about than since into over this that their his her".split())
EVIDENCE_RELATIONS = ("supports", "contradicts", "context")
# Each chapter's section belongs to one of the article's tracks (the scorecard is split by them).
THEMES = {"us_russia_thaw": "russia", "us_japan_rok_pressure": "pressure", "eleven_nation_meeting": "pressure",
          "china_ties": "china", "framing": "framing"}


def estimative_terms(text: str) -> list[str]:
    """The fixed estimative terms used in a text (longest match first, so 'very unlikely' is not 'unlikely')."""
    low = text.lower()
    found = []
    for term in sorted(ESTIMATIVE_TERMS, key=len, reverse=True):
        if term in low:
            found.append(term)
            low = low.replace(term, " ")
    return found


def _day(value) -> dt.date | None:
    """A ``YYYY-MM-DD`` or ``YYYY-MM`` string (or a timestamp) as a date; a month counts as its first day."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "date"):
        return value.date()
    return dt.date.fromisoformat(value if len(value) == 10 else value + "-01")


def _ids(value) -> list[str]:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return []
    return [v.strip() for v in str(value).split(";") if v.strip()]


def _stems(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOPWORDS}


def wording_overlap(a: str, b: str) -> float:
    """Share of the shorter text's word stems (first five letters, stopwords dropped) found in the other."""
    sa, sb = _stems(a), _stems(b)
    return len(sa & sb) / min(len(sa), len(sb)) if sa and sb else 0.0


def duplicate_developments(developments: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Pairs of developments that record the same event: (first id, second id, why).

    Same event = dates that overlap (equal, or a month and a day in it), the same category, at least one shared
    actor, and either a shared source or wording that overlaps by at least ``DUPLICATE_WORDING``. Two distinct
    events of one day on one track (a drill and a ministers' meeting) differ in wording and sources.
    """
    rows = developments.to_dict("records")
    found = []
    for a, b in combinations(rows, 2):
        da, db = str(a["date"]), str(b["date"])
        if not (da == db or (len(da) == 7 and db.startswith(da)) or (len(db) == 7 and da.startswith(db))):
            continue
        if a["category"] != b["category"] or not set(_ids(a["actors"])) & set(_ids(b["actors"])):
            continue
        shared = set(_ids(a["source_id"])) & set(_ids(b["source_id"]))
        overlap = wording_overlap(a["event"], b["event"])
        if shared:
            found.append((a["id"], b["id"], f"shares source {', '.join(sorted(shared))}"))
        elif overlap >= DUPLICATE_WORDING:
            found.append((a["id"], b["id"], f"wording overlaps {overlap:.0%}"))
    return found


@dataclass
class Register:
    claims: pd.DataFrame
    sources: pd.DataFrame
    links: pd.DataFrame
    paragraphs: pd.DataFrame
    developments: pd.DataFrame | None = None

    def claims_of(self, section: str) -> pd.DataFrame:
        return self.claims[self.claims["section"] == section]

    def sources_for(self, claim_ids) -> pd.DataFrame:
        """Sources linked to the given claims, cited sources of the article first, then by date."""
        ids = set(claim_ids)
        used = self.links[self.links["claim_id"].isin(ids)]["source_id"].unique()
        df = self.sources[self.sources["id"].isin(used)].copy()
        df["_art"] = df["kind"] != "cited_by_article"
        return df.sort_values(["_art", "published", "id"], na_position="last").drop(columns="_art")

    def evidence(self, claim_id: str) -> pd.DataFrame:
        """The links of one claim joined with their sources."""
        links = self.links[self.links["claim_id"] == claim_id]
        return links.merge(self.sources, left_on="source_id", right_on="id", how="left")


def _err(pkg: Package, table: str, rule: str, msg: str, key: str, field: str | None = None) -> DataError:
    return DataError(pkg.file_of(table), rule, msg, key=key, field=field)


# -- the rules: one function each, named in RULES by the rule its DataError reports --------------------------------

def _rows(reg: Register, types: tuple[str, ...] | None = None):
    claims = reg.claims if types is None else reg.claims[reg.claims["claim_type"].isin(types)]
    return (c for _, c in claims.iterrows())


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
    """The article's four cited sources are in ``sources``, each linked to at least one claim."""
    cited = reg.sources[reg.sources["kind"] == "cited_by_article"]
    if len(cited) != 4:
        raise DataError(pkg.file_of("sources"), "cited sources", f"the article cites 4 sources; {len(cited)} "
                        "rows have kind cited_by_article", field="kind")
    linked = set(reg.links.loc[reg.links["relation"] == "cited_by_article", "source_id"])
    for sid in cited["id"]:
        if sid not in linked:
            raise _err(pkg, "sources", "cited source unused", "no claim links to this cited source", sid, "id")


# Every rule of the register, in the order they are checked (a later rule may assume an earlier one holds).
RULES = (paragraph_kind, quote_found, fact_verdict, rationale, evidence, verdict_for_type, estimative_language,
         confidence, outcome, outcome_evidence, scoring, same_event_twice, coverage, cited_sources)


def check(reg: Register, pkg: Package) -> None:
    """Apply every register rule (:data:`RULES`); raise on the first broken one."""
    for rule in RULES:
        rule(reg, pkg)


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
    as_of = _day(c["outcome_as_of"])
    published = _day(pkg.resource("article").get("x-published"))
    if published and as_of < published:
        raise _err(pkg, "claims", "outcome date", f"outcome_as_of {as_of} is before the article ({published})",
                   cid, "outcome_as_of")
    if newest and as_of > newest:
        raise _err(pkg, "claims", "outcome date", f"outcome_as_of {as_of} is later than the newest evidence in "
                   f"the record ({newest}): an outcome cannot be scored as of a date nothing covers", cid,
                   "outcome_as_of")
    if reg.developments is not None:
        bearing = reg.developments[reg.developments["claim_ids"].map(lambda v: cid in _ids(v))]
        if not bearing.empty:
            latest = max(bearing["date"].map(_day))
            if as_of < latest:
                last = bearing.loc[bearing["date"].map(_day) == latest, "id"].iloc[0]
                raise _err(pkg, "claims", "stale outcome", f"outcome_as_of {as_of} predates development {last} "
                           f"({latest}) recorded against this claim: re-score it", cid, "outcome_as_of")


def evidence_as_of(reg: Register) -> dt.date | None:
    """The single "evidence as of" date: the newest publication date among the sources behind the developments
    and behind the outcomes of forecasts and questions (a source dated by month only counts as its first day)."""
    ids: set[str] = set()
    if reg.developments is not None:
        for value in reg.developments["source_id"]:
            ids.update(_ids(value))
    scored = reg.claims.loc[reg.claims["claim_type"].isin(["forecast", "question"]), "id"]
    links = reg.links[reg.links["claim_id"].isin(set(scored)) & reg.links["relation"].isin(EVIDENCE_RELATIONS)]
    ids.update(links["source_id"])
    dates = [_day(v) for v in reg.sources.loc[reg.sources["id"].isin(ids), "published"].dropna()]
    return max(dates) if dates else None


def edition(reg: Register) -> int:
    """The current edition of the briefing: the highest ``added_in`` among the developments."""
    return int(reg.developments["added_in"].max())


def new_developments(reg: Register, since: int | None = None) -> pd.DataFrame:
    """Developments first recorded after edition ``since`` (default: the previous edition), by date: what is new
    in this edition."""
    since = edition(reg) - 1 if since is None else since
    new = reg.developments[reg.developments["added_in"] > since]
    return new.assign(_d=new["date"].map(_day)).sort_values(["_d", "id"]).drop(columns="_d")


def outcome_summary(claims: pd.DataFrame) -> pd.DataFrame:
    """The scorecard with every outcome category, split by theme: one row per track (``THEMES``) and a row
    ``all``; one column per outcome (in ``OUTCOME_LABELS`` order, zeros kept) and ``total``."""
    scored = claims[claims["claim_type"].isin(["forecast", "question"])]
    themes = scored["section"].map(THEMES)
    table = pd.crosstab(themes, scored["outcome"]).reindex(index=list(THEME_LABELS), columns=list(OUTCOME_LABELS),
                                                           fill_value=0)
    table = table[(table.sum(axis=1) > 0) | (table.index != "framing")]
    table.loc["all"] = table.sum()
    table["total"] = table.sum(axis=1)
    table.index.name, table.columns.name = "theme", None
    return table.astype(int)


def register(pkg: Package | None = None) -> Register:
    """The validated claims register (with the developments that outcomes are scored against)."""
    pkg = pkg or package()
    reg = Register(pkg.table("claims"), pkg.table("sources"), pkg.table("claim_sources"),
                   pkg.table("article_paragraphs"), pkg.table("developments"))
    check(reg, pkg)
    return reg


def review_context(pkg: Package | None = None) -> tuple[str, dict]:
    """The review date and the article's metadata, as recorded in the data package (for ClaimReview)."""
    pkg = pkg or package()
    art = pkg.resource("article")
    return pkg.descriptor["x-review-date"], {"headline": art["x-headline"], "published": art["x-published"],
                                             "author": art["x-author"]}
