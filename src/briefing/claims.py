"""Layer 3: the claims register — claims, their sources and the evidence links — with the rules a table schema
cannot express. Every rule raises :class:`~briefing.datapackage.DataError` naming file, id, field and rule.

Rules (the brief's analytic standards):

- ``quote_zh`` is an exact substring of the paragraph it points to, and that paragraph is body text;
- every body paragraph of the article is covered by at least one claim;
- facts get a fact verdict; judgments, forecasts and questions get ``not_checkable`` and carry an assessment in
  the fixed estimative language, with a confidence;
- every fact not ``unverified`` rests on at least one source other than the article, with a URL and a date;
- forecasts and questions carry an outcome, its date and rationale, and (unless ``too_early``) a source;
- the article's four cited sources are in ``sources`` and linked to at least one claim.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .datapackage import DataError, Package, package

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
EVIDENCE_RELATIONS = ("supports", "contradicts", "context")


def estimative_terms(text: str) -> list[str]:
    """The fixed estimative terms used in a text (longest match first, so 'very unlikely' is not 'unlikely')."""
    low = text.lower()
    found = []
    for term in sorted(ESTIMATIVE_TERMS, key=len, reverse=True):
        if term in low:
            found.append(term)
            low = low.replace(term, " ")
    return found


@dataclass
class Register:
    claims: pd.DataFrame
    sources: pd.DataFrame
    links: pd.DataFrame
    paragraphs: pd.DataFrame

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


def check(reg: Register, pkg: Package) -> None:
    """Apply every register rule; raise on the first broken one."""
    paras = reg.paragraphs.set_index("id")
    sources = reg.sources.set_index("id")
    for _, c in reg.claims.iterrows():
        cid = c["id"]
        para = paras.loc[c["paragraph"]]
        if para["kind"] != "body":
            raise _err(pkg, "claims", "paragraph kind", f"paragraph {c['paragraph']} is a {para['kind']} line, "
                       "not body text", cid, "paragraph")
        if c["quote_zh"] not in para["text"]:
            raise _err(pkg, "claims", "quote not found", f"'{c['quote_zh']}' is not verbatim in paragraph "
                       f"{c['paragraph']}", cid, "quote_zh")
        ctype, verdict = c["claim_type"], c["verdict"]
        if ctype == "fact":
            if verdict not in FACT_VERDICTS:
                raise _err(pkg, "claims", "fact verdict", f"a fact needs one of {', '.join(FACT_VERDICTS)}, "
                           f"not '{verdict}'", cid, "verdict")
            if pd.isna(c["rationale"]):
                raise _err(pkg, "claims", "rationale", "a fact needs a rationale", cid, "rationale")
            if verdict != "unverified":
                ev = reg.evidence(cid)
                ev = ev[ev["relation"].isin(EVIDENCE_RELATIONS) & (ev["kind"] != "cited_by_article")
                        & ev["url"].notna() & ev["published"].notna()]
                if ev.empty:
                    raise _err(pkg, "claims", "evidence", f"a '{verdict}' fact needs at least one source other "
                               "than the article, with a URL and a publication date", cid, "verdict")
        else:
            if verdict != "not_checkable":
                raise _err(pkg, "claims", "verdict for type", f"a {ctype} is not_checkable, not '{verdict}'",
                           cid, "verdict")
            if pd.isna(c["assessment"]) or not estimative_terms(c["assessment"]):
                raise _err(pkg, "claims", "estimative language", "a judgment, forecast or question needs an "
                           "assessment using one of the fixed terms: " + ", ".join(ESTIMATIVE_TERMS), cid,
                           "assessment")
            if pd.isna(c["confidence"]):
                raise _err(pkg, "claims", "confidence", "an assessment needs a confidence", cid, "confidence")
        if ctype in ("forecast", "question"):
            for field in ("outcome", "outcome_as_of", "outcome_rationale"):
                if pd.isna(c[field]):
                    raise _err(pkg, "claims", "outcome", f"a {ctype} needs {field}", cid, field)
            if c["outcome"] != "too_early":
                ev = reg.evidence(cid)
                if ev[ev["relation"].isin(EVIDENCE_RELATIONS)].empty:
                    raise _err(pkg, "claims", "outcome evidence", f"outcome '{c['outcome']}' needs a source",
                               cid, "outcome")
        elif not pd.isna(c["outcome"]):
            raise _err(pkg, "claims", "outcome", f"only forecasts and questions are scored, not a {ctype}", cid,
                       "outcome")
    covered = set(reg.claims["paragraph"])
    for pid, para in paras.iterrows():
        if para["kind"] == "body" and pid not in covered:
            raise DataError(pkg.file_of("claims"), "coverage", f"body paragraph {pid} has no claim",
                            field="paragraph")
    cited = sources[sources["kind"] == "cited_by_article"]
    if len(cited) != 4:
        raise DataError(pkg.file_of("sources"), "cited sources", f"the article cites 4 sources; {len(cited)} "
                        "rows have kind cited_by_article", field="kind")
    linked = set(reg.links.loc[reg.links["relation"] == "cited_by_article", "source_id"])
    for sid in cited.index:
        if sid not in linked:
            raise _err(pkg, "sources", "cited source unused", "no claim links to this cited source", sid, "id")


def register(pkg: Package | None = None) -> Register:
    """The validated claims register."""
    pkg = pkg or package()
    reg = Register(pkg.table("claims"), pkg.table("sources"), pkg.table("claim_sources"),
                   pkg.table("article_paragraphs"))
    check(reg, pkg)
    return reg


def review_context(pkg: Package | None = None) -> tuple[str, dict]:
    """The review date and the article's metadata, as recorded in the data package (for ClaimReview)."""
    pkg = pkg or package()
    art = pkg.resource("article")
    return pkg.descriptor["x-review-date"], {"headline": art["x-headline"], "published": art["x-published"],
                                             "author": art["x-author"]}
