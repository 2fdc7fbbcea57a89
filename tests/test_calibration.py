"""Calibration: the book claims no more confidence than its register records.

Each bottom line (the numbered items under "Bottom line" or "Key judgments" of a page) states its confidence in
italics ("*Moderate confidence.*"). It may be no higher than ``analysis.confidence_ceiling`` of the claims it
links to: the lowest confidence recorded for the judgments and forecasts among them, or, for a bottom line that
rests on facts alone, the highest confidence recorded anywhere in the register. A bottom line also gives no
probability (an estimative term with its range) for something the record has already resolved: it states the
record instead.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from briefing.analysis import CONFIDENCE_LEVELS, confidence_ceiling
from briefing.claims import ESTIMATIVE_TERMS, register
from briefing.paths import ROOT

PAGES = sorted((ROOT / "chapters").glob("*.ipynb")) + sorted((ROOT / "chapters").glob("*.md"))
BOTTOM_LINE = re.compile(r"^## (Bottom line|Key judgments)\s*$", re.M)
ITEM = re.compile(r"^(?:\d+\.|-) ", re.M)
CONFIDENCE = re.compile(r"\*(low|moderate|high)(?: to (low|moderate|high))? confidence\b", re.I)
CLAIM = re.compile(r"#(c\d{3})\b")
RESOLVED = {"borne_out", "partly_borne_out", "not_borne_out"}
# An estimative term in bold followed by its range, e.g. "**likely** (55–80%)".
PROBABILITY = re.compile(r"\*\*(" + "|".join(sorted(map(re.escape, ESTIMATIVE_TERMS), key=len, reverse=True))
                         + r")\*\*\s*\(\d+\s*[–-]\s*\d+\s*%\)", re.I)


def page_text(path: Path) -> str:
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        return "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return path.read_text(encoding="utf-8")


def bottom_lines(text: str) -> list[str]:
    """The items of every "Bottom line" / "Key judgments" section of a page's Markdown."""
    items = []
    for match in BOTTOM_LINE.finditer(text):
        section = text[match.end():]
        end = re.search(r"^#{1,2} ", section, re.M)
        section = section[:end.start()] if end else section
        starts = [m.start() for m in ITEM.finditer(section)]
        items += [section[a:b].strip() for a, b in zip(starts, starts[1:] + [len(section)])]
    return items


def calibration_errors(text: str, claims: pd.DataFrame) -> list[str]:
    errors = []
    for item in bottom_lines(text):
        ids = CLAIM.findall(item)
        head = item[:60].replace("\n", " ")
        for found in CONFIDENCE.finditer(item):
            stated = max(CONFIDENCE_LEVELS.index(level.lower()) for level in found.groups() if level)
            ceiling = confidence_ceiling(claims, ids)
            if stated > CONFIDENCE_LEVELS.index(ceiling):
                errors.append(f"'{head}…' states {found.group(0).strip('*')} but rests on {ids or 'facts only'}, "
                              f"whose recorded confidence allows at most {ceiling}")
        resolved = claims[claims["id"].isin(ids) & claims["outcome"].isin(RESOLVED)]
        for found in PROBABILITY.finditer(item):
            if not resolved.empty:
                errors.append(f"'{head}…' gives a probability ({found.group(0)}) for what the record has resolved "
                              f"({', '.join(resolved['id'])}): state the record instead")
    return errors


@pytest.fixture(scope="module")
def claims():
    return register().claims


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_bottom_lines_claim_no_more_confidence_than_the_register(path, claims):
    assert calibration_errors(page_text(path), claims) == []


def test_the_pages_have_bottom_lines_to_check():
    checked = [p.name for p in PAGES if bottom_lines(page_text(p))]
    assert {"index.ipynb", "thaw.ipynb", "pressure.ipynb", "eleven.ipynb", "china.ipynb", "next.ipynb"} <= set(checked)


# The rule, shown to fail when broken, on a synthetic register.
SYNTHETIC = pd.DataFrame({
    "id": ["c001", "c002", "c003"],
    "claim_type": ["fact", "forecast", "judgment"],
    "confidence": [None, "low", "moderate"],
    "outcome": [None, "not_borne_out", None],
})


def test_high_confidence_on_facts_fails_when_the_register_records_no_high():
    text = "## Bottom line\n\n1. **A finding** (<a href=\"register.html#c001\">c001</a>). *High confidence.*\n"
    errors = calibration_errors(text, SYNTHETIC)
    assert len(errors) == 1 and "at most moderate" in errors[0]


def test_confidence_above_the_claims_it_rests_on_fails():
    text = "## Key judgments\n\n- **A call** (<a href=\"register.html#c002\">c002</a>). *Moderate confidence.*\n"
    assert "at most low" in calibration_errors(text, SYNTHETIC)[0]
    ok = "## Key judgments\n\n- **A call** (<a href=\"register.html#c003\">c003</a>). *Moderate confidence.*\n"
    assert calibration_errors(ok, SYNTHETIC) == []


def test_a_probability_for_a_resolved_forecast_fails():
    text = ("## Bottom line\n\n1. We judge it **very unlikely** (5–20%) that it happens "
            "(<a href=\"register.html#c002\">c002</a>). *Low confidence.*\n")
    errors = calibration_errors(text, SYNTHETIC)
    assert len(errors) == 1 and "resolved (c002)" in errors[0]


def test_only_the_bottom_line_is_checked():
    text = "## Bottom line\n\n1. Fine. *Moderate confidence.*\n\n## Later\n\n- Aside (#c001). *High confidence.*\n"
    assert calibration_errors(text, SYNTHETIC) == []
