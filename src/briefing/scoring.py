"""Layer 5: the register's standards as functions: its fixed vocabularies and thresholds, dates and ids, the
scorecard, the confidence a fact's evidence earns, the blind second reading, and the book's currency ("evidence
as of"). Pure functions of tables: a ``reg`` argument is a :class:`Register`, the register's tables (defined here,
where the functions that take it are; :func:`briefing.claims.register` loads and checks one), or anything with the
same tables, so this layer imports nothing above it. The rules that apply these are in :mod:`briefing.rules`.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
from dataclasses import dataclass, field
from itertools import combinations

import pandas as pd

from . import config  # the briefing's own (briefing.yml): config.current()
from .datapackage import Package, package
from .values import first_day, id_list
from .vocabulary import CONFIDENCE_LEVELS, ESTIMATIVE_TERMS, OUTCOME_LABELS  # noqa: F401

FACT_VERDICTS = ("supported", "partly_supported", "contradicted", "unverified")
# Why a forecast or question cannot be scored; a not_scorable outcome_rationale names one of these.
NOT_SCORABLE_REASONS = ("the question implies no answer", "the condition has not occurred",
                        "a list of possibilities")
IMPLIED_ANSWER = "implied answer:"  # how resolves_if of a scored question states the answer its text implies
# How silence of the record about a documented meeting is judged (rule 4 of the module docstring; Methods).
ABSENCE_RULE = (
    "A claim about what a meeting decided, agreed or was for is contradicted where the record states a different "
    "outcome or purpose, or where the participants' agreed text, read in full, sets out the outcome and omits what the "
    "claim says all agreed; it is unverified where the only records are readouts, summaries or reports of a statement. "
    "A claim about what was discussed is never contradicted by silence alone: if the rest of it is confirmed and one "
    "particular rests on silence, it is partly supported and that particular is named as unverified, not wrong.")
# Two developments are one event when dates overlap, the track is the same, an actor is shared, and they share a
# source or their wording overlaps this much (share of the shorter text's word stems found in the other).
DUPLICATE_WORDING = 0.5
_STOPWORDS = frozenset("a an the of in on at to for and or by with from as its it is was were be been after before "
                       "about than since into over this that their his her".split())
EVIDENCE_RELATIONS = ("supports", "contradicts", "context")
DECISIVE_RELATIONS = ("supports", "contradicts")  # the links that decide a fact's verdict
# Primary records: the official text itself, as the government or body issued it (a statement or joint statement,
# a recorded vote, a membership list), or an official data release (customs figures). Everything else, wire copy and
# state media included, reports the record at second hand.
PRIMARY_SOURCE_KINDS = ("official_statement", "data_release")
# A primary record counts as one only in its original copy (the issuer's own page, ``sources.copy``): a translation on
# a mirror or an agency's rendering may differ from the text, so it weighs as a report of the record.
ORIGINAL_COPY = "original"
# A fact is judged as of the article's publication: evidence published after it is labelled with this word.
LATER_EVIDENCE = re.compile(r"\blater\b", re.IGNORECASE)
# Each section belongs to one of the article's tracks (its theme, from ``briefing.yml``; the scorecard is split by
# them).
INCONSISTENCY_KINDS = ("place", "date", "sequence", "number", "membership", "premise", "source", "subject")
# How the reference list separates a source's publisher and date from its headline, and how many sources it lists:
# ``briefing.yml`` (``article.artifacts.cited_source_separator``, ``article.cited_sources``).
# Phrases that belong to the desk's working notes, not to a published field. Matched case-insensitively.
WORKING_NOTE_PATTERNS = (
    r"\bowned by\b", r"\bhelper\b", r"\bcorpus\b", r"\bstored (cop(y|ies)|pages?)\b", r"\bretrieved text\b",
    r"\bsearch tool\b", r"\btitle searched\b", r"\bURL slug\b", r"\bTODO\b", r"\bFIXME\b", r"\bTBD\b",
    r"\bplaceholder\b", r"\breachable archives\b",
)
# The reliability note says how far to rely on a source, not how it was found.
RELIABILITY_EXTRA_PATTERNS = (r"\bsearched\b",)
# The briefing's own calls and what to watch: how many (``briefing.yml``: ``calls``, min, max and min_watch).
# A call whose estimative term reaches above this probability (very likely, almost certain) tests little: its
# ``note`` must say why it is worth making.
NOTE_ABOVE = 90
DEFAULT_CONFIDENCE_CAP = "moderate"  # the cap for a call whose claims record no confidence
# Published text fields of the register's tables (table -> fields).
PUBLISHED_TEXT = {
    "claims": ("claim_en", "translator_note", "rationale", "assessment", "outcome_rationale"),
    "sources": ("title", "publisher", "reliability"),
    "claim_sources": ("note",),
    "article_inconsistencies": ("description",),
    "claim_links": ("note",),
    "second_readings": ("note", "resolution"),
    "third_readings": ("note", "adjudication"),
    "briefing_calls": ("statement", "resolves_if", "resolves_not_if", "note"),
    "watch_indicators": ("indicator", "would_move", "where_to_watch"),
}
# The blind second reading: every contradicted and partly supported fact, plus a seeded random fifth of the
# supported ones. The seed is the date the reading was drawn, recorded with the draw (``second_readings``'
# ``x-draw`` in the data package).
SECOND_READING_SHARE = 5  # one in five supported facts


def estimative_terms(text: str) -> list[str]:
    """The fixed estimative terms used in a text (longest match first, so 'very unlikely' is not 'unlikely')."""
    low = text.lower()
    found = []
    for term in sorted(ESTIMATIVE_TERMS, key=len, reverse=True):
        if term in low:
            found.append(term)
            low = low.replace(term, " ")
    return found


def unranged_terms(text: str) -> list[str]:
    """The estimative terms in a text that are not followed by their own range, written "(55–80%)" (an en dash or
    a hyphen between the bounds): a term given without its range, or with another term's."""
    found = []
    for m in _TERM_WITH_RANGE.finditer(text if isinstance(text, str) else ""):
        term = m.group(1).lower()
        stated = (int(m.group(2)), int(m.group(3))) if m.group(2) else None
        if stated != tuple(ESTIMATIVE_TERMS[term]):
            found.append(m.group(1) + (f" ({m.group(2)}–{m.group(3)}%)" if stated else ""))
    return found


_TERM_WITH_RANGE = re.compile(r"\b(" + "|".join(re.escape(t) for t in sorted(ESTIMATIVE_TERMS, key=len, reverse=True))
                              + r")\b(?:\s*\((\d+)\s*[–-]\s*(\d+)%\))?", re.IGNORECASE)


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
        if a["category"] != b["category"] or not set(id_list(a["actors"])) & set(id_list(b["actors"])):
            continue
        shared = set(id_list(a["source_id"])) & set(id_list(b["source_id"]))
        overlap = wording_overlap(a["event"], b["event"])
        if shared:
            found.append((a["id"], b["id"], f"shares source {', '.join(sorted(shared))}"))
        elif overlap >= DUPLICATE_WORDING:
            found.append((a["id"], b["id"], f"wording overlaps {overlap:.0%}"))
    return found


def cited_headline(line: str) -> str:
    """The headline of one line of the article's reference list (the words after the separator)."""
    separator = config.current().cited_source_separator
    if not separator or separator not in line:
        return line
    return line.split(separator, 1)[1]


def working_note(text: str, extra: tuple[str, ...] = ()) -> str | None:
    """The first working-note phrase found in a published text, or None."""
    if not isinstance(text, str):
        return None
    for pattern in WORKING_NOTE_PATTERNS + extra:
        m = re.search(pattern, text, flags=re.IGNORECASE)
        if m:
            return m.group(0)
    return None


def second_reading_sample(supported_ids, seed: int) -> list[str]:
    """The supported facts drawn for the blind second reading: a seeded random fifth (rounded up) of the ids of
    the facts rated ``supported`` when the reading was set up, drawn from their sorted list."""
    population = sorted(supported_ids)
    return random.Random(seed).sample(population, math.ceil(len(population) / SECOND_READING_SHARE))


def second_reading_set(claims: pd.DataFrame, seed: int | None = None) -> list[str]:
    """The claims to send to a blind second reading of a register: all contradicted and partly supported
    facts, plus the seeded sample of the supported ones, in id order (``seed``: the draw's as recorded in the data
    package when not given)."""
    seed = second_reading_draw()["seed"] if seed is None else seed
    facts = claims[claims["claim_type"] == "fact"]
    flagged = set(facts.loc[facts["verdict"].isin(["contradicted", "partly_supported"]), "id"])
    supported = facts.loc[facts["verdict"] == "supported", "id"]
    return sorted(flagged | set(second_reading_sample(supported, seed)))


def second_reading_draw(pkg: Package | None = None) -> dict:
    """The draw as recorded in the data package: date, seed, the supported facts it was drawn from, the sample."""
    pkg = pkg or package()
    return pkg.resource("second_readings")["x-draw"]


def agreement(readings: pd.DataFrame) -> dict:
    """How often the blind second reading gave the same verdict as the first: claims read, agreements, rate."""
    n = len(readings)
    agreed = int((readings["second_verdict"] == readings["first_verdict"]).sum()) if n else 0
    return {"claims": n, "agreed": agreed, "disagreed": n - agreed, "rate": agreed / n if n else float("nan")}


def original_primary(kind: str, copy) -> bool:
    """Whether a source is an original primary record: the official text or data release itself
    (``PRIMARY_SOURCE_KINDS``) in the issuer's own copy (``copy`` original). A primary record read on a mirror or in
    an agency copy reports the record at second hand, like any other report."""
    return kind in PRIMARY_SOURCE_KINDS and (copy is None or copy == ORIGINAL_COPY)


def majority_verdict(*verdicts) -> str | None:
    """The verdict at least two of the readings gave, or None where no two agree."""
    counts = pd.Series([v for v in verdicts if isinstance(v, str)]).value_counts()
    return str(counts.index[0]) if len(counts) and counts.iloc[0] >= 2 else None


def evidence_confidence(verdict: str, decisive_kinds, n_sources: int, decisive_copies=None) -> str:
    """The confidence a fact's verdict earns from its evidence (the rule Methods states).

    ``decisive_kinds``: the kinds of the sources that support or contradict it, and ``decisive_copies`` their copies
    (``original``, ``agency_copy``, ``mirror``; all original when not given); ``n_sources``: how many sources it
    rests on (supporting, contradicting or context; the article's own cited sources not counted).

    - ``high``: supported or contradicted, and an original primary record (:func:`original_primary`) supports or
      contradicts it;
    - ``low``: unverified, or resting on a single source that is not an original primary record;
    - ``moderate``: otherwise (several reports, a primary record read on a mirror or in an agency copy, or an
      original primary record behind a partly supported verdict).
    """
    if verdict == "unverified":
        return "low"
    kinds = list(decisive_kinds)
    copies = list(decisive_copies) if decisive_copies is not None else [None] * len(kinds)
    primary = any(original_primary(kind, copy) for kind, copy in zip(kinds, copies))
    if primary and verdict in ("supported", "contradicted"):
        return "high"
    return "moderate" if primary or n_sources >= 2 else "low"


# -- the register's tables ---------------------------------------------------------------------------------------
@dataclass
class Register:
    """The claims register's tables (:func:`briefing.claims.register` loads and checks them): what every
    function of this layer and the rules above it take as ``reg``."""
    claims: pd.DataFrame
    sources: pd.DataFrame
    links: pd.DataFrame
    paragraphs: pd.DataFrame
    developments: pd.DataFrame | None = None
    inconsistencies: pd.DataFrame = field(default_factory=pd.DataFrame)
    claim_links: pd.DataFrame = field(default_factory=pd.DataFrame)
    second_readings: pd.DataFrame = field(default_factory=pd.DataFrame)
    calls: pd.DataFrame = field(default_factory=pd.DataFrame)  # the briefing's own calls (briefing_calls)
    watch: pd.DataFrame = field(default_factory=pd.DataFrame)  # what to watch (watch_indicators)
    sweeps: pd.DataFrame = field(default_factory=pd.DataFrame)  # how far each open item was searched (sweeps)
    third_readings: pd.DataFrame = field(default_factory=pd.DataFrame)  # the adjudication of the second reading

    def claims_of(self, section: str) -> pd.DataFrame:
        return self.claims[self.claims["section"] == section]

    def claim_quoting(self, words: str) -> str:
        """The id of the one claim whose quote contains the article's ``words`` (so a chart names the claim it
        tests from the data, not from a typed id)."""
        hits = self.claims[self.claims["quote_zh"].str.contains(words, regex=False)]
        if len(hits) != 1:
            raise KeyError(f"claims.csv: {len(hits)} claims quote {words!r}; expected exactly one")
        return str(hits["id"].iloc[0])

    def sources_for(self, claim_ids) -> pd.DataFrame:
        """Sources linked to the given claims, cited sources of the article first, then by date."""
        ids = set(claim_ids)
        used = self.links[self.links["claim_id"].isin(ids)]["source_id"].unique()
        df = self.sources[self.sources["id"].isin(used)].copy()
        df["_art"] = df["kind"] != "cited_by_article"
        return df.sort_values(["_art", "published", "id"], na_position="last").drop(columns="_art")

    def inconsistencies_of(self, section: str | None = None, claim_ids=None) -> pd.DataFrame:
        """The article's internal conflicts that bear on a chapter's claims (all of them with no argument)."""
        df = self.inconsistencies
        if df.empty or (section is None and claim_ids is None):
            return df
        ids = set(claim_ids) if claim_ids is not None else set(self.claims_of(section)["id"])
        return df[df["claim_ids"].map(lambda v: bool(ids & set(id_list(v))))]

    def confidence(self) -> pd.Series:
        """Every claim's confidence, by id: as recorded for judgments, forecasts and questions; for a fact, as its
        evidence earns it (:func:`fact_confidences`), unless its row records a (lower) one."""
        recorded = self.claims.set_index("id")["confidence"]
        return recorded.fillna(fact_confidences(self)).dropna()

    def evidence(self, claim_id: str) -> pd.DataFrame:
        """The links of one claim joined with their sources."""
        links = self.links[self.links["claim_id"] == claim_id]
        return links.merge(self.sources, left_on="source_id", right_on="id", how="left")


def fact_confidences(reg: Register) -> pd.Series:
    """The confidence each fact earns from its evidence (:func:`evidence_confidence`), by claim id."""
    facts = reg.claims[reg.claims["claim_type"] == "fact"]
    links = reg.links[reg.links["relation"].isin(EVIDENCE_RELATIONS)].merge(
        reg.sources[["id", "kind", "copy"]], left_on="source_id", right_on="id", how="left",
        suffixes=("", "_source"))
    links = links[links["kind"] != "cited_by_article"]
    out = {}
    for cid, verdict in zip(facts["id"], facts["verdict"]):
        own = links[links["claim_id"] == cid]
        decisive = own[own["relation"].isin(DECISIVE_RELATIONS)]
        out[cid] = evidence_confidence(verdict, list(decisive["kind"]), own["source_id"].nunique(),
                                       list(decisive["copy"]))
    return pd.Series(out, name="confidence", dtype="object")


def newest_evidence(reg: Register) -> dt.date | None:
    """The newest publication date among the sources behind the developments and behind the outcomes of
    forecasts and questions (a source dated by month only counts as its first day)."""
    ids: set[str] = set()
    if reg.developments is not None:
        for value in reg.developments["source_id"]:
            ids.update(id_list(value))
    scored = reg.claims.loc[reg.claims["claim_type"].isin(["forecast", "question"]), "id"]
    links = reg.links[reg.links["claim_id"].isin(set(scored)) & reg.links["relation"].isin(EVIDENCE_RELATIONS)]
    ids.update(links["source_id"])
    dates = [first_day(v) for v in reg.sources.loc[reg.sources["id"].isin(ids), "published"].dropna()]
    return max(dates) if dates else None


def evidence_as_of(reg: Register) -> dt.date | None:
    """The book's single "evidence as of" date, and what it means: every open item (``sweeps``: each thing an open
    forecast, outcome or call depends on) was searched for in the stored reporting at least up to this date, the
    earliest ``swept_to``. Without a sweeps table it falls back to the newest evidence the record holds
    (:func:`newest_evidence`), which says only how recent the newest source is."""
    sweeps = getattr(reg, "sweeps", None)
    if sweeps is not None and not sweeps.empty:
        return min(first_day(v) for v in sweeps["swept_to"])
    return newest_evidence(reg)


def reader_date(value) -> str:
    """A recorded date as a reader reads it: '19 May 2026', or 'September 2025' for a month-only date."""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)[:10]
    day = first_day(text)
    return f"{day:%B %Y}" if len(text) == 7 else f"{day.day} {day:%B %Y}"


def currency_by_track(sweeps: pd.DataFrame) -> pd.DataFrame:
    """Per track of the article: how many open items were swept, the date to which they were swept, the newest
    evidence found on any of them, and the stalest item (the one whose newest evidence is oldest) with its date
    (evidence dates as recorded: ``YYYY-MM-DD``, or ``YYYY-MM`` where the page gives only the month)."""
    rows = []
    for track, items in sweeps.groupby("track", sort=False):
        newest = items["newest_evidence"].map(first_day)
        stalest = items.loc[newest.idxmin()]
        rows.append({"track": track, "items": len(items), "swept_to": min(items["swept_to"].map(first_day)),
                     "newest": items.loc[newest.idxmax(), "newest_evidence"], "stalest_item": stalest["item"],
                     "stalest": stalest["newest_evidence"]})
    order = [t for t in config.current().themes if t in {r["track"] for r in rows}]
    return pd.DataFrame(rows).set_index("track").loc[order].reset_index()


def edition(reg: Register) -> int:
    """The current edition of the briefing: the highest ``added_in`` among the developments."""
    return int(reg.developments["added_in"].max())


def new_developments(reg: Register, since: int | None = None) -> pd.DataFrame:
    """Developments first recorded after edition ``since`` (default: the previous edition), by date: what is new
    in this edition."""
    since = edition(reg) - 1 if since is None else since
    new = reg.developments[reg.developments["added_in"] > since]
    return new.assign(_d=new["date"].map(first_day)).sort_values(["_d", "id"]).drop(columns="_d")


def outcome_summary(claims: pd.DataFrame) -> pd.DataFrame:
    """The scorecard with every outcome category, split by theme: one row per track (the themes of ``briefing.yml``; a theme marked
    ``scorecard: when_scored`` in ``briefing.yml`` only when it holds a scored claim) and a row ``all``; one column
    per outcome (in ``OUTCOME_LABELS`` order, zeros kept) and ``total``."""
    scored = claims[claims["claim_type"].isin(["forecast", "question"])]
    b = config.current()
    themes = scored["section"].map(b.section_themes)
    table = pd.crosstab(themes, scored["outcome"]).reindex(index=list(b.themes), columns=list(OUTCOME_LABELS),
                                                           fill_value=0)
    table = table[(table.sum(axis=1) > 0) | ~table.index.isin(list(b.themes_when_scored))]
    table.loc["all"] = table.sum()
    table["total"] = table.sum(axis=1)
    table.index.name, table.columns.name = "theme", None
    return table.astype(int)
