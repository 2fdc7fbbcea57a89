"""Layer 2: the book's vocabulary — every label and colour, in one place (this briefing's own from briefing.yml).

It imports only ``config`` (this briefing's own sections, themes, chapters, actors and dataset labels, from
``briefing.yml``), so every layer above (``claims``, ``charts``, ``render``, ``analysis``, ``sphinx_ext``) can read
it. Keys are the values stored in ``data/`` (enums of ``datapackage.json``); values are what a reader
sees. Change a label or a colour here and it changes on every page and chart of the book.
"""

from __future__ import annotations

from . import config

# -- versions of what the book serves ---------------------------------------------------------------------------

VEGA_LITE_VERSION = "6.4"  # must match the Vega-Lite schema of the pinned Altair (see tests/test_charts.py)
# JupyterLab 4 (and VS Code) draw Vega-Lite natively under the v5 MIME type only (their renderers carry
# Vega-Lite 5); the spec is handed to them with the v5 schema URL. tests/lab checks that every figure draws there.
VEGA_LITE_MIME = "application/vnd.vegalite.v5+json"
VEGA_LITE_V5_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
# The schema the book's own vega-embed bundle reads (Vega-Lite ``VEGA_LITE_VERSION``, Altair's ``SCHEMA_URL``).
VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"
# A chart's output carries, under this key of its output metadata, what the book's figure shows besides the chart
# (title, text alternative, source note, data downloads, claims tested). The figure's markup is made from it at
# build time (``figures.figure_markup``, template ``figure.html``): no text/html member, which JupyterLab would
# rank above its Vega renderer, and no markup stored in the notebook.
FIGURE_METADATA = "briefing"

# -- the article ------------------------------------------------------------------------------------------------

# The article's parts (``heading_section`` of a line; ``section`` of a claim), in reading order: the opening, the
# briefing's own sections (``briefing.yml``), the cited-source list and the trailing artifacts.
SECTION_LABELS = {
    "opening": "Opening",
    **config.BRIEFING.section_labels,
    "sources": "Cited sources",
    "artifacts": "Trailing artifacts",
}
# Kinds of line (``article.KINDS``): a short label for charts and a longer note for the annotated article.
KIND_LABELS = {
    "body": "Body text",
    "heading": "Heading",
    "image_caption": "Image caption (artifact)",
    "ad_artifact": "Ad line (artifact)",
    "source_list_heading": "Source list heading",
    "cited_source": "Cited source",
}
KIND_COLOURS = {
    "body": "#3B5B92",
    "heading": "#111111",
    "image_caption": "#B8B8B8",
    "ad_artifact": "#E0E0E0",
    "source_list_heading": "#7F7F7F",
    "cited_source": "#9C6ADE",
}
KIND_NOTES = {
    "image_caption": "scraped image caption (artifact)",
    "ad_artifact": "advertisement line (artifact)",
    "heading": "heading",
    "source_list_heading": "heading of the cited-source list",
    "cited_source": "a source the article cites",
}

# -- the claims register ----------------------------------------------------------------------------------------

TYPE_LABELS = {"fact": "Fact", "judgment": "Judgment", "forecast": "Forecast", "question": "Question"}
VERDICT_LABELS = {
    "supported": "Supported",
    "partly_supported": "Partly supported",
    "contradicted": "Contradicted",
    "unverified": "Unverified",
    "not_checkable": "Not checkable",
}
# The article's tracks, for scorecards split by theme (``briefing.yml``; ``claims.THEMES`` maps each section to one).
THEME_LABELS = dict(config.THEME_LABELS)
VERDICT_COLOURS = {
    "supported": "#1B7837",
    "partly_supported": "#C98B00",
    "contradicted": "#B2182B",
    "unverified": "#6E6E6E",
    "not_checkable": "#B8B8B8",
}
OUTCOME_LABELS = {
    "borne_out": "Borne out",
    "partly_borne_out": "Partly borne out",
    "not_borne_out": "Not borne out",
    "too_early": "Too early to tell",
    "not_scorable": "Not scorable",
}
# What each chip means, in plain words: the rating scale printed under every chapter's claims table (issue 25).
VERDICT_MEANINGS = {
    "supported": "the record confirms it in every checkable particular",
    "partly_supported": "the core holds, but a date, place, number or participant is wrong or overstated",
    "contradicted": "the record shows it is false as stated",
    "unverified": "nothing adequate was found either way",
    "not_checkable": "a judgment, forecast or question, not a fact",
}
OUTCOME_MEANINGS = {
    "borne_out": "what followed matches the forecast",
    "partly_borne_out": "part of it happened, or less of it",
    "not_borne_out": "what followed runs against it",
    "too_early": "the evidence so far cannot settle it",
    "not_scorable": "too vague to score against any outcome",
}
OUTCOME_COLOURS = {
    "borne_out": "#1B7837",
    "partly_borne_out": "#C98B00",
    "not_borne_out": "#B2182B",
    "too_early": "#8C8C8C",
    "not_scorable": "#A6BDDB",
}
REVIEWER = "The briefing team"  # the author of every ClaimReview
# Estimative language for our own judgments (after US ICD 203): each term and the probability range (%) it means.
ESTIMATIVE_TERMS = {
    "almost no chance": (1, 5),
    "very unlikely": (5, 20),
    "unlikely": (20, 45),
    "roughly even chance": (45, 55),
    "likely": (55, 80),
    "very likely": (80, 95),
    "almost certain": (95, 99),
}
# Confidence in an assessment or a call: how good the evidence is, not how likely the event is.
CONFIDENCE_LABELS = {"low": "Low", "moderate": "Moderate", "high": "High"}
CONFIDENCE_LEVELS = tuple(CONFIDENCE_LABELS)  # in order, lowest first (the `confidence` enum of claims and calls)
# The chapters of the book (page names) that the briefing's own calls and its indicators to watch belong to: each
# section's chapter, then the others (``briefing.yml``).
CHAPTER_LABELS = config.BRIEFING.chapter_labels
# What conflicts in ``article_inconsistencies.kind`` (the article against itself or its own cited sources).
INCONSISTENCY_LABELS = {
    "place": "Place",
    "date": "Date",
    "sequence": "Sequence",
    "number": "Number",
    "membership": "Membership",
    "premise": "Premise",
    "source": "Words of its own source",
    "subject": "Subject",
}
# How strong a conflict of the article with itself is (``article_inconsistencies.strength``).
STRENGTH_LABELS = {
    "clear_conflict": "Clear conflict",
    "tension": "Tension",
    "headline_inference": "Inference from a headline",
}
# Which copy of a story a source's address points to (``sources.copy``); the sources list names the kind after
# the publisher, except for the publisher's own page.
COPY_LABELS = {"original": "Original", "agency_copy": "Agency copy", "mirror": "Mirror copy"}

# -- actors and tracks ------------------------------------------------------------------------------------------

# Everyone a briefing does not list among its actors (``config.OTHER_ACTOR``), and bars that stand for no one.
OTHER_COLOUR = "#8C8C8C"
# One colour per actor across the whole book: this briefing's actors (``briefing.yml``, ``actors``), then grey for
# everyone else.
ACTOR_COLOURS = {**config.ACTORS, config.OTHER_ACTOR: OTHER_COLOUR}


def dataset_vocabulary(resource: str, field: str) -> tuple[dict[str, str], dict[str, str] | None]:
    """The labels and colours of one field of this briefing's own datasets (``briefing.yml``, ``datasets``), each
    colour resolved: a hex colour as written, an actor's code (checked by ``config``) as its colour in
    ``ACTOR_COLOURS``. Empty when this briefing has no such dataset."""
    labels, colours = config.dataset(resource, field)
    resolved = {v: c if c.startswith("#") else ACTOR_COLOURS[c] for v, c in (colours or {}).items()}
    return labels, None if colours is None else resolved


# Votes (a field a briefing binds with ``vocabulary: VOTE`` in ``briefing.yml``): Okabe–Ito blue, vermillion and
# orange.
VOTE_LABELS = {"yes": "In favour", "no": "Against", "abstain": "Abstained"}
VOTE_COLOURS = {"yes": "#0072B2", "no": "#D55E00", "abstain": "#E69F00"}
MARK_COLOUR = "#7A1F5C"  # rules and shading that mark the article's own claim on a chart (a dark plum)

# This briefing's own datasets (``briefing.yml``, ``datasets``): the labels and colours of each field, by
# (resource, field), and under the name the file gives it: ``name: TRACK`` makes ``TRACK_LABELS`` and
# ``TRACK_COLOURS`` (the developments' tracks, the lanes of the chapters' timelines, …).
DATASETS = {key: dataset_vocabulary(*key) for key in config.BRIEFING.datasets}
for _key, _name in config.BRIEFING.dataset_names.items():
    globals()[f"{_name}_LABELS"], globals()[f"{_name}_COLOURS"] = DATASETS[_key]


def generic_vocabulary(resource: str, field: str, name: str) -> tuple[dict[str, str], dict[str, str] | None]:
    """The vocabulary's own labels and colours (``<name>_LABELS``, ``<name>_COLOURS`` if any) for a field that
    ``briefing.yml`` binds with ``vocabulary: <name>``."""
    if name not in GENERIC:
        raise config.ConfigError(config.BRIEFING.file, f"datasets.{resource}.{field}.vocabulary", "unknown table",
                                 f"the vocabulary has no generic table {name!r} (it has: {', '.join(GENERIC)})")
    return GENERIC[name]


# The vocabulary's tables that a briefing's own dataset may use for its field (``vocabulary: <name>``).
GENERIC = {"VOTE": (VOTE_LABELS, VOTE_COLOURS)}


# Fields of this briefing's datasets that hold values the vocabulary labels itself (``vocabulary: VOTE``).
GENERIC_FIELDS = {key: generic_vocabulary(*key, name) for key, name in config.BRIEFING.dataset_vocabularies.items()}

# Which labels (and colours) name the values of which field of the data package, as (resource, field).
# tests/test_vocabulary.py checks that every value a field's schema allows has its label and colour here.
FIELDS = {
    ("article_paragraphs", "kind"): (KIND_LABELS, KIND_COLOURS),
    ("article_paragraphs", "heading_section"): (SECTION_LABELS, None),
    ("claims", "section"): (SECTION_LABELS, None),
    ("claims", "claim_type"): (TYPE_LABELS, None),
    ("claims", "verdict"): (VERDICT_LABELS, VERDICT_COLOURS),
    ("claims", "outcome"): (OUTCOME_LABELS, OUTCOME_COLOURS),
    ("article_inconsistencies", "kind"): (INCONSISTENCY_LABELS, None),
    ("article_inconsistencies", "strength"): (STRENGTH_LABELS, None),
    ("sources", "copy"): (COPY_LABELS, None),
    ("briefing_calls", "chapter"): (CHAPTER_LABELS, None),
    ("briefing_calls", "confidence"): (CONFIDENCE_LABELS, None),
    ("watch_indicators", "chapter"): (CHAPTER_LABELS, None),
    **GENERIC_FIELDS,
    **DATASETS,
}

# -- the page and the chart frame -------------------------------------------------------------------------------

# Colours of the chart frame (titles, axes, grid) and of the page's own furniture. The page gets every colour of
# this module as a CSS custom property (``figures.vocabulary_css``, written into ``_static/vocabulary.css`` at build
# time): ``--briefing-verdict-supported``, ``--briefing-verdict-supported-tint`` (a light tint for backgrounds),
# ``--briefing-page-rule`` and so on; ``static/briefing.css`` uses only those.
CHART_COLOURS = {
    "background": "#ffffff",
    "title": "#111111",
    "subtitle": "#444444",
    "axis": "#333333",
    "grid": "#e6e6e6",
    "annotation": "#333333",  # rules and labels of the dates a chart marks
}
PAGE_COLOURS = {
    "text": "#111111",  # text on a tinted badge (light and dark themes alike)
    "muted": "#4a4a4a",  # captions and notes, light theme
    "muted-dark": "#c8c8c8",  # captions and notes, dark theme
    "rule": "#d0d0d0",  # table rules
    "neutral": "#b8b8b8",  # a claim box or mark with no verdict colour
    "focus": "#0072B2",  # outline of a targeted claim and of focused controls
    # The PDF edition (pdf.py): paper, links, the title page's small print, the contents' dotted leaders.
    "paper": "#ffffff",
    "print-link": "#1a4f8b",
    "print-muted": "#555555",
    "print-note": "#444444",
    "print-leader": "#bbbbbb",
}
TINT = 0.25  # share of the colour in a tint (the rest white): badges' backgrounds, conflict highlights

# -- typography -------------------------------------------------------------------------------------------------

# Liberation Sans is built into vl-convert, so the offline SVG measures text the same way on every machine (a
# system font would make the layout depend on what is installed); it is metric-compatible with Arial and
# Helvetica, the fallbacks a browser uses where it is not installed, so the drawn text fits the same boxes.
FONT = "'Liberation Sans', Arial, Helvetica, sans-serif"

# Chart sizes (issue 25). Every chart is also rendered narrow, for phones: NARROW_WIDTH px in all, which a 390-px
# phone's column (about 326 px) shows at its own size, so its text keeps its size. Text sizes (px) at 1:1, and
# what the label layout reckons a character of chart text takes (Liberation Sans, generously).
NARROW_WIDTH = 320
CHART_TEXT_PX = 11
TITLE_PX_PER_CHAR, SUBTITLE_PX_PER_CHAR, DEFAULT_WIDTH = 8.5, 6.5, 560
LABEL_PX_PER_CHAR = 0.6 * CHART_TEXT_PX
LABEL_ROW_PX = CHART_TEXT_PX + 3
SOURCES_PAGE = "sources.html"  # every source in full, each at #src-<id> (chapters/sources.ipynb)
