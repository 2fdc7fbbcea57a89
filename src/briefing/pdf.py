"""Layer 5 (entry point): the PDF edition of the briefing (``make pdf``; issue 11).

Made from the built book (``_build/html``, so ``make book`` first), offline, with the same Chromium the browser
tests use (Debian's ``/usr/bin/chromium``; ``BRIEFING_CHROMIUM`` overrides) through Playwright's ``page.pdf``:

- one document: a title page (the book's title, its author, the "evidence as of" date read from the data by
  :func:`briefing.claims.evidence_as_of`, the edition, the licence), a contents list with page numbers, then every
  page of the table of contents in reading order, each starting on a new page;
- the article body of each page only (no navigation, no code cell sources, no interactive controls); charts are the
  inline SVG of each figure (vectors; a figure without one is drawn by the book's own vega bundle, as SVG);
- links kept: links between pages of the book become links inside the PDF, links to other sites stay links, and
  links to the book's data files point at the repository (or at the site, when ``html.baseurl`` is configured);
- page numbers in the footer; bookmarks (the PDF outline) from the headings; Chinese text in an embedded CJK font
  (Chromium embeds a subset of every font it draws with).

The contents list needs the page each chapter starts on, so the document is printed twice: once to find the pages
(from the PDF's outline, read with pypdf), once with the numbers filled in. Output: ``_build/pdf/<name>.pdf``, where
``<name>`` is the repository's name from ``_config.yml``; ``--copy-to-site`` also puts it in ``_build/html`` (the
sidebar's "PDF edition" link points there; the publish workflow ships it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import html
import http.server
import io
import os
import re
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml

from .paths import ROOT, pdf_name

HTML_ROOT = ROOT / "_build" / "html"
OUT_DIR = ROOT / "_build" / "pdf"
CHROMIUM = os.environ.get("BRIEFING_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run",
                 # Offline: nothing but the local server resolves.
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"]
EDITION_PATH = "chapters/__pdf_edition__.html"  # where the combined document is served (never written to the site)
PAGE_FORMAT = "A4"
MARGIN = {"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}


# -- what goes in -------------------------------------------------------------------------------------------------
@dataclass
class Chapter:
    page: str                 # path under _build/html, e.g. "chapters/china.html"
    part: str | None          # the part's caption in _toc.yml (None for the landing page)
    title: str = ""
    body: str = ""

    @property
    def stem(self) -> str:
        return Path(self.page).stem

    @property
    def anchor(self) -> str:
        return f"ch-{self.stem}"


@dataclass
class Book:
    title: str
    author: str
    repository: str
    baseurl: str
    name: str                 # the PDF's file name
    chapters: list[Chapter] = field(default_factory=list)


def book(root: Path = ROOT, html_root: Path | None = None) -> Book:
    """The book's title, author, addresses and chapters (in the order of ``_toc.yml``; with ``html_root``, each
    chapter's title read from the built page)."""
    cfg = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    repo = ((cfg.get("repository") or {}).get("url") or "").rstrip("/")
    baseurl = ((cfg.get("html") or {}).get("baseurl") or
               ((cfg.get("sphinx") or {}).get("config") or {}).get("html_baseurl") or "")
    name = pdf_name(repo, cfg["title"])

    def page(f: str) -> str:
        return re.sub(r"\.(md|ipynb|rst)$", "", f) + ".html"

    chapters = [Chapter(page(toc["root"]), None)]
    for part in toc.get("parts") or [{"caption": None, "chapters": toc.get("chapters") or []}]:
        def walk(entries):
            for e in entries or []:
                if "file" in e:
                    chapters.append(Chapter(page(e["file"]), part.get("caption")))
                walk(e.get("sections"))
        walk(part.get("chapters"))
    bk = Book(cfg["title"], cfg.get("author", ""), repo, baseurl.rstrip("/"), name, chapters)
    if html_root is not None:
        for c in bk.chapters:
            c.title = title_of(article_of((html_root / c.page).read_text(encoding="utf-8")))
    return bk


def evidence_date() -> dt.date | None:
    from .claims import evidence_as_of, register

    return evidence_as_of(register())


def edition_number() -> int | None:
    from .claims import edition, register

    try:
        return edition(register())
    except Exception:  # an older data package without editions
        return None


# -- one page's article, scoped into the edition -----------------------------------------------------------------
_ARTICLE_OPEN = re.compile(r'<article class="bd-article"[^>]*>')
_TAG = re.compile(r"<(/?)article\b[^>]*>")


def article_of(page_html: str) -> str:
    """The inner HTML of the page's ``<article class="bd-article">`` (nested articles kept whole)."""
    m = _ARTICLE_OPEN.search(page_html)
    if not m:
        raise ValueError("no <article class=\"bd-article\"> in the page")
    depth, pos = 1, m.end()
    for t in _TAG.finditer(page_html, m.end()):
        depth += -1 if t.group(1) else 1
        if depth == 0:
            return page_html[m.end():t.start()]
        pos = t.end()
    raise ValueError(f"unclosed <article> after offset {pos}")


def title_of(body: str) -> str:
    m = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", re.sub(r'<a class="headerlink".*?</a>', "", m.group(1))))
                    .split()) if m else ""


def scope(body: str, chapter: Chapter, pages: dict[str, str], site: str, repository: str) -> str:
    """The chapter's HTML with every id prefixed by the chapter (the pages share ids such as "overview"), links
    between the book's pages turned into links inside the edition, and links to other files of the site made
    absolute (to ``site`` when configured, else data files to the ``repository``; others lose their link)."""
    prefix = f"{chapter.stem}--"

    def own(frag: str) -> str:
        return prefix + frag

    body = re.sub(r'(\s)id="([^"]+)"', lambda m: f'{m.group(1)}id="{own(m.group(2))}"', body)
    body = re.sub(r'(\sdata-spec-id=")([^"]+)"', lambda m: f'{m.group(1)}{own(m.group(2))}"', body)
    body = re.sub(r'(\s(?:aria-labelledby|aria-describedby|aria-controls|for|headers)=")([^"]+)"',
                  lambda m: m.group(1) + " ".join(own(t) for t in m.group(2).split()) + '"', body)
    body = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{own(m.group(1))})", body)

    here = f"https://book.invalid/{chapter.page}"

    def link(m):
        attr, target = m.group(1), html.unescape(m.group(2))
        if target.startswith("#"):
            return f'{attr}"#{html.escape(own(target[1:]))}"'
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # http:, https:, mailto:, data:
            return m.group(0)
        url = urlsplit(urljoin(here, target))
        path = url.path.lstrip("/")
        if path in pages:
            stem = Path(path).stem
            return f'{attr}"#{html.escape(stem + "--" + url.fragment if url.fragment else pages[path])}"'
        if site:
            return f'{attr}"{html.escape(site + "/" + path + ("#" + url.fragment if url.fragment else ""))}"'
        if repository and path.startswith("data/"):
            return f'{attr}"{html.escape(repository + "/blob/main/" + path)}"'
        return f'data-dropped-{attr}"{html.escape(target)}"'  # nothing to point at outside the site

    return re.sub(r'((?<=\s)(?:xlink:)?href=)"([^"]*)"', link, body)


# -- the document -------------------------------------------------------------------------------------------------
EDITION_CSS = """
@page { size: %(format)s; margin: %(top)s %(right)s %(bottom)s %(left)s; }
html, body { background: #ffffff !important; }
body { font-size: 10.5pt; line-height: 1.45; margin: 0; }
.pdf-chapter { break-before: page; }
.pdf-chapter h1 { font-size: 20pt; margin-top: 0; }
.pdf-chapter h2 { font-size: 14pt; break-after: avoid; }
.pdf-chapter h3 { font-size: 12pt; break-after: avoid; }
a { color: #1a4f8b; }
/* Not for paper: anchors to copy, code cell sources, tooltips, interactive controls, hidden chart tables. */
.headerlink, .cell_input, details.hide, .copybtn, .toggle-details, .briefing-register-controls,
details.briefing-chart__alt, .pst-js-only, script, noscript { display: none !important; }
.cell_output, .output { margin: 0 !important; }
.briefing-chart { break-inside: avoid; }
.briefing-chart__vis svg { max-width: 100%%; height: auto; }
table { break-inside: auto; }
tr, .briefing-claim, figure { break-inside: avoid; }
.pst-scrollable-table-container, .briefing-table-wrap { overflow: visible !important; }
pre { white-space: pre-wrap; }
.pdf-title { height: 240mm; display: flex; flex-direction: column; justify-content: center; }
.pdf-title .pdf-kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 10pt; color: #555; }
.pdf-title .pdf-booktitle { font-size: 28pt; font-weight: 700; line-height: 1.2; margin: .3em 0 .6em; }
.pdf-title .pdf-asof { font-size: 14pt; font-weight: 600; margin: 1.5em 0 .3em; }
.pdf-title .pdf-small { font-size: 9pt; color: #444; margin-top: 3em; }
.pdf-contents { break-before: page; }
.pdf-contents h2 { font-size: 18pt; }
.pdf-contents h3 { font-size: 10pt; text-transform: uppercase; letter-spacing: .06em; color: #555;
  margin: 1.2em 0 .3em; }
.pdf-contents ol { list-style: none; padding: 0; margin: 0; }
.pdf-contents li a { display: flex; gap: .5em; text-decoration: none; color: inherit; padding: .2em 0;
  border-bottom: 1px dotted #bbb; }
.pdf-contents li a span:first-child { flex: 1; }
.pdf-contents .pdf-page { font-variant-numeric: tabular-nums; min-width: 2.5em; text-align: right; }
"""

# A figure the build left without an inline SVG is drawn by the book's own vega bundle (as SVG, so still vectors).
FALLBACK_CHARTS_JS = """
(function () {
  var els = [...document.querySelectorAll('.briefing-chart__vis[data-spec-id]')].filter(el => !el.querySelector('svg'));
  window.__chartsPending = els.length;
  if (!els.length || !window.vegaEmbed) { window.__chartsPending = 0; return; }
  els.forEach(function (el) {
    var spec = JSON.parse(document.getElementById(el.getAttribute('data-spec-id')).textContent);
    window.vegaEmbed(el, spec, {renderer: 'svg', actions: false})
      .catch(function (e) { console.error('chart ' + el.id + ': ' + e); })
      .finally(function () { window.__chartsPending -= 1; });
  });
})();
"""

FOOTER = ('<div style="font-size:7.5pt; width:100%%; margin:0 16mm; display:flex; justify-content:space-between;'
          ' color:#555; font-family:sans-serif;"><span>%s</span>'
          '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>')


def _stylesheets(page_html: str) -> str:
    return "\n".join(m.group(0) for m in re.finditer(r'<link rel="stylesheet"[^>]*>|<link[^>]+rel="stylesheet"[^>]*>',
                                                     page_html))


def _spec_scripts(body: str) -> str:
    """The chart specs (JSON, inert) stay: the fallback drawing reads them. Every other script goes."""
    def keep(m):
        return m.group(0) if 'type="application/json"' in m.group(1) else ""
    return re.sub(r"<script\b([^>]*)>.*?</script>", keep, body, flags=re.S)


def document(bk: Book, html_root: Path, as_of: dt.date | None, edition: int | None,
             page_numbers: dict[str, int] | None = None) -> str:
    first = (html_root / bk.chapters[0].page).read_text(encoding="utf-8")
    pages = {c.page: c.anchor for c in bk.chapters}
    bundle = sorted((html_root / "_static" / "vendor").glob("vega-bundle-*.js"))
    parts_html = []
    for c in bk.chapters:
        text = (html_root / c.page).read_text(encoding="utf-8")
        body = article_of(text)
        c.title = c.title or title_of(body)
        body = scope(_spec_scripts(body), c, pages, bk.baseurl, bk.repository)
        parts_html.append(f'<section class="pdf-chapter" id="{c.anchor}" data-page="{html.escape(c.page)}">'
                          f"{body}</section>")
    esc = html.escape
    asof = as_of.strftime("%-d %B %Y") if as_of else "not recorded"
    online = (f'<p>Online edition: <a href="{esc(bk.baseurl)}/">{esc(bk.baseurl)}/</a></p>' if bk.baseurl else "")
    repo = f'<p>Source, data and code: <a href="{esc(bk.repository)}">{esc(bk.repository)}</a></p>' \
        if bk.repository else ""
    title_page = (
        '<section class="pdf-title">'
        '<p class="pdf-kicker">An analytical briefing · PDF edition</p>'
        f'<p class="pdf-booktitle">{esc(bk.title)}</p>'  # not a heading: the outline starts with the contents
        f'<p>{esc(bk.author)}</p>'
        f'<p class="pdf-asof">Evidence as of {esc(asof)}</p>'
        + (f"<p>Edition {edition}</p>" if edition else "")
        + online + repo +
        '<p class="pdf-small">Text, charts and the project\'s own data: Creative Commons Attribution 4.0 '
        '(CC BY 4.0); the commentary article is quoted for criticism and review, its rights remain with its '
        'author (see LICENSE-content in the repository). Made from the HTML edition by Chromium; links between '
        'chapters work inside this file.</p>'
        '</section>')
    rows, current = [], object()
    for c in bk.chapters:
        if c.part != current:
            if rows:
                rows.append("</ol>")
            current = c.part
            if c.part:
                rows.append(f"<h3>{esc(c.part)}</h3>")
            rows.append("<ol>")
        num = (page_numbers or {}).get(c.page)
        rows.append(f'<li><a href="#{c.anchor}"><span>{esc(c.title)}</span>'
                    f'<span class="pdf-page">{num if num else "000"}</span></a></li>')
    rows.append("</ol>")
    contents = '<nav class="pdf-contents" aria-label="Contents"><h2>Contents</h2>' + "".join(rows) + "</nav>"
    margin = {k: v for k, v in MARGIN.items()}
    # The bundle only for figures without their inline SVG (none, once every figure carries one).
    figures = re.findall(r'<div class="briefing-chart__vis"[^>]*>\s*(<svg)?', "".join(parts_html))
    scripts = "".join(f'<script src="../_static/vendor/{b.name}"></script>' for b in bundle[:1]
                      if any(not svg for svg in figures))
    return (f'<!DOCTYPE html>\n<html lang="en" data-theme="light" data-mode="light"><head><meta charset="utf-8">'
            f"<title>{esc(bk.title)}</title>\n{_stylesheets(first)}\n"
            f"<style>{EDITION_CSS % {'format': PAGE_FORMAT, **margin}}</style></head>\n"
            f'<body>{title_page}{contents}{"".join(parts_html)}{scripts}'
            f"<script>{FALLBACK_CHARTS_JS}</script></body></html>\n")


# -- printing -----------------------------------------------------------------------------------------------------
class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass


def _print(browser, base: str, doc: str, footer_title: str) -> bytes:
    page = browser.new_page()
    try:
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.route(base + EDITION_PATH, lambda route: route.fulfill(status=200, body=doc,
                                                                    content_type="text/html; charset=utf-8"))
        page.goto(base + EDITION_PATH, wait_until="load")
        page.wait_for_function("() => window.__chartsPending === 0", timeout=60_000)
        page.evaluate("() => document.fonts.ready")
        if errors:
            raise RuntimeError("the PDF edition's page raised: " + "; ".join(errors))
        return page.pdf(format=PAGE_FORMAT, margin=MARGIN, print_background=True, display_header_footer=True,
                        header_template="<span></span>", footer_template=FOOTER % html.escape(footer_title),
                        outline=True, tagged=True)
    finally:
        page.close()


def chapter_pages(pdf: bytes, bk: Book) -> dict[str, int]:
    """The page (1-based) each chapter starts on, from the PDF's outline: in order, the next entry whose title
    starts like the chapter's title (its first 16 characters, without white space: the outline loses the spaces
    at line breaks, and Chromium may repeat a heading's first line in its entry)."""
    from pypdf import PdfReader

    if not all(c.title for c in bk.chapters):
        raise ValueError("chapter_pages needs every chapter's title (book(html_root=...))")
    reader = PdfReader(io.BytesIO(pdf))
    flat = []

    def walk(items):
        for it in items:
            if isinstance(it, list):
                walk(it)
            else:
                flat.append(("".join(str(it.title).split()), reader.get_destination_page_number(it) + 1))

    walk(reader.outline)
    found, start = {}, 0
    for c in bk.chapters:
        for i in range(start, len(flat)):
            if flat[i][0].startswith("".join(c.title.split())[:16]):
                found[c.page] = flat[i][1]
                start = i + 1
                break
    return found


# -- Chinese text that can be searched and copied ----------------------------------------------------------------
# Chromium writes each font's ToUnicode map by inverting the font's own character map. Noto Sans CJK draws a Kangxi
# radical (U+2F00-2FDF) or a CJK radical supplement character (U+2E80-2EFF) with the same glyph as the ideograph it
# looks like (一 and ⼀, 门 and ⻔), and the inversion keeps the radical: the PDF shows 门 but its text says ⻔, so a
# search for 闭门 finds nothing. The repair maps every radical back to its ideograph: by Unicode's compatibility
# decomposition (NFKC) where there is one, else by the ideograph that shares the radical's glyph in the CJK font.
RADICALS = range(0x2E80, 0x2FE0)


def _font_cmap(path: str, index: int = 0, wanted=None) -> dict[int, int]:
    """code point -> glyph id of one face of an OpenType/TrueType font or collection (the cmap's format-12 table,
    else its format-4 table), for the code points ``wanted`` accepts."""
    import struct

    data = Path(path).read_bytes()
    base = struct.unpack(">I", data[12 + 4 * index:16 + 4 * index])[0] if data[:4] == b"ttcf" else 0
    num_tables = struct.unpack(">H", data[base + 4:base + 6])[0]
    cmap = None
    for i in range(num_tables):
        tag, _, offset, _ = struct.unpack(">4sIII", data[base + 12 + 16 * i:base + 28 + 16 * i])
        if tag == b"cmap":
            cmap = offset
    if cmap is None:
        return {}
    subtables = {}
    for i in range(struct.unpack(">H", data[cmap + 2:cmap + 4])[0]):
        platform, encoding, offset = struct.unpack(">HHI", data[cmap + 4 + 8 * i:cmap + 12 + 8 * i])
        fmt = struct.unpack(">H", data[cmap + offset:cmap + offset + 2])[0]
        subtables.setdefault(fmt, cmap + offset)
    out: dict[int, int] = {}
    if 12 in subtables:
        t = subtables[12]
        for g in range(struct.unpack(">I", data[t + 12:t + 16])[0]):
            start, end, glyph = struct.unpack(">III", data[t + 16 + 12 * g:t + 28 + 12 * g])
            for cp in range(start, end + 1):
                if wanted is None or wanted(cp):
                    out[cp] = glyph + cp - start
    elif 4 in subtables:
        t = subtables[4]
        segs = struct.unpack(">H", data[t + 6:t + 8])[0] // 2
        ends = struct.unpack(f">{segs}H", data[t + 14:t + 14 + 2 * segs])
        starts = struct.unpack(f">{segs}H", data[t + 16 + 2 * segs:t + 16 + 4 * segs])
        deltas = struct.unpack(f">{segs}h", data[t + 16 + 4 * segs:t + 16 + 6 * segs])
        ro_at = t + 16 + 6 * segs
        offsets = struct.unpack(f">{segs}H", data[ro_at:ro_at + 2 * segs])
        for k in range(segs):
            for cp in range(starts[k], ends[k] + 1):
                if cp == 0xFFFF or (wanted is not None and not wanted(cp)):
                    continue
                if offsets[k] == 0:
                    glyph = (cp + deltas[k]) & 0xFFFF
                else:
                    at = ro_at + 2 * k + offsets[k] + 2 * (cp - starts[k])
                    glyph = struct.unpack(">H", data[at:at + 2])[0]
                    glyph = (glyph + deltas[k]) & 0xFFFF if glyph else 0
                if glyph:
                    out[cp] = glyph
    return out


@functools.lru_cache(maxsize=1)
def radical_map() -> dict[int, str]:
    """Radical code point -> the ideograph it stands for (see above)."""
    import subprocess
    import unicodedata

    def unified(ch: str) -> bool:
        return len(ch) == 1 and (0x4E00 <= ord(ch) <= 0x9FFF or 0x3400 <= ord(ch) <= 0x4DBF
                                 or 0x20000 <= ord(ch) <= 0x3FFFF)

    out = {}
    for cp in RADICALS:
        n = unicodedata.normalize("NFKC", chr(cp))
        if unified(n):
            out[cp] = n
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}:%{index}", "Noto Sans CJK SC"], capture_output=True,
                               text=True, timeout=10).stdout
        path, _, index = found.rpartition(":")
        cmap = _font_cmap(path, int(index or 0),
                          lambda cp: cp in RADICALS or unified(chr(cp))) if path else {}
    except (OSError, ValueError, subprocess.SubprocessError):
        cmap = {}
    by_glyph: dict[int, int] = {}
    for cp, glyph in sorted(cmap.items()):
        if cp not in RADICALS:
            by_glyph.setdefault(glyph, cp)
    for cp in RADICALS:
        if cp not in out and cp in cmap and cmap[cp] in by_glyph:
            out[cp] = chr(by_glyph[cmap[cp]])
    return out


_HEX = r"<([0-9A-Fa-f]+)>"


def _utf16(hexstr: str) -> str:
    return bytes.fromhex(hexstr).decode("utf-16-be", errors="surrogatepass")


def repair_to_unicode(cmap_text: str, radicals: dict[int, str]) -> str | None:
    """A ToUnicode CMap with radicals mapped to their ideographs (rewritten as bfchar entries), or None when it
    needs no repair."""
    mapping: dict[str, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap_text, re.S):
        for src, dst in re.findall(_HEX + r"\s*" + _HEX, block):
            mapping[src] = _utf16(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap_text, re.S):
        for lo, hi, rest in re.findall(_HEX + r"\s*" + _HEX + r"\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", block):
            width, a, b = len(lo), int(lo, 16), int(hi, 16)
            if rest.startswith("["):
                dsts = [_utf16(h) for h in re.findall(_HEX, rest)]
            else:
                first = _utf16(rest[1:-1])
                dsts = [first[:-1] + chr(ord(first[-1]) + k) for k in range(b - a + 1)]
            for k, dst in enumerate(dsts[:b - a + 1]):
                mapping[f"{a + k:0{width}X}"] = dst
    if not any(ord(c) in radicals for dst in mapping.values() for c in dst):
        return None
    space = re.search(r"\d+\s+begincodespacerange.*?endcodespacerange", cmap_text, re.S)
    entries = [(src, "".join(radicals.get(ord(c), c) for c in dst)) for src, dst in sorted(mapping.items())]
    chunks = []
    for i in range(0, len(entries), 100):
        part = entries[i:i + 100]
        chunks.append(f"{len(part)} beginbfchar\n" + "\n".join(
            f"<{src}> <{dst.encode('utf-16-be', errors='surrogatepass').hex().upper()}>" for src, dst in part)
            + "\nendbfchar")
    return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            + (space.group(0) if space else "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange") + "\n"
            + "\n".join(chunks) + "\nendcmap\nCMapName currentdict /CMapResource defineresource pop\nend\nend\n")


def _repair_fonts(writer) -> int:
    """Repair the ToUnicode map of every font of the document; the number of maps repaired."""
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    radicals, done, repaired = radical_map(), set(), 0

    def visit(resources):
        nonlocal repaired
        resources = resources.get_object() if resources is not None else None
        if not isinstance(resources, DictionaryObject):
            return
        for font in (resources.get("/Font") or {}).values():
            ref = font.indirect_reference if hasattr(font, "indirect_reference") else None
            font = font.get_object()
            key = id(font) if ref is None else (ref.idnum, ref.generation)
            if key in done or "/ToUnicode" not in font:
                continue
            done.add(key)
            stream = font["/ToUnicode"].get_object()
            new = repair_to_unicode(stream.get_data().decode("latin-1"), radicals)
            if new is not None:
                fixed = DecodedStreamObject()
                fixed.set_data(new.encode("latin-1"))
                font[NameObject("/ToUnicode")] = writer._add_object(fixed.flate_encode())
                repaired += 1
        for xobj in (resources.get("/XObject") or {}).values():
            x = xobj.get_object()
            if "/Resources" in x:
                visit(x["/Resources"])

    for page in writer.pages:
        visit(page.get("/Resources"))
    return repaired


def finish(pdf: bytes, bk: Book, as_of: dt.date | None) -> bytes:
    """Document information (title, author, subject) on the printed PDF, and its Chinese text made searchable."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    _repair_fonts(writer)
    writer.add_metadata({"/Title": bk.title, "/Author": bk.author,
                         "/Subject": "PDF edition" + (f"; evidence as of {as_of.isoformat()}" if as_of else ""),
                         "/Creator": "briefing.pdf (Chromium via Playwright)"})
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def build(html_root: Path = HTML_ROOT, out_dir: Path = OUT_DIR, root: Path = ROOT) -> Path:
    from playwright.sync_api import sync_playwright

    if not (html_root / "index.html").is_file():
        raise SystemExit(f"{html_root} has no built book: run `make book` first")
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).is_file():
        raise SystemExit(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    bk = book(root)
    as_of, edition = evidence_date(), edition_number()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(html_root)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    short = bk.title.split(" — ")[0]
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                first = _print(browser, base, document(bk, html_root, as_of, edition), short)
                numbers = chapter_pages(first, bk)
                missing = [c.page for c in bk.chapters if c.page not in numbers]
                if missing:
                    raise RuntimeError(f"chapters not found in the PDF's outline: {missing}")
                pdf = _print(browser, base, document(bk, html_root, as_of, edition, numbers), short)
                if chapter_pages(pdf, bk) != numbers:  # the numbers must not move the chapters
                    raise RuntimeError("filling in the contents moved the chapters")
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / bk.name
    target.write_bytes(finish(pdf, bk, as_of))
    return target


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Build the PDF edition from the built book.")
    parser.add_argument("--html", type=Path, default=HTML_ROOT)
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--copy-to-site", action="store_true", help="also copy the PDF into the built site")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    target = build(args.html, args.out)
    from pypdf import PdfReader

    n = len(PdfReader(target).pages)
    print(f"PDF edition: {target} ({target.stat().st_size / 1e6:.2f} MB, {n} pages) in "
          f"{time.perf_counter() - start:.1f} s")
    if args.copy_to_site:
        shutil.copy2(target, args.html / target.name)
        print(f"copied to {args.html / target.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
