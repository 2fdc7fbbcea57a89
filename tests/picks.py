"""Rows of the register picked by what they are, not by their ids: "a fact", "a scored forecast", "a call whose
newest source is dated by month only". Tests of the kit break a copy of the data on such a row, so they run unchanged
against another briefing's data: the rule tests run against this book and the second briefing in one process
(``tests/conftest.py``'s ``briefing`` fixture enters ``config.use``; ``data_copy`` copies the current briefing).

Each pick reads the current briefing's register (``config.current()``: loaded once per briefing) and returns the
first row, in the table's order, that has the property; when none has it, it raises :class:`NoSuchRow` naming the
property, so a test fails (it never passes vacuously). Pick when the test runs, not at collection: pytest collects
before the ``briefing`` fixture enters a briefing, so a pick made at import reads this book's register. Tests that
are about one row's content (a data regression test: this claim records that vote) keep that id and say so; they sit
in a section headed "this briefing's data".
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import pandas as pd

from briefing import config
from briefing.claims import (CONFIDENCE_LEVELS, DECISIVE_RELATIONS, ESTIMATIVE_TERMS, LATER_EVIDENCE,
                             PRIMARY_SOURCE_KINDS, Register, fact_confidences, register)
from briefing.datapackage import Package

SCORED_TYPES = ("forecast", "question")


class NoSuchRow(LookupError):
    """The register has no row with the property a test needs."""


def reg() -> Register:
    """The current briefing's register (read once per briefing: ``config.use`` switches between them)."""
    return _register(config.current().root)


@lru_cache(maxsize=None)
def _register(root: Path) -> Register:
    with config.use(root):
        return register()


class Later:
    """A pick made when the test runs, in the briefing it runs against: a parametrization names it at collection
    (``later(a, "fact")``) and the test resolves it (:func:`now`)."""

    def __init__(self, pick, *args):
        self.pick, self.args = pick, args

    def __call__(self):
        return self.pick(*self.args)

    def __repr__(self):
        return f"{self.pick.__name__}{self.args or '()'}"


def later(pick, *args) -> Later:
    return Later(pick, *args)


def now(*values):
    """The values with every :class:`Later` among them (or in a list or tuple of them) picked now."""
    def one(v):
        if isinstance(v, Later):
            return v()
        return type(v)(one(x) for x in v) if isinstance(v, (list, tuple)) else v
    out = tuple(one(v) for v in values)
    return out[0] if len(out) == 1 else out


def _first(ids, what: str) -> str:
    ids = list(ids)
    if not ids:
        raise NoSuchRow(f"the register has no {what}")
    return str(ids[0])


def _ids(value) -> list[str]:
    return [v.strip() for v in str(value).split(";") if v.strip()] if isinstance(value, str) else []


def _day(value) -> dt.date:
    text = str(value)
    return dt.date.fromisoformat(text if len(text) == 10 else text + "-01")


def _last_day(value) -> dt.date:
    text = str(value)
    if len(text) == 10:
        return dt.date.fromisoformat(text)
    first = dt.date.fromisoformat(text + "-01")
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def article_published() -> str:
    """The article's publication date as the data package records it (``x-published``: a day or a month)."""
    return str(Package().resource("article")["x-published"])


def day_after(value) -> str:
    """The day after a date (after the month's last day, for a month)."""
    return (_last_day(value) + dt.timedelta(days=1)).isoformat()


def day_before(value) -> str:
    """The day before a date (before the month's first day, for a month)."""
    return (_day(value) - dt.timedelta(days=1)).isoformat()


def row_number(table: str, ident: str, key: str = "id") -> int:
    """The row of ``ident`` in a table as the loader names it (``row 1`` is the first row under the header)."""
    df = Package().table(table)
    return int((df[key] == ident).to_numpy().nonzero()[0][0]) + 1


def absent(prefix: str, taken, width: int = 3) -> str:
    """An id of the table's form (prefix and ``width`` digits) that no row has: the highest such number free."""
    taken = set(taken)
    for n in range(10 ** width - 1, 0, -1):
        ident = f"{prefix}{n:0{width}d}"
        if ident not in taken:
            return ident
    raise NoSuchRow(f"no free id {prefix}…")


# -- claims ---------------------------------------------------------------------------------------------------------

def claims_of(ctype: str | None = None, r: Register | None = None) -> pd.DataFrame:
    r = r or reg()
    return r.claims if ctype is None else r.claims[r.claims["claim_type"] == ctype]


def any_claim() -> str:
    return _first(reg().claims["id"], "claim")


def a(ctype: str) -> str:
    """The first claim of a type: ``a("fact")``, ``a("judgment")``, ``a("forecast")``, ``a("question")``."""
    return _first(claims_of(ctype)["id"], ctype)


def a_claim_with(field: str) -> str:
    """The first claim that records ``field`` (e.g. ``event_date``)."""
    c = reg().claims
    return _first(c.loc[c[field].notna(), "id"], f"claim recording {field}")


def scored(ctype: str) -> str:
    """The first forecast or question with an outcome other than not_scorable (so resolves_if decides it)."""
    c = claims_of(ctype)
    return _first(c.loc[c["outcome"] != "not_scorable", "id"], f"scored {ctype}")


def not_scorable() -> str:
    c = reg().claims
    return _first(c.loc[c["outcome"] == "not_scorable", "id"], "claim scored not_scorable")


def scored_with_a_later_development() -> tuple[str, str]:
    """A scored forecast or question that a development dated after the article's publication bears on: (claim id,
    the day before that development's date, which is still on or after the article)."""
    r, published = reg(), _last_day(article_published())
    for _, c in r.claims[r.claims["claim_type"].isin(SCORED_TYPES)].iterrows():
        bearing = r.developments[r.developments["claim_ids"].map(lambda v: c["id"] in _ids(v))]
        if bearing.empty:
            continue
        latest = max(bearing["date"].map(_day))
        if latest - dt.timedelta(days=1) > published:
            return c["id"], (latest - dt.timedelta(days=1)).isoformat()
    raise NoSuchRow("the register has no scored claim with a development dated after the article")


def development_naming_actors() -> pd.Series:
    """The first development that names its actors (two rows record the same event only if they share one)."""
    d = reg().developments
    named = d[d["actors"].map(lambda v: bool(_ids(v)))]
    if named.empty:
        raise NoSuchRow("the register has no development naming its actors")
    return named.iloc[0]


def earned(level: str) -> str:
    """The first fact that records no confidence and earns ``level`` from its evidence."""
    c, levels = claims_of("fact"), fact_confidences(reg())
    return _first([i for i, rec in zip(c["id"], c["confidence"]) if pd.isna(rec) and levels[i] == level],
                  f"fact earning {level} confidence")


def earned_below(level: str) -> str:
    """The first fact whose evidence earns less than ``level``."""
    c, levels = claims_of("fact"), fact_confidences(reg())
    rank = CONFIDENCE_LEVELS.index
    return _first([i for i in c["id"] if rank(levels[i]) < rank(level)], f"fact earning less than {level}")


def fact_on_a_mirrored_primary_record() -> tuple[str, str]:
    """A supported or contradicted fact recording no confidence whose decisive primary records were all read in a
    copy other than the original (a mirror, an agency's): (claim id, the first such source)."""
    r = reg()
    sources = r.sources.set_index("id")
    c = claims_of("fact")
    for cid in c.loc[c["verdict"].isin(["supported", "contradicted"]) & c["confidence"].isna(), "id"]:
        primary = [s for s in decisive_sources(cid) if sources.loc[s, "kind"] in PRIMARY_SOURCE_KINDS]
        if primary and all(sources.loc[s, "copy"] != "original" for s in primary):
            return cid, primary[0]
    raise NoSuchRow("the register has no fact whose primary records were read only on a mirror or in a copy")


def decisive_sources(claim_id: str) -> list[str]:
    links = reg().links
    return list(links.loc[(links["claim_id"] == claim_id) & links["relation"].isin(DECISIVE_RELATIONS), "source_id"])


def checked_fact() -> str:
    """The first fact with a verdict other than unverified (it needs evidence beyond the article)."""
    c = claims_of("fact")
    return _first(c.loc[c["verdict"] != "unverified", "id"], "checked fact")


def fact_resting_on_later_evidence() -> tuple[str, str]:
    """A fact whose rationale labels later evidence, and the first source published after the article that decides
    its verdict: (claim id, source id)."""
    r, published = reg(), _last_day(article_published())
    dates = r.sources.set_index("id")["published"]
    for _, c in claims_of("fact").iterrows():
        if isinstance(c["rationale"], str) and LATER_EVIDENCE.search(c["rationale"]):
            for sid in decisive_sources(c["id"]):
                if isinstance(dates.get(sid), str) and _last_day(dates[sid]) > published:
                    return c["id"], sid
    raise NoSuchRow("the register has no fact resting on evidence published after the article")


def _sources_in(table: pd.DataFrame, field: str = "source_id") -> set[str]:
    return set() if table.empty else {s for v in table[field] for s in _ids(v)}


def movable_source(relations=DECISIVE_RELATIONS) -> tuple[str, str]:
    """A source dated on or before the article, named by no call and no sweep (so its date decides nothing but the
    facts' verdicts), that some fact with an unlabelled rationale rests on through one of ``relations`` and that
    no fact rests on otherwise: (source id, the first such fact in the register's order)."""
    r, published = reg(), _last_day(article_published())
    busy = _sources_in(r.calls) | _sources_in(r.sweeps)
    facts = claims_of("fact")
    unlabelled = [c for c, why in zip(facts["id"], facts["rationale"])
                  if not (isinstance(why, str) and LATER_EVIDENCE.search(why))]
    links = r.links[r.links["claim_id"].isin(set(facts["id"]))]
    for _, s in r.sources.iterrows():
        if s["id"] in busy or not isinstance(s["published"], str) or _last_day(s["published"]) > published:
            continue
        own = links[links["source_id"] == s["id"]]
        if own.empty or not own["relation"].isin(relations).all():
            continue
        users = [c for c in unlabelled if c in set(own["claim_id"])]
        if users:
            return s["id"], users[0]
    raise NoSuchRow(f"the register has no source dated before the article linked to facts only as {relations}")


def body_paragraph_alone() -> str:
    """A body paragraph whose claims no other table names but their evidence links and the developments (so
    dropping them uncovers the paragraph and breaks nothing else)."""
    r = reg()
    named = (_sources_in(r.inconsistencies, "claim_ids") | _sources_in(r.calls, "claim_ids")
             | _sources_in(r.watch, "claim_ids")
             | (set(r.claim_links["claim_a"]) | set(r.claim_links["claim_b"]) if not r.claim_links.empty else set())
             | (set(r.second_readings["claim_id"]) if not r.second_readings.empty else set()))
    cited = r.links[r.links["relation"] == "cited_by_article"]
    for pid in r.paragraphs.loc[r.paragraphs["kind"] == "body", "id"]:
        ids = set(r.claims.loc[r.claims["paragraph"] == pid, "id"])
        others = cited[~cited["claim_id"].isin(ids)]
        if ids and not ids & named and set(cited["source_id"]) <= set(others["source_id"]):
            return pid
    raise NoSuchRow("the register has no body paragraph whose claims only evidence links name")


def drop_claims(data_dir: Path, ids: set[str]) -> None:
    """Remove claims from a copy of the data with their evidence links and their mentions in developments."""
    from support import drop_rows, rewrite_csv

    def strip(row, header):
        k = header.index("claim_ids")
        row[k] = ";".join(c for c in _ids(row[k]) if c not in ids)
        return row

    drop_rows(data_dir / "claims.csv", ids)
    drop_rows(data_dir / "claim_sources.csv", ids, key="claim_id")
    rewrite_csv(data_dir / "developments.csv", fix=strip)


def non_body_paragraph() -> tuple[str, str, str]:
    """A line of the article that is not body text (a caption, a heading…): (id, kind, text)."""
    p = reg().paragraphs
    p = p[(p["kind"] != "body") & p["text"].notna() & (p["kind"] != "cited_source")]
    if p.empty:
        raise NoSuchRow("the article has no line besides body text and cited sources")
    row = p.iloc[0]
    return row["id"], row["kind"], row["text"]


def claim_elsewhere(paragraphs) -> str:
    """A claim on none of the given paragraphs."""
    c = reg().claims
    return _first(c.loc[~c["paragraph"].isin(set(paragraphs)), "id"], "claim elsewhere")


# -- the article against itself, linked claims -----------------------------------------------------------------------

def kind_of(pid: str) -> str:
    return reg().paragraphs.set_index("id").loc[pid, "kind"]


def inconsistency(where=lambda row: True) -> pd.Series:
    for _, row in reg().inconsistencies.iterrows():
        if where(row):
            return row
    raise NoSuchRow("the register has no such conflict of the article with itself")


def conflict_with_a_cited_source() -> pd.Series:
    return inconsistency(lambda row: kind_of(row["paragraph_b"]) == "cited_source")


def conflict_between_two_body_paragraphs() -> pd.Series:
    return inconsistency(lambda row: row["paragraph_a"] != row["paragraph_b"]
                         and kind_of(row["paragraph_b"]) == "body")


def link(kind: str, where=lambda a, b, claims: True) -> tuple[str, str]:
    links, claims = reg().claim_links, reg().claims.set_index("id")
    for a_, b_ in zip(links.loc[links["link"] == kind, "claim_a"], links.loc[links["link"] == kind, "claim_b"]):
        if where(a_, b_, claims):
            return a_, b_
    raise NoSuchRow(f"the register has no such {kind} link")


def same_event_facts_that_differ() -> tuple[str, str]:
    """A same_event link between two facts with different verdicts."""
    return link("same_event", lambda a_, b_, c: c.loc[a_, "claim_type"] == c.loc[b_, "claim_type"] == "fact"
                and c.loc[a_, "verdict"] != c.loc[b_, "verdict"])


def with_verdict(verdict: str, besides=()) -> str:
    c = reg().claims
    return _first(c.loc[(c["verdict"] == verdict) & ~c["id"].isin(set(besides)), "id"], f"{verdict} claim")


def section_with_conflicts() -> tuple[str, set[str]]:
    """A section of briefing.yml that some but not all of the article's conflicts bear on: (key, their ids)."""
    r = reg()
    every = set(r.inconsistencies["id"])
    for key in config.SECTIONS:
        ids = set(r.inconsistencies_of(key)["id"])
        if ids and ids != every:
            return key, ids
    raise NoSuchRow("no section has some but not all of the conflicts")


# -- the briefing's calls and what to watch ---------------------------------------------------------------------------

def calls() -> pd.DataFrame:
    return reg().calls


def any_call() -> str:
    return _first(calls()["id"], "call")


def any_indicator() -> str:
    return _first(reg().watch["id"], "indicator to watch")


def _newest(call: pd.Series) -> tuple[str, str]:
    published = reg().sources.set_index("id")["published"]
    dated = [(s, published[s]) for s in _ids(call["source_id"]) if isinstance(published.get(s), str)]
    return max(dated, key=lambda sp: (_last_day(sp[1]), _day(sp[1])))


def call_dated_by_a_day() -> tuple[str, str, str]:
    """A call whose sources are all dated to the day: (call id, its newest source, that source's date)."""
    published = reg().sources.set_index("id")["published"]
    for _, b in calls().iterrows():
        if all(isinstance(published.get(s), str) and len(published[s]) == 10 for s in _ids(b["source_id"])):
            sid, when = _newest(b)
            return b["id"], sid, when
    raise NoSuchRow("the register has no call whose sources are all dated to the day")


def call_dated_by_a_month() -> tuple[str, str]:
    """A call whose newest source is dated by month only, no other source being dated later in that month: (call
    id, the month)."""
    published = reg().sources.set_index("id")["published"]
    for _, b in calls().iterrows():
        sid, when = _newest(b)
        if len(when) == 7 and all(_day(published[s]) <= _day(when) for s in _ids(b["source_id"])
                                  if isinstance(published.get(s), str)):
            return b["id"], when
    raise NoSuchRow("the register has no call whose newest source is dated by month only")


def call_without_note() -> str:
    b = calls()
    return _first(b.loc[b["note"].isna(), "id"], "call without a note")


def other_term(term: str, higher: bool) -> str:
    """An estimative term above (or below) ``term`` on the scale, neither containing the other."""
    low, high = ESTIMATIVE_TERMS[term]
    for t, (lo, hi) in ESTIMATIVE_TERMS.items():
        if t not in term and term not in t and ((lo > low) if higher else (hi < high)):
            return t
    raise NoSuchRow(f"no estimative term {'above' if higher else 'below'} '{term}'")


def call_below_the_top() -> str:
    """A call whose term has a term above it."""
    top = max(ESTIMATIVE_TERMS.values())
    b = calls()
    return _first(b.loc[b["probability_term"].map(ESTIMATIVE_TERMS.get) != top, "id"], "call below the top term")


def confidence_cap(call_id: str) -> str | None:
    """The confidence cap of a call: the highest recorded for its claims, None where they record none."""
    recorded = reg().claims.set_index("id")["confidence"].dropna()
    levels = [recorded[c] for c in _ids(calls().set_index("id").loc[call_id, "claim_ids"]) if c in recorded.index]
    return max(levels, key=CONFIDENCE_LEVELS.index) if levels else None


def call_capped_at(cap: str | None) -> str:
    """The first call whose claims' highest recorded confidence is ``cap`` (None: they record none)."""
    return _first([b for b in calls()["id"] if confidence_cap(b) == cap],
                  f"call capped at {cap or 'the default (its claims record no confidence)'}")


def indicator_alone_on_a_call() -> tuple[str, str]:
    """An indicator to watch that is the only one naming some call: (indicator id, the first call it alone
    watches, in the calls' order)."""
    watch = reg().watch
    for _, w in watch.iterrows():
        others = {c for v in watch.loc[watch["id"] != w["id"], "call_ids"] for c in _ids(v)}
        alone = [b for b in calls()["id"] if b in set(_ids(w["call_ids"])) - others]
        if alone:
            return w["id"], alone[0]
    raise NoSuchRow("every call is watched by two indicators or more")


def fact_recording_no_confidence() -> str:
    c = claims_of("fact")
    return _first(c.loc[c["confidence"].isna(), "id"], "fact recording no confidence")


# -- chapters ----------------------------------------------------------------------------------------------------

def chapters() -> list[str]:
    """Every chapter page of briefing.yml: the sections' chapters, then the others."""
    return list(config.BRIEFING.chapter_labels)


def any_chapter() -> str:
    return chapters()[0]
