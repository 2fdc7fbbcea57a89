"""Layer 1: this briefing's own facts, from ``briefing.yml`` at the root (``paths.ROOT``, which honours the
``BRIEFING_ROOT`` environment variable): the article's date and key dates, its sections (key, headings, reader's
label, theme, chapter page), its themes, the number of sources it cites, the scraping artifacts of its file, the
chapters its calls may belong to, the actors its charts colour, and the labels and colours of its own datasets.

The file is checked when it loads; a broken rule raises :class:`ConfigError`, whose message names the file, the
key and the rule (for example ``briefing.yml: sections[2].theme: unknown theme: 'x' is not one of a, b``).
The kit reads these facts from here (``vocabulary`` labels them, ``article`` splits the text by them, ``scoring``
and ``rules`` apply them); nothing particular to one article is written in ``src/briefing``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .paths import ROOT

CONFIG_FILE = ROOT / "briefing.yml"
# Parts of an article that every briefing has, whatever its sections: they cannot be a section's key.
RESERVED_PARTS = ("opening", "sources", "artifacts")
KEY = re.compile(r"^[a-z][a-z0-9_]*$")
PAGE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
ACTOR = re.compile(r"^[A-Z][A-Z0-9]*$")  # an actor's code: upper case (ISO 3166-1 alpha-3 for a country)
# Everyone the briefing does not list among its actors: a dataset's colour may name it (the vocabulary's grey).
OTHER_ACTOR = "other"
# How a theme shows in the scorecard by theme: always (zeros and all), or only when it holds a scored claim.
SCORECARD = ("always", "when_scored")
TOP_KEYS = ("article", "themes", "sections", "chapters", "calls", "actors", "datasets")
THEME_KEYS = ("label", "scorecard")
DATASET_KEYS = ("name", "labels", "colours", "vocabulary")
CALLS_KEYS = ("min", "max", "min_watch")
ARTICLE_KEYS = ("date", "key_dates", "cited_sources", "artifacts")
ARTIFACT_KEYS = ("image_caption", "ad_lines", "source_list_heading", "cited_source_separator")
SECTION_KEYS = ("key", "headings", "label", "theme", "chapter")


class ConfigError(ValueError):
    """``briefing.yml`` broke a rule. ``str(err)`` names the file, the key and the rule."""

    def __init__(self, file: str | Path, key: str, rule: str, message: str):
        self.file, self.key, self.rule = str(file), key, rule
        super().__init__(f"{file}: {key}: {rule}: {message}")


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    theme: str
    headings: tuple[str, ...] = ()
    chapter: str | None = None  # the page (under chapters/) that reads this section


@dataclass(frozen=True)
class Briefing:
    file: str
    article_date: str
    key_dates: dict[str, str]
    cited_sources: int
    image_caption: str | None
    ad_lines: frozenset[str]
    source_list_heading: str
    cited_source_separator: str
    themes: dict[str, str]
    sections: dict[str, Section]
    chapters: dict[str, str] = field(default_factory=dict)
    # (resource, field) -> (labels, colours or None); a colour is a hex colour or an actor's code, as written.
    datasets: dict[tuple[str, str], tuple[dict[str, str], dict[str, str] | None]] = field(default_factory=dict)
    # (resource, field) -> the vocabulary's name for it: ``TRACK`` gives ``vocabulary.TRACK_LABELS`` and ``_COLOURS``.
    dataset_names: dict[tuple[str, str], str] = field(default_factory=dict)
    # How many calls of its own the briefing makes (at least ``min``, at most ``max``: None for no maximum) and how
    # many indicators to watch it lists (at least ``min_watch``).
    calls: dict[str, int | None] = field(default_factory=lambda: {"min": 0, "max": None, "min_watch": 0})
    # (resource, field) -> the name of a generic table of the vocabulary that labels its values (``VOTE``: the
    # field holds votes, labelled and coloured by ``vocabulary.VOTE_LABELS`` and ``VOTE_COLOURS``).
    dataset_vocabularies: dict[tuple[str, str], str] = field(default_factory=dict)
    # The actors the charts colour, by code (in the file's order): their colour (#RRGGBB).
    actors: dict[str, str] = field(default_factory=dict)
    # Themes the scorecard by theme shows only when they hold a scored forecast or question.
    themes_when_scored: frozenset[str] = frozenset()

    @property
    def headings(self) -> dict[str, str]:
        """Every heading of the article and the section it opens."""
        return {h: s.key for s in self.sections.values() for h in s.headings}

    @property
    def section_labels(self) -> dict[str, str]:
        return {k: s.label for k, s in self.sections.items()}

    @property
    def section_themes(self) -> dict[str, str]:
        return {k: s.theme for k, s in self.sections.items()}

    @property
    def chapter_labels(self) -> dict[str, str]:
        """Chapter page -> label: each section's chapter (labelled as its section), then the other chapters."""
        out = {s.chapter: s.label for s in self.sections.values() if s.chapter}
        return {**out, **self.chapters}


# -- checking -------------------------------------------------------------------------------------------------


def _mapping(value, file, key: str, required: bool = True) -> dict:
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(file, key, "mapping", f"expected a mapping of keys to values, not {_kind(value)}")
    return value


def _kind(value) -> str:
    return "nothing" if value is None else f"a {type(value).__name__} ({value!r})"[:80]


def _text(value, file, key: str, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(file, key, "text", f"expected a non-empty string, not {_kind(value)}")
    return value


def _date(value, file, key: str) -> str:
    if isinstance(value, dt.date):  # YAML reads an unquoted 2025-03-01 as a date
        return value.isoformat()
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):
        raise ConfigError(file, key, "date", f"expected YYYY-MM-DD or YYYY-MM, not {_kind(value)}")
    try:
        dt.date.fromisoformat(value if len(value) == 10 else value + "-01")
    except ValueError:
        raise ConfigError(file, key, "date", f"'{value}' is not a date of the calendar") from None
    return value


def _unknown(found: dict, allowed: tuple[str, ...], file, where: str) -> None:
    extra = [k for k in found if k not in allowed]
    if extra:
        raise ConfigError(file, f"{where}{extra[0]}" if where else str(extra[0]), "unknown key",
                          f"not one of {', '.join(allowed)}")


def _identifier(value, file, key: str) -> str:
    if not isinstance(value, str) or not KEY.match(value):
        raise ConfigError(file, key, "identifier", f"expected lower-case letters, digits and _ (starting with a "
                          f"letter), not {_kind(value)}")
    return value


def check(raw, file: str | Path = "briefing.yml") -> Briefing:
    """A :class:`Briefing` from the parsed YAML, or :class:`ConfigError` naming the first broken rule."""
    raw = _mapping(raw, file, "(top level)")
    _unknown(raw, TOP_KEYS, file, "")
    for required in ("article", "themes", "sections"):
        if required not in raw:
            raise ConfigError(file, required, "required", "the key is missing")

    art = _mapping(raw["article"], file, "article")
    _unknown(art, ARTICLE_KEYS, file, "article.")
    if "date" not in art:
        raise ConfigError(file, "article.date", "required", "the article's date is missing")
    date = _date(art["date"], file, "article.date")
    key_dates = {}
    for name, value in _mapping(art.get("key_dates"), file, "article.key_dates", required=False).items():
        key_dates[_identifier(name, file, f"article.key_dates.{name}")] = _date(value, file,
                                                                                f"article.key_dates.{name}")
    cited = art.get("cited_sources", 0)
    if not isinstance(cited, int) or isinstance(cited, bool) or cited < 0:
        raise ConfigError(file, "article.cited_sources", "count", f"expected a whole number ≥ 0, not {_kind(cited)}")
    artifacts = _mapping(art.get("artifacts"), file, "article.artifacts", required=False)
    _unknown(artifacts, ARTIFACT_KEYS, file, "article.artifacts.")
    ad_lines = artifacts.get("ad_lines") or []
    if not isinstance(ad_lines, list) or not all(isinstance(a, str) and a.strip() for a in ad_lines):
        raise ConfigError(file, "article.artifacts.ad_lines", "list", f"expected a list of lines, not {_kind(ad_lines)}")

    given_themes = _mapping(raw["themes"], file, "themes")
    if not given_themes:
        raise ConfigError(file, "themes", "empty", "name at least one theme")
    themes, when_scored = {}, set()
    for key, spec in given_themes.items():
        _identifier(key, file, f"themes.{key}")
        if isinstance(spec, dict):  # {label: …, scorecard: always | when_scored}
            _unknown(spec, THEME_KEYS, file, f"themes.{key}.")
            themes[key] = _text(spec.get("label"), file, f"themes.{key}.label")
            shown = spec.get("scorecard", "always")
            if shown not in SCORECARD:
                raise ConfigError(file, f"themes.{key}.scorecard", "scorecard", f"expected one of "
                                  f"{', '.join(SCORECARD)}, not {_kind(shown)}")
            if shown == "when_scored":
                when_scored.add(key)
        else:
            themes[key] = _text(spec, file, f"themes.{key}")

    listed = raw["sections"]
    if not isinstance(listed, list) or not listed:
        raise ConfigError(file, "sections", "list", f"expected a non-empty list of sections, not {_kind(listed)}")
    sections: dict[str, Section] = {}
    heading_of: dict[str, str] = {}
    for n, item in enumerate(listed):
        where = f"sections[{n}]"
        item = _mapping(item, file, where)
        _unknown(item, SECTION_KEYS, file, f"{where}.")
        for required in ("key", "label", "theme"):
            if required not in item:
                raise ConfigError(file, f"{where}.{required}", "required", "every section has a key, a label and a "
                                  "theme")
        key = _identifier(item["key"], file, f"{where}.key")
        if key in RESERVED_PARTS:
            raise ConfigError(file, f"{where}.key", "reserved", f"'{key}' names a part every article has "
                              f"({', '.join(RESERVED_PARTS)}), not a section")
        if key in sections:
            raise ConfigError(file, f"{where}.key", "unique", f"section '{key}' is listed twice")
        theme = item["theme"]
        if theme not in themes:
            raise ConfigError(file, f"{where}.theme", "unknown theme", f"'{theme}' is not one of "
                              f"{', '.join(themes)}")
        headings = item.get("headings") or []
        if not isinstance(headings, list):
            raise ConfigError(file, f"{where}.headings", "list", f"expected a list of headings, not {_kind(headings)}")
        for h, heading in enumerate(headings):
            _text(heading, file, f"{where}.headings[{h}]")
            if heading in heading_of:
                raise ConfigError(file, f"{where}.headings[{h}]", "unique", f"'{heading}' already opens section "
                                  f"'{heading_of[heading]}'")
            heading_of[heading] = key
        chapter = item.get("chapter")
        if chapter is not None and (not isinstance(chapter, str) or not PAGE.match(chapter)):
            raise ConfigError(file, f"{where}.chapter", "page name", f"expected a page name (lower case, no "
                              f"folder or suffix), not {_kind(chapter)}")
        sections[key] = Section(key, _text(item["label"], file, f"{where}.label"), theme, tuple(headings), chapter)

    special = {name: _text(artifacts.get(name), file, f"article.artifacts.{name}", required=False)
               for name in ("image_caption", "source_list_heading", "cited_source_separator")}
    for name in ("image_caption", "source_list_heading"):
        if special[name] in heading_of:
            raise ConfigError(file, f"article.artifacts.{name}", "unique", f"'{special[name]}' is also a heading")

    chapters = {}
    for page, label in _mapping(raw.get("chapters"), file, "chapters", required=False).items():
        if not isinstance(page, str) or not PAGE.match(page):
            raise ConfigError(file, f"chapters.{page}", "page name", "expected a page name (lower case, no folder "
                              "or suffix)")
        chapters[page] = _text(label, file, f"chapters.{page}")

    calls = {"min": 0, "max": None, "min_watch": 0}
    given = _mapping(raw.get("calls"), file, "calls", required=False)
    _unknown(given, CALLS_KEYS, file, "calls.")
    for name, value in given.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigError(file, f"calls.{name}", "count", f"expected a whole number ≥ 0, not {_kind(value)}")
        calls[name] = value
    if calls["max"] is not None and calls["max"] < calls["min"]:
        raise ConfigError(file, "calls.max", "range", f"at most {calls['max']} calls is fewer than the minimum, "
                          f"{calls['min']}")

    actors = {}
    for code, colour in _mapping(raw.get("actors"), file, "actors", required=False).items():
        if not isinstance(code, str) or not ACTOR.match(code):
            raise ConfigError(file, f"actors.{code}", "actor code", f"expected an upper-case code such as ABC "
                              f"('{OTHER_ACTOR}' is everyone else, always there), not {_kind(code)}")
        if not isinstance(colour, str) or not COLOUR.match(colour):
            raise ConfigError(file, f"actors.{code}", "colour", f"expected #RRGGBB, not {_kind(colour)}")
        actors[code] = colour

    datasets, names, generic = {}, {}, {}
    for name, spec in _mapping(raw.get("datasets"), file, "datasets", required=False).items():
        where = f"datasets.{name}"
        if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]+\.[a-z0-9_]+", name):
            raise ConfigError(file, where, "resource.field", "name a dataset's field as resource.field")
        spec = _mapping(spec, file, where)
        _unknown(spec, DATASET_KEYS, file, f"{where}.")
        if "vocabulary" in spec:  # the field's values are labelled by a generic table of the vocabulary
            table = spec["vocabulary"]
            if set(spec) != {"vocabulary"}:
                raise ConfigError(file, f"{where}.vocabulary", "alone", "a field labelled by the vocabulary's own "
                                  "table names no labels, colours or name of its own")
            if not isinstance(table, str) or not re.fullmatch(r"[A-Z][A-Z0-9_]*", table):
                raise ConfigError(file, f"{where}.vocabulary", "name", f"expected an upper-case name such as VOTE, "
                                  f"not {_kind(table)}")
            generic[tuple(name.split("."))] = table
            continue
        if "name" in spec:
            vname = spec["name"]
            if not isinstance(vname, str) or not re.fullmatch(r"[A-Z][A-Z0-9_]*", vname):
                raise ConfigError(file, f"{where}.name", "name", f"expected an upper-case name such as TRACK, not "
                                  f"{_kind(vname)}")
            if vname in names.values():
                raise ConfigError(file, f"{where}.name", "unique", f"'{vname}' names another dataset too")
            names[tuple(name.split("."))] = vname
        labels = _mapping(spec.get("labels"), file, f"{where}.labels")
        for value, label in labels.items():
            _text(label, file, f"{where}.labels.{value}")
        colours = spec.get("colours")
        if colours is not None:
            colours = _mapping(colours, file, f"{where}.colours")
            missing = [v for v in labels if v not in colours]
            if missing or set(colours) - set(labels):
                odd = missing[0] if missing else sorted(set(colours) - set(labels))[0]
                raise ConfigError(file, f"{where}.colours", "same values", f"labels and colours name the same "
                                  f"values; '{odd}' is in one only")
            for value, colour in colours.items():
                if not isinstance(colour, str) or not (COLOUR.match(colour) or
                                                       re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", colour)):
                    raise ConfigError(file, f"{where}.colours.{value}", "colour", f"expected #RRGGBB or an actor's "
                                      f"code, not {_kind(colour)}")
                if not COLOUR.match(colour) and colour not in actors and colour != OTHER_ACTOR:
                    raise ConfigError(file, f"{where}.colours.{value}", "actor", f"'{colour}' is neither #RRGGBB "
                                      f"nor an actor of actors ({', '.join([*actors, OTHER_ACTOR])})")
        resource, fname = name.split(".")
        datasets[(resource, fname)] = ({str(k): v for k, v in labels.items()},
                                       None if colours is None else {str(k): v for k, v in colours.items()})

    return Briefing(str(file), date, key_dates, cited, special["image_caption"], frozenset(ad_lines),
                    special["source_list_heading"] or "", special["cited_source_separator"] or "", dict(themes),
                    sections, chapters, datasets, names, calls, dataset_vocabularies=generic, actors=actors,
                    themes_when_scored=frozenset(when_scored))


def load(path: str | Path = CONFIG_FILE) -> Briefing:
    """Read and check a briefing's ``briefing.yml``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, "(file)", "missing", "every briefing has a briefing.yml at its root (BRIEFING_ROOT "
                          "names the root)") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        raise ConfigError(path, where, "yaml", str(getattr(err, "problem", None) or err)) from None
    return check(raw, path)


BRIEFING = load()

# The names the kit reads (one briefing per process: the one at ``paths.ROOT``).
ARTICLE_DATE = BRIEFING.article_date
KEY_DATES = BRIEFING.key_dates
CITED_SOURCES = BRIEFING.cited_sources
SECTIONS = BRIEFING.sections
HEADINGS = BRIEFING.headings
THEMES = BRIEFING.section_themes
THEME_LABELS = BRIEFING.themes
IMAGE_CAPTION = BRIEFING.image_caption
AD_LINES = BRIEFING.ad_lines
SOURCE_LIST_HEADING = BRIEFING.source_list_heading
CITED_SOURCE_SEPARATOR = BRIEFING.cited_source_separator
MIN_CALLS, MAX_CALLS, MIN_WATCH = BRIEFING.calls["min"], BRIEFING.calls["max"], BRIEFING.calls["min_watch"]
ACTORS = BRIEFING.actors
THEMES_WHEN_SCORED = BRIEFING.themes_when_scored


def dataset(resource: str, field_: str) -> tuple[dict[str, str], dict[str, str] | None]:
    """The labels and colours (as written: hex or an actor's code) of one dataset field; empty when this briefing
    has no such dataset."""
    return BRIEFING.datasets.get((resource, field_), ({}, {}))
