"""One phrase per number (issue 18 item 4): where the landing page and a chapter state the same figure, they state
it with the same value and the same words.

Every number in prose is glued from a notebook's code; a figure that two pages state is glued on each. This test
reads the values each notebook glued (its stored outputs: the notebooks are re-executed before a release, and
strict nbval checks that the stored outputs are what the code produces) and fails when two pages disagree, when
a page lacks a figure it should state, or when prose words a glued figure another way. The check itself is shown
failing on a drift below.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from briefing.paths import ROOT

CHAPTERS = ROOT / "chapters"
# This briefing's content, not the kit's: which glue keys of its pages hold the same figure, and the wordings of its
# figures that drift. Another briefing lists its own pages' keys here; the checks below (disagreements, carried
# figures, drift, doubled articles) are the kit's and are shown failing on a synthetic drift.
# Glue keys that hold the same figure on different pages: (notebook, key), ...
SAME_FIGURE = {
    "claims in the register": [("index", "i_claims"), ("register", "r_claims")],
    "checkable facts": [("index", "i_facts"), ("register", "r_facts")],
    "facts supported": [("index", "i_supported"), ("register", "r_supported")],
    "facts partly supported": [("index", "i_partly_supported"), ("register", "r_partly_supported")],
    "facts contradicted": [("index", "i_contradicted"), ("register", "r_contradicted")],
    "facts unverified": [("index", "i_unverified"), ("register", "r_unverified")],
    "forecasts and questions scored": [("index", "i_scored"), ("next", "n_scored")],
    "the scorecard in one line": [("index", "i_outcomes"), ("next", "outcome_line")],
    "evidence as of": [("index", "i_as_of"), ("next", "as_of"), ("methods", "m_as_of")],
    "trade against 2019": [("index", "i_trade"), ("china", "trade_level")],
    "trade's latest year": [("index", "i_trade_year"), ("china", "trade_year")],
}
# A figure stated inside another page's phrase: the phrase on the first page must carry the others' values.
CARRIED = {
    "second reading (landing page against Methods)": (("index", "i_agreement"),
                                                      [("methods", "m_read"), ("methods", "m_agreed"),
                                                       ("methods", "m_rate")]),
}
# Other wordings of a glued figure, which drift from the data (the trade figure is "98% of its 2019 level").
DRIFT = re.compile(r"most of the way|came back close to|close to, but not above|was back to", re.I)


def glued(notebook: str) -> dict[str, str]:
    """The values a notebook glued, from its stored outputs (plain text, quotes removed)."""
    nb = json.loads((CHAPTERS / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    out = {}
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            text = output.get("data", {}).get("application/papermill.record/text/plain")
            if name and text is not None:
                try:
                    out[name] = str(ast.literal_eval(text))
                except (ValueError, SyntaxError):
                    out[name] = text
    return out


def disagreements(values: dict[tuple[str, str], str]) -> list[str]:
    """Every figure of SAME_FIGURE and CARRIED that is missing from a page or stated differently on two pages."""
    errors = []
    for figure, places in SAME_FIGURE.items():
        missing = [f"{nb}:{key}" for nb, key in places if (nb, key) not in values]
        if missing:
            errors.append(f"{figure}: not glued on {', '.join(missing)} (re-execute the notebook)")
            continue
        found = {f"{nb}:{key}": values[(nb, key)] for nb, key in places}
        if len(set(found.values())) > 1:
            errors.append(f"{figure}: pages disagree: {found}")
    for figure, (phrase, parts) in CARRIED.items():
        if phrase not in values or any(p not in values for p in parts):
            errors.append(f"{figure}: not glued (re-execute the notebooks)")
            continue
        absent = [f"{nb}:{key}={values[(nb, key)]!r}" for nb, key in parts
                  if not re.search(rf"(?<![\d.]){re.escape(values[(nb, key)])}(?![\d.])", values[phrase])]
        if absent:
            errors.append(f"{figure}: {phrase[0]}:{phrase[1]} ({values[phrase]!r}) does not carry {', '.join(absent)}")
    return errors


def prose(notebook: Path) -> str:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def titles() -> dict[str, str]:
    """Each chapter's title (its first heading), by document name."""
    out = {}
    for path in sorted(CHAPTERS.glob("*.ipynb")) + sorted(CHAPTERS.glob("*.md")):
        text = prose(path) if path.suffix == ".ipynb" else path.read_text(encoding="utf-8")
        m = re.search(r"^# (.+)$", text, re.M)
        if m:
            out[path.stem] = m.group(1).strip()
    return out


def doubled_articles(text: str, names: dict[str, str]) -> list[str]:
    """"the {doc}`article`" where that page's title already starts with "The" ("the The article, annotated")."""
    return [m.group(0) for m in re.finditer(r"\b[Tt]he \{doc\}`(\w+)`", text)
            if names.get(m.group(1), "").lower().startswith("the ")]


NOTEBOOKS = sorted({nb for places in SAME_FIGURE.values() for nb, _ in places}
                   | {nb for phrase, parts in CARRIED.values() for nb, _ in [phrase, *parts]})


def test_the_same_figure_reads_the_same_on_every_page():
    values = {(nb, key): value for nb in NOTEBOOKS for key, value in glued(nb).items()}
    assert disagreements(values) == []


@pytest.mark.parametrize("path", sorted(CHAPTERS.glob("*.ipynb")) + sorted(CHAPTERS.glob("*.md")),
                         ids=lambda p: p.name)
def test_prose_words_a_glued_figure_one_way_and_names_pages_cleanly(path):
    text = prose(path) if path.suffix == ".ipynb" else path.read_text(encoding="utf-8")
    assert DRIFT.findall(text) == [], "state the figure with its glued phrase"
    assert doubled_articles(text, titles()) == []


# The checks, shown failing on a drift.
GOOD = {("index", "i_trade"): "98% of its 2019 level", ("china", "trade_level"): "98% of its 2019 level",
        ("index", "i_agreement"): "a blind second reading of 32 of these verdicts agreed on 18 (56%)",
        ("methods", "m_read"): "32", ("methods", "m_agreed"): "18", ("methods", "m_rate"): "56%"}


def _only(figures: list[str], values: dict) -> list[str]:
    return [e for e in disagreements(values) if any(e.startswith(f) for f in figures)]


def test_a_drift_between_pages_fails():
    assert _only(["trade against 2019", "second reading"], GOOD) == []
    drift = {**GOOD, ("china", "trade_level"): "97% of its 2019 level"}
    assert "pages disagree" in _only(["trade against 2019"], drift)[0]
    stale = {**GOOD, ("methods", "m_agreed"): "19"}
    assert "does not carry methods:m_agreed='19'" in _only(["second reading"], stale)[0]
    missing = {k: v for k, v in GOOD.items() if k != ("index", "i_trade")}
    assert "not glued on index:i_trade" in _only(["trade against 2019"], missing)[0]


def test_another_wording_and_a_doubled_the_fail():
    assert DRIFT.findall("trade recovered most of the way to its pre-pandemic level")
    assert doubled_articles("the {doc}`article` and the {doc}`register`",
                            {"article": "The article, annotated", "register": "Claims register"}) == \
        ["the {doc}`article`"]
