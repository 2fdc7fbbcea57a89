"""Rendering: text from the data is always inert; verdict boxes and JSON-LD come from the same row."""

import ast
import copy
import dataclasses
import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from briefing import charts, components, figures, render
from briefing.claims import review_context
from briefing.components import claim_review_jsonld, html_of
from briefing.vocabulary import VERDICT_LABELS
from support import string_constants

import picks

def table(*args, **kwargs) -> str:
    """A table as the book shows it (rendered from its stored data, as the build does)."""
    return html_of(render.table(*args, **kwargs))


def claim_card(reg, *args, **kwargs) -> str:
    """One verdict box as the book shows it, made from ``reg`` (the notebook's register, edited or not)."""
    return html_of(render.claim_card(reg, *args, **kwargs), reg)


HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'


def test_hostile_text_is_escaped_in_tables():
    html = str(table(pd.DataFrame({"text": [HOSTILE]}), caption=HOSTILE))
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_hostile_claim_text_is_escaped_in_the_verdict_box():
    reg, fact = copy.deepcopy(picks.reg()), picks.a("fact")
    reg.claims.loc[reg.claims["id"] == fact, "claim_en"] = HOSTILE
    reg.claims.loc[reg.claims["id"] == fact, "rationale"] = "</script>" + HOSTILE
    date, meta = review_context()
    html = claim_card(reg, fact, date, meta)
    # the only scripts are the JSON-LD block, whose content cannot close the element
    assert re.findall(r"<script[^>]*>", html) == ['<script type="application/ld+json">']
    assert "<img" not in html
    body = html.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "<" not in body and json.loads(body)["claimReviewed"] == HOSTILE


def test_claim_review_agrees_with_the_visible_verdict():
    reg = picks.reg()
    date, meta = review_context()
    facts = list(reg.claims.loc[reg.claims["claim_type"] == "fact", "id"])
    # Every fact's card rendered at once, as the register page renders them (confidence computed once, not per card).
    cards = html_of(render.claim_cards(reg, facts, date, meta, claimreview=True), reg)
    for cid in facts:
        html = cards.split(f'<article class="briefing-claim" id="{cid}"', 1)[1].split("</article>", 1)[0]
        data = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
        row = reg.claims.set_index("id").loc[cid]
        label = re.search(r'briefing-verdict-\w+">([^<]+)<', html).group(1)
        assert data["reviewRating"]["alternateName"] == label
        assert data["claimReviewed"] == row["claim_en"]
        assert data["itemReviewed"]["text"] == row["quote_zh"]


@pytest.mark.parametrize("verdict, rating", [("supported", 5), ("partly_supported", 3), ("contradicted", 1),
                                             ("unverified", None)])
def test_jsonld_rating_scale(verdict, rating):
    claim = {"id": "c1", "verdict": verdict, "claim_en": "English", "quote_zh": "中文", "rationale": None}
    article = {"published": "2025-03-01", "author": "A", "headline": "H"}
    data = claim_review_jsonld(claim, "2026-01-01", article)
    assert data["@type"] == "ClaimReview" and data["@id"] == "#c1" and data["reviewBody"] == ""
    assert data["reviewRating"]["alternateName"] == VERDICT_LABELS[verdict]
    assert data["reviewRating"].get("ratingValue") == rating


def test_a_template_escapes_by_default():
    from briefing.html import environment

    env = environment()
    assert env.from_string("<p>{{ text }}</p>").render(text=HOSTILE) == f"<p>{html.escape(HOSTILE)}</p>"
    assert env.from_string("{{ x }}|{{ y }}").render(x=None, y=pd.NA) == "|"


def test_every_component_escapes_a_hostile_caption():
    reg = picks.reg()
    for out in (table(pd.DataFrame({"a": [1]}), caption=HOSTILE),
                html_of(render.claims_table(reg.claims.head(1), caption=HOSTILE), reg),
                html_of(render.sources_list(reg.sources.head(1), caption=HOSTILE), reg),
                html_of(render.scorecard(reg.claims[reg.claims["outcome"].notna()].head(1), caption=HOSTILE), reg)):
        assert "<script>" not in out and "<img" not in out and html.escape(HOSTILE) in out


@pytest.mark.parametrize("module", [render, components, charts, figures], ids=lambda m: m.__name__)
def test_the_modules_that_make_components_hold_no_markup_at_all(module):
    """Stricter than the guard below, for the modules that feed templates: not even a markup literal."""
    strings = [n.value for n in string_constants(ast.parse(Path(module.__file__).read_text(encoding="utf-8")))]
    markup = [s for s in strings if re.search(r"<[a-z]+[ >/]|</[a-z]+>", s)]
    assert strings and not markup, f"markup belongs in templates/components/: {markup}"


MARKUP = re.compile(r"<[a-zA-Z!?][^<]*|</[a-zA-Z][a-zA-Z0-9]*>")
# A text/plain repr may look like a tag (``<Figure: title>``): it is what a console shows, never markup.
PLAIN_REPRS = {"__repr__", "__str__"}
# A pattern being built (regex syntax) is searched for, not written to a page.
PATTERN = re.compile(r"\[\^|\(\?|\\b")


def markup_built_in_python(source: str) -> list[str]:
    """Places where Python builds markup from values: an f-string, a ``%`` or ``.format`` template, or a
    concatenation whose literal text holds a tag. Literals compared or searched against (regexes, ``replace``
    targets), patterns assembled for a regex, a plain-text repr, and the message of an exception are not built
    markup and pass. Returns "line: text" for each place."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            child.parent = node  # type: ignore[attr-defined]

    def literal(n) -> str:
        if isinstance(n, ast.JoinedStr):
            return "".join(v.value for v in n.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        return n.value if isinstance(n, ast.Constant) and isinstance(n.value, str) else ""

    def exempt(n) -> bool:
        while hasattr(n, "parent"):
            n = n.parent
            if isinstance(n, ast.Raise) or isinstance(n, ast.FunctionDef) and n.name in PLAIN_REPRS:
                return True
        return False

    found = []
    for n in ast.walk(tree):
        built = None
        if isinstance(n, ast.JoinedStr):
            built = n
        elif isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Add, ast.Mod)):
            built = next((side for side in (n.left, n.right) if MARKUP.search(literal(side))), None)
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "format":
            built = n.func.value
        text = "" if built is None else literal(built)
        if MARKUP.search(text) and not PATTERN.search(text) and not exempt(n):
            found.append(f"{n.lineno}: {text[:60]}")
    return found


def test_no_module_of_the_kit_builds_markup_in_python():
    """Markup is made by templates (``templates/``), never by Python strings: every module of src/briefing."""
    modules = sorted(Path(render.__file__).parent.glob("*.py"))
    assert len(modules) > 20
    built = {m.name: markup_built_in_python(m.read_text(encoding="utf-8")) for m in modules}
    assert not {name: places for name, places in built.items() if places}, \
        f"markup belongs in src/briefing/templates/: {built}"


@pytest.mark.parametrize("code", [
    'def f(x):\n    return f"<p class=\'a\'>{x}</p>"\n',
    'def f(x):\n    return "<li>" + x + "</li>"\n',
    'def f(x):\n    return "<b>%s</b>" % x\n',
    'def f(x):\n    return "<em>{}</em>".format(x)\n',
    'def f(url):\n    return f"  <url><loc>{url}</loc></url>"\n',
])
def test_the_markup_guard_catches_markup_built_in_python(code):
    assert markup_built_in_python(code)


@pytest.mark.parametrize("code", [
    'class C:\n    def __repr__(self):\n        return f"<Figure: {self.title}>"\n',
    'import re\nTAG = re.compile(r\'<table[^>]*class="dataframe"\')\n',
    'def f(page):\n    return page.replace("<summary a>", "<summary>")\n',
    'def f(a, b):\n    return f"<{a}> <{b}>"\n',  # a PDF CMap range, not a tag
    'import re\ndef f(n):\n    return r\'<a\\b[^>]*href="\' + re.escape(n) + \'"\'\n',
    'def f(pos):\n    raise ValueError(f"unclosed <article> after offset {pos}")\n',
])
def test_the_markup_guard_lets_plain_reprs_and_patterns_pass(code):
    assert not markup_built_in_python(code)


def test_a_card_shows_the_translators_note_escaped_and_only_when_present():
    reg = copy.deepcopy(picks.reg())
    date, meta = review_context()
    claims = reg.claims.set_index("id")
    cid = claims.index[claims["translator_note"].isna()][0]
    assert "Translator's note" not in claim_card(reg, cid, date, meta)
    note = "浮衍 is a slip for 浮现. " + HOSTILE
    reg.claims.loc[reg.claims["id"] == cid, "translator_note"] = note
    html = claim_card(reg, cid, date, meta)
    assert "<strong>Translator's note.</strong> 浮衍 is a slip for 浮现." in html
    assert "<img" not in html and "&lt;script&gt;" in html
    # under the translation, before the record
    assert html.index("briefing-en") < html.index("Translator's note") < html.index("</article>")


def test_the_register_shows_its_translators_notes():
    reg = picks.reg()
    date, meta = review_context()
    noted = reg.claims.loc[reg.claims["translator_note"].notna(), "id"]
    assert len(noted) > 0
    for cid in noted:
        row = reg.claims.set_index("id").loc[cid]
        assert row["translator_note"] in html.unescape(claim_card(reg, cid, date, meta))


def test_a_headline_carries_its_language_so_cjk_glyphs_are_right():
    sources = pd.DataFrame([
        {"id": "s-zh", "title": "外交部:立场没有变化", "publisher": "Xinhua", "published": "2025-02-19",
         "url": "https://example.org/zh", "language": "zh", "kind": "news_report", "reliability": "State agency."},
        {"id": "s-en", "title": "Talks end", "publisher": "AP", "published": "2025-02-18",
         "url": "https://example.org/en", "language": "en", "kind": "news_report", "reliability": "Wire."},
    ])
    reg = dataclasses.replace(picks.reg(), sources=sources)  # sources of no briefing, as the build would read them
    html = html_of(render.sources_list(sources, caption="Sources"), reg)
    assert '“<span lang="zh">外交部:立场没有变化</span>”' in html
    assert '“<span>Talks end</span>”' in html


def test_a_fact_card_states_the_confidence_its_evidence_earns():
    reg = picks.reg()
    reviewed, article = review_context()
    moderate = picks.earned("moderate")  # a fact whose evidence earns moderate
    # No fact of this briefing rests on an original primary record (issue 26): read the one whose official text
    # was read on a mirror as if it had been read on the issuer's own page, so its evidence earns high.
    high, statement = "c031", "s-gac-20241016-msmt-joint-statement"
    sources = reg.sources.copy()
    sources.loc[sources["id"] == statement, "copy"] = "original"
    original = dataclasses.replace(reg, sources=sources)
    assert "Confidence: high, from a primary record." in str(claim_card(original, high, reviewed, article))
    assert "Confidence: moderate" in str(claim_card(reg, high, reviewed, article, claimreview=False))
    assert "Confidence: moderate." in str(claim_card(reg, moderate, reviewed, article, claimreview=False))


def test_claims_table_shows_outcomes_beside_forecasts_and_the_rating_scale():
    """Issue 25: a forecast or question shows the outcome it has had, not "Not checkable"; under the table, each
    chip it shows with its plain-word meaning."""
    from briefing.render import claims_table
    from briefing.vocabulary import OUTCOME_LABELS, OUTCOME_MEANINGS, VERDICT_MEANINGS

    reg = picks.reg()
    claims = reg.claims
    scored = claims[claims["outcome"].notna()]
    assert len(scored)
    html = html_of(claims_table(claims, caption="All"), reg)
    for _, c in scored.iterrows():
        row = html.split(f'#{c["id"]}"', 1)[1].split("</tr>", 1)[0]
        assert OUTCOME_LABELS[c["outcome"]] in row and "Not checkable" not in row, c["id"]
    scale = html.split('<dl class="briefing-scale">', 1)[1]
    for code in set(scored["outcome"]):
        assert OUTCOME_MEANINGS[code] in scale
    for code in set(claims.loc[claims["outcome"].isna(), "verdict"]):
        assert VERDICT_MEANINGS[code] in scale
