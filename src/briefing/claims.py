"""Layer 7: the claims register (the article's claims, their sources and evidence links, the article's conflicts
with itself, the blind second reading, the briefing's own calls and indicators), loaded from the data package and
checked against every rule of :mod:`briefing.rules` as it loads.

The standards behind the rules (vocabularies, dates, scoring, evidence as of) are in :mod:`briefing.scoring`; the
names callers need are re-exported here, so ``from briefing.claims import register, outcome_summary`` works.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .datapackage import Package, package
from .rules import FINDING_RULES, RULES, check  # noqa: F401
from .findings import PLACEHOLDER as FINDING_PLACEHOLDER
from .scoring import *  # noqa: F401,F403
from .scoring import _split, fact_confidences

@dataclass
class Register:
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
        return df[df["claim_ids"].map(lambda v: bool(ids & set(_split(v))))]

    def confidence(self) -> pd.Series:
        """Every claim's confidence, by id: as recorded for judgments, forecasts and questions; for a fact, as its
        evidence earns it (:func:`fact_confidences`), unless its row records a (lower) one."""
        recorded = self.claims.set_index("id")["confidence"]
        return recorded.fillna(fact_confidences(self)).dropna()

    def evidence(self, claim_id: str) -> pd.DataFrame:
        """The links of one claim joined with their sources."""
        links = self.links[self.links["claim_id"] == claim_id]
        return links.merge(self.sources, left_on="source_id", right_on="id", how="left")


def register(pkg: Package | None = None) -> Register:
    """The validated claims register (with the developments that outcomes are scored against, and the
    briefing's own calls and indicators to watch)."""
    pkg = pkg or package()
    optional = {name: pkg.table(name) if name in pkg.resources else pd.DataFrame()
                for name in ("article_inconsistencies", "claim_links", "second_readings", "briefing_calls",
                             "watch_indicators", "sweeps", "third_readings")}
    reg = Register(pkg.table("claims"), pkg.table("sources"), pkg.table("claim_sources"),
                   pkg.table("article_paragraphs"), pkg.table("developments"),
                   optional["article_inconsistencies"], optional["claim_links"], optional["second_readings"],
                   optional["briefing_calls"], optional["watch_indicators"], optional["sweeps"],
                   optional["third_readings"])
    check(reg, pkg)
    return reg


def findings(reg: Register | None = None, pkg: Package | None = None) -> pd.DataFrame:
    """The book's own findings (``findings.csv``), validated against the register they rest on
    (:data:`briefing.rules.FINDING_RULES`), in page, place and order."""
    pkg = pkg or package()
    reg = reg or register(pkg)
    table = pkg.table("findings")
    for rule in FINDING_RULES:
        rule(reg, pkg, table)
    return table.sort_values(["page", "place", "order"]).reset_index(drop=True)


def finding_text(table: pd.DataFrame, fid: str, **values) -> str:
    """One finding as plain text (headline and text), its placeholders ``{name}`` filled from ``values`` (what a
    chart title states: the notebook computes the values, the finding's words come from the table). A placeholder
    without a value is an error naming the finding."""
    row = table.set_index("id").loc[fid]
    text = " ".join(v for v in (row["headline"], row["text"]) if isinstance(v, str))
    missing = sorted(set(FINDING_PLACEHOLDER.findall(text)) - set(values))
    if missing:
        raise KeyError(f"findings.csv: finding {fid} needs a value for {', '.join(missing)}")
    return FINDING_PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), text)


def review_context(pkg: Package | None = None) -> tuple[str, dict]:
    """The review date and the article's metadata, as recorded in the data package (for ClaimReview)."""
    pkg = pkg or package()
    art = pkg.resource("article")
    return pkg.descriptor["x-review-date"], {"headline": art["x-headline"], "published": art["x-published"],
                                             "author": art["x-author"]}
