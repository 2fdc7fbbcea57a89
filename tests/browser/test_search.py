"""The book's own search page finds the article's words (issue 30), in headless Chromium.

Each query is typed as a reader types it into ``search.html?q=...``; the pages the search lists are read from the
page itself once Sphinx's searchtools says it has finished. A query must find every page of the table of contents
whose text (the page's article, as built) holds all of the query's words, and there must be such pages: Chinese of
two characters and more, Chinese mixed with English, English, and a claim id. 朝鲜 and 罗先 must find the chapter
on China, whose paragraphs quote them. The search page, index included, keeps to the page budget.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

import pytest

import picks
from briefing import config
from briefing.search import HAN as HAN_RANGES
from briefing.search import query_terms
from support import harness

pytestmark = pytest.mark.browser

# Chinese of two characters (North Korea; Rason), a compound (the Rason tourist zone), Chinese with English,
# English words that Sphinx stems ("partly" -> "partli"), and a claim id of the register (a partly supported fact).
QUERIES = ["朝鲜", "罗先", "罗先旅游区", "罗先 Rason", "North Korea", "partly supported", picks.with_verdict(
    "partly_supported")]
# This briefing's data: the chapter on China quotes the article's 朝鲜 and 罗先.
CHINA_CHAPTER = f"chapters/{config.load().sections['china_ties'].chapter}.html"
MUST_FIND = {"朝鲜": CHINA_CHAPTER, "罗先": CHINA_CHAPTER}

HAN = re.compile(f"[{HAN_RANGES}]")
# Up to the last </article>: the register's cards nest articles of their own.
_ARTICLE = re.compile(r'<article class="bd-article"[^>]*>(.*)</article>', re.S)
_DROP = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)


def article_text(path: str) -> str:
    """The text of a built page's article (what the search index is made from), lower case, tags as spaces."""
    page = harness.page_text(path, follow=False)
    m = _ARTICLE.search(page)
    body = _DROP.sub(" ", m.group(1) if m else "")
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).lower().split())


def holds(text: str, query: str) -> bool:
    """Whether a page's text holds every word of a query (an English word or a claim id as a whole word)."""
    return all(re.search(rf"(?<![a-z0-9]){re.escape(word)}" if word.isascii() else re.escape(word), text)
               for word in query.lower().split())


@pytest.fixture(scope="module")
def texts():
    pages = [p for p in harness.toc_pages() if not harness.refresh_target(harness.HTML_ROOT / p)]
    return {p: article_text(p) for p in pages}


@pytest.fixture(scope="module")
def tab(browser):
    """One tab for every query, as a reader searches again and again: each query loads the search page afresh,
    its files (the index too) from the tab's cache after the first."""
    context = harness.new_context(browser)
    yield context.new_page()
    context.close()


def search(page, site, query: str) -> list[str]:
    """The pages the book's search page lists for a query (paths under the site, in the order listed); the page
    must say nothing on the console while it searches."""
    said: list[str] = []

    def on_error(error):
        said.append(f"error: {error}")

    def on_console(m):
        if m.type in ("error", "warning"):
            said.append(f"{m.type}: {m.text}")

    page.on("pageerror", on_error)
    page.on("console", on_console)
    try:
        page.goto(site.url("search.html?q=" + quote(query)), wait_until="load")
        page.wait_for_function("() => (document.querySelector('#search-results .search-summary') || {}).innerText",
                               timeout=10_000)
    finally:
        page.remove_listener("pageerror", on_error)
        page.remove_listener("console", on_console)
    assert not said, f"search.html?q={query}: {said}"
    hrefs = page.eval_on_selector_all("#search-results ul.search li > a", "els => els.map(a => a.href)")
    found = [urlsplit(h).path.lstrip("/") for h in hrefs]
    return list(dict.fromkeys(found))


@pytest.mark.parametrize("query", QUERIES)
def test_search_finds_the_pages_that_hold_the_query(tab, site, texts, query):
    expected = {p for p, text in texts.items() if holds(text, query)}
    assert expected, f"no page of the book holds {query!r}: the query tests nothing"
    if query in MUST_FIND:
        assert MUST_FIND[query] in expected, f"{MUST_FIND[query]} no longer holds {query!r}"
    found = search(tab, site, query)
    harness.EXTRA_LINES.append(f"search {query!r}: {len(found)} page(s) found, {len(expected)} hold it")
    missed = sorted(expected - set(found))
    assert not missed, f"search for {query!r} found {len(found)} page(s) but missed {missed}"
    # Chinese words are required: every page found holds each of them (English may match by its stem).
    chinese = " ".join(w for w in query.split() if HAN.search(w))
    stray = sorted(p for p in found if chinese and not holds(texts.get(p, ""), chinese))
    assert not stray, f"search for {query!r} found pages that do not hold {chinese!r}: {stray}"


SPLITS = ["朝鲜", "罗先旅游区", "罗先 Rason", "朝", "North Korea's 2025年2月底 c047", "美俄关系回暖,朝俄“蜜月期”终结?"]


def test_the_browser_splits_a_query_as_the_index_does(tab, site):
    """The search page's splitQuery (language_data.js) gives the terms briefing.search.query_terms gives."""
    tab.goto(site.url("search.html"), wait_until="load")
    for text in SPLITS:
        assert tab.evaluate("q => splitQuery(q)", text) == query_terms(text), text


def test_search_page_within_budget(browser, site):
    """The search page loads the whole index: cold and warm, it keeps to the page budget of a page without charts."""
    r = harness.measure_page(browser, site, "search.html", charts=False)
    parts = r["cold"]["parts"]
    assert any(p.endswith("searchindex.js") for p in parts), f"the search page loaded no index: {list(parts)}"
    index = next(b for p, b in parts.items() if p.endswith("searchindex.js"))
    harness.EXTRA_LINES.append(f"search page: cold {r['cold']['bytes_gzip6'] / 1e3:.1f} kB gzip (index "
                               f"{index / 1e3:.1f} kB), warm {r['warm']['bytes_gzip6'] / 1e3:.1f} kB")
    assert r["cold"]["bytes_gzip6"] <= harness.cold_budget("search.html"), r["cold"]
    assert r["warm"]["bytes_gzip6"] <= harness.PAGE_BUDGETS["warm"], r["warm"]
