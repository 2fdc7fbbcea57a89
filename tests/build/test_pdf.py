"""The PDF edition (``make pdf``, ``briefing.pdf``; issue 11).

The first tests check how pages are cut out and scoped into one document (no browser, no build). The others read
the PDF that ``make pdf`` made (``make test`` makes it first): every chapter title and a Chinese quotation of the
article in its text, every font embedded, page count in a sane range, the title page's "evidence as of" date,
contents that point at the right pages (checked against the PDF's outline), links kept, charts as vectors, no
text past the page margins (from the PDF's own text boxes, read with PDFium), wide tables as compact blocks, and no
reference to the PDF inside it. Each of the last rules is also shown failing on a small PDF or page made to break it.
"""

from __future__ import annotations

import ctypes
import dataclasses
import functools
import re
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest

from briefing import pdf
from briefing.paths import pdf_name
from support import toc_pages

PAGES_MIN, PAGES_MAX = 20, 200  # 152 before issue 18 (ten pages for twelve calls); about 135 after


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
    bk = pdf.book()
    assert [c.page for c in bk.chapters] == [p for p in toc_pages() if p != "index.html"]
    assert bk.chapters[0].part is None and all(c.part for c in bk.chapters[1:])
    assert bk.name.endswith(".pdf") and bk.name == pdf_name(bk.repository, bk.title)


def test_pdf_name():
    assert pdf_name("https://github.com/example/dprk-after-riyadh/") == "dprk-after-riyadh.pdf"
    assert pdf_name("", "Squeezed? North Korea", package="dprk-data") == "dprk-data.pdf"
    assert pdf_name("", "Squeezed? North Korea", package="") == "squeezed-north-korea.pdf"
    # No repository configured (none is invented): the data package's name.
    assert pdf_name() == "dprk-after-riyadh.pdf"


def test_chapter_pages_take_the_chapters_top_level_entry_not_a_section_of_the_same_name():
    """The calls page was listed one page early: What happened next ends with a section of the calls page's name."""
    bk = pdf.Book("T", "", "", "", "t.pdf", [pdf.Chapter("chapters/next.html", "P", "What happened next"),
                                            pdf.Chapter("chapters/calls.html", "P", "Our own calls, and what to watch")])
    outline = [("Contents", 2, 0), ("Whathappenednext", 5, 0), ("Ourowncalls,andwhattowatch", 14, 1),
               ("Ourowncalls,andwhattowatchOurowncalls", 15, 0), ("Whattowatch", 17, 1)]
    assert pdf.chapter_pages(outline, bk) == {"chapters/next.html": 5, "chapters/calls.html": 15}


def test_wide_tables_become_blocks_labelled_by_their_own_headers():
    table = ('<p>x</p><div class="briefing-table-wrap"><table class="briefing-table briefing-calls"><caption>Our calls'
             '</caption><thead><tr><th scope="col">Call</th><th scope="col">Our call</th><th scope="col">Confidence'
             '</th><th scope="col">Decided by</th></tr></thead><tbody><tr id="calls--b01"><td>b01</td>'
             '<td lang="zh">会谈</td><td>Low</td><td>' + "A long rule that decides the call, " * 3 + '</td></tr>'
             '</tbody></table></div>')
    out = pdf.as_blocks(table)
    assert "<table" not in out and out.startswith("<p>x</p>")
    assert 'id="calls--b01"' in out and '<span lang="zh">会谈</span>' in out and "Our calls" in out
    assert re.search(r'class="pdf-fact"><span class="pdf-label">Confidence:</span>\s*Low', out)
    assert re.search(r'class="pdf-record-long"><span class="pdf-label">Decided by:</span>', out)
    other = table.replace("briefing-calls", "briefing-register")
    assert pdf.as_blocks(other) == other
    # A Markdown table (Corrections): four columns, one of them long, each cell in a paragraph of its own.
    md = ('<div class="pst-scrollable-table-container"><table class="table"><thead><tr class="row-odd">' +
          "".join(f'<th class="head"><p>{h}</p></th>' for h in ("Date", "What changed", "Why", "Affects")) +
          '</tr></thead><tbody><tr class="row-even"><td><p>2026-12-03</p></td><td><p>c055: <strong>borne out → not '
          'scorable</strong></p></td><td><p>' + "One rule for conditionals, " * 3 + '</p></td><td><p>c055</p></td>'
          '</tr></tbody></table></div>')
    out = pdf.as_blocks(md)
    assert "<table" not in out and "<p>" not in out
    assert re.search(r'pdf-record-key">2026-12-03</span>\s*c055: <strong>', out)
    assert re.search(r'<span class="pdf-label">Affects:</span>\s*c055', out)
    three = re.sub(r'<th class="head"><p>Affects</p></th>|<td><p>c055</p></td>', "", md)
    assert pdf.as_blocks(three) == three  # a narrow Markdown table stays a table


def test_the_sentence_that_links_to_the_pdf_is_left_out_of_it():
    body = ('<p><em>What it claims.</em> Also as a <a href="../dprk-after-riyadh.pdf">PDF</a>. Next sentence.</p>'
            '<p><span class="briefing-web-only">Or <a href="../dprk-after-riyadh.pdf#page=2">print it</a>.</span></p>')
    out = pdf.drop_self_references(body, "dprk-after-riyadh.pdf")
    assert "PDF" not in out and "print it" not in out and ".pdf" not in out
    assert "<em>What it claims.</em>" in out and "Next sentence." in out


# What the checks read from a PDF, with PDFium (the engine of Chromium's own viewer), in one pass over its pages and
# page objects (the forms (XObjects) included): each text object's box in page space, its clip, its baseline; the
# images; the page's text. The PDF that `make pdf` made is read once for all the tests. A text object's string is
# fetched only for a box that breaks a rule (the message names it): fetching it for each of the book's 220,000 text
# objects took most of the margin check's 12 s.
MARGIN_SLACK = 1.0  # points: anti-aliasing and glyph side bearings
FOOTER = 50  # points from the page's foot: the running footer, in the bottom margin


def _mm(value: str) -> float:
    return float(value.removesuffix("mm")) * 72 / 25.4


@dataclasses.dataclass
class PageReading:
    number: int  # 1-based
    width: float
    height: float
    text: str
    off_margins: list[tuple[str, float, float]]  # (text, left, right) of each box past the left or right margin
    clipped: list[str]  # text cut by its clip path
    lowest: float | None  # baseline of the lowest non-blank text above the footer
    images: int  # image objects drawn (inline ones and XObjects, inside forms too)

    @property
    def fill(self) -> float:
        """How far down the page its text reaches, as a share of its height: a page whose text stops a fifth of
        the way down is a fifth full."""
        return (self.height - self.lowest) / self.height if self.lowest is not None else 0.0


def _matrix(m) -> tuple[float, ...]:
    return m.a, m.b, m.c, m.d, m.e, m.f


def _times(m, n) -> tuple[float, ...]:
    """m then n (row vectors, as PDF writes them)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F


def _on_rect(m, left, bottom, right, top):
    a, b, c, d, e, f = m
    xs = [a * x + c * y + e for x in (left, right) for y in (bottom, top)]
    ys = [b * x + d * y + f for x in (left, right) for y in (bottom, top)]
    return min(xs), min(ys), max(xs), max(ys)


def _clip_span(obj) -> tuple[float, float] | None:
    """The narrowest left and right of an object's clip path (each of its paths' boxes), or None without one."""
    clip = raw.FPDFPageObj_GetClipPath(obj)
    if not clip:
        return None
    x, y, lo, hi = ctypes.c_float(), ctypes.c_float(), [], []
    for k in range(raw.FPDFClipPath_CountPaths(clip)):
        xs = []
        for s in range(raw.FPDFClipPath_CountPathSegments(clip, k)):
            raw.FPDFPathSegment_GetPoint(raw.FPDFClipPath_GetPathSegment(clip, k, s), x, y)
            xs.append(x.value)
        if xs:
            lo.append(min(xs))
            hi.append(max(xs))
    return (max(lo), min(hi)) if lo else None


def _object_text(obj, textpage) -> str:
    size = raw.FPDFTextObj_GetText(obj, textpage, None, 0)  # in bytes, UTF-16 with its closing NUL
    buffer = (ctypes.c_ushort * (size // 2 + 1))()
    raw.FPDFTextObj_GetText(obj, textpage, buffer, size)
    return bytes(buffer)[:max(size - 2, 0)].decode("utf-16-le", errors="ignore")


def _read_page(doc, i: int, margin) -> PageReading:
    page = doc[i]
    textpage = page.get_textpage()
    width, height = page.get_size()
    lo, hi = _mm(margin["left"]) - MARGIN_SLACK, width - _mm(margin["right"]) + MARGIN_SLACK
    off, clipped, baselines, images = [], [], [], 0
    l, b, r, t, m = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), raw.FS_MATRIX()

    def named(left, bottom, right, top):
        return textpage.get_text_bounded(left, bottom, right, top).strip()[:40]

    def walk(parent, count, get, form, level):  # form: the matrix from the form's space to the page's, or None
        nonlocal images
        for k in range(count(parent)):
            obj = get(parent, k)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_TEXT:
                raw.FPDFPageObj_GetBounds(obj, l, b, r, t)
                raw.FPDFPageObj_GetMatrix(obj, m)
                box, y = (l.value, b.value, r.value, t.value), m.f
                if form:
                    box, y = _on_rect(form, *box), m.e * form[1] + m.f * form[3] + form[5]
                left, bottom, right, top = box
                if y > FOOTER:
                    baselines.append((y, obj))
                if right - left > 0.5 and (left < lo or right > hi):
                    off.append((named(*box), round(left, 1), round(right, 1)))
                # Objects inside forms are not checked against their clip: it is the form's box, and no rule of the
                # book draws text there (rows print at full opacity).
                span = _clip_span(obj) if form is None else None
                if span and right - left > 0.5 and (left < span[0] - MARGIN_SLACK or right > span[1] + MARGIN_SLACK):
                    clipped.append(named(*box))
            elif kind == raw.FPDF_PAGEOBJ_IMAGE:
                images += 1
            elif kind == raw.FPDF_PAGEOBJ_FORM and level < 31:
                raw.FPDFPageObj_GetMatrix(obj, m)
                inner = _times(_matrix(m), form) if form else _matrix(m)
                walk(obj, raw.FPDFFormObj_CountObjects, raw.FPDFFormObj_GetObject, inner, level + 1)

    walk(page, raw.FPDFPage_CountObjects, raw.FPDFPage_GetObject, None, 0)
    lowest = next((y for y, obj in sorted(baselines, key=lambda e: e[0]) if _object_text(obj, textpage).strip()),
                  None)
    return PageReading(i + 1, width, height, textpage.get_text_range(), off, clipped, lowest, images)


def read_pages(source, margin=pdf.MARGIN) -> list[PageReading]:
    """Every page of a PDF (a path or bytes), read once; the book's PDF (a path, the default margins) is kept."""
    if isinstance(source, Path) and margin is pdf.MARGIN:
        return _read_kept(source)
    return _read(source, margin)


def _read(source, margin) -> list[PageReading]:
    doc = pdfium.PdfDocument(source)
    return [_read_page(doc, i, margin) for i in range(len(doc))]


@functools.lru_cache(maxsize=1)
def _read_kept(path: Path) -> list[PageReading]:
    return _read(path, pdf.MARGIN)


def off_margins(source, margin=pdf.MARGIN):
    """Text boxes that reach past the left or right page margin (or off the page)."""
    return [(p.number, *box) for p in read_pages(source, margin) for box in p.off_margins]


def _synthetic_pdf(lines, form_lines=(), extra: str = "") -> bytes:
    """An A4 PDF with Helvetica text at the given (x, y, text), inside a form drawn at half scale, and ``extra``
    content (operators) of its own, which may draw a small grey picture (``/Im1 Do``)."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject,
                               NumberObject)

    writer = PdfWriter()
    page = writer.add_blank_page(595.28, 841.89)
    font = writer._add_object(DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                                NameObject("/Subtype"): NameObject("/Type1"),
                                                NameObject("/BaseFont"): NameObject("/Helvetica")}))
    fonts = DictionaryObject({NameObject("/F1"): font})

    def show(items):
        return "".join(f"BT /F1 11 Tf {x} {y} Td ({s}) Tj ET\n" for x, y, s in items)

    form = DecodedStreamObject()
    form.set_data(show(form_lines).encode("latin-1"))
    form.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                 NameObject("/BBox"): ArrayObject([FloatObject(v) for v in (0, 0, 1300, 1700)]),
                 NameObject("/Resources"): DictionaryObject({NameObject("/Font"): fonts})})
    picture = DecodedStreamObject()
    picture.set_data(b"\x80\x40")
    picture.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
                    NameObject("/Width"): NumberObject(2), NameObject("/Height"): NumberObject(1),
                    NameObject("/ColorSpace"): NameObject("/DeviceGray"),
                    NameObject("/BitsPerComponent"): NumberObject(8)})
    content = DecodedStreamObject()
    content.set_data((show(lines) + ("q 0.5 0 0 0.5 0 0 cm /X1 Do Q\n" if form_lines else "") + extra)
                     .encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(content)
    page[NameObject("/Resources")] = DictionaryObject({
        NameObject("/Font"): fonts, NameObject("/XObject"): DictionaryObject({
            NameObject("/X1"): writer._add_object(form), NameObject("/Im1"): writer._add_object(picture)})})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_margin_check_finds_text_past_the_margins_and_only_that():
    inside = [(60, 700, "Inside the margins"), (400, 650, "Claims")]
    assert off_margins(_synthetic_pdf(inside, form_lines=[(1000, 1200, "In a form")])) == []
    # The calls table's last header, clipped at the right margin ("Clain"), and a list number past the left one.
    broken = off_margins(_synthetic_pdf(inside + [(530, 600, "Claim"), (40, 500, "100.")],
                                        form_lines=[(1150, 1200, "Far")]))
    assert [(p, t) for p, t, *_ in broken] == [(1, "Claim"), (1, "100."), (1, "Far")], broken


def clipped_text(source) -> list[tuple[int, str]]:
    """Text objects cut by their clip path (a chart's title or axis label running past its SVG, a table cell's
    overflow): the object's box reaches past the box of the clip."""
    return [(p.number, text) for p in read_pages(source) for text in p.clipped]


def test_the_clip_check_finds_a_title_cut_by_its_chart():
    fits = "q 100 100 200 50 re W n BT /F1 11 Tf 110 110 Td (Fits) Tj ET Q\n"
    assert clipped_text(_synthetic_pdf([(60, 700, "Body")], extra=fits)) == []
    cut = "q 100 100 200 50 re W n BT /F1 11 Tf 250 110 Td (A title too long) Tj ET Q\n"
    assert [p for p, _ in clipped_text(_synthetic_pdf([(60, 700, "Body")], extra=fits + cut))] == [1]


def _self_references(source) -> list[str]:
    """Text after the title page that offers the book "as a PDF" (links to the PDF's own file: see the links test)."""
    found = []
    for p in read_pages(source)[1:]:
        text = " ".join(p.text.split())
        found += [f"page {p.number}: {m.group(0).strip()}"
                  for m in re.finditer(r"[^.]{0,30}\b(as|in) (a )?PDF\b", text)]
    return found


def test_the_self_reference_check_finds_also_as_a_pdf():
    pages = _synthetic_pdf([(60, 700, "Title page")])
    assert _self_references(pages) == []
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pages)))
    writer.append(PdfReader(io.BytesIO(_synthetic_pdf([(60, 700, "What happened next. Also as a PDF.")]))))
    out = io.BytesIO()
    writer.write(out)
    assert _self_references(out.getvalue()) == ["page 2: Also as a PDF"]


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


@functools.lru_cache(maxsize=1)
def _book() -> pdf.Book:
    return pdf.book(html_root=pdf.HTML_ROOT)


@functools.lru_cache(maxsize=None)
def _outline(squash: bool = True) -> list[tuple[str, int, int]]:
    return pdf.outline(_pdf()[0].read_bytes(), squash=squash)


@pytest.mark.slow
def test_page_count_is_sane_and_size_reported():
    path, reader = _pdf()
    n = len(reader.pages)
    assert PAGES_MIN <= n <= PAGES_MAX, f"{n} pages"
    assert path.stat().st_size < 40_000_000
    print(f"{path.name}: {n} pages, {path.stat().st_size / 1e6:.2f} MB")


@functools.lru_cache(maxsize=1)
def _starts() -> dict[str, int]:
    return pdf.chapter_pages(_outline(), _book())


@pytest.mark.slow
def test_every_chapter_title_in_order_on_the_page_the_contents_give():
    """Each chapter's title is in the contents with the page number the chapter starts on, and on that page.
    (Text is read from these pages only: reading all of them would take a minute.)"""
    bk = _book()
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
    name = _book().name
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
    itself = [u for u in external if u.split("#")[0].endswith(name)]
    assert not itself, f"links to the PDF itself: {itself}"


def raster_images(source) -> int:
    """Images drawn in a PDF (XObjects and inline ones, inside forms too): a chart printed as a picture is one."""
    return sum(p.images for p in read_pages(source))


def test_the_image_count_finds_a_chart_printed_as_a_picture():
    title = [(60, 700, "A chart's title")]
    assert raster_images(_synthetic_pdf(title)) == 0
    # As Chromium prints an <img> (an image XObject), and as an inline image.
    drawn = "q 200 0 0 100 60 500 cm /Im1 Do Q\n"
    inline = "q 200 0 0 100 60 300 cm BI /W 2 /H 1 /CS /G /BPC 8 ID \x80\x40 EI Q\n"
    assert raster_images(_synthetic_pdf(title, extra=drawn)) == 1
    assert raster_images(_synthetic_pdf(title, extra=drawn + inline)) == 2


@pytest.mark.slow
def test_charts_are_vectors():
    """No raster image stands in for a chart: the PDF holds no more images than the chapters' <img> elements."""
    images = raster_images(_pdf()[0])
    imgs = sum(len(re.findall(r"<img\b", pdf.article_of((pdf.HTML_ROOT / c.page).read_text(encoding="utf-8"))))
               for c in _book().chapters)
    assert images <= imgs, f"{images} raster images in the PDF, {imgs} <img> in the chapters"


# Text past the margins; chart text run past its SVG and cut by its clip (Chromium draws it in a wider font than
# vl-convert measured when Liberation Sans is missing: .ci/system-deps.sh installs it); a link to the PDF itself.
@pytest.mark.slow
@pytest.mark.parametrize("check", [off_margins, clipped_text, _self_references], ids=lambda f: f.__name__)
def test_the_pdf_has_no_text_off_its_page_or_clip_and_no_reference_to_itself(check):
    path, _ = _pdf()
    assert check(path) == []


@pytest.mark.slow
def test_contents_numbers_are_the_pages_of_the_outline_chapters():
    """The outline's top level, after the contents, is the chapters in order; the contents give each its page."""
    bk = _book()
    top = [e for e in _outline() if e[2] == 0]
    assert top[0][0] == "Contents" and len(top) == len(bk.chapters) + 1, [t for t, *_ in top]
    contents = _page_text(1)
    for c, (title, page, _) in zip(bk.chapters, top[1:]):
        assert title.startswith(_squash(c.title)[:16]), f"outline entry {title!r} for {c.page}"
        m = re.search(re.escape(_squash(c.title)) + r"(\d+)", contents)
        assert m and int(m.group(1)) == page, f"{c.page}: contents say {m and m.group(1)}, the outline {page}"


@pytest.mark.slow
def test_wide_tables_are_printed_as_blocks():
    """Our calls, what to watch and the scorecard: no header row of theirs is left in the PDF's text."""
    starts = sorted(_starts().items(), key=lambda kv: kv[1])
    first = dict(starts)["chapters/calls.html"]
    last = min(n for _, n in starts if n > first) - 1
    text = "".join(_page_text(i) for i in range(first - 1, last))
    assert "Resolvesby:" in text and "ProbabilityConfidence" not in text


@pytest.mark.slow
def test_each_chapter_bookmark_reads_as_its_title():
    """Chromium names a chapter's bookmark from the h1's laid-out lines ("What happened nextWhat happened next");
    the bookmarks a reader clicks read as the chapters' own titles."""
    bk = _book()
    top = [t for t, _, depth in _outline(squash=False) if depth == 0]
    assert top == ["Contents"] + [c.title for c in bk.chapters]


@pytest.mark.slow
def test_every_bookmark_keeps_its_spaces_appears_once_and_parts_do_not_point_at_the_contents():
    """Issue 25: Chromium's bookmarks lost the space at a heading's line break ("the origins of theMSMT"), one read
    twice over, and the parts' captions in the contents were bookmarks that all pointed at the contents page."""
    flat = _outline(squash=False)
    contents = next(p for t, p, d in flat if t == "Contents")
    assert [t for t, p, d in flat if p == contents] == ["Contents"], "only the contents bookmark points at its page"
    squashed = [t for t, _, _ in flat if re.search(r"[a-z][A-Z]", t) and not re.search(r"DPRK|MSMT|US|UN", t)]
    assert not squashed, f"bookmarks that lost a space: {squashed}"
    assert not [t for t, _, _ in flat if len(t) % 2 == 0 and t[:len(t) // 2] == t[len(t) // 2:]], "a doubled title"


def test_name_headings_restores_the_words_of_each_heading():
    from pypdf import PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    a = writer.add_outline_item("What happened nextWhat happened next", page_number=0)
    writer.add_outline_item("The origins of theMSMT", page_number=0, parent=a)
    writer.add_outline_item("Unknown", page_number=0)
    assert pdf.name_headings(writer, ["What happened next", "The origins of the MSMT"]) == 2
    titles = []
    item = writer._root_object[NameObject("/Outlines")].get_object().get("/First")
    while item is not None:
        entry = item.get_object()
        titles.append(str(entry["/Title"]))
        if entry.get("/First") is not None:
            titles.append(str(entry["/First"].get_object()["/Title"]))
        item = entry.get("/Next")
    assert titles == ["What happened next", "The origins of the MSMT", "Unknown"]


def short_pages(source, exempt=frozenset()) -> list[tuple[int, float]]:
    """(page, share) of the pages under a quarter full (:attr:`PageReading.fill`), but those exempt."""
    return [(p.number, round(p.fill, 2)) for p in read_pages(source) if p.number not in exempt and p.fill < 0.25]


def test_the_fill_check_finds_a_page_under_a_quarter_full():
    full = [(60, 780, "Heading"), (60, 300, "Its chart's last line"), (300, 30, "Footer")]
    assert short_pages(_synthetic_pdf(full)) == []
    # A heading alone, its chart pushed over; blank text lower down and the footer do not fill the page.
    stranded = [(60, 780, "Heading"), (60, 300, "   "), (300, 30, "Footer")]
    assert short_pages(_synthetic_pdf(stranded)) == [(1, 0.07)]
    assert short_pages(_synthetic_pdf(stranded), exempt={1}) == []


@pytest.mark.slow
def test_no_page_is_under_a_quarter_full_but_a_chapters_last():
    """Issue 25: a heading stranded at a page's foot, its chart pushed over, left pages half empty; a page may be
    short only where a chapter ends."""
    starts, n = set(_starts().values()), len(read_pages(_pdf()[0]))
    ends = {s - 1 for s in starts} | {n} | {1, 2}  # and the title and contents pages
    short = short_pages(_pdf()[0], exempt=ends)
    assert not short, f"pages under a quarter full (page, share): {short}"
