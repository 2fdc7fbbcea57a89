"""A path for a busy reader: the order of the book, and pages short enough to read.

Words are counted as a reader meets them on the built page: the text of the article body, without code cells (the
notebook's working, shown for those who rerun it) and without scripts or chart drawings.
"""

from __future__ import annotations

import re

import pytest

from briefing import config
from briefing.paths import ROOT
from support import toc_pages

HTML = ROOT / "_build" / "html"
built = pytest.mark.skipif(not (HTML / "index.html").exists(), reason="run `make book` first")

# The section chapters, in the article's order (briefing.yml).
SECTION_CHAPTERS = [s.chapter for s in config.SECTIONS.values() if s.chapter]
MAX_SECTION_WORDS = 2_600  # "at most about 2,500 words on the page"
MAX_LANDING_WORDS = 650    # "at most about 600 words"
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-.,]*")


def reading_words(html: str) -> int:
    from bs4 import BeautifulSoup

    article = BeautifulSoup(html, "html.parser").select_one("article.bd-article")
    # A chart's text alternative (collapsed under "Text description") restates the chart for readers who cannot see
    # it; it is not more to read for those who can.
    for node in article.select("script, style, svg, div.cell_input, details.briefing-chart__alt"):
        node.decompose()
    return len(WORD.findall(article.get_text(" ")))


def toc_files() -> list[str]:
    return [p.split("/")[-1].removesuffix(".html") for p in toc_pages() if p != "index.html"]


def test_the_busy_reader_meets_the_findings_first():
    order = toc_files()
    assert order[:2] == ["index", "next"], "the landing page, then What happened next"
    assert order.index("context") < order.index(SECTION_CHAPTERS[0]), "the background before the sections"
    sections = [order.index(s) for s in SECTION_CHAPTERS]
    assert sections == sorted(sections) and max(sections) < order.index("register")
    appendices = ["register", "sources", "article", "methods", "corrections", "status"]
    assert order[-len(appendices):] == appendices, "the register, the annotated article and the method come last"


def test_word_counter_skips_code_and_charts():
    page = ('<article class="bd-article"><p>Two words.</p><div class="cell_input">print(1, 2, 3)</div>'
            '<svg><text>99 ticks</text></svg><script>var x = 1;</script>'
            '<details class="briefing-chart__alt"><summary>Text description</summary>Bars of six claims.</details>'
            '<details><summary>More</summary>Three more words.</details></article>')
    assert reading_words(page) == 2 + 4


@built
@pytest.mark.parametrize("chapter", SECTION_CHAPTERS)
def test_a_section_chapter_reads_in_minutes(chapter):
    words = reading_words((HTML / "chapters" / f"{chapter}.html").read_text(encoding="utf-8"))
    assert words <= MAX_SECTION_WORDS, f"{chapter}: {words:,} words on the page (at most ~2,500)"


@built
def test_the_landing_page_is_short():
    words = reading_words((HTML / "chapters" / "index.html").read_text(encoding="utf-8"))
    assert words <= MAX_LANDING_WORDS, f"landing page: {words:,} words (at most ~600)"


@built
def test_no_tutorial_furniture():
    for page in (HTML / "chapters").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "Time to learn" not in text and "Prerequisites" not in text, page.name
        assert "Show code cell source" not in text, f"{page.name}: a code toggle (assembly cells are removed)"
