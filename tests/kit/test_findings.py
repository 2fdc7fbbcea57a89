"""The book's own findings (``findings.csv``): written once, checked on load against the register, shown by id.

- the real table loads valid, and every finding is shown on its page exactly once (the ``{finding}`` role in the
  prose, or ``finding_text`` for a chart title), never retyped in the prose (a shared run of words fails);
- each finding rule (``briefing.rules.FINDING_RULES``) fails on a broken copy, naming file, id, field and rule;
- the role's text: glued numbers, links to what it rests on, the outlook's term in bold, its confidence label.
"""

from __future__ import annotations

import json
import re

import pytest

from briefing import rules
from briefing.claims import finding_text, findings
from briefing.computation import resolve_roles
from briefing.datapackage import Package
from briefing.findings import finding_myst, known_findings
from briefing.glue import SHOWN_FINDING
from briefing.paths import ROOT
from briefing.rules import FINDING_RULES

from support import _fails, edit_csv

import picks

CHAPTERS = ROOT / "chapters"
ROLE = SHOWN_FINDING  # {finding}`id`, or {eval}`glue.finding("id")` as a notebook shows it
ANY_ROLE = re.compile(r"\{[a-z:]+\}`[^`]*`")
SHINGLE = 6  # words: a run this long shared by a page's prose and a finding is a retyped finding


def _fails_findings(pkg_path, *parts):
    return _fails(lambda: findings(pkg=Package(pkg_path)), *parts)


def _cells(page: str) -> list[dict]:
    return json.loads((CHAPTERS / f"{page}.ipynb").read_text(encoding="utf-8"))["cells"]


def _prose(page: str) -> str:
    return "\n".join("".join(c["source"]) for c in _cells(page) if c["cell_type"] == "markdown")


def _code(page: str) -> str:
    return "\n".join("".join(c["source"]) for c in _cells(page) if c["cell_type"] == "code")


def _words(text: str) -> list[str]:
    text = re.sub(r"\{[A-Za-z_]\w*\}", " # ", text)  # a placeholder stands for a number: one word, '#'
    return re.findall(r"[\w'’–#-]+", text.lower())


def retyped(prose: str, table) -> list[str]:
    """The findings whose words (a run of ``SHINGLE``) the prose repeats outside the roles that show them."""
    prose = re.sub(r"\{glue:?\w*\}`[^`]*`", " # ", prose)  # a glued value is a number, as in a finding
    words = _words(ANY_ROLE.sub(" ", prose).replace("*", " "))
    page = {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    out = []
    for _, f in table.iterrows():
        own = _words(" ".join(v for v in (f["headline"], f["text"]) if isinstance(v, str)))
        if any(" ".join(own[i:i + SHINGLE]) in page for i in range(len(own) - SHINGLE + 1)):
            out.append(f["id"])
    return out


@pytest.fixture(scope="module")
def table():
    return findings(picks.reg())


# -- the real data ------------------------------------------------------------------------------------------------

def test_findings_load_valid_with_kind_basis_and_what_they_rest_on(table):
    assert len(table) and set(table["kind"]) == {"record", "outlook", "article_error"}
    assert table["confidence_basis"].str.strip().astype(bool).all()
    bare = table[table["rests_on"].isna()]  # a count over the register or a dataset: its numbers are computed
    assert bare["text"].str.contains(r"\{\w+\}").all(), "a finding that rests on no row states a computed count"


def test_every_finding_is_shown_on_its_page_once(table):
    for page, rows in table.groupby("page"):
        shown = ROLE.findall(_prose(page))
        titles = re.findall(r"finding_text\(\w+, \"([^\"]+)\"", _code(page))
        for fid, place in zip(rows["id"], rows["place"]):
            count = titles.count(fid) if place == "chart_title" else shown.count(fid)
            assert count == 1, f"{page}: finding {fid} is shown {count} times"
        assert set(shown) <= set(rows["id"]), f"{page} shows another page's finding"


def test_no_finding_is_retyped_in_a_pages_prose(table):
    for page in sorted(set(table["page"])):
        assert retyped(_prose(page), table) == [], page


def test_a_retyped_finding_is_caught(table):
    """The guard above can fail: a page that types a finding's words instead of citing it."""
    row = table[table["text"].map(lambda t: len(_words(t)) > SHINGLE + 2)].iloc[0]
    prose = _prose(row["page"]) + "\n\n" + re.sub(r"\{\w+\}", "12", row["text"])
    assert retyped(prose, table) == [row["id"]]


def test_each_section_chapter_opens_with_its_finding_about_the_world(table):
    for page in ("thaw", "pressure", "eleven", "china"):
        first = ROLE.findall(_prose(page))[0]
        assert table.set_index("id").loc[first, "kind"] == "record", page


def test_no_page_reads_the_register_against_itself(table):
    """c042 (Russia said it would cooperate) never carries the veto; c004 is a judgment, not tested for a
    ceasefire; c020 is the Washington meeting the day after Riyadh (this briefing's data)."""
    text = " ".join(table["headline"].fillna("") + " " + table["text"])
    for wrong in ("before Riyadh, not after", "in Munich before it"):
        assert wrong not in text
        for page in ("index", "thaw", "pressure", "eleven", "china", "next"):
            assert wrong not in _prose(page), page
    veto = table[table["text"].str.contains("veto", case=False)]
    assert not veto["rests_on"].fillna("").str.contains("c042").any()


# -- each rule fails on a broken copy (this book's: the second briefing has no findings) ---------------------------

def _pick(broken, kind):
    rows = broken.findings
    return rows[rows["kind"] == kind].iloc[0]


@pytest.mark.needs("findings")
def test_rule_reference(broken):
    f = _pick(broken, "record")
    broken.edit("findings.csv", f["id"], "rests_on", "c999")
    broken.fails(rules.finding_refs, "findings.csv", f["id"], "rests_on", "finding reference")


def test_rule_reference_from_the_files(data_copy):
    """End to end: the same break read from the CSV names file, id, field and rule."""
    f = Package(data_copy).table("findings").query("kind == 'record'").iloc[0]
    edit_csv(data_copy.parent / "findings.csv", f["id"], "rests_on", "c999")
    _fails_findings(data_copy, f"findings.csv: id {f['id']}, field 'rests_on'", "finding reference")


@pytest.mark.needs("findings")
def test_rule_reference_once(broken):
    f = _pick(broken, "record")
    first = f["rests_on"].split(";")[0]
    broken.edit("findings.csv", f["id"], "mentions", first)
    broken.fails(rules.finding_refs, "findings.csv", f["id"], "mentions", "finding reference")


# One cell of a finding broken on purpose: (the kind of finding picked, the field, its new value from the row, the
# rule that must name it). "A line that holds a record and an outlook is two findings, each with its own label."
_ONE_CELL = [
    ("record", "text", lambda f: f["text"] + " It happened in 2025.", rules.finding_numbers, "finding number"),
    ("outlook", "probability_term",
     lambda f: "almost certain" if f["probability_term"] != "almost certain" else "unlikely", rules.finding_kind,
     "outlook term"),
    ("outlook", "confidence", lambda f: "high" if f["confidence"] != "high" else "low", rules.finding_kind,
     "outlook confidence"),
    ("outlook", "rests_on", lambda f: picks.reg().claims["id"].iloc[0], rules.finding_kind, "outlook call"),
    ("record", "text", lambda f: f["text"] + " More is likely to follow.", rules.finding_kind,
     "record without outlook"),
]


@pytest.mark.needs("findings")
@pytest.mark.parametrize("kind, field, value, check, rule", _ONE_CELL, ids=[case[4] for case in _ONE_CELL])
def test_rule_one_broken_cell(broken, kind, field, value, check, rule):
    f = _pick(broken, kind)
    broken.edit("findings.csv", f["id"], field, value(f))
    broken.fails(check, "findings.csv", f["id"], field, rule)


@pytest.mark.needs("findings")
def test_rule_confidence_capped_by_the_weakest_load_bearing_item(broken):
    earned = rules.item_confidences(broken.reg, broken.pkg, broken.findings)
    low = next(i for i, level in earned.items() if level == "low" and i.startswith("c"))
    f = _pick(broken, "record")
    broken.edit("findings.csv", f["id"], "rests_on", f"{f['rests_on']};{low}")
    broken.edit("findings.csv", f["id"], "confidence", "moderate")
    broken.fails(rules.finding_confidence, "findings.csv", f["id"], "confidence", "finding confidence", low)


@pytest.mark.needs("findings")
def test_a_mention_does_not_cap_confidence(broken):
    table = broken.findings
    earned = rules.item_confidences(broken.reg, broken.pkg, table)
    low = next(i for i, level in earned.items() if level == "low" and i.startswith("c"))
    f = table[(table["kind"] == "record") & (table["confidence"] != "low") & table["mentions"].isna()].iloc[0]
    broken.edit("findings.csv", f["id"], "mentions", low)
    broken.passes(*FINDING_RULES)


def test_every_rule_is_exercised():
    assert {r.__name__ for r in FINDING_RULES} == {"finding_refs", "finding_numbers", "finding_kind",
                                                   "finding_confidence"}


# -- the text a page shows ----------------------------------------------------------------------------------------

def test_finding_myst_glues_links_and_labels():
    row = {"headline": "A head.", "text": "Trade reached {i_trade}; it is likely to grow.", "rests_on": "c052;b09;d041",
           "mentions": "c062", "probability_term": "likely", "confidence": "moderate", "kind": "outlook"}
    out = finding_myst(row)
    assert out.startswith("**A head.** Trade reached {glue:text}`i_trade`; it is **likely** to grow (")
    assert "{claim}`c052`, {call}`b09`, d041; see also {claim}`c062`)." in out
    assert out.endswith("*Moderate confidence.*")


def test_static_rendering_shows_the_finding_with_its_glued_values():
    fid, row = next((i, r) for i, r in known_findings().items() if "{" in r["text"])
    names = re.findall(r"\{(\w+)\}", row["text"])
    out = resolve_roles(f"- {{finding}}`{fid}`", {n: f"<{n}>" for n in names})
    for n in names:
        assert f"<{n}>" in out
    assert "{glue" not in out and "{finding}" not in out


def test_finding_text_fills_a_chart_title(table):
    row = table[table["place"] == "chart_title"].iloc[0]
    names = re.findall(r"\{(\w+)\}", row["text"])
    title = finding_text(table, row["id"], **{n: 7 for n in names})
    assert "{" not in title and "7" in title
    with pytest.raises(KeyError, match=row["id"]):
        finding_text(table, row["id"])
