"""Layer 3: the book's full-text search, for a book written in English that quotes its article in Chinese.

Sphinx's English search stores each run of Chinese characters between punctuation as one term, and the browser
tries partial matches only for query words longer than two characters, so a two-character word (the commonest
length in Chinese: 朝鲜, 罗先) finds nothing. :class:`SearchEnglishChinese` keeps English as it is (the same
words, stop words and Porter stemmer, so "partly" still matches) and indexes every run of Han characters as
overlapping two-character pieces ("bigrams": 罗先旅游区 -> 罗先 先旅 旅游 游区), and every character on its own
too. The browser splits a query the same way (:data:`JS_SPLITTER`, Sphinx's ``splitQuery``: bigrams, or the
character of a one-character run), and a page must hold every Chinese piece of a query, so a Chinese query of any
length, or one mixed with English, finds the pages that hold it. No dependency, nothing fetched.

Sphinx strips the tags of raw HTML (the notebooks' tables and cards) without leaving a gap, which glues
neighbouring cells into one term (``朝鲜宣布重新开放罗先旅游区at``, ``checkablec047``). :func:`separated` gives the
index a copy of the page in which every tag of raw HTML is a word break (:class:`BriefingHTMLBuilder`).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.search.en import SearchEnglish

# Han characters: CJK Unified Ideographs, Extension A and the Compatibility Ideographs (the JavaScript below uses
# the same ranges).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PIECES = re.compile(f"[{HAN}]+|[^{HAN}]+")
_HAN_RUN = re.compile(f"[{HAN}]+")


def han_pieces(run: str) -> list[str]:
    """A run of Han characters as its overlapping two-character pieces (one character stays as it is)."""
    if len(run) < 2:
        return [run] if run else []
    return [run[i:i + 2] for i in range(len(run) - 1)]


def _terms(text: str, word_re: re.Pattern, characters: bool) -> list[str]:
    out: list[str] = []
    for word in word_re.findall(text):
        for piece in _PIECES.findall(word):
            if not _HAN_RUN.fullmatch(piece):
                out.append(piece)
                continue
            out.extend(han_pieces(piece))
            if characters and len(piece) > 1:
                out.extend(piece)
    return out


def query_terms(text: str, word_re: re.Pattern = re.compile(r"\w+")) -> list[str]:
    """The terms of a query, as the browser splits it (:data:`JS_SPLITTER`): Sphinx's words, each cut where Han and
    other characters meet, each run of Han characters as its two-character pieces (one character as itself)."""
    return _terms(text, word_re, characters=False)


def index_terms(text: str, word_re: re.Pattern = re.compile(r"\w+")) -> list[str]:
    """The terms a page's text is indexed under: its query terms, and every Han character on its own too, so
    that a query of one character (朝, 俄) finds the pages that hold it anywhere."""
    return _terms(text, word_re, characters=True)


# The same split in the browser: Sphinx's splitQuery (searchtools.js) first, then the pieces; and a page must hold
# every Chinese piece of a query. Sphinx writes this into language_data.js as it is (no escaping), which the search
# page loads after searchtools.js (a global splitQuery defined again replaces Sphinx's).
JS_SPLITTER = """
/* briefing.search: English words as Sphinx splits them; each run of Han characters as its overlapping
   two-character pieces (one character stays as it is), as the index stores them. */
var splitQuery = (query) => {
  const han = /^[%(han)s]+$/u;
  const terms = [];
  query
    .split(/[^\\p{Letter}\\p{Number}_\\p{Emoji_Presentation}]+/gu)
    .filter((word) => word)
    .forEach((word) => {
      (word.match(/[%(han)s]+|[^%(han)s]+/gu) || []).forEach((piece) => {
        if (!han.test(piece) || piece.length === 1) terms.push(piece);
        else for (let i = 0; i < piece.length - 1; i++) terms.push(piece.slice(i, i + 2));
      });
    });
  return terms;
};

/* briefing.search: every Chinese piece of a query must be on a page. Sphinx's searchtools lets a page through
   when it holds every term longer than two characters, however many shorter ones it lacks (to it a short word is
   noise), so a query of Chinese and English would list every page with the English word; a piece of Chinese is
   never noise. English terms are left as Sphinx treats them. */
var briefingChineseRequired = () => {
  if (typeof Search === "undefined") return;
  const performTermsSearch = Search.performTermsSearch;
  const chinese = /[%(han)s]/u;
  const holds = (map, word, file) => [].concat(map[word] ?? []).includes(file);
  Search.performTermsSearch = (searchTerms, excludedTerms) => {
    const index = Search._index;
    const pieces = [...searchTerms].filter((word) => chinese.test(word));
    return performTermsSearch(searchTerms, excludedTerms).filter((result) => {
      const file = index.docnames.indexOf(result[0]);
      return pieces.every((word) => holds(index.terms, word, file) || holds(index.titleterms, word, file));
    });
  };
};
if (typeof Search === "undefined") document.addEventListener("DOMContentLoaded", briefingChineseRequired);
else briefingChineseRequired();
""" % {"han": "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff"}


class SearchEnglishChinese(SearchEnglish):
    """English as Sphinx searches it, with Chinese indexed as two-character pieces (see the module)."""

    lang = "en_zh"  # not a Sphinx language: set as html_search_language by the book's extension
    language_name = "English with Chinese"
    js_splitter_code = JS_SPLITTER

    def split(self, input: str) -> list[str]:  # noqa: A002 (Sphinx's name)
        """The terms to index (Sphinx calls this only when it builds the index; queries split in the browser)."""
        return index_terms(input, self._word_re)

    def stem(self, word: str) -> str:
        return word if _HAN_RUN.fullmatch(word) else super().stem(word)


SKIPPED = ("script", "style")  # elements whose text is not the page's words


class _Text(HTMLParser):
    """The text of an HTML fragment with a space for every tag; script and style left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.parts.append(" ")
        if tag in SKIPPED:
            self._skip += 1

    def handle_endtag(self, tag):
        self.parts.append(" ")
        if tag in SKIPPED and self._skip:
            self._skip -= 1

    def handle_startendtag(self, tag, attrs):
        self.parts.append(" ")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_text(fragment: str) -> str:
    """The words of an HTML fragment, every tag a word break (``<td>a</td><td>b</td>`` -> ``a b``)."""
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    return " ".join("".join(parser.parts).split())


def separated(doctree):
    """A copy of a page's doctree for the search index: each node of raw HTML replaced by its text, every tag a
    word break. The page itself is written from the original."""
    from docutils import nodes

    copy = doctree.deepcopy()
    for node in list(copy.findall(nodes.raw)):
        if "html" in node.get("format", "").split():
            node.replace_self(nodes.paragraph("", "", nodes.Text(html_text(node.astext()))))
    return copy


def drop_stale_terms(indexer, docnames) -> int:
    """Take out of the index the terms that no page holds any longer. Sphinx keeps the index between builds and
    only empties a term that a rewritten page no longer has, so its index carries every term that ever was (written
    as ``[]``). Returns how many were dropped."""
    indexer.prune(docnames)
    dropped = 0
    for mapping in (indexer._mapping, indexer._title_mapping):
        for word in [w for w, docs in mapping.items() if not docs]:
            del mapping[word]
            dropped += 1
    return dropped


class BriefingHTMLBuilder(StandaloneHTMLBuilder):
    """Sphinx's HTML builder, indexing each page's raw HTML with its tags as word breaks (:func:`separated`), and
    writing an index without the terms that no page holds any longer (:func:`drop_stale_terms`)."""

    def index_page(self, pagename, doctree, title):
        super().index_page(pagename, separated(doctree), title)

    def dump_search_index(self):
        if self.indexer is not None:
            drop_stale_terms(self.indexer, self.env.all_docs)
        super().dump_search_index()


def setup(app) -> None:
    """Register the search language and the builder (called from ``sphinx_ext.setup``)."""
    app.add_search_language(SearchEnglishChinese)
    app.add_builder(BriefingHTMLBuilder, override=True)


def config_inited(config) -> None:
    """A book in English searches with :class:`SearchEnglishChinese` unless ``html_search_language`` says
    otherwise."""
    if not config.html_search_language and (config.language or "en").split("_")[0].split("-")[0] == "en":
        config.html_search_language = SearchEnglishChinese.lang
