"""Calibration: each bottom line states the confidence of the evidence it rests on, no more and no less.

Three checks (issue 18 item 3):

(a) no fact is rated high without a primary record behind its verdict (``claims.evidence_confidence``; the register
    rule ``fact confidence`` also refuses such a row, see ``tests/kit/test_claims.py``);
(b) each bottom line (the numbered items under "Bottom line" or "Key judgments" of a page, and the items of the
    landing page's "What this means" box) cites the claims and
    calls it rests on with the ``{claim}`` and ``{call}`` roles, and states in italics ("*Moderate confidence.*")
    exactly the confidence of its weakest load-bearing one (``analysis.confidence_ceiling``); it gives no
    probability (an estimative term with its range) for what the record has already resolved;
    An item made of the book's findings (``{finding}`` roles, ``data/findings.csv``) is held instead to the register's
    finding rules (``briefing.rules.FINDING_RULES``, tests in ``tests/kit/test_findings.py``): a record is rated no higher
    than its weakest load-bearing item earns, an outlook carries its call's term and confidence, and a line holding
    both gives each its own label;
(c) the landing page's headline verdict counts carry the blind second reading's agreement beside them, glued from
    ``analysis.agreement_line``.

Prose cites claims only through the roles: a hand-typed ``register.html#c…`` link fails (the strict build cannot
check it).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from briefing.analysis import confidence_ceiling
from briefing.claims import ESTIMATIVE_TERMS, PRIMARY_SOURCE_KINDS, DECISIVE_RELATIONS
from briefing.glue import SHOWN_FINDING
from briefing.paths import ROOT
from briefing.vocabulary import CONFIDENCE_LEVELS

PAGES = sorted((ROOT / "chapters").glob("*.ipynb")) + sorted((ROOT / "chapters").glob("*.md"))
BOTTOM_LINE = re.compile(r"^## (Bottom line|Key judgments)\s*$", re.M)
WHAT_THIS_MEANS = re.compile(r"^:::\{admonition\} What this means\s*$(.*?)^:::\s*$", re.M | re.S)
ITEM = re.compile(r"^(?:\d+\.|-) ", re.M)
CONFIDENCE = re.compile(r"\*(low|moderate|high)(?:\s+to\s+(low|moderate|high))?\s+confidence\b", re.I)
CITED = re.compile(r"\{(claim|call)\}`\s*([cb]\d{2,3})\s*`")
HAND_TYPED = re.compile(r"register\.html#c\d")
FINDING_ROLE = SHOWN_FINDING  # {finding}`id`, or {eval}`glue.finding("id")` as a notebook shows it
RESOLVED = {"borne_out", "partly_borne_out", "not_borne_out"}
# An estimative term in bold followed by its range, e.g. "**likely** (55–80%)".
PROBABILITY = re.compile(r"\*\*(" + "|".join(sorted(map(re.escape, ESTIMATIVE_TERMS), key=len, reverse=True))
                         + r")\*\*\s*\(\d+\s*[–-]\s*\d+\s*%\)", re.I)


def page_text(path: Path) -> str:
    """A page's prose: the Markdown cells of a notebook, or a Markdown page."""
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        return "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return path.read_text(encoding="utf-8")


def code_text(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def bottom_lines(text: str) -> list[str]:
    """The items of every "Bottom line" / "Key judgments" section of a page's Markdown, and of its "What this
    means" box (held to the same standard)."""
    items = []
    for box in WHAT_THIS_MEANS.finditer(text):
        body = box.group(1)
        starts = [m.start() for m in ITEM.finditer(body)]
        items += [body[a:b].strip() for a, b in zip(starts, starts[1:] + [len(body)])]
    for match in BOTTOM_LINE.finditer(text):
        section = text[match.end():]
        end = re.search(r"^#{1,2} ", section, re.M)
        section = section[:end.start()] if end else section
        starts = [m.start() for m in ITEM.finditer(section)]
        items += [section[a:b].strip() for a, b in zip(starts, starts[1:] + [len(section)])]
    return items


def cited(text: str) -> list[str]:
    """The claim and call ids a text cites through the roles, in order."""
    return [ident for _kind, ident in CITED.findall(text)]


BOLD_TERM = re.compile(r"\*\*(" + "|".join(sorted(map(re.escape, ESTIMATIVE_TERMS), key=len, reverse=True))
                       + r")\*\*", re.I)


def calibration_errors(text: str, confidence: pd.Series, outcomes: pd.Series,
                       call_terms: pd.Series | None = None) -> list[str]:
    """``confidence``: every claim's and call's confidence by id; ``outcomes``: forecasts' and questions' outcomes;
    ``call_terms``: each call's estimative term (a line that cites calls uses their terms, not others)."""
    errors = []
    for item in bottom_lines(text):
        if FINDING_ROLE.search(item):
            continue  # the register's finding rules check it (tests/kit/test_findings.py)
        ids = cited(item)
        head = item[:60].replace("\n", " ")
        stated = [level.lower() for found in CONFIDENCE.finditer(item) for level in found.groups() if level]
        if not ids:
            errors.append(f"'{head}…' cites no claim or call: cite what it rests on with {{claim}}/{{call}}")
            continue
        ceiling = confidence_ceiling(confidence, ids)
        if not stated:
            errors.append(f"'{head}…' states no confidence; its weakest claim ({', '.join(ids)}) is {ceiling}")
        elif min(stated, key=CONFIDENCE_LEVELS.index) != ceiling:
            weakest = [i for i in ids if confidence[i] == ceiling]
            errors.append(f"'{head}…' states {' to '.join(stated)} confidence but its weakest load-bearing claim "
                          f"({', '.join(weakest)}) is {ceiling}")
        calls = [i for i in ids if call_terms is not None and i in call_terms.index]
        terms = {t.lower() for t in BOLD_TERM.findall(item)}
        if calls and terms - {call_terms[c] for c in calls}:
            errors.append(f"'{head}…' says {', '.join(sorted(terms))} but its calls ({', '.join(calls)}) say "
                          f"{', '.join(sorted({call_terms[c] for c in calls}))}")
        resolved = [i for i in ids if outcomes.get(i) in RESOLVED]
        for found in PROBABILITY.finditer(item):
            if resolved:
                errors.append(f"'{head}…' gives a probability ({found.group(0)}) for what the record has resolved "
                              f"({', '.join(resolved)}): state the record instead")
    return errors


def hand_typed_links(text: str) -> list[str]:
    return [text[max(0, m.start() - 30):m.end() + 10].replace("\n", " ") for m in HAND_TYPED.finditer(text)]


@pytest.fixture(scope="module")
def reg(the_book):
    return the_book[0]


@pytest.fixture(scope="module")
def confidence(reg):
    return pd.concat([reg.confidence(), reg.calls.set_index("id")["confidence"]])


@pytest.fixture(scope="module")
def outcomes(reg):
    return reg.claims.set_index("id")["outcome"]


@pytest.fixture(scope="module")
def call_terms(reg):
    return reg.calls.set_index("id")["probability_term"]


# (a) -------------------------------------------------------------------------------------------------------------
def test_no_fact_is_high_without_a_primary_record(reg):
    """High exactly where an original primary record (an official text or data release in the issuer's own copy)
    supports or contradicts a supported or contradicted verdict, and nowhere else."""
    confidence = reg.confidence()
    facts = reg.claims[reg.claims["claim_type"] == "fact"]
    high = {c for c in facts["id"] if confidence[c] == "high"}
    decisive = reg.links[reg.links["relation"].isin(DECISIVE_RELATIONS)].merge(
        reg.sources[["id", "kind", "copy"]], left_on="source_id", right_on="id", suffixes=("", "_source"))
    original = decisive[decisive["kind"].isin(PRIMARY_SOURCE_KINDS) & (decisive["copy"] == "original")]
    earns = set(original["claim_id"]) & set(facts.loc[facts["verdict"].isin(["supported", "contradicted"]), "id"])
    recorded_lower = set(facts.loc[facts["confidence"].notna(), "id"])
    assert high == earns - recorded_lower


# (b) -------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_each_bottom_line_states_the_confidence_of_its_weakest_claim(path, confidence, outcomes, call_terms):
    assert calibration_errors(page_text(path), confidence, outcomes, call_terms) == []


def test_the_pages_have_bottom_lines_to_check():
    """The landing page and every chapter page of briefing.yml (the sections' and the others)."""
    from briefing.config import BRIEFING
    checked = {p.stem for p in PAGES if bottom_lines(page_text(p))}
    assert {"index", *BRIEFING.chapter_labels} <= checked


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_prose_cites_claims_through_the_role_not_by_hand(path):
    assert hand_typed_links(page_text(path)) == []


# (c) -------------------------------------------------------------------------------------------------------------
def test_the_headline_counts_carry_the_second_readings_agreement():
    index = ROOT / "chapters" / "index.ipynb"
    prose, code = page_text(index), code_text(index)
    glued = re.search(r"glue\(\s*\"(\w+)\"\s*,\s*(?:an\.)?adjudication_line\(", code)
    assert glued, "the landing notebook glues analysis.adjudication_line (agreement before and after adjudication)"
    from briefing.findings import known_findings

    shown = {fid: known_findings()[fid] for item in bottom_lines(prose) for fid in FINDING_ROLE.findall(item)}
    counts = next(row["text"] for row in shown.values() if "{i_contradicted}" in row["text"])
    assert f"{{{glued.group(1)}}}" in counts


# The rules, shown to fail when broken, on a synthetic register (ids of the 9s: no register uses them).
CONF = pd.Series({"c901": "high", "c902": "low", "c903": "moderate", "b91": "moderate"})
OUTCOMES = pd.Series({"c902": "not_borne_out"})


def test_a_bottom_line_above_its_weakest_claim_fails():
    text = "## Bottom line\n\n1. **A finding** ({claim}`c901`, {claim}`c902`). *Moderate confidence.*\n"
    errors = calibration_errors(text, CONF, OUTCOMES)
    assert len(errors) == 1 and "(c902) is low" in errors[0]


def test_a_bottom_line_below_its_evidence_fails_too():
    text = "## Key judgments\n\n- **A fact from the record** ({claim}`c901`). *Moderate confidence.*\n"
    assert "(c901) is high" in calibration_errors(text, CONF, OUTCOMES)[0]
    ok = "## Key judgments\n\n- **A call** ({claim}`c903`, {call}`b91`, {claim}`c901`). *Moderate confidence.*\n"
    assert calibration_errors(ok, CONF, OUTCOMES) == []


def test_a_bottom_line_citing_nothing_or_stating_nothing_fails():
    assert "cites no claim" in calibration_errors("## Bottom line\n\n1. Fine. *High confidence.*\n", CONF,
                                                  OUTCOMES)[0]
    assert "states no confidence" in calibration_errors("## Bottom line\n\n1. Fine ({claim}`c903`).\n", CONF,
                                                        OUTCOMES)[0]


def test_a_hand_typed_register_link_is_not_a_citation():
    text = "## Bottom line\n\n1. Fine (<a href=\"register.html#c903\">c903</a>). *Moderate confidence.*\n"
    assert "cites no claim" in calibration_errors(text, CONF, OUTCOMES)[0]
    assert hand_typed_links(text)


def test_a_probability_for_a_resolved_forecast_fails():
    text = ("## Bottom line\n\n1. We judge it **very unlikely** (5–20%) that it happens "
            "({claim}`c902`). *Low confidence.*\n")
    errors = calibration_errors(text, CONF, OUTCOMES)
    assert len(errors) == 1 and "resolved (c902)" in errors[0]


def test_the_what_this_means_box_is_checked_like_a_bottom_line():
    text = (":::{admonition} What this means\n:class: x\n\n- **So what** ({claim}`c902`). *Moderate confidence.*\n"
            "- **Then** ({claim}`c903`). *Moderate confidence.*\n:::\n")
    errors = calibration_errors(text, CONF, OUTCOMES)
    assert len(errors) == 1 and "(c902) is low" in errors[0]


def test_a_line_citing_a_call_uses_the_calls_own_term():
    terms = pd.Series({"b91": "likely"})
    ok = "## Bottom line\n\n1. It is **likely** ({call}`b91`). *Moderate confidence.*\n"
    assert calibration_errors(ok, CONF, OUTCOMES, terms) == []
    bad = ok.replace("**likely**", "**very likely**")
    assert "its calls (b91) say likely" in calibration_errors(bad, CONF, OUTCOMES, terms)[0]


def test_only_the_bottom_line_is_checked():
    text = "## Bottom line\n\n1. Fine ({claim}`c903`). *Moderate confidence.*\n\n## Later\n\n- Aside. *High confidence.*\n"
    assert calibration_errors(text, CONF, OUTCOMES) == []
