"""Layer 8: HTML for the page — tables, verdict boxes, source lists, ClaimReview JSON-LD.

Python here chooses and shapes the data; the markup is in Jinja2 templates (``templates/components/``, see
:mod:`briefing.html`), which escape every value, so a claim holding ``<script>`` shows as text and never runs.
This is the one place where a verdict becomes HTML.
"""

from __future__ import annotations

import json

import pandas as pd
from markupsafe import Markup

from .claims import ESTIMATIVE_TERMS, Register
from .html import HTML, macro, render
from . import vocabulary
from .vocabulary import REVIEWER, VERDICT_LABELS

# schema.org Rating for ClaimReview: 1 (worst) to 5 (best); unverified facts get no numeric rating.
RATING_VALUES = {"supported": 5, "partly_supported": 3, "contradicted": 1}


def _records(df: pd.DataFrame) -> list[dict]:
    return [row.to_dict() for _, row in df.iterrows()]


def table(df: pd.DataFrame, *, caption: str, columns: dict[str, str] | None = None, label: str | None = None,
          id_column: str | None = None, classes: str = "", lang: dict[str, str] | None = None) -> HTML:
    """A plain, accessible HTML table. ``columns`` maps field names to header labels (and picks the order);
    ``lang`` marks columns in another language (e.g. ``{"text": "zh"}``) so browsers pick the right glyphs.
    Numeric columns are right-aligned with figures of equal width, so their digits line up."""
    numeric = {c for c in df.columns if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])}
    columns = columns or {c: c for c in df.columns}
    html = render("table.html", rows=_records(df), caption=caption, columns=columns, id_column=id_column,
                  classes=classes, lang=lang or {}, numeric=numeric,
                  numeric_headers=[label for c, label in columns.items() if c in numeric])
    return HTML(html, label or f"Table: {caption}")


# -- the claims register on the page ----------------------------------------------------------------------------

def verdict_badge(verdict: str) -> Markup:
    return macro("verdict_badge")(verdict)


def claim_link(claim_id: str, page: str | None = None) -> Markup:
    return macro("claim_link")(claim_id, page or vocabulary.of().REGISTER_PAGE)


def claim_review_jsonld(claim, review_date: str, article: dict) -> dict:
    """schema.org ClaimReview for one fact, from the same row as its visible verdict box."""
    rating = {"@type": "Rating", "alternateName": VERDICT_LABELS[claim["verdict"]]}
    if claim["verdict"] in RATING_VALUES:
        rating.update(ratingValue=RATING_VALUES[claim["verdict"]], bestRating=5, worstRating=1)
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "@id": f"#{claim['id']}",
        "claimReviewed": claim["claim_en"],
        "datePublished": review_date,
        "author": {"@type": "Organization", "name": REVIEWER},
        "reviewRating": rating,
        "reviewBody": claim["rationale"] if isinstance(claim["rationale"], str) else "",
        "itemReviewed": {
            "@type": "Claim",
            "text": claim["quote_zh"],
            "inLanguage": "zh",
            "datePublished": article["published"],
            "author": {"@type": "Person", "name": article["author"]},
            "appearance": {"@type": "CreativeWork", "headline": article["headline"], "inLanguage": "zh"},
        },
    }


def claim_card(reg: Register, claim_id: str, review_date: str, article: dict, claimreview: bool = True,
               confidence: pd.Series | None = None) -> Markup:
    """The verdict box of one claim: what the article says, what the record shows, what we judge.

    ``claimreview``: carry the claim's ClaimReview JSON-LD (facts only). The site emits it once per claim, on the
    register; a card elsewhere (``claimreview=False``) links to the register's card instead. A fact's card states
    the confidence its evidence earns (``Register.confidence``; pass ``confidence`` to compute it once for many
    cards)."""
    c = {**reg.claims.set_index("id").loc[claim_id].to_dict(), "id": claim_id}
    if c["claim_type"] == "fact":
        c["confidence"] = (reg.confidence() if confidence is None else confidence).get(claim_id)
    jsonld = None
    if claimreview and c["claim_type"] == "fact":
        jsonld = json.dumps(claim_review_jsonld(c, review_date, article), ensure_ascii=False, sort_keys=True)
    return render("claim_card.html", c=c, evidence=_records(reg.evidence(claim_id)), jsonld=jsonld,
                  review_page=None if claimreview else vocabulary.of().REGISTER_PAGE,
                  sources_page=vocabulary.of().SOURCES_PAGE)


def claim_cards(reg: Register, claim_ids, review_date: str, article: dict, label: str = "Claims",
                claimreview: bool | None = None) -> HTML:
    """Verdict boxes for some claims. ClaimReview JSON-LD is emitted once per claim across the site, by the
    register's cards: ``claimreview=True`` on the register page; a chapter leaves it out. Left as ``None``, it
    is emitted only when the cards cover the whole register (which only the register page shows)."""
    claim_ids = list(claim_ids)
    if claimreview is None:
        claimreview = set(claim_ids) == set(reg.claims["id"])
    confidence = reg.confidence()
    cards = [claim_card(reg, cid, review_date, article, claimreview, confidence) for cid in claim_ids]
    return HTML(render("claim_cards.html", cards=cards), f"{label}: {len(cards)} claims")


def claims_table(claims: pd.DataFrame, caption: str, page: str | None = None) -> HTML:
    """Compact table of claims: id (linked to the register), the article's words, English, type, and the verdict
    (for a forecast or question with an outcome, the outcome); under it the rating scale of the chips it shows."""
    scored = claims["outcome"].notna() if "outcome" in claims else pd.Series(False, index=claims.index)
    verdicts = set(claims.loc[~scored, "verdict"])
    outcomes = set(claims.loc[scored, "outcome"]) if "outcome" in claims else set()
    page = vocabulary.of().REGISTER_PAGE if page is None else page
    return HTML(render("claims_table.html", claims=_records(claims), caption=caption, page=page,
                       shown_verdicts=verdicts, shown_outcomes=outcomes),
                f"Claims table: {len(claims)} claims")


def sources_list(sources: pd.DataFrame, caption: str = "Sources", compact: bool = False) -> HTML:
    """Numbered sources; ``compact`` (for a chapter) leaves out the kind and reliability notes, which the
    register's full list gives."""
    return HTML(render("sources_list.html", sources=_records(sources), caption=caption, compact=compact),
                f"{caption}: {len(sources)} sources")


def register_table(reg: Register) -> HTML:
    """The whole register as one searchable, sortable, filterable table (plain JS, works offline).

    The section filter offers the sections that hold claims, in the article's order, labelled from the
    """
    present = set(reg.claims["section"])
    sections = [s for s in vocabulary.of().SECTION_LABELS if s in present]
    return HTML(render("register_table.html", claims=_records(reg.claims), sections=sections),
                f"Register table: {len(reg.claims)} claims")


def _segments(text: str, claims: pd.DataFrame, conflicts: list[tuple[int, int, str]] = ()) -> list[dict]:
    """A line cut into plain text and the spans its claims quote, each cut again into pieces where the article
    conflicts with itself (``conflicts``: start, end and anchor id such as ``i02-a``). Claim spans may overlap,
    so the earliest non-overlapping ones are marked (every claim is still listed under the line); conflict
    spans may overlap anything, and every one is marked."""
    spans, taken = [], []
    for _, c in claims.iterrows():
        start = text.find(c["quote_zh"])
        end = start + len(c["quote_zh"])
        if all(end <= a or start >= b for a, b in taken):
            taken.append((start, end))
            spans.append((start, end, c["id"], c["verdict"]))
    cuts = sorted({0, len(text)} | {p for s in spans for p in s[:2]} | {p for c in conflicts for p in c[:2]})
    out: list[dict] = []
    for a, b in zip(cuts, cuts[1:]):
        claim = next(((cid, v) for s, e, cid, v in spans if s <= a and b <= e), (None, None))
        piece = {"text": text[a:b],
                 "conflicts": [c[2].rsplit("-", 1)[0] for c in conflicts if c[0] <= a and b <= c[1]],
                 "anchors": [c[2] for c in conflicts if c[0] == a]}
        if out and out[-1]["claim"] == claim[0]:
            out[-1]["pieces"].append(piece)
        else:
            out.append({"claim": claim[0], "verdict": claim[1], "pieces": [piece]})
    return out


def _conflicts_by_paragraph(reg: Register) -> dict[str, list[dict]]:
    """For each paragraph, the passages of it that conflict with another: where they are and what they say."""
    out: dict[str, list[dict]] = {}
    paras = reg.paragraphs.set_index("id")["text"]
    for _, row in reg.inconsistencies.iterrows():
        for side, other in (("a", "b"), ("b", "a")):
            pid, quote = row[f"paragraph_{side}"], row[f"quote_{side}"]
            start = paras[pid].find(quote)
            out.setdefault(pid, []).append({
                "start": start, "end": start + len(quote), "anchor": f"{row['id']}-{side}", "id": row["id"],
                "kind": row["kind"], "strength": row["strength"], "description": row["description"], "other": f"{row['id']}-{other}",
                "other_paragraph": row[f"paragraph_{other}"]})
    return out


def annotated_article(reg: Register) -> HTML:
    """The article paragraph by paragraph: quoted spans marked and linked to their claims, with the English
    rendering and verdict beside them; the passages where the article contradicts itself or its own cited
    sources marked, each linked to the passage it conflicts with; scraping artifacts shown as such."""
    conflicts = _conflicts_by_paragraph(reg) if not reg.inconsistencies.empty else {}
    paragraphs = []
    for _, p in reg.paragraphs.iterrows():
        claims = reg.claims[reg.claims["paragraph"] == p["id"]]
        body = p["kind"] == "body"
        mine = conflicts.get(p["id"], [])
        spans = [(c["start"], c["end"], c["anchor"]) for c in mine]
        paragraphs.append({"id": p["id"], "kind": p["kind"], "text": p["text"],
                           "segments": _segments(p["text"], claims if body else claims.iloc[0:0], spans)
                           if (body or mine) else [],
                           "claims": _records(claims) if body else [], "conflicts": mine})
    return HTML(render("annotated_article.html", paragraphs=paragraphs),
                f"Annotated article: {len(reg.paragraphs)} lines")


def inconsistencies_table(reg: Register, section: str | None = None, claim_ids=None, *,
                          caption: str = "Where the article contradicts itself", article_page: str | None = None,
                          register_page: str | None = None) -> HTML:
    """The article against itself, compact, for a chapter: each conflict with its kind, both passages (each
    linked to where it is marked on the annotated article), what conflicts, and the claims it bears on.
    ``section`` or ``claim_ids`` keeps the conflicts that bear on those claims; neither keeps them all."""
    rows = reg.inconsistencies_of(section, claim_ids)
    article_page = vocabulary.of().ARTICLE_PAGE if article_page is None else article_page
    register_page = vocabulary.of().REGISTER_PAGE if register_page is None else register_page
    records = []
    for r in _records(rows):
        r["claims"] = [c.strip() for c in r["claim_ids"].split(";")]
        records.append(r)
    return HTML(render("inconsistencies_table.html", rows=records, caption=caption, article_page=article_page,
                       register_page=register_page),
                f"Inconsistencies table: {len(records)} conflicts")


def scorecard(claims: pd.DataFrame, caption: str) -> HTML:
    """Forecasts and questions with their outcome, date and rationale."""
    return HTML(render("scorecard.html", claims=_records(claims), caption=caption),
                f"Scorecard: {len(claims)} claims")


# -- the briefing's own calls and what to watch -----------------------------------------------------------------

def _id_list(value) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()] if isinstance(value, str) else []


def probability_range(term: str) -> str:
    """The probability range an estimative term stands for, e.g. ``55–80%`` for "likely" ('' for another word)."""
    low, high = ESTIMATIVE_TERMS.get(term, (None, None))
    return "" if low is None else f"{low}–{high}%"


def calls_table(calls: pd.DataFrame, caption: str = "Our own calls", page: str | None = None) -> HTML:
    """The briefing's own calls (``briefing_calls``), for a later edition to score: statement, probability term
    with its range, confidence, made on, resolves by, what decides it, and the claims it bears on (linked to the
    register). Each row is anchored at the call's id, so ``watch_table`` can link to it."""
    records = [{**r, "range": probability_range(r["probability_term"]), "claims": _id_list(r["claim_ids"])}
               for r in _records(calls)]
    page = vocabulary.of().REGISTER_PAGE if page is None else page
    return HTML(render("calls_table.html", calls=records, caption=caption, page=page),
                f"Calls table: {len(records)} calls")


def watch_table(watch: pd.DataFrame, caption: str = "What to watch", page: str | None = None,
                calls_page: str = "") -> HTML:
    """What to watch (``watch_indicators``): each indicator, what would move the assessment and which way, where
    to watch it, the claims it bears on (linked to the register) and the calls it informs (linked to their rows
    in the calls table on ``calls_page``; the same page by default)."""
    records = [{**r, "claims": _id_list(r["claim_ids"]), "calls": _id_list(r["call_ids"])} for r in _records(watch)]
    page = vocabulary.of().REGISTER_PAGE if page is None else page
    return HTML(render("watch_table.html", watch=records, caption=caption, page=page, calls_page=calls_page),
                f"Watch table: {len(records)} indicators")
