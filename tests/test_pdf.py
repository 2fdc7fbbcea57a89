"""The PDF edition (``make pdf``, ``briefing.pdf``; issue 11).

The first tests check how pages are cut out and scoped into one document (no browser, no build). The others read
the PDF that ``make pdf`` made (``make test`` makes it first): every chapter title and a Chinese quotation of the
article in its text, every font embedded, page count in a sane range, the title page's "evidence as of" date,
contents that point at the right pages, links kept, charts as vectors.
"""

from __future__ import annotations

import functools
import re

import pytest

from briefing import pdf
from briefing.paths import ROOT, pdf_name

PAGES_MIN, PAGES_MAX = 20, 400


# ------------------------------------------------------------------------------------------ no build needed

def test_article_is_cut_out_with_nested_articles_whole():
    page = ('<html><body><nav>menu</nav><article class="bd-article" role="main"><h1>T</h1>'
            '<article class="briefing-claim">one</article><p>after</p></article><footer>f</footer></body></html>')
    assert pdf.article_of(page) == '<h1>T</h1><article class="briefing-claim">one</article><p>after</p>'
    with pytest.raises(ValueError):
        pdf.article_of("<html><body><p>no article</p></body></html>")


def test_title_of_drops_the_heading_link():
    body = '<section><h1>China ties: <em>trade</em><a class="headerlink" href="#x" title="Link">#</a></h1></section>'
    assert pdf.title_of(body) == "China ties: trade"


def test_scope_keeps_ids_apart_and_turns_book_links_into_links_inside_the_pdf():
    chapter = pdf.Chapter("chapters/china.html", "Part")
    pages = {"chapters/china.html": "ch-china", "chapters/register.html": "ch-register"}
    body = ('<section id="overview"><a href="#overview">here</a> <a href="register.html#c006">c006</a> '
            '<a href="register.html">register</a> <a href="https://example.org/x">out</a> '
            '<a href="../data/claims.csv">csv</a> <a href="../genindex.html">index</a>'
            '<div class="briefing-chart__vis" id="vis-1" data-spec-id="vis-1-spec" aria-labelledby="t1 t2"></div>'
            '<svg><clipPath id="clip1"/><g clip-path="url(#clip1)"/><use xlink:href="#clip1"/></svg></section>')
    out = pdf.scope(body, chapter, pages, site="", repository="https://github.com/o/r")
    assert 'id="china--overview"' in out and 'href="#china--overview"' in out
    assert 'href="#register--c006"' in out and 'href="#ch-register"' in out
    assert 'href="https://example.org/x"' in out
    assert 'href="https://github.com/o/r/blob/main/data/claims.csv"' in out
    assert ' href="../genindex.html"' not in out and 'data-dropped-href="../genindex.html"' in out
    assert 'data-spec-id="china--vis-1-spec"' in out and 'aria-labelledby="china--t1 china--t2"' in out
    assert 'url(#china--clip1)' in out and 'xlink:href="#china--clip1"' in out
    with_site = pdf.scope('<a href="../data/claims.csv#x">csv</a>', chapter, pages, site="https://s.org/b",
                          repository="")
    assert 'href="https://s.org/b/data/claims.csv#x"' in with_site


def test_book_follows_the_table_of_contents():
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import pageload

    bk = pdf.book()
    assert [c.page for c in bk.chapters] == [p for p in pageload.toc_pages() if p != "index.html"]
    assert bk.chapters[0].part is None and all(c.part for c in bk.chapters[1:])
    assert bk.name.endswith(".pdf") and bk.name == pdf_name(bk.repository, bk.title)


def test_pdf_name():
    assert pdf_name("https://github.com/example/dprk-after-riyadh/") == "dprk-after-riyadh.pdf"
    assert pdf_name("", "Squeezed? North Korea", package="dprk-data") == "dprk-data.pdf"
    assert pdf_name("", "Squeezed? North Korea", package="") == "squeezed-north-korea.pdf"
    # No repository configured (none is invented): the data package's name.
    assert pdf_name() == "dprk-after-riyadh.pdf"


# --------------------------------------------------------------------------------------------- the PDF

@functools.lru_cache(maxsize=1)
def _pdf():
    from pypdf import PdfReader

    path = pdf.OUT_DIR / pdf.book().name
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make pdf` (`make test` does)")
    return path, PdfReader(path)


@functools.lru_cache(maxsize=None)
def _page_text(i: int) -> str:
    return "".join(_pdf()[1].pages[i].extract_text().split())


def _squash(s: str) -> str:
    return "".join(s.split())



@pytest.mark.slow
def test_page_count_is_sane_and_size_reported():
    path, reader = _pdf()
    n = len(reader.pages)
    assert PAGES_MIN <= n <= PAGES_MAX, f"{n} pages"
    assert path.stat().st_size < 40_000_000
    print(f"{path.name}: {n} pages, {path.stat().st_size / 1e6:.2f} MB")


@functools.lru_cache(maxsize=1)
def _starts() -> dict[str, int]:
    path, _ = _pdf()
    return pdf.chapter_pages(path.read_bytes(), pdf.book(html_root=pdf.HTML_ROOT))


@pytest.mark.slow
def test_every_chapter_title_in_order_on_the_page_the_contents_give():
    """Each chapter's title is in the contents with the page number the chapter starts on, and on that page.
    (Text is read from these pages only: reading all of them would take a minute.)"""
    bk = pdf.book(html_root=pdf.HTML_ROOT)
    starts = _starts()
    assert set(starts) == {c.page for c in bk.chapters}
    assert list(starts.values()) == sorted(starts.values()) and min(starts.values()) > 2
    contents = _page_text(1)
    assert contents.startswith("Contents")
    pos = 0
    for c in bk.chapters:
        title = _squash(c.title)
        m = re.compile(re.escape(title) + r"(\d+)").search(contents, pos)
        assert m, f"{c.page}: {title!r} is not in the contents after the previous chapter"
        assert int(m.group(1)) == starts[c.page], f"{c.page}: contents say page {m.group(1)}"
        pos = m.end()
        assert title in _page_text(starts[c.page] - 1), f"{c.page}: title not on page {starts[c.page]}"


@pytest.mark.slow
def test_text_has_a_chinese_quotation_of_the_article():
    """The article's own words, as the annotated article prints them, searchable in the PDF's text."""
    from briefing.claims import register

    quote = next(q for q in register().claims["quote_zh"].dropna() if len(q) >= 8)
    starts = sorted(_starts().items(), key=lambda kv: kv[1])
    first = dict(starts)["chapters/article.html"]
    last = min([n for _, n in starts if n > first] + [len(_pdf()[1].pages) + 1]) - 1
    assert any(_squash(quote) in _page_text(i) for i in range(first - 1, last)), (
        f"the article's words {quote!r} are not in the text of its pages {first}-{last}")


def _fonts(obj, seen, found):
    from pypdf.generic import DictionaryObject, IndirectObject

    if isinstance(obj, IndirectObject):
        if obj.idnum in seen:
            return
        seen.add(obj.idnum)
        obj = obj.get_object()
    if not isinstance(obj, DictionaryObject):
        return
    for name, font in (obj.get("/Font") or {}).items():
        found.append(font.get_object())
    for xobj in (obj.get("/XObject") or {}).values():
        x = xobj.get_object()
        if "/Resources" in x:
            _fonts(x["/Resources"], seen, found)


@pytest.mark.slow
def test_every_font_is_embedded_and_maps_to_unicode():
    _, reader = _pdf()
    fonts, seen = [], set()
    for page in reader.pages:
        _fonts(page.get("/Resources"), seen, fonts)
    assert fonts
    problems = []
    for f in {id(f): f for f in fonts}.values():
        sub, base = f.get("/Subtype"), f.get("/BaseFont", "(Type 3)")
        if sub == "/Type3":
            ok = "/CharProcs" in f  # glyphs drawn inside the PDF: embedded by construction
        else:
            desc = (f["/DescendantFonts"][0].get_object() if sub == "/Type0" else f).get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            ok = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        if not ok:
            problems.append(f"{base} ({sub}) is not embedded")
        if "/ToUnicode" not in f:
            problems.append(f"{base} ({sub}) has no ToUnicode map (its text could not be searched or copied)")
    assert not problems, problems


@pytest.mark.slow
def test_title_page_has_the_evidence_date():
    as_of = pdf.evidence_date()
    assert as_of is not None
    assert _squash(f"Evidence as of {as_of.strftime('%-d %B %Y')}") in _page_text(0)


@pytest.mark.slow
def test_links_are_kept_inside_and_out():
    _, reader = _pdf()
    internal, external = 0, []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            if a.get("/Subtype") != "/Link":
                continue
            action = a.get("/A")
            action = action.get_object() if action is not None else {}
            if action.get("/S") == "/URI":
                external.append(str(action["/URI"]))
            elif "/Dest" in a or action.get("/S") == "/GoTo":
                internal += 1
    assert internal >= 50, f"only {internal} links inside the PDF"
    assert external, "no link out of the PDF"
    local = [u for u in external if re.match(r"^(file:|https?://(127\.0\.0\.1|localhost)|https://book\.invalid)", u)]
    assert not local, f"links to the machine that made the PDF: {local[:5]}"


@pytest.mark.slow
def test_charts_are_vectors():
    """No raster image stands in for a chart: the PDF holds no more images than the chapters' <img> elements."""
    _, reader = _pdf()
    images = sum(len(page.images) for page in reader.pages)
    imgs = sum(len(re.findall(r"<img\b", pdf.article_of((pdf.HTML_ROOT / c.page).read_text(encoding="utf-8"))))
               for c in pdf.book().chapters)
    assert images <= imgs, f"{images} raster images in the PDF, {imgs} <img> in the chapters"
