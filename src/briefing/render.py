"""Layer 8: the book's tables and cards, as a notebook displays them — tables, verdict boxes, source lists, the
annotated article, the calls and what to watch.

Each function returns a :class:`briefing.html.Component`: the component's name and its data (the ids of the
register's rows, in the order shown, and its options; a table made in the notebook stores its rows), with a
Markdown fallback that JupyterLab and static notebook viewers show. The HTML is made when the book builds
(:mod:`briefing.components` renders the Jinja2 template ``templates/components/<name>.html``, which escapes every
value), so a change of look re-executes no notebook and the notebooks store no HTML.
"""

from __future__ import annotations

import pandas as pd

from .claims import ESTIMATIVE_TERMS, Register
from .html import Component, markdown_cell, markdown_table
from . import vocabulary
from .vocabulary import OUTCOME_LABELS, TYPE_LABELS, VERDICT_LABELS


def _page(what: str, page: str | None) -> str:
    """The page a link goes to: ``page`` when given, else the briefing's (``pages`` of briefing.yml)."""
    return getattr(vocabulary.of(), f"{what}_PAGE") if page is None else page


def _ids(df: pd.DataFrame) -> list[str]:
    return [str(i) for i in df["id"]]


def _verdict(c) -> str:
    """What a claim's chip says: its outcome when it has one, else its verdict."""
    outcome = c.get("outcome")
    return OUTCOME_LABELS.get(outcome, outcome) if isinstance(outcome, str) else VERDICT_LABELS.get(c["verdict"], "")


def table(df: pd.DataFrame, *, caption: str, columns: dict[str, str] | None = None, label: str | None = None,
          id_column: str | None = None, classes: str = "", lang: dict[str, str] | None = None,
          rows_of: str | None = None) -> Component:
    """A plain, accessible HTML table. ``columns`` maps field names to header labels (and picks the order);
    ``lang`` marks columns in another language (e.g. ``{"text": "zh"}``) so browsers pick the right glyphs.
    Numeric columns are right-aligned with figures of equal width, so their digits line up. ``rows_of`` names the
    data-package table whose rows ``df`` shows unchanged: they are stored by id and read again at build time."""
    numeric = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])]
    columns = columns or {c: c for c in df.columns}
    fields = list(columns) + ([id_column] if id_column and id_column not in columns else [])
    rows = [{f: row[f] for f in fields} for _, row in df.iterrows()]
    # The columns as [field, label] pairs: a notebook stores a JSON object with its keys sorted, not in this order.
    data = {"rows": _ids(df) if rows_of else rows, "rows_of": rows_of, "caption": caption,
            "columns": [[field, header] for field, header in columns.items()],
            "id_column": id_column, "classes": classes, "lang": lang or {},
            "numeric": [c for c in numeric if c in columns],
            "numeric_headers": [label for c, label in columns.items() if c in numeric]}
    markdown = f"**{markdown_cell(caption)}**\n\n" + markdown_table(
        list(columns.values()), [[row[f] for f in columns] for row in rows])
    return Component("table", data, markdown, label or f"Table: {caption}")


# -- the claims register on the page ----------------------------------------------------------------------------

def claim_cards(reg: Register, claim_ids, review_date: str, article: dict, label: str = "Claims",
                claimreview: bool | None = None) -> Component:
    """Verdict boxes for some claims: what the article says, what the record shows, what we judge. ClaimReview
    JSON-LD is emitted once per claim across the site, by the register's cards: ``claimreview=True`` on the
    register page; a chapter leaves it out (its cards link to the register's). Left as ``None``, it is emitted
    only when the cards cover the whole register (which only the register page shows). A fact's card states the
    confidence its evidence earns (``Register.confidence``, at build time)."""
    claim_ids = [str(c) for c in claim_ids]
    if claimreview is None:
        claimreview = set(claim_ids) == set(reg.claims["id"])
    rows = reg.claims.set_index("id").loc[claim_ids]
    data = {"claims": claim_ids, "review_date": review_date, "claimreview": claimreview,
            "review_page": _page("REGISTER", None),
            "article": {k: article[k] for k in ("published", "author", "headline")}}
    markdown = f"**{label}** ({len(claim_ids)} verdict boxes)\n\n" + "\n".join(
        f"- {cid}: {_verdict({**row.to_dict(), 'outcome': None})}" for cid, row in rows.iterrows())
    return Component("claim_cards", data, markdown, f"{label}: {len(claim_ids)} claims")


def claim_card(reg: Register, claim_id: str, review_date: str, article: dict, claimreview: bool = True) -> Component:
    """The verdict box of one claim (``claimreview``: carry its ClaimReview JSON-LD, facts only)."""
    return claim_cards(reg, [claim_id], review_date, article, label=f"Claim {claim_id}", claimreview=claimreview)


def _claims_markdown(claims: pd.DataFrame, caption: str) -> str:
    """The fallback of a table of claims: each claim's id, type and verdict (or outcome). Their words are on the
    register's cards, which the page links; the stored outputs stay small (issue 28)."""
    rows = [[c["id"], TYPE_LABELS.get(c["claim_type"], c["claim_type"]), _verdict(c)]
            for c in claims.to_dict("records")]
    return f"**{markdown_cell(caption)}**\n\n" + markdown_table(["Claim", "Type", "Verdict or outcome"], rows)


def claims_table(claims: pd.DataFrame, caption: str, page: str | None = None) -> Component:
    """Compact table of claims: id (linked to the register), the article's words, English, type, and the verdict
    (for a forecast or question with an outcome, the outcome); under it the rating scale of the chips it shows."""
    return Component("claims_table", {"claims": _ids(claims), "caption": caption, "page": _page("REGISTER", page)},
                     _claims_markdown(claims, caption), f"Claims table: {len(claims)} claims")


def sources_list(sources: pd.DataFrame, caption: str = "Sources", compact: bool = False) -> Component:
    """Numbered sources; ``compact`` (for a chapter) leaves out the kind and reliability notes, which the
    register's full list gives."""
    # The fallback: each publisher once, with the dates of its sources (in the list's order).
    by_publisher: dict[str, list[str]] = {}
    for s in sources.to_dict("records"):
        date = s["published"] if isinstance(s["published"], str) else "undated"
        by_publisher.setdefault(markdown_cell(s["publisher"]), []).append(date)
    lines = [f"- {publisher}: {', '.join(dates)}" for publisher, dates in by_publisher.items()]
    return Component("sources_list", {"sources": _ids(sources), "caption": caption, "compact": compact},
                     f"**{markdown_cell(caption)}**: {len(sources)} sources, by publisher and date\n\n"
                     + "\n".join(lines), f"{caption}: {len(sources)} sources")


def register_table(reg: Register) -> Component:
    """The whole register as one searchable, sortable, filterable table (plain JS, works offline). The section
    filter offers the sections that hold claims, in the article's order."""
    # The fallback: the claims of each section (the cards' fallback gives each claim's verdict).
    by_section = reg.claims.groupby("section", sort=False)["id"].agg(", ".join)
    labels = vocabulary.of().SECTION_LABELS
    lines = [f"- {labels.get(section, section)}: {ids}" for section, ids in by_section.items()]
    return Component("register_table", {"claims": _ids(reg.claims)},
                     f"**The claims register**: {len(reg.claims)} claims, by section\n\n" + "\n".join(lines),
                     f"Register table: {len(reg.claims)} claims")


def annotated_article(reg: Register) -> Component:
    """The article paragraph by paragraph: quoted spans marked and linked to their claims, with the English
    rendering and verdict beside them; the passages where the article contradicts itself or its own cited
    sources marked, each linked to the passage it conflicts with; scraping artifacts shown as such."""
    # The fallback names each line's claims; the text itself is the paragraph map's (one copy in the notebook).
    by_paragraph = reg.claims.groupby("paragraph")["id"].agg(", ".join)
    lines = [f"{p['id']}: {by_paragraph[p['id']]}" for p in reg.paragraphs.to_dict("records")
             if p["kind"] == "body" and p["id"] in by_paragraph]
    return Component("annotated_article", {"paragraphs": _ids(reg.paragraphs)},
                     f"**The article annotated**: {len(reg.paragraphs)} lines; the claims each line holds\n\n"
                     + "\n".join(f"- {line}" for line in lines),
                     f"Annotated article: {len(reg.paragraphs)} lines")


def inconsistencies_table(reg: Register, section: str | None = None, claim_ids=None, *,
                          caption: str = "Where the article contradicts itself", article_page: str | None = None,
                          register_page: str | None = None) -> Component:
    """The article against itself, compact, for a chapter: each conflict with its kind, both passages (each
    linked to where it is marked on the annotated article), what conflicts, and the claims it bears on.
    ``section`` or ``claim_ids`` keeps the conflicts that bear on those claims; neither keeps them all."""
    rows = reg.inconsistencies_of(section, claim_ids)
    markdown = f"**{markdown_cell(caption)}**\n\n" + markdown_table(
        ["Conflict", "Passages", "Kind", "Claims"],
        [[r["id"], f"{r['paragraph_a']} / {r['paragraph_b']}", r["kind"], r["claim_ids"].replace(";", ", ")]
         for r in rows.to_dict("records")])
    return Component("inconsistencies_table", {"rows": _ids(rows), "caption": caption,
                                               "article_page": _page("ARTICLE", article_page),
                                               "register_page": _page("REGISTER", register_page)},
                     markdown, f"Inconsistencies table: {len(rows)} conflicts")


def scorecard(claims: pd.DataFrame, caption: str) -> Component:
    """Forecasts and questions with their outcome, date and rationale."""
    return Component("scorecard", {"claims": _ids(claims), "caption": caption},
                     _claims_markdown(claims, caption), f"Scorecard: {len(claims)} claims")


# -- the briefing's own calls and what to watch -----------------------------------------------------------------

def probability_range(term: str) -> str:
    """The probability range an estimative term stands for, e.g. ``55–80%`` for "likely" ('' for another word)."""
    low, high = ESTIMATIVE_TERMS.get(term, (None, None))
    return "" if low is None else f"{low}–{high}%"


def calls_table(calls: pd.DataFrame, caption: str = "Our own calls", page: str | None = None) -> Component:
    """The briefing's own calls (``briefing_calls``), for a later edition to score: statement, probability term
    with its range, confidence, made on, resolves by, what decides it, and the claims it bears on (linked to the
    register). Each row is anchored at the call's id, so ``watch_table`` can link to it."""
    records = calls.to_dict("records")
    data = {"calls": _ids(calls), "ranges": [probability_range(r["probability_term"]) for r in records],
            "caption": caption, "page": _page("REGISTER", page)}
    markdown = f"**{markdown_cell(caption)}**\n\n" + markdown_table(
        ["Call", "Probability", "Resolves by", "Claims"],
        [[r["id"], f"{r['probability_term']} ({probability_range(r['probability_term'])})", r["horizon"],
          str(r["claim_ids"]).replace(";", ", ")] for r in records])
    return Component("calls_table", data, markdown, f"Calls table: {len(calls)} calls")


def watch_table(watch: pd.DataFrame, caption: str = "What to watch", page: str | None = None,
                calls_page: str = "") -> Component:
    """What to watch (``watch_indicators``): each indicator, what would move the assessment and which way, where
    to watch it, the claims it bears on (linked to the register) and the calls it informs (linked to their rows
    in the calls table on ``calls_page``; the same page by default)."""
    records = watch.to_dict("records")
    markdown = f"**{markdown_cell(caption)}**\n\n" + markdown_table(
        ["Indicator", "Calls", "Claims"],
        [[r["id"], str(r["call_ids"]).replace(";", ", "), str(r["claim_ids"]).replace(";", ", ")] for r in records])
    return Component("watch_table", {"watch": _ids(watch), "caption": caption, "page": _page("REGISTER", page),
                                     "calls_page": calls_page},
                     markdown, f"Watch table: {len(watch)} indicators")
