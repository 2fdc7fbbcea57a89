"""Layer 1: a briefing's own facts, from its ``briefing.yml``, as a value: the article's date and key dates, its
sections (key, headings, reader's label, theme, chapter page), its themes, the number of sources it cites, the
scraping artifacts of its file, the chapters its calls may belong to, the actors its charts colour, the labels and
colours of its own datasets, and the pages that hold its claims, calls, sources and annotated article.

Nothing is read when the kit is imported. :func:`load` reads one file into a :class:`Briefing`; :func:`current`
is the briefing the kit works on now: the one given to :func:`use` (a context manager, so two briefings can be
used in one process, one after the other or in different threads), else the one at ``paths.root()`` (the
``BRIEFING_ROOT`` environment variable, or the repository), loaded once and reloaded when the file changes.

The file is checked by a schema (pydantic models below: types, patterns, unknown keys) and then by a few rules
across fields (a section's theme is a theme; keys and headings are unique; calls' range; datasets' colours).
A broken rule raises :class:`ConfigError`, whose message names the file, the key and the rule (for example
``briefing.yml: sections[2].theme: unknown theme: 'x' is not one of a, b``).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Optional

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

from . import paths

CONFIG_NAME = "briefing.yml"
# Parts of an article that every briefing has, whatever its sections: they cannot be a section's key.
RESERVED_PARTS = ("opening", "sources", "artifacts")
# Everyone the briefing does not list among its actors: a dataset's colour may name it (the vocabulary's grey).
OTHER_ACTOR = "other"
# The pages (under chapters/) that hold a briefing's claim cards, its calls, every source, the annotated article;
# ``pages`` of briefing.yml names them where a briefing differs.
DEFAULT_PAGES = {"claims": "register", "calls": "calls", "sources": "sources", "article": "article"}


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
    # What -> page name (under chapters/): claims, calls, sources, article (``DEFAULT_PAGES`` where not set).
    pages: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PAGES))

    @property
    def root(self) -> Path:
        """The briefing's folder (``briefing.yml``, ``data/``, ``chapters/``)."""
        return Path(self.file).resolve().parent

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

    def page(self, what: str) -> str:
        """The link from a chapter page to the page holding ``what`` (claims, calls, sources, article):
        ``register.html``."""
        return f"{self.pages[what]}.html"

    def doc(self, what: str) -> str:
        """The document name of the page holding ``what``, as Sphinx names it: ``chapters/register``."""
        return f"chapters/{self.pages[what]}"

    def dataset(self, resource: str, field_: str) -> tuple[dict[str, str], dict[str, str] | None]:
        """The labels and colours (as written: hex or an actor's code) of one dataset field; empty when this
        briefing has no such dataset."""
        return self.datasets.get((resource, field_), ({}, {}))


# -- the schema ---------------------------------------------------------------------------------------------------
# Each constrained value fails with its rule as the error's type, so a ConfigError can name it.


def _kind(value) -> str:
    return "nothing" if value is None else f"a {type(value).__name__} ({value!r})"[:80]


def _rule(rule: str, pattern: str, expected: str, strip: bool = False):
    """A string matching ``pattern``, or the error ``rule``."""
    def check(value):
        if not isinstance(value, str) or not re.fullmatch(pattern, value.strip() if strip else value):
            raise PydanticCustomError(rule, f"expected {expected}, not {{got}}", {"got": _kind(value)})
        return value
    return BeforeValidator(check)


def _date(value):
    if isinstance(value, dt.date):  # YAML reads an unquoted 2025-03-01 as a date
        return value.isoformat()
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):
        raise PydanticCustomError("date", "expected YYYY-MM-DD or YYYY-MM, not {got}", {"got": _kind(value)})
    try:
        dt.date.fromisoformat(value if len(value) == 10 else value + "-01")
    except ValueError:
        raise PydanticCustomError("date", "'{v}' is not a date of the calendar", {"v": value}) from None
    return value


def _count(value):
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise PydanticCustomError("count", "expected a whole number ≥ 0, not {got}", {"got": _kind(value)})
    return value


def _section_key(value):
    if value in RESERVED_PARTS:
        raise PydanticCustomError("reserved", "'{v}' names a part every article has ({parts}), not a section",
                                  {"v": value, "parts": ", ".join(RESERVED_PARTS)})
    return value


Text = Annotated[str, _rule("text", r".*\S.*", "a non-empty string", strip=True)]
Identifier = Annotated[str, _rule("identifier", r"[a-z][a-z0-9_]*",
                                  "lower-case letters, digits and _ (starting with a letter)")]
Page = Annotated[str, _rule("page name", r"[a-z0-9][a-z0-9_-]*", "a page name (lower case, no folder or suffix)")]
Date = Annotated[str, BeforeValidator(_date)]
Count = Annotated[int, BeforeValidator(_count)]
Name = Annotated[str, _rule("name", r"[A-Z][A-Z0-9_]*", "an upper-case name such as TRACK")]
ActorCode = Annotated[str, _rule("actor code", r"[A-Z][A-Z0-9]*", f"an upper-case code such as ABC "
                                 f"('{OTHER_ACTOR}' is everyone else, always there)")]
Hex = Annotated[str, _rule("colour", r"#[0-9A-Fa-f]{6}", "#RRGGBB")]
HexOrActor = Annotated[str, _rule("colour", r"#[0-9A-Fa-f]{6}|[A-Za-z][A-Za-z0-9]*", "#RRGGBB or an actor's code")]
Value = Annotated[str, BeforeValidator(str)]  # a field's value, as the CSV holds it (YAML may read `yes` as true)
FieldName = Annotated[str, _rule("resource.field", r"[a-z0-9_]+\.[a-z0-9_]+", "a dataset's field as resource.field")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class _Artifacts(_Strict):
    image_caption: Optional[Text] = None
    ad_lines: list[Text] = []
    source_list_heading: Optional[Text] = None
    cited_source_separator: Optional[Text] = None


class _Article(_Strict):
    date: Date
    key_dates: dict[Identifier, Date] = {}
    cited_sources: Count = 0
    artifacts: _Artifacts = _Artifacts()


class _Theme(_Strict):
    label: Text
    scorecard: Annotated[str, _rule("scorecard", r"always|when_scored", "one of always, when_scored")] = "always"


def _theme(value):  # a theme is its label, or {label: …, scorecard: always | when_scored}
    return {"label": value} if isinstance(value, str) else value


class _Section(_Strict):
    key: Annotated[Identifier, BeforeValidator(_section_key)]
    label: Text
    theme: str
    headings: Optional[list[Text]] = None
    chapter: Optional[Page] = None


class _Calls(_Strict):
    min: Count = 0
    max: Optional[Count] = None
    min_watch: Count = 0


class _Pages(_Strict):
    claims: Page = DEFAULT_PAGES["claims"]
    calls: Page = DEFAULT_PAGES["calls"]
    sources: Page = DEFAULT_PAGES["sources"]
    article: Page = DEFAULT_PAGES["article"]


class _Dataset(_Strict):
    vocabulary: Optional[Name] = None  # the field's values are labelled by a generic table of the vocabulary
    name: Optional[Name] = None
    labels: Optional[dict[Value, Text]] = None
    colours: Optional[dict[Value, HexOrActor]] = None


def _non_empty(value):
    if isinstance(value, (dict, list)) and not value:
        raise PydanticCustomError("empty", "name at least one")
    return value


class _File(_Strict):
    article: _Article
    themes: Annotated[dict[Identifier, Annotated[_Theme, BeforeValidator(_theme)]], BeforeValidator(_non_empty)]
    sections: Annotated[list[_Section], BeforeValidator(_non_empty)]
    chapters: dict[Page, Text] = {}
    calls: _Calls = _Calls()
    pages: _Pages = _Pages()
    actors: dict[ActorCode, Hex] = {}
    datasets: dict[FieldName, _Dataset] = {}


# pydantic's own error types, as the rule a message names, and what the rule expects
RULES = {"missing": "required", "extra_forbidden": "unknown key", "dict_type": "mapping", "model_type": "mapping",
         "list_type": "list", "string_type": "text", "int_type": "count"}
EXPECTED = {"required": "the key is missing", "unknown key": "not a key this part of the file has",
            "mapping": "expected a mapping of keys to values", "list": "expected a list", "text": "expected a string",
            "count": "expected a whole number ≥ 0"}


def _key(loc: tuple) -> str:
    out = ""
    for part in loc:
        if part == "[key]":  # the dict key itself is what is wrong: its path already names it
            continue
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out or "(top level)"


def _first_error(err: ValidationError, file) -> ConfigError:
    e = err.errors(include_url=False)[0]
    if e["type"] not in RULES:  # one of the rules above (_rule, _date, …): its own message
        return ConfigError(file, _key(e["loc"]), e["type"], e["msg"])
    rule = RULES[e["type"]]
    given = "" if rule in ("required", "unknown key") else f", not {_kind(e.get('input'))}"
    return ConfigError(file, _key(e["loc"]), rule, EXPECTED[rule] + given)


def check(raw, file: str | Path = CONFIG_NAME) -> Briefing:
    """A :class:`Briefing` from the parsed YAML, or :class:`ConfigError` naming the first broken rule."""
    try:
        f = _File.model_validate(raw)
    except ValidationError as err:
        raise _first_error(err, file) from None

    # rules across fields
    themes = {k: t.label for k, t in f.themes.items()}
    sections: dict[str, Section] = {}
    heading_of: dict[str, str] = {}
    for n, s in enumerate(f.sections):
        where = f"sections[{n}]"
        if s.key in sections:
            raise ConfigError(file, f"{where}.key", "unique", f"section '{s.key}' is listed twice")
        if s.theme not in themes:
            raise ConfigError(file, f"{where}.theme", "unknown theme", f"'{s.theme}' is not one of "
                              f"{', '.join(themes)}")
        for h, heading in enumerate(s.headings or []):
            if heading in heading_of:
                raise ConfigError(file, f"{where}.headings[{h}]", "unique", f"'{heading}' already opens section "
                                  f"'{heading_of[heading]}'")
            heading_of[heading] = s.key
        sections[s.key] = Section(s.key, s.label, s.theme, tuple(s.headings or ()), s.chapter)
    art = f.article.artifacts
    for name in ("image_caption", "source_list_heading"):
        if getattr(art, name) in heading_of:
            raise ConfigError(file, f"article.artifacts.{name}", "unique", f"'{getattr(art, name)}' is also a heading")
    if f.calls.max is not None and f.calls.max < f.calls.min:
        raise ConfigError(file, "calls.max", "range", f"at most {f.calls.max} calls is fewer than the minimum, "
                          f"{f.calls.min}")

    datasets, names, generic = {}, {}, {}
    for name, spec in f.datasets.items():
        where, key = f"datasets.{name}", tuple(name.split("."))
        if spec.vocabulary is not None:
            if spec.model_fields_set != {"vocabulary"}:
                raise ConfigError(file, f"{where}.vocabulary", "alone", "a field labelled by the vocabulary's own "
                                  "table names no labels, colours or name of its own")
            generic[key] = spec.vocabulary
            continue
        if spec.name is not None:
            if spec.name in names.values():
                raise ConfigError(file, f"{where}.name", "unique", f"'{spec.name}' names another dataset too")
            names[key] = spec.name
        if spec.labels is None:
            raise ConfigError(file, f"{where}.labels", "required", "a dataset's field names its values' labels")
        if spec.colours is not None:
            odd = [v for v in spec.labels if v not in spec.colours] + sorted(set(spec.colours) - set(spec.labels))
            if odd:
                raise ConfigError(file, f"{where}.colours", "same values", f"labels and colours name the same "
                                  f"values; '{odd[0]}' is in one only")
            for value, colour in spec.colours.items():
                if not colour.startswith("#") and colour not in f.actors and colour != OTHER_ACTOR:
                    raise ConfigError(file, f"{where}.colours.{value}", "actor", f"'{colour}' is neither #RRGGBB "
                                      f"nor an actor of actors ({', '.join([*f.actors, OTHER_ACTOR])})")
        datasets[key] = (dict(spec.labels), None if spec.colours is None else dict(spec.colours))

    return Briefing(str(file), f.article.date, dict(f.article.key_dates), f.article.cited_sources,
                    art.image_caption, frozenset(art.ad_lines), art.source_list_heading or "",
                    art.cited_source_separator or "", themes, sections, dict(f.chapters), datasets, names,
                    f.calls.model_dump(), dataset_vocabularies=generic, actors=dict(f.actors),
                    themes_when_scored=frozenset(k for k, t in f.themes.items() if t.scorecard == "when_scored"),
                    pages=f.pages.model_dump())


def load(path: str | Path | None = None) -> Briefing:
    """Read and check a briefing's ``briefing.yml`` (by default the one at ``paths.root()``)."""
    path = Path(path) if path is not None else paths.root() / CONFIG_NAME
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


# -- the briefing the kit works on ----------------------------------------------------------------------------------

_CURRENT: contextvars.ContextVar[Briefing | None] = contextvars.ContextVar("briefing", default=None)
_LOADED: dict[Path, tuple[int, Briefing]] = {}


def at(root: str | Path) -> Briefing:
    """The briefing in folder ``root``, loaded once (again when its ``briefing.yml`` changes)."""
    path = (Path(root) / CONFIG_NAME).resolve()
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        return load(path)  # names the missing file
    cached = _LOADED.get(path)
    if cached is None or cached[0] != stamp:
        cached = _LOADED[path] = (stamp, load(path))
    return cached[1]


def current() -> Briefing:
    """The briefing the kit works on: the one :func:`use` set, else the one at ``paths.root()``."""
    return _CURRENT.get() or at(paths.root())


@contextmanager
def use(briefing: Briefing | str | Path):
    """Work on ``briefing`` (a :class:`Briefing`, or the folder holding one) inside the ``with`` block: the kit's
    configuration and its files (``paths.root()``: data, chapters) are that briefing's."""
    b = briefing if isinstance(briefing, Briefing) else at(briefing)
    token = _CURRENT.set(b)
    try:
        with paths.use_root(b.root):
            yield b
    finally:
        _CURRENT.reset(token)


def dataset(resource: str, field_: str) -> tuple[dict[str, str], dict[str, str] | None]:
    """The current briefing's labels and colours of one dataset field (see :meth:`Briefing.dataset`)."""
    return current().dataset(resource, field_)


# The names the kit once read as constants, for notebooks and tests: each read from the current briefing.
_NAMES = {
    "BRIEFING": lambda b: b,
    "ARTICLE_DATE": lambda b: b.article_date,
    "KEY_DATES": lambda b: b.key_dates,
    "CITED_SOURCES": lambda b: b.cited_sources,
    "SECTIONS": lambda b: b.sections,
    "HEADINGS": lambda b: b.headings,
    "THEMES": lambda b: b.section_themes,
    "THEME_LABELS": lambda b: b.themes,
    "IMAGE_CAPTION": lambda b: b.image_caption,
    "AD_LINES": lambda b: b.ad_lines,
    "SOURCE_LIST_HEADING": lambda b: b.source_list_heading,
    "CITED_SOURCE_SEPARATOR": lambda b: b.cited_source_separator,
    "MIN_CALLS": lambda b: b.calls["min"],
    "MAX_CALLS": lambda b: b.calls["max"],
    "MIN_WATCH": lambda b: b.calls["min_watch"],
    "ACTORS": lambda b: b.actors,
    "THEMES_WHEN_SCORED": lambda b: b.themes_when_scored,
    "CONFIG_FILE": lambda b: Path(b.file),
}


def __getattr__(name: str) -> Any:
    if name in _NAMES:
        return _NAMES[name](current())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
