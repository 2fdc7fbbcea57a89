"""Layer 3: the source article, split into lines with stable paragraph ids and kinds.

Every non-empty line of the article gets an id ``p01``, ``p02``, … in reading order. Ids are positional, so they
are stable only as long as the file is; the data package records the file's SHA-256 and the tests check it.
Scraping artifacts (image captions, ad lines) get ids too: they stay out of the analysis but are never lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import config, paths
from .paths import record_read
from .values import digest

# The article's headings and the section each opens, its scraping artifacts (image caption, ad lines) and the
# heading of its reference list are the briefing's configuration (``briefing.yml``: ``config.current()`` unless a
# briefing is given).

KINDS = ("body", "heading", "image_caption", "ad_artifact", "source_list_heading", "cited_source")


@dataclass(frozen=True)
class Paragraph:
    id: str
    line_no: int  # 1-based line number in the file, blank lines included
    kind: str
    heading_section: str  # "opening" before the first heading, "sources" for the cited-source list
    text: str


def sha256(path: Path | None = None) -> str:
    record_read("article")
    return digest(path or paths.article_file())


def classify(text: str, in_source_list: bool, briefing: config.Briefing | None = None) -> str:
    b = briefing or config.current()
    if text in b.headings:
        return "heading"
    if b.image_caption and text == b.image_caption:
        return "image_caption"
    if text in b.ad_lines:
        return "ad_artifact"
    if b.source_list_heading and text == b.source_list_heading:
        return "source_list_heading"
    return "cited_source" if in_source_list else "body"


def paragraphs(path: Path | None = None, record: bool = True, briefing: config.Briefing | None = None) -> list[Paragraph]:
    """All non-empty lines of the article, in order, each with its id and kind. ``record=False``: a check of the
    register's own consistency, not a read a notebook declares."""
    if record:
        record_read("article")
    try:
        path = path or paths.article_file()
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"{path}: byte {err.start}: encoding: the article must be UTF-8") from err
    b = briefing or config.current()
    headings = b.headings
    out: list[Paragraph] = []
    section, in_sources = "opening", False
    for line_no, line in enumerate(raw.split("\n"), start=1):
        text = line.strip()
        if not text:
            continue
        kind = classify(text, in_sources, b)
        if kind == "heading":
            section = headings[text]
        elif kind == "source_list_heading":
            section, in_sources = "sources", True
        elif kind == "ad_artifact":
            section = "artifacts"
        out.append(Paragraph(f"p{len(out) + 1:02d}", line_no, kind, section, text))
    return out


def paragraph_map(path: Path | None = None) -> dict[str, Paragraph]:
    return {p.id: p for p in paragraphs(path)}


PARAGRAPH_FIELDS = ["id", "line_no", "kind", "heading_section", "text"]


def write_table(target: Path, path: Path | None = None) -> None:
    """Write the paragraph map as CSV (``data/article_paragraphs.csv``); the tests check it matches the article."""
    import csv

    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(PARAGRAPH_FIELDS)
        for p in paragraphs(path):
            writer.writerow([p.id, p.line_no, p.kind, p.heading_section, p.text])

