"""Layer 8 (build side of :mod:`briefing.render`): the book's tables and cards made at build time from what a
notebook stored, so that changing how a component looks re-executes no notebook (issue 28, part 5).

A component's output (:class:`briefing.html.Component`) stores its name and its data under
:data:`~briefing.html.COMPONENT_MIME`, beside a Markdown fallback for JupyterLab and static viewers. Its data are
what the notebook chose: the ids of the register's rows, in the order shown, and the component's options (caption,
pages, ...); a table made in the notebook (:func:`briefing.render.table`) stores its rows. Here, when the book
builds, :func:`component_html` joins those ids with the rows of the data package (the same files the notebook
read: a changed file re-executes the notebooks that read it and so re-reads their pages, see :mod:`briefing.cache`)
and renders the component's template in ``templates/components/``.

- :class:`ComponentMimeRenderer`: the myst-nb mime-render plugin that puts the component's HTML on the page
  (entry point ``myst_nb.mime_renderers`` in pyproject.toml, through ``sphinx_ext``).
- :func:`html_of`: the HTML of a component value, for tests and the notebook's static rendering.

Notebooks never import this module, nor read the templates: both are build-only for the execution cache.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING

from markupsafe import Markup

from .html import COMPONENT_MIME, COMPONENTS, Component, render
from .paths import files_digest
from .values import id_list
from . import vocabulary
from .vocabulary import REVIEWER, VERDICT_LABELS

# schema.org Rating for ClaimReview: 1 (worst) to 5 (best); unverified facts get no numeric rating.
if TYPE_CHECKING:  # the register and pandas load when a component renders, not with the Sphinx extension
    import pandas as pd

    from .claims import Register

RATING_VALUES = {"supported": 5, "partly_supported": 3, "contradicted": 1}


@lru_cache(maxsize=1)
def _build_register() -> Register:
    """The register as the build reads it: once per build (one process)."""
    from .claims import register

    return register()


def _records(df: pd.DataFrame) -> list[dict]:
    return [row.to_dict() for _, row in df.iterrows()]


def _rows(table: pd.DataFrame, ids: list[str], what: str) -> pd.DataFrame:
    """The rows of ``table`` with these ids, in this order; an id the data no longer hold stops the build."""
    by_id = table.set_index("id", drop=False)
    missing = [i for i in ids if i not in by_id.index]
    if missing:
        raise KeyError(f"component data name {what} {missing} that the data package does not hold: re-execute "
                       "the notebook (make notebooks)")
    return by_id.loc[ids].reset_index(drop=True)


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


# -- each component: its template's context from the stored data and the register --------------------------------

@lru_cache(maxsize=None)
def _data_table(name: str) -> pd.DataFrame:
    from .datapackage import load

    return load(name)


def _table(data: dict, reg: Register) -> dict:
    """A table made in the notebook: its rows as stored, or (``rows_of``) the rows of that data-package table
    with the stored ids."""
    context = {k: v for k, v in data.items() if k != "rows_of"}
    context["columns"] = dict(data["columns"])  # stored as [field, label] pairs, in the table's order
    if data.get("rows_of"):
        rows = _rows(_data_table(data["rows_of"]), data["rows"], data["rows_of"])
        context["rows"] = _records(rows)
    return context


def _claim_card(reg: Register, claim_id: str, review_date: str, article: dict, claimreview: bool,
                confidence: pd.Series, review_page: str) -> Markup:
    c = {**reg.claims.set_index("id").loc[claim_id].to_dict(), "id": claim_id}
    if c["claim_type"] == "fact":
        c["confidence"] = confidence.get(claim_id)
    jsonld = None
    if claimreview and c["claim_type"] == "fact":
        jsonld = json.dumps(claim_review_jsonld(c, review_date, article), ensure_ascii=False, sort_keys=True)
    return render("claim_card.html", c=c, evidence=_records(reg.evidence(claim_id)), jsonld=jsonld,
                  review_page=None if claimreview else review_page, sources_page=vocabulary.of().SOURCES_PAGE)


def _claim_cards(data: dict, reg: Register) -> dict:
    _rows(reg.claims, data["claims"], "claims")
    confidence = reg.confidence()
    article = data["article"]
    return {"cards": [_claim_card(reg, cid, data["review_date"], article, data["claimreview"], confidence,
                                  data["review_page"]) for cid in data["claims"]]}


def _claims_table(data: dict, reg: Register) -> dict:
    import pandas as pd

    claims = _rows(reg.claims, data["claims"], "claims")
    scored = claims["outcome"].notna() if "outcome" in claims else pd.Series(False, index=claims.index)
    return {"claims": _records(claims), "caption": data["caption"], "page": data["page"],
            "shown_verdicts": set(claims.loc[~scored, "verdict"]),
            "shown_outcomes": set(claims.loc[scored, "outcome"]) if "outcome" in claims else set()}


def _sources_list(data: dict, reg: Register) -> dict:
    return {"sources": _records(_rows(reg.sources, data["sources"], "sources")), "caption": data["caption"],
            "compact": data["compact"]}


def _register_table(data: dict, reg: Register) -> dict:
    claims = _rows(reg.claims, data["claims"], "claims")
    present = set(claims["section"])
    return {"claims": _records(claims), "sections": [s for s in vocabulary.of().SECTION_LABELS if s in present]}


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
                "kind": row["kind"], "strength": row["strength"], "description": row["description"],
                "other": f"{row['id']}-{other}", "other_paragraph": row[f"paragraph_{other}"]})
    return out


def _annotated_article(data: dict, reg: Register) -> dict:
    conflicts = _conflicts_by_paragraph(reg) if not reg.inconsistencies.empty else {}
    paragraphs = []
    for _, p in _rows(reg.paragraphs, data["paragraphs"], "paragraphs").iterrows():
        claims = reg.claims[reg.claims["paragraph"] == p["id"]]
        body = p["kind"] == "body"
        mine = conflicts.get(p["id"], [])
        spans = [(c["start"], c["end"], c["anchor"]) for c in mine]
        paragraphs.append({"id": p["id"], "kind": p["kind"], "text": p["text"],
                           "segments": _segments(p["text"], claims if body else claims.iloc[0:0], spans)
                           if (body or mine) else [],
                           "claims": _records(claims) if body else [], "conflicts": mine})
    return {"paragraphs": paragraphs}


def _inconsistencies_table(data: dict, reg: Register) -> dict:
    records = []
    for r in _records(_rows(reg.inconsistencies, data["rows"], "inconsistencies")):
        r["claims"] = id_list(r["claim_ids"])
        records.append(r)
    return {"rows": records, "caption": data["caption"], "article_page": data["article_page"],
            "register_page": data["register_page"]}


def _scorecard(data: dict, reg: Register) -> dict:
    return {"claims": _records(_rows(reg.claims, data["claims"], "claims")), "caption": data["caption"]}


def _calls_table(data: dict, reg: Register) -> dict:
    # The probability range of each call's term was worked out in the notebook (render.probability_range).
    records = [{**r, "range": span, "claims": id_list(r["claim_ids"])}
               for r, span in zip(_records(_rows(reg.calls, data["calls"], "calls")), data["ranges"])]
    return {"calls": records, "caption": data["caption"], "page": data["page"]}


def _watch_table(data: dict, reg: Register) -> dict:
    records = [{**r, "claims": id_list(r["claim_ids"]), "calls": id_list(r["call_ids"])}
               for r in _records(_rows(reg.watch, data["watch"], "indicators"))]
    return {"watch": records, "caption": data["caption"], "page": data["page"], "calls_page": data["calls_page"]}


CONTEXTS = {"table": _table, "claim_cards": _claim_cards, "claims_table": _claims_table,
            "sources_list": _sources_list, "register_table": _register_table,
            "annotated_article": _annotated_article, "inconsistencies_table": _inconsistencies_table,
            "scorecard": _scorecard, "calls_table": _calls_table, "watch_table": _watch_table}


class ComponentError(ValueError):
    pass


def component_html(name: str, data: dict, reg: Register | None = None) -> Markup:
    """The HTML of a stored component: its template (``<name>.html``) rendered from its data joined with the
    register (``reg``; the build's own register by default)."""
    if name not in CONTEXTS:
        raise ComponentError(f"unknown component {name!r}: one of {', '.join(CONTEXTS)}")
    context = CONTEXTS[name](data, reg if reg is not None else _build_register())
    return render(f"{name}.html", **context)


def html_of(component: Component, reg: Register | None = None) -> str:
    """The HTML a component value shows on the page (what the build makes of its stored output)."""
    bundle = component._repr_mimebundle_()[COMPONENT_MIME]
    return str(component_html(bundle["name"], bundle["data"], reg))


class ComponentMimeRenderer:
    """myst-nb mime-render plugin: a component output shows on HTML pages as its template rendered from its data
    (its Markdown fallback is for JupyterLab and static viewers)."""

    # Before text/markdown and text/plain on the HTML builders (myst-nb ranks a bundle's types; lower first).
    mime_priority_overrides = [("*", COMPONENT_MIME, 1)]

    @staticmethod
    def handle_mime(renderer, data, inline):
        if data.mime_type != COMPONENT_MIME:
            return None
        from docutils import nodes

        stored = data.content if isinstance(data.content, dict) else json.loads(data.content)
        return [nodes.raw(text=str(component_html(stored["name"], stored["data"])), format="html",
                          classes=["output", "text_html"])]


def own_digest() -> str:
    """A digest of what components are made from at build time (this module and the component templates): a
    Sphinx config value that re-reads every page when it changes (outputs come from the execution cache)."""
    return files_digest([__file__, *sorted(COMPONENTS.glob("*.html"))])
