"""Layer 2: the book's vocabulary — every label and colour, in one place (this briefing's own from briefing.yml).

It imports only ``config`` (a briefing's own sections, themes, chapters, actors and dataset labels, from
``briefing.yml``), so every layer above (``claims``, ``charts``, ``render``, ``analysis``, ``sphinx_ext``) can read
it. Keys are the values stored in ``data/`` (enums of ``datapackage.json``); values are what a reader
sees. Change a label or a colour here and it changes on every page and chart of the book.

The kit's own tables are constants. A briefing's own (``SECTION_LABELS``, ``THEME_LABELS``, ``CHAPTER_LABELS``,
``ACTOR_COLOURS``, ``DATASETS``, ``FIELDS``, ``<NAME>_LABELS`` of its datasets, the ``*_PAGE`` links) are
attributes of :func:`of` (the briefing's vocabulary, made once per briefing); ``vocabulary.SECTION_LABELS`` reads
them from the current briefing (``config.current()``) when asked, never at import.
"""

from __future__ import annotations

from . import config

# -- versions of what the book serves ---------------------------------------------------------------------------

VEGA_LITE_VERSION = "6.4"  # must match the Vega-Lite schema of the pinned Altair (see tests/kit/test_charts.py)
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
# (``Own.section_labels``: the parts every article has around its own sections)
PART_LABELS = {"opening": "Opening", "sources": "Cited sources", "artifacts": "Trailing artifacts"}
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


def dataset_vocabulary(resource: str, field: str, briefing: config.Briefing | None = None
                       ) -> tuple[dict[str, str], dict[str, str] | None]:
    """The labels and colours of one field of a briefing's own datasets (``briefing.yml``, ``datasets``), each
    colour resolved: a hex colour as written, an actor's code (checked by ``config``) as its colour in
    ``ACTOR_COLOURS``. Empty when the briefing has no such dataset."""
    b = briefing or config.current()
    actors = {**b.actors, config.OTHER_ACTOR: OTHER_COLOUR}
    labels, colours = b.dataset(resource, field)
    resolved = {v: c if c.startswith("#") else actors[c] for v, c in (colours or {}).items()}
    return labels, None if colours is None else resolved


# Votes (a field a briefing binds with ``vocabulary: VOTE`` in ``briefing.yml``): Okabe–Ito blue, vermillion and
# orange.
VOTE_LABELS = {"yes": "In favour", "no": "Against", "abstain": "Abstained"}
VOTE_COLOURS = {"yes": "#0072B2", "no": "#D55E00", "abstain": "#E69F00"}
MARK_COLOUR = "#7A1F5C"  # rules and shading that mark the article's own claim on a chart (a dark plum)



def generic_vocabulary(resource: str, field: str, name: str, briefing: config.Briefing | None = None
                       ) -> tuple[dict[str, str], dict[str, str] | None]:
    """The vocabulary's own labels and colours (``<name>_LABELS``, ``<name>_COLOURS`` if any) for a field that
    ``briefing.yml`` binds with ``vocabulary: <name>``."""
    if name not in GENERIC:
        file = (briefing or config.current()).file
        raise config.ConfigError(file, f"datasets.{resource}.{field}.vocabulary", "unknown table",
                                 f"the vocabulary has no generic table {name!r} (it has: {', '.join(GENERIC)})")
    return GENERIC[name]


# The vocabulary's tables that a briefing's own dataset may use for its field (``vocabulary: <name>``).
GENERIC = {"VOTE": (VOTE_LABELS, VOTE_COLOURS)}

# Which labels (and colours) name the values of which field of the data package, as (resource, field): the kit's
# own fields here; ``of(briefing).fields`` adds the briefing's (``FIELDS``). tests/kit/test_vocabulary.py checks that
# every value a field's schema allows has its label and colour.
KIT_FIELDS = {
    ("article_paragraphs", "kind"): (KIND_LABELS, KIND_COLOURS),
    ("claims", "claim_type"): (TYPE_LABELS, None),
    ("claims", "verdict"): (VERDICT_LABELS, VERDICT_COLOURS),
    ("claims", "outcome"): (OUTCOME_LABELS, OUTCOME_COLOURS),
    ("article_inconsistencies", "kind"): (INCONSISTENCY_LABELS, None),
    ("article_inconsistencies", "strength"): (STRENGTH_LABELS, None),
    ("sources", "copy"): (COPY_LABELS, None),
    ("briefing_calls", "confidence"): (CONFIDENCE_LABELS, None),
}


class Own:
    """A briefing's own vocabulary, made once from its ``briefing.yml`` (:func:`of`)."""

    def __init__(self, b: config.Briefing):
        # The article's parts (``heading_section`` of a line; ``section`` of a claim), in reading order: the
        # opening, the briefing's own sections, the cited-source list and the trailing artifacts.
        self.SECTION_LABELS = {"opening": PART_LABELS["opening"], **b.section_labels,
                               "sources": PART_LABELS["sources"], "artifacts": PART_LABELS["artifacts"]}
        # The article's tracks, for scorecards split by theme (each section belongs to one).
        self.THEME_LABELS = dict(b.themes)
        # The chapters (page names) that the briefing's own calls and indicators to watch belong to: each
        # section's chapter, then the others.
        self.CHAPTER_LABELS = b.chapter_labels
        # One colour per actor across the whole book: the briefing's actors, then grey for everyone else.
        self.ACTOR_COLOURS = {**b.actors, config.OTHER_ACTOR: OTHER_COLOUR}
        # The briefing's own datasets: the labels and colours of each field, by (resource, field), and under the
        # name the file gives it: ``name: TRACK`` makes ``TRACK_LABELS`` and ``TRACK_COLOURS``.
        self.DATASETS = {key: dataset_vocabulary(*key, briefing=b) for key in b.datasets}
        for key, name in b.dataset_names.items():
            setattr(self, f"{name}_LABELS", self.DATASETS[key][0])
            setattr(self, f"{name}_COLOURS", self.DATASETS[key][1])
        # Fields of its datasets that hold values the vocabulary labels itself (``vocabulary: VOTE``).
        self.GENERIC_FIELDS = {key: generic_vocabulary(*key, name, briefing=b)
                               for key, name in b.dataset_vocabularies.items()}
        self.FIELDS = {
            **KIT_FIELDS,
            ("article_paragraphs", "heading_section"): (self.SECTION_LABELS, None),
            ("claims", "section"): (self.SECTION_LABELS, None),
            ("briefing_calls", "chapter"): (self.CHAPTER_LABELS, None),
            ("watch_indicators", "chapter"): (self.CHAPTER_LABELS, None),
            **self.GENERIC_FIELDS,
            **self.DATASETS,
        }
        # Links from a chapter page to the pages holding every claim's card, the calls, every source in full (each
        # at #src-<id>) and the annotated article (``pages`` of briefing.yml).
        self.REGISTER_PAGE, self.CALLS_PAGE = b.page("claims"), b.page("calls")
        self.SOURCES_PAGE, self.ARTICLE_PAGE = b.page("sources"), b.page("article")


def of(briefing: config.Briefing | None = None) -> Own:
    """The vocabulary of ``briefing`` (the current one by default), made once per briefing."""
    b = briefing or config.current()
    own = b.__dict__.get("_vocabulary")
    if own is None:  # the Briefing is frozen: its cache is set past its __setattr__
        own = b.__dict__["_vocabulary"] = Own(b)
    return own


def __getattr__(name: str):
    """``vocabulary.SECTION_LABELS`` and the other tables of a briefing: the current briefing's."""
    if name.isupper():
        try:
            return getattr(of(), name)
        except AttributeError:
            pass
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

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


def __dir__() -> list[str]:
    """The kit's tables and the current briefing's."""
    return sorted({*globals(), *vars(of())})
