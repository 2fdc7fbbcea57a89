"""No article fact in ``src/briefing`` (issue 20: a briefing is configuration plus data plus notebooks).

What is particular to one briefing lives in its ``briefing.yml``, its ``data/`` and its ``chapters/``; the kit only
reads them. This test takes the facts of a briefing from those files (its actors, sections, themes, chapter pages,
key dates, headings and scraping artifacts; the names and values of its own datasets; its claim and call ids) and
fails if one of them is typed in the kit: as a string constant of a module (docstrings aside: an example there is an
example), or in the text of a template, stylesheet or script (comments aside). The scanner is shown catching a fact
typed into a synthetic module, and the kit is checked against the fictional second briefing's facts as well.
"""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

import pytest

import briefing
from briefing import config
from briefing.datapackage import descriptor
from briefing.findings import TABLE as FINDINGS_TABLE
from briefing.paths import ROOT
from briefing.scaffold import OPTIONAL_TABLES, REGISTER_TABLES
from support import string_constants

PACKAGE = Path(briefing.__file__).parent
SECOND = ROOT / "tests" / "fixtures" / "second_briefing"
# The kit's own tables (every briefing has them); the data package's other resources are this briefing's datasets.
KIT_TABLES = {"article", *REGISTER_TABLES, *OPTIONAL_TABLES, FINDINGS_TABLE}
# Words that name a fact of this briefing but are also ordinary words the kit uses in another sense: the chapter
# page ``next`` ("What happened next" on every claim card) and the tourist market ``all`` (the scorecard's "all"
# row, CSS ``all: unset``).
ORDINARY_WORDS = {"next", "all"}
TOKEN = re.compile(r"[A-Za-z0-9_]+(?:-\d{2}){0,2}")  # identifiers, and ISO dates as one token
COMMENTS = re.compile(r"\{#.*?#\}|/\*.*?\*/|<!--.*?-->", re.S)  # Jinja, CSS/JS block and HTML comments
SKIPPED = {"fa-icons.json"}  # a generated icon table


def _ids(path: Path) -> list[str]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return [row["id"] for row in csv.DictReader(f)]


def article_facts(b: config.Briefing, descriptor: dict, data: Path) -> dict[str, str]:
    """Every fact of one briefing the kit must not type, with what it is: from its configuration ``b``, its data
    package ``descriptor`` and its tables under ``data``. Words the kit uses for its own tables, fields and
    generic vocabularies (``statement``, ``vote``, ``other``, …) are not facts of a briefing."""
    from briefing import vocabulary

    resources = {r["name"]: r for r in descriptor["resources"]}
    fields = {n: [f["name"] for f in r.get("schema", {}).get("fields", [])] for n, r in resources.items()}
    kit_words = {f for n in KIT_TABLES for f in fields.get(n, [])} | {config.OTHER_ACTOR} | ORDINARY_WORDS
    for name in dir(vocabulary):
        table = getattr(vocabulary, name)
        if name.endswith("_LABELS") and isinstance(table, dict) and name not in {
                f"{n}_LABELS" for n in b.dataset_names.values()} | {"SECTION_LABELS", "THEME_LABELS",
                                                                    "CHAPTER_LABELS"}:
            kit_words |= set(map(str, table))  # the kit's generic vocabularies (verdicts, votes, kinds of line, …)

    facts: dict[str, str] = {}
    add = facts.setdefault
    for code in b.actors:
        add(code, "actor (briefing.yml: actors)")
    for key, s in b.sections.items():
        add(key, "section key (briefing.yml: sections)")
        for h in s.headings:
            add(h, f"heading of section {key}")
        if s.chapter:
            add(s.chapter, "chapter page (briefing.yml: sections)")
    for key in b.themes:
        add(key, "theme (briefing.yml: themes)")
    for page in b.chapters:
        add(page, "chapter page (briefing.yml: chapters)")
    for name, date in b.key_dates.items():
        for word in (name, name.upper(), date):
            add(word, f"key date {name} (briefing.yml: article.key_dates)")
    add(b.article_date, "the article's date (briefing.yml: article.date)")
    for text in (b.image_caption, b.source_list_heading, *b.ad_lines):
        if text:
            add(text, "a line of the article's file (briefing.yml: article.artifacts)")
    for (resource, field), (labels, _) in b.datasets.items():
        for value in labels:
            add(value, f"value of {resource}.{field} (briefing.yml: datasets)")
    for name in resources:
        if name not in KIT_TABLES:
            add(name, "a dataset of this briefing (datapackage.json)")
            for field in fields[name]:
                if "_" in field:  # single words (year, country, vote) are ordinary; compound names are its own
                    add(field, f"a field of dataset {name} (datapackage.json)")
    for table, what in (("claims.csv", "claim id"), ("briefing_calls.csv", "call id")):
        for i in _ids(data / table):
            add(i, f"{what} ({table})")
    return {k: v for k, v in facts.items() if k not in kit_words}


def _found(text: str, facts: dict[str, str]) -> list[str]:
    """The facts in ``text``: a one-token ASCII fact as a whole token (``china`` is not in ``machinery``); a fact of
    several words or with a hyphen (an ad line, a page name) as a whole phrase; any other text as it is."""
    tokens = set(TOKEN.findall(text))

    def there(f: str) -> bool:
        if not f.isascii():
            return f in text
        if TOKEN.fullmatch(f):
            return f in tokens
        return re.search(r"(?<![\w-])" + re.escape(f) + r"(?![\w-])", text) is not None

    return sorted(f for f in facts if there(f))


def offences(places, facts: dict[str, str]) -> list[str]:
    """``where: 'fact' (what it is) in <the text>`` for each fact typed in ``places``: (where, text, is_python)."""
    out = []
    for where, text, python in places:
        if python:
            chunks = [(n.lineno, n.value) for n in string_constants(ast.parse(text))]
        else:
            text = COMMENTS.sub(lambda m: "\n" * m.group(0).count("\n"), text)
            chunks = list(enumerate(text.splitlines(), 1))
        for line, chunk in chunks:
            out += [f"{where}:{line}: {f!r} ({facts[f]}) in {chunk.strip()[:70]!r}" for f in _found(chunk, facts)]
    return out


def kit_sources() -> list[tuple[str, str, bool]]:
    """(where, text, is_python) for every module, template, stylesheet and script of the kit."""
    out = []
    for f in sorted(PACKAGE.rglob("*")):
        if not f.is_file() or "__pycache__" in f.parts or "vendor" in f.parts or f.name in SKIPPED:
            continue
        if f.suffix in (".py", ".html", ".css", ".js", ".j2", ".xml", ".svg", ".json", ".tpl"):
            out.append((str(f.relative_to(ROOT)), f.read_text(encoding="utf-8"), f.suffix == ".py"))
    return out


def _facts_of(root: Path) -> dict[str, str]:
    b = config.load(root / "briefing.yml")
    return article_facts(b, descriptor(root / "data" / "datapackage.json", b), root / "data")


FACTS = _facts_of(ROOT)


def test_the_facts_are_those_of_this_briefing():
    """The list is not empty by accident: it holds an actor, a section, a chapter page, a dataset and its field, a
    key date and a claim id of this briefing."""
    b = config.BRIEFING
    kinds = {v.split(" (")[0].split(" of ")[0] for v in FACTS.values()}
    assert {"actor", "section key", "chapter page", "a dataset", "a field", "claim id"} <= kinds, kinds
    assert set(b.actors) <= set(FACTS) and set(b.sections) <= set(FACTS)


@pytest.mark.parametrize("root", [ROOT, SECOND], ids=["this briefing", "the second briefing"])
def test_no_article_fact_is_typed_in_the_kit(root):
    found = offences(kit_sources(), FACTS if root == ROOT else _facts_of(root))
    assert not found, ("a fact of one briefing is typed in src/briefing; read it from briefing.yml (config), the "
                       "data package, or pass it from the notebook:\n" + "\n".join(found))


# -- the scanner, shown failing on facts typed into a synthetic module ------------------------------------------------

ACTOR = next(iter(config.BRIEFING.actors))
SECTION = next(iter(config.BRIEFING.sections))
CHAPTER = next(s.chapter for s in config.BRIEFING.sections.values() if s.chapter)
HEADING = next(h for s in config.BRIEFING.sections.values() for h in s.headings)
AD_LINE = sorted(config.BRIEFING.ad_lines)[0]
DATASET = next(f for f, why in FACTS.items() if why.startswith("a dataset"))
FIELD = next(f for f, why in FACTS.items() if why.startswith("a field"))
CLAIM = next(f for f, why in FACTS.items() if why.startswith("claim id"))


@pytest.mark.parametrize("snippet, fact", [
    (f'COLOURS = {{"{ACTOR}": "#000000"}}', ACTOR),
    (f'def chart(df):\n    return df[df["section"] == "{SECTION}"]', SECTION),
    (f'url = f"chapters/{CHAPTER}.html#{{anchor}}"', CHAPTER),
    (f'x = load("{DATASET}")["{FIELD}"]', FIELD),
    (f'def f():\n    """A docstring."""\n    return "{HEADING[:4]}{HEADING[4:]}"', HEADING),
    (f'MARKS = {{"{config.ARTICLE_DATE}": "article"}}', config.ARTICLE_DATE),
    (f'focus = "{CLAIM}"', CLAIM),
    (f'SKIP = ["{AD_LINE}"]', AD_LINE),  # a fact of two words
])
def test_the_scanner_flags_a_fact_typed_into_a_module(snippet, fact):
    found = offences([("synthetic.py", snippet, True)], FACTS)
    assert any(f"{fact!r}" in o for o in found), found


def test_the_scanner_flags_a_fact_injected_into_a_real_module():
    """A copy of ``analysis.py`` with one actor's colour typed back in, as it once was, fails; the module as it is
    passes."""
    source = (PACKAGE / "analysis.py").read_text(encoding="utf-8")
    assert offences([("analysis.py", source, True)], FACTS) == []
    injected = source + f'\n\nTRADE_COLOUR = ACTOR_COLOURS["{ACTOR}"]\n'
    assert [o for o in offences([("analysis.py", injected, True)], FACTS) if f"{ACTOR!r} (actor" in o]


def test_the_scanner_flags_a_fact_in_a_template_but_not_in_its_comments():
    template = f'{{# e.g. the section {SECTION} #}}\n<p class="briefing-{SECTION}">x</p>\n'
    found = offences([("synthetic.html", template, False)], FACTS)
    assert len(found) == 1 and found[0].startswith("synthetic.html:2:"), found


@pytest.mark.parametrize("snippet", [
    f'def f():\n    """For example ``{ACTOR}`` or {SECTION}."""\n    return 1',  # a docstring's example
    f'x = 1  # e.g. {ACTOR}',  # a comment
    'FIELDS = ("statement", "vote", "other", "all", "year", "country")',  # the kit's own words
    'row = table.loc["all"]; nxt = next(iter(rows))',
])
def test_the_scanner_passes_examples_and_the_kits_own_words(snippet):
    assert offences([("synthetic.py", snippet, True)], FACTS) == []
