"""No finding is typed: chart titles, subtitles, labels and text alternatives are written in the notebooks from
computed values, claim ids a chart tests come from the data, and the package states no finding of its own.

The check reads the code of every notebook cell: in the arguments that become a chart's words, any digit must come
from an interpolated value (an f-string field), never from the literal text around it.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from support import string_constants

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "chapters").glob("*.ipynb"))
# Keyword arguments whose text a reader sees on or under a chart.
WORDS = {"title", "subtitle", "alt_text", "mark_label", "baseline_label", "note", "marks"}
DIGIT = re.compile(r"\d")


def literal_texts(node: ast.AST) -> list[str]:
    """The literal text inside an expression: plain strings and the fixed parts of f-strings (not format specs)."""
    found = []

    def visit(n):
        if isinstance(n, ast.Constant) and isinstance(n.value, str):
            found.append(n.value)
        elif isinstance(n, ast.JoinedStr):
            for part in n.values:
                if isinstance(part, ast.Constant):
                    found.append(part.value)
                # a FormattedValue is computed; its format spec (e.g. ':%-d %B %Y', ':.0%') is not text
        elif isinstance(n, ast.Dict):
            for v in n.values:  # a dict's keys are places (dates of marks), its values the labels drawn
                visit(v)
        else:
            for child in ast.iter_child_nodes(n):
                if not isinstance(child, (ast.Subscript, ast.Attribute, ast.Call)):
                    visit(child)

    visit(node)
    return found


def typed_findings(source: str) -> list[str]:
    """Problems in one cell's code: digits typed into chart words, claim ids typed into ``claims=``."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        for kw in node.keywords:
            if kw.arg in WORDS:
                for text in literal_texts(kw.value):
                    if DIGIT.search(text):
                        problems.append(f"{kw.arg}: typed digits in {text!r}")
            elif kw.arg == "claims":
                for text in literal_texts(kw.value):
                    problems.append(f"claims: typed claim id {text!r}")
    return problems


def code_cells(nb: Path) -> list[str]:
    cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[n.name for n in NOTEBOOKS])
def test_chart_words_are_computed_in_the_notebook(nb):
    problems = [p for src in code_cells(nb) for p in typed_findings(src)]
    assert not problems, f"{nb.name}: " + "; ".join(problems)


def test_the_check_catches_typed_findings():
    typed = '''figure(chart(title="Only 4 of 24 were borne out", subtitle=f"Counts, {first:%Y}"),
       alt_text=f"{n} bars; " "two of 3 are red", claims=["c901"], marks={"2025-02-15": "Munich 2025"})'''
    found = typed_findings(typed)
    assert any("Only 4 of 24" in p for p in found)
    assert any("two of 3" in p for p in found)
    assert any("c901" in p for p in found)  # a made-up claim id, typed
    assert any("Munich 2025" in p for p in found)
    assert not any("%Y" in p for p in found), "a format spec is not typed text"
    computed = '''figure(chart(title=f"Only {k} of {n} were borne out", subtitle=f"Counts, {first:%Y}–{last:%Y}"),
       alt_text=f"{n} bars", claims=[reg.claim_quoting("恢复到疫情前的水平")], marks={day: "Munich"})'''
    assert typed_findings(computed) == []


def test_the_package_states_no_finding():
    """Chart builders take their titles from the caller: no ``alt.Title`` in the package has literal text, and no
    claim id is written in its code."""
    problems = []
    for f in sorted((REPO / "src" / "briefing").glob("*.py")):
        tree = ast.parse(f.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Title":
                for arg in [*node.args, *(k.value for k in node.keywords)]:
                    if literal_texts(arg):
                        problems.append(f"{f.name}:{node.lineno}: alt.Title with literal text")
        for node in string_constants(tree):
            if re.search(r"\bc\d{3}\b", node.value):
                problems.append(f"{f.name}:{node.lineno}: claim id in code: {node.value!r}")
    assert not problems, "; ".join(problems)
