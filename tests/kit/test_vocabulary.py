"""One vocabulary: every value the data may hold has its label (and colour) in ``briefing.vocabulary``."""

import re

import pytest

from briefing import vocabulary
from briefing.datapackage import descriptor
from support import string_constants

DESCRIPTOR = descriptor()  # the package as merged: the kit's tables with their enums, and the briefing's own


def _enum(resource: str, field: str) -> list[str]:
    res = next(r for r in DESCRIPTOR["resources"] if r["name"] == resource)
    return next(f for f in res["schema"]["fields"] if f["name"] == field)["constraints"]["enum"]


@pytest.mark.parametrize("resource, field", list(vocabulary.FIELDS), ids=lambda v: str(v))
def test_every_value_of_the_field_has_a_label_and_colour(resource, field):
    labels, colours = vocabulary.FIELDS[(resource, field)]
    values = _enum(resource, field)
    assert not set(values) - set(labels), f"{resource}.{field}: no label for {sorted(set(values) - set(labels))}"
    if colours is not None:
        assert not set(values) - set(colours), f"{resource}.{field}: no colour for {set(values) - set(colours)}"
        assert all(re.fullmatch(r"#[0-9A-Fa-f]{6}", c) for c in colours.values())


def test_each_actor_keeps_one_colour():
    actors = vocabulary.ACTOR_COLOURS
    assert len(set(actors.values())) == len(actors), "two actors share a colour"


def test_the_vocabulary_imports_only_the_briefings_configuration():
    """The vocabulary reads this briefing's own labels (sections, themes, chapters, datasets) from ``config``
    (``briefing.yml``) and imports nothing else."""
    source = open(vocabulary.__file__, encoding="utf-8").read()
    found = re.findall(r"^(?:import|from) (?!__future__)(.*)$", source, re.M)
    assert found == [". import config"], found


# -- one vocabulary, everywhere (issue 20, part 4) ---------------------------------------------------------------
# Colours and the labels of enum values live in briefing.vocabulary only: the page's CSS gets its colours as
# custom properties made from it (figures.vocabulary_css), charts and notebooks pass its dicts. A colour or a label
# typed anywhere else is a second place that will drift.

from pathlib import Path  # noqa: E402

from briefing.paths import ROOT  # noqa: E402

PACKAGE = Path(vocabulary.__file__).parent
HEX = re.compile(r"(?<![\w&/])#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})\b")
# Labels that are also ordinary words used in another sense: "Date" (a kind of inconsistency) heads every column
# of dates.
COMMON_WORDS = {"Date"}


def vocabulary_labels() -> dict[str, str]:
    """Every label of an enum value (and every estimative term), with where it lives in the vocabulary."""
    labels = {}
    for name in dir(vocabulary):
        table = getattr(vocabulary, name)
        if name.endswith("_LABELS") and isinstance(table, dict):
            for key, label in table.items():
                labels.setdefault(label, f"{name}[{key!r}]")
    for term in vocabulary.ESTIMATIVE_TERMS:
        labels.setdefault(term, f"ESTIMATIVE_TERMS[{term!r}]")
    return {k: v for k, v in labels.items() if k not in COMMON_WORDS}


def hex_colours(text: str) -> list[str]:
    return HEX.findall(text)


def typed_labels(code: str, labels: dict[str, str]) -> list[str]:
    """String literals of Python ``code`` (docstrings aside) that are a vocabulary label."""
    import ast

    code = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))
    return [f"{n.value!r} (vocabulary.{labels[n.value]})" for n in string_constants(ast.parse(code))
            if n.value in labels]


def sources() -> list[tuple[str, str, bool]]:
    """(where, text, is_python) for every place that must type no colour or label: the package's modules (but the
    vocabulary), its templates, stylesheets and scripts, and the notebooks' code cells."""
    import json

    out = []
    for f in sorted(PACKAGE.rglob("*")):
        if f.suffix in (".py", ".html", ".css", ".js", ".j2") and f.name != "vocabulary.py" \
                and "__pycache__" not in f.parts:
            out.append((str(f.relative_to(ROOT)), f.read_text(encoding="utf-8"), f.suffix == ".py"))
    for nb in sorted((ROOT / "chapters").glob("*.ipynb")):
        for i, cell in enumerate(json.loads(nb.read_text(encoding="utf-8"))["cells"]):
            if cell["cell_type"] == "code":
                out.append((f"{nb.relative_to(ROOT)} cell {i}", "".join(cell["source"]), True))
    return out


def offences(places) -> list[str]:
    labels = vocabulary_labels()
    found = []
    for where, text, python in places:
        found += [f"{where}: colour {c}" for c in hex_colours(text)]
        if python:
            found += [f"{where}: label {t}" for t in typed_labels(text, labels)]
    return found


def test_no_colour_or_label_is_typed_outside_the_vocabulary():
    found = offences(sources())
    assert not found, "use briefing.vocabulary (CSS: var(--briefing-...)):\n" + "\n".join(found)


@pytest.mark.parametrize("snippet, python, expected", [
    ('colours={"us_russia": "#0072B2"}', True, "colour #0072B2"),
    ('lane_labels={"us_russia": "US–Russia contacts"}', True, "label 'US–Russia contacts'"),
    ('sort=["In favour", "Against", "Abstained"]', True, "label 'In favour'"),
    ('term = "roughly even chance"', True, "label 'roughly even chance'"),
    (".briefing-verdict-supported { background: #cfe8d5; }", False, "colour #cfe8d5"),
    ("a { color: #555; }", False, "colour #555"),
])
def test_the_check_catches_a_typed_colour_or_label(snippet, python, expected):
    assert any(expected in o for o in offences([("snippet", snippet, python)])), offences([("s", snippet, python)])


@pytest.mark.parametrize("snippet", [
    'lane_labels=TRACK_LABELS, colours=TRACK_COLOURS',
    '"calls.html#b03", "register.html#c017", "&#x27;"',  # anchors and character references are no colours
    ".x { color: var(--briefing-verdict-supported); }",
    'title="Date"',
])
def test_the_check_passes_what_is_no_typed_colour_or_label(snippet):
    assert offences([("snippet", snippet, not snippet.startswith("."))]) == []
