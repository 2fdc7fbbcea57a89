"""Layer 7: the claims register (the article's claims, their sources and evidence links, the article's conflicts
with itself, the blind second reading, the briefing's own calls and indicators), loaded from the data package and
checked against every rule of :mod:`briefing.rules` as it loads.

The register's tables (:class:`Register`) and the standards behind the rules (vocabularies, dates, scoring,
evidence as of) are in :mod:`briefing.scoring`; the names callers need are imported here by name, so
``from briefing.claims import register, outcome_summary`` works.
"""

from __future__ import annotations

import pandas as pd

from .datapackage import Package, package
from .rules import FINDING_RULES, RULES, check  # noqa: F401
from .findings import PLACEHOLDER as FINDING_PLACEHOLDER
from .scoring import (  # noqa: F401  (the standards callers read from here: notebooks, pages, tests)
    ABSENCE_RULE, CONFIDENCE_LEVELS, DECISIVE_RELATIONS, DEFAULT_CONFIDENCE_CAP, ESTIMATIVE_TERMS,
    INCONSISTENCY_KINDS, LATER_EVIDENCE, NOTE_ABOVE, PRIMARY_SOURCE_KINDS,
    Register, agreement, cited_headline, currency_by_track, duplicate_developments, edition, estimative_terms,
    evidence_as_of, evidence_confidence, fact_confidences, majority_verdict, new_developments, newest_evidence,
    outcome_summary, reader_date, second_reading_draw, second_reading_sample, second_reading_set, unranged_terms,
    working_note)


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
