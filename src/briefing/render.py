"""Layer 4: HTML for the page — tables, verdict boxes, source lists, ClaimReview JSON-LD.

Every piece of text from the data is escaped here, so a claim holding ``<script>`` shows as text and never runs.
This is the one place where a verdict becomes HTML.
"""

from __future__ import annotations

import json

import pandas as pd

from .claims import OUTCOME_LABELS, VERDICT_LABELS, Register
from .html import HTML, esc, script_json


def table(df: pd.DataFrame, *, caption: str, columns: dict[str, str] | None = None, label: str | None = None,
          id_column: str | None = None, classes: str = "", lang: dict[str, str] | None = None) -> HTML:
    """A plain, accessible HTML table. ``columns`` maps field names to header labels (and picks the order);
    ``lang`` marks columns in another language (e.g. ``{"text": "zh"}``) so browsers pick the right glyphs."""
    lang = lang or {}
    columns = columns or {c: c for c in df.columns}
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in columns.values())
    rows = []
    for _, row in df.iterrows():
        row_id = f' id="{esc(row[id_column])}"' if id_column else ""
        cells = "".join(f'<td lang="{esc(lang[c])}">{esc(row[c])}</td>' if c in lang else f"<td>{esc(row[c])}</td>"
                        for c in columns)
        rows.append(f"<tr{row_id}>{cells}</tr>")
    html = (f'<div class="briefing-table-wrap"><table class="briefing-table {esc(classes)}">'
            f"<caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>")
    return HTML(html, label or f"Table: {caption}")


# -- the claims register on the page ----------------------------------------------------------------------------

TYPE_LABELS = {"fact": "Fact", "judgment": "Judgment", "forecast": "Forecast", "question": "Question"}
REVIEWER = "The briefing team"
# schema.org Rating for ClaimReview: 1 (worst) to 5 (best); unverified facts get no numeric rating.
RATING_VALUES = {"supported": 5, "partly_supported": 3, "contradicted": 1}


def badge(value: str, labels: dict[str, str], kind: str) -> str:
    return f'<span class="briefing-badge briefing-{kind}-{esc(value)}">{esc(labels.get(value, value))}</span>'


def verdict_badge(verdict: str) -> str:
    return badge(verdict, VERDICT_LABELS, "verdict")


def claim_link(claim_id: str, page: str = "register.html") -> str:
    return f'<a class="briefing-claim-link" href="{esc(page)}#{esc(claim_id)}">{esc(claim_id)}</a>'


def source_line(src, full_url: bool = True) -> str:
    """Publisher, 'title', date, link — one source as a citation. Claim cards pass ``full_url=False`` and show
    a short link: the address is spelled out once, in the page's source list (and in print from there)."""
    date = src["published"] if isinstance(src["published"], str) else ""
    title = f"“{esc(src['title'])}”"
    text = esc(src["url"]) if full_url else "link"
    link = (f' <a href="{esc(src["url"])}" rel="noopener">{text}</a>' if isinstance(src["url"], str)
            else " (not located online)")
    return f"{esc(src['publisher'])}, {title}, {esc(date) or 'undated'}.{link}"


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


def claim_card(reg: Register, claim_id: str, review_date: str, article: dict) -> str:
    """The verdict box of one claim: what the article says, what the record shows, what we judge."""
    c = reg.claims.set_index("id").loc[claim_id]
    c = {**c.to_dict(), "id": claim_id}
    ev = reg.evidence(claim_id)
    evidence = "".join(
        f'<li><span class="briefing-relation">{esc(e["relation"].replace("_", " "))}</span> '
        f"{source_line(e, full_url=False)}"
        + (f' <span class="briefing-note">{esc(e["note"])}</span>' if isinstance(e["note"], str) else "")
        + "</li>"
        for _, e in ev.iterrows())
    record = ""
    if c["claim_type"] == "fact":
        record = f'<p><strong>What the record shows.</strong> {esc(c["rationale"])}</p>'
    judge = ""
    if isinstance(c.get("assessment"), str):
        judge = (f'<p><strong>What we judge.</strong> {esc(c["assessment"])} '
                 f'<span class="briefing-confidence">Confidence: {esc(c["confidence"])}.</span></p>')
    outcome = ""
    if isinstance(c.get("outcome"), str):
        outcome = (f'<p><strong>What happened next</strong> (as of {esc(c["outcome_as_of"].date().isoformat())}): '
                   f'{badge(c["outcome"], OUTCOME_LABELS, "outcome")} {esc(c["outcome_rationale"])}</p>')
    jsonld = ""
    if c["claim_type"] == "fact":
        data = json.dumps(claim_review_jsonld(c, review_date, article), ensure_ascii=False, sort_keys=True)
        jsonld = f'<script type="application/ld+json">{script_json(data)}</script>'
    return (
        f'<article class="briefing-claim" id="{esc(claim_id)}" data-section="{esc(c["section"])}" '
        f'data-type="{esc(c["claim_type"])}" data-verdict="{esc(c["verdict"])}">'
        f'<header><a class="briefing-claim-id" href="#{esc(claim_id)}">{esc(claim_id)}</a> '
        f'<span class="briefing-type">{esc(TYPE_LABELS[c["claim_type"]])}</span> {verdict_badge(c["verdict"])} '
        f'<span class="briefing-para">paragraph {esc(c["paragraph"])}</span></header>'
        f'<p><strong>The article says.</strong> <q lang="zh">{esc(c["quote_zh"])}</q> '
        f'<span class="briefing-en">“{esc(c["claim_en"])}”</span></p>'
        f"{record}{judge}{outcome}"
        + (f'<details><summary>Sources ({len(ev)})</summary><ul>{evidence}</ul></details>' if len(ev) else "")
        + f"{jsonld}</article>"
    )


def claim_cards(reg: Register, claim_ids, review_date: str, article: dict, label: str = "Claims") -> HTML:
    body = "".join(claim_card(reg, cid, review_date, article) for cid in claim_ids)
    return HTML(f'<div class="briefing-claims">{body}</div>', f"{label}: {len(list(claim_ids))} claims")


def claims_table(claims: pd.DataFrame, caption: str, page: str = "register.html") -> HTML:
    """Compact table of claims: id (linked to the register), the article's words, English, type, verdict."""
    rows = "".join(
        f"<tr><td>{claim_link(c['id'], page)}</td><td lang=\"zh\">{esc(c['quote_zh'])}</td>"
        f"<td>{esc(c['claim_en'])}</td><td>{esc(TYPE_LABELS[c['claim_type']])}</td>"
        f"<td>{verdict_badge(c['verdict'])}</td></tr>"
        for _, c in claims.iterrows())
    head = "".join(f'<th scope="col">{h}</th>' for h in ("Claim", "Article (zh)", "English", "Type", "Verdict"))
    return HTML(f'<div class="briefing-table-wrap"><table class="briefing-table"><caption>{esc(caption)}</caption>'
                f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>",
                f"Claims table: {len(claims)} claims")


def sources_list(sources: pd.DataFrame, caption: str = "Sources") -> HTML:
    items = "".join(
        f'<li id="src-{esc(s["id"])}">{source_line(s)} <span class="briefing-reliability">'
        f'[{esc(s["kind"].replace("_", " "))}; {esc(s["reliability"])}]</span></li>'
        for _, s in sources.iterrows())
    return HTML(f'<ol class="briefing-sources" aria-label="{esc(caption)}">{items}</ol>',
                f"{caption}: {len(sources)} sources")


def register_table(reg: Register, section_labels: dict[str, str]) -> HTML:
    """The whole register as one searchable, sortable, filterable table (plain JS, works offline)."""
    def options(name, values, labels):
        opts = "".join(f'<option value="{esc(v)}">{esc(labels.get(v, v))}</option>' for v in values)
        return (f'<label>{esc(name)} <select data-filter="{esc(name.lower())}"><option value="">All</option>'
                f"{opts}</select></label>")
    controls = (
        '<div class="briefing-register-controls" hidden>'
        '<label>Search <input type="search" data-filter="text" placeholder="words or claim ids"></label>'
        + options("Section", list(section_labels), section_labels)
        + options("Type", list(TYPE_LABELS), TYPE_LABELS)
        + options("Verdict", list(VERDICT_LABELS), VERDICT_LABELS)
        + '<span class="briefing-register-count" aria-live="polite"></span></div>')
    rows = "".join(
        f'<tr data-section="{esc(c["section"])}" data-type="{esc(c["claim_type"])}" '
        f'data-verdict="{esc(c["verdict"])}"><td><a href="#{esc(c["id"])}">{esc(c["id"])}</a></td>'
        f"<td>{esc(section_labels[c['section']])}</td><td lang=\"zh\">{esc(c['quote_zh'])}</td>"
        f"<td>{esc(c['claim_en'])}</td><td>{esc(TYPE_LABELS[c['claim_type']])}</td>"
        f"<td>{verdict_badge(c['verdict'])}</td></tr>"
        for _, c in reg.claims.iterrows())
    # The rationale and assessment stay in the claim cards below the table, not here as well: the page is the
    # book's heaviest and must stay within the cold-load budget.
    heads = ["Id", "Section", "Article (zh)", "English", "Type", "Verdict"]
    head = "".join(f'<th scope="col"><button type="button" data-sort="{i}">{h}</button></th>'
                   for i, h in enumerate(heads))
    return HTML(f'<div class="briefing-register">{controls}<div class="briefing-table-wrap">'
                f'<table class="briefing-table"><caption>The claims register: {len(reg.claims)} claims</caption>'
                f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div></div>",
                f"Register table: {len(reg.claims)} claims")


def annotated_article(reg: Register) -> HTML:
    """The article paragraph by paragraph: quoted spans marked and linked to their claims, with the English
    rendering and verdict beside them; scraping artifacts shown as such."""
    out = []
    kind_notes = {"image_caption": "scraped image caption (artifact)", "ad_artifact": "advertisement line (artifact)",
                  "heading": "heading", "source_list_heading": "heading of the cited-source list",
                  "cited_source": "a source the article cites"}
    for _, p in reg.paragraphs.iterrows():
        pid, text = p["id"], p["text"]
        claims = reg.claims[reg.claims["paragraph"] == pid]
        if p["kind"] != "body":
            out.append(f'<div class="briefing-para-row briefing-kind-{esc(p["kind"])}" id="{esc(pid)}">'
                       f'<span class="briefing-pid">{esc(pid)}</span><p lang="zh">{esc(text)}</p>'
                       f'<p class="briefing-kind-note">{esc(kind_notes[p["kind"]])}</p></div>')
            continue
        # Mark each claim's span; spans may overlap, so mark the earliest non-overlapping ones and list all.
        spans, taken = [], []
        for _, c in claims.iterrows():
            start = text.find(c["quote_zh"])
            end = start + len(c["quote_zh"])
            if all(end <= a or start >= b for a, b in taken):
                taken.append((start, end))
                spans.append((start, end, c["id"], c["verdict"]))
        spans.sort()
        html, pos = "", 0
        for start, end, cid, verdict in spans:
            html += esc(text[pos:start])
            html += (f'<a class="briefing-mark briefing-verdict-{esc(verdict)}" href="register.html#{esc(cid)}" '
                     f'title="{esc(cid)}">{esc(text[start:end])}<sup>{esc(cid)}</sup></a>')
            pos = end
        html += esc(text[pos:])
        notes = "".join(f"<li>{claim_link(c['id'])} {verdict_badge(c['verdict'])} {esc(c['claim_en'])}</li>"
                        for _, c in claims.iterrows())
        out.append(f'<div class="briefing-para-row briefing-kind-body" id="{esc(pid)}">'
                   f'<span class="briefing-pid">{esc(pid)}</span><p lang="zh">{html}</p>'
                   f'<ul class="briefing-para-claims">{notes}</ul></div>')
    return HTML(f'<div class="briefing-annotated">{"".join(out)}</div>',
                f"Annotated article: {len(reg.paragraphs)} lines")


def scorecard(claims: pd.DataFrame, caption: str) -> HTML:
    """Forecasts and questions with their outcome, date and rationale."""
    rows = "".join(
        f"<tr><td>{claim_link(c['id'])}</td><td>{esc(c['claim_en'])}</td><td>{esc(TYPE_LABELS[c['claim_type']])}"
        f"</td><td>{badge(c['outcome'], OUTCOME_LABELS, 'outcome')}</td>"
        f"<td>{esc(c['outcome_as_of'].date().isoformat())}</td><td>{esc(c['outcome_rationale'])}</td></tr>"
        for _, c in claims.iterrows())
    head = "".join(f'<th scope="col">{h}</th>' for h in ("Claim", "The article expected", "Type", "Outcome",
                                                          "As of", "What happened"))
    return HTML(f'<div class="briefing-table-wrap"><table class="briefing-table"><caption>{esc(caption)}'
                f"</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>",
                f"Scorecard: {len(claims)} claims")
