"""The search language of the book (``briefing.search``, issue 30): how text is split into the index's terms and a
query into the terms it looks up, and how raw HTML is read for the index. The browser side (the same split in
``splitQuery``, and the built search page finding the article's words) is ``tests/browser/test_search.py``."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from docutils import nodes
from docutils.utils import new_document
from sphinx.search import IndexBuilder
from sphinx.search.en import SearchEnglish

from briefing import search
from briefing.search import SearchEnglishChinese, html_text, index_terms, query_terms


@pytest.mark.parametrize("text, terms", [
    ("北京大学", ["北京", "京大", "大学"]),                        # overlapping two-character pieces
    ("大学", ["大学"]),
    ("京", ["京"]),                                                # one character stays as it is
    ("北京 Beijing", ["北京", "Beijing"]),
    ("北京at", ["北京", "at"]),                                     # Han and Latin meet: a word break
    ("2025年2月", ["2025", "年", "2", "月"]),
    ("大學,北京。", ["大學", "北京"]),                              # traditional characters; CJK punctuation
    ("partly supported c047", ["partly", "supported", "c047"]),     # English as Sphinx splits it
])
def test_query_terms(text, terms):
    assert query_terms(text) == terms


def test_index_terms_add_every_character_of_a_longer_run():
    assert index_terms("北京大学 x") == ["北京", "京大", "大学", "北", "京", "大", "学", "x"]
    assert index_terms("京") == ["京"]
    # every query's terms are among the index's terms of the same text
    for text in ("北京大学", "北京 Beijing", "2025年2月"):
        assert set(query_terms(text)) <= set(index_terms(text))


def test_english_is_stemmed_as_sphinx_stems_it_and_chinese_is_left_alone():
    ours, english = SearchEnglishChinese({}), SearchEnglish({})
    for word in ("partly", "supported", "Korea", "running"):
        assert ours.stem(word) == english.stem(word)
    assert ours.stem("北京") == "北京"
    assert ours.split("partly supported") == english.split("partly supported")
    assert ours.stopwords == english.stopwords


def test_tags_are_word_breaks_and_scripts_are_left_out():
    text = html_text('<tr><td>北京</td><td>at</td><td>c001</td><td>Fact<b>x</b>&amp;y</td></tr>'
                     '<script>var hidden = 1;</script><style>p { color: red }</style><td>z</td>')
    assert text == "北京 at c001 Fact x &y z"
    assert "北京at" not in index_terms(text) and "at" in index_terms(text)


def test_the_index_reads_a_copy_with_raw_html_as_text():
    doc = new_document("page")
    raw = nodes.raw("", "<td>alpha</td><td>beta</td>", format="html")
    latex = nodes.raw("", r"\textbf{gamma}", format="latex")
    doc += [nodes.paragraph("", "delta"), raw, latex]
    copy = search.separated(doc)
    assert copy.astext().split() == ["delta", "alpha", "beta", r"\textbf{gamma}"]
    assert not [n for n in copy.findall(nodes.raw) if n.get("format") == "html"]
    assert raw.parent is doc and raw.astext() == "<td>alpha</td><td>beta</td>"  # the page itself is unchanged


def _indexer():
    """Sphinx's own IndexBuilder with this language, over the little of an environment it reads."""
    env = SimpleNamespace(version=1, **{f"_search_index_{k}": {} for k in (
        "titles", "filenames", "mapping", "title_mapping", "all_titles", "index_entries", "objtypes", "objnames")})
    indexer = IndexBuilder(env, "en", {}, "")
    indexer.lang = SearchEnglishChinese({})
    return indexer


def _page(*children):
    doc = new_document("page")
    doc += list(children)
    return doc


def test_sphinx_indexes_a_page_under_these_terms():
    indexer = _indexer()
    cells = nodes.raw("", "<td>北京大学</td><td>at</td><td>partly supported</td>", format="html")
    indexer.feed("a", "a.md", "A", search.separated(_page(nodes.paragraph("", "Beijing"), cells)))
    assert set(indexer._mapping) == {"北京", "京大", "大学", "北", "京", "大", "学", "beij", "partli", "support"}


def test_terms_no_page_holds_any_longer_are_dropped():
    indexer = _indexer()
    indexer.feed("a", "a.md", "A", _page(nodes.paragraph("", "alpha beta")))
    indexer.feed("b", "b.md", "B", _page(nodes.paragraph("", "alpha")))
    indexer.prune({"b"})  # as Sphinx does before it feeds page a again, now without "beta"
    indexer.feed("a", "a.md", "A", _page(nodes.paragraph("", "alpha")))
    assert indexer._mapping["beta"] == set()  # Sphinx would write it as []
    assert search.drop_stale_terms(indexer, {"a", "b"}) == 1
    assert indexer._mapping == {"alpha": {"a", "b"}}


@pytest.mark.parametrize("language, chosen, expected", [
    ("en", None, "en_zh"), ("en_GB", None, "en_zh"), (None, None, "en_zh"),
    ("fr", None, None), ("en", "de", "de"),
])
def test_a_book_in_english_searches_english_and_chinese(language, chosen, expected):
    config = SimpleNamespace(language=language, html_search_language=chosen)
    search.config_inited(config)
    assert config.html_search_language == expected
