"""Layer 9 (entry point): the PDF edition of the briefing (``make pdf``; issues 11, 18 and 20).

Printed from the built book (``_build/html``: ``make book`` first), offline, by the Chromium the browser tests use
(``/usr/bin/chromium``; ``BRIEFING_CHROMIUM`` overrides) through Playwright's ``page.pdf``. One document: a title
page (title, author, the "evidence as of" date from :func:`briefing.claims.evidence_as_of`, edition, licence), a
contents list with page numbers, then the article body of every page of the table of contents, in order, each on a
new page (no navigation, code or controls; charts as their inline SVG, vectors). Links between pages become links
inside the PDF; data files point at the repository (or the site, with ``html.baseurl``). Wide tables (our calls,
what to watch, the scorecard, the conflicts) print as compact blocks; the sentence offering the PDF is left out.
Page numbers in the footer, bookmarks from the headings, Chinese in an embedded font, searchable
(:mod:`briefing.pdf_fonts` repairs its text map). The markup is in ``templates/pdf/``.

The contents need the page each chapter starts on, so the document is printed twice: once to find the pages (the
chapters' top-level entries in the PDF's outline), once with the numbers filled in. Output:
``_build/pdf/<name>.pdf`` (``<name>``: the repository's, from ``_config.yml``); ``--copy-to-site`` also puts it in
``_build/html``, where the sidebar's link points and the publish workflow ships it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import http.server
import io
import os
import shutil
import sys
import threading
import time
from pathlib import Path

from bs4 import NavigableString, Tag
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from . import paths
from .pdf_book import (Book, Chapter, article, article_of, book, on_tree, parse, scope,  # noqa: F401 (the API)
                       text_of, title_of)
from .pdf_fonts import repair_fonts
from .vocabulary import PAGE_COLOURS

CHROMIUM = os.environ.get("BRIEFING_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run",
                 # Offline: nothing but the local server resolves.
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"]
EDITION_PATH = "chapters/__pdf_edition__.html"  # where the combined document is served (never written to the site)
PAGE_FORMAT = "A4"
MARGIN = {"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}


def evidence_date() -> dt.date | None:
    from .claims import evidence_as_of, register

    return evidence_as_of(register())


def edition_date() -> str | None:
    """The date of this edition as a reader reads it: the data package's review date (``x-review-date``)."""
    from .claims import reader_date, review_context

    try:
        return reader_date(review_context()[0])
    except Exception:  # an older data package without a review date
        return None


def edition_number() -> int | None:
    from .claims import edition, register

    try:
        return edition(register())
    except Exception:  # an older data package without editions
        return None


# -- the document -------------------------------------------------------------------------------------------------
TEMPLATES = Path(__file__).parent / "templates" / "pdf"
# Wide tables printed as blocks (templates/pdf/records.html): our calls, what to watch, the scorecard, the conflicts.
BLOCK_TABLES = ("briefing-calls", "briefing-watch", "briefing-scorecard", "briefing-inconsistencies")
LONG_CELL = 40  # characters: a column whose cells average more is printed as a paragraph, not a fact on a line


@functools.lru_cache(maxsize=1)
def templates() -> Environment:
    """The PDF edition's templates (``templates/pdf/``): HTML autoescaped, CSS and JavaScript as written."""
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                       undefined=StrictUndefined, keep_trailing_newline=False)


def _cell(td: Tag) -> Markup:
    """A cell's markup, without the one paragraph a Markdown table wraps it in (so that it flows in a line)."""
    inner = [c for c in td.contents if not (isinstance(c, NavigableString) and not c.strip())]
    if len(inner) == 1 and getattr(inner[0], "name", None) == "p" and not inner[0].attrs and not inner[0].find("p"):
        return Markup(inner[0].decode_contents())
    return Markup(td.decode_contents())


def _only_child(tag: Tag) -> Tag | None:
    """The one element inside ``tag`` when nothing but white space surrounds it."""
    inner = [c for c in tag.contents if not (isinstance(c, NavigableString) and not c.strip())]
    return inner[0] if len(inner) == 1 and isinstance(inner[0], Tag) else None


@on_tree
def as_blocks(body: Tag, classes=BLOCK_TABLES) -> None:
    """Wide tables replaced by compact blocks, one per row: the book's tables of the given classes, and Markdown
    tables (Corrections) of four or more columns with a long one. Labels are the table's own headers, cells the
    table's own markup, row ids kept as anchors."""
    for wrap in body.select('div[class="briefing-table-wrap"], div[class="pst-scrollable-table-container"]'):
        table = _only_child(wrap)
        if wrap.attrs.keys() != {"class"} or table is None or table.name != "table":
            continue
        names = (table.get("class") or "").split()
        markdown = "briefing-table" not in names
        if not markdown and not set(names) & set(classes):
            continue
        headers = [text_of(h, skip="") for h in table.find_all("th")]
        caption = table.find("caption")
        rows = []
        for tr in (table.tbody or table).find_all("tr"):
            cells = [{"html": _cell(td), "text": text_of(td, skip=""), "lang": td.get("lang")}
                     for td in tr.find_all("td")]
            if len(cells) == len(headers) >= 2:
                rows.append({"id": tr.get("id"), "cells": cells})
        rest = range(2, len(headers))
        long = [k for k in rest if rows and sum(len(r["cells"][k]["text"]) for r in rows) / len(rows) > LONG_CELL]
        if not rows or (markdown and (len(headers) < 4 or not long)):
            continue
        blocks = templates().get_template("records.html").render(
            classes=" ".join(n for n in names if n.startswith("briefing-") and n != "briefing-table"),
            caption=Markup(caption.decode_contents()) if caption else "", headers=headers,
            rows=rows, short=[k for k in rest if k not in long], long=long)
        wrap.replace_with(*parse(blocks).contents)


@on_tree
def drop_self_references(body: Tag, name: str) -> None:
    """The sentence that links to this PDF (the landing page's "Also as a PDF."), left out of the PDF itself;
    an element of class ``briefing-web-only`` is also hidden by the print rules."""
    for a in body.find_all("a", href=True):
        if not a["href"].split("#", 1)[0].endswith(name):
            continue
        before, after = a.previous_sibling, a.next_sibling
        if isinstance(before, NavigableString):  # the sentence's words before the link
            before.replace_with(before[:before.rfind(".") + 1])
        if isinstance(after, NavigableString):   # ... and after it, to its full stop
            after.replace_with(after[after.find(".") + 1:] if "." in after else "")
        a.decompose()


def _stylesheets(page: Tag) -> list[str]:
    return [link["href"] for link in page.find_all("link", rel="stylesheet", href=True)]


@on_tree
def _spec_scripts(body: Tag) -> None:
    """The chart specs (JSON, inert) stay: the fallback drawing reads them. Every other script goes."""
    for script in body.find_all("script"):
        if script.get("type") != "application/json":
            script.decompose()


def _drawn(body: Tag) -> list[bool]:
    """For each chart, whether the page carries its drawing (an inline SVG) or leaves it to the fallback script."""
    return [getattr(_first(vis), "name", None) == "svg" for vis in body.select('div[class="briefing-chart__vis"]')]


def _first(tag: Tag):
    return next((c for c in tag.contents if not (isinstance(c, NavigableString) and not c.strip())), None)


def document(bk: Book, html_root: Path, as_of: dt.date | None, edition: int | None,
             page_numbers: dict[str, int] | None = None, edition_date: str | None = None) -> str:
    """The whole edition as one HTML document (``templates/pdf/edition.html``)."""
    pages = {c.page: c.anchor for c in bk.chapters}
    chapters, drawn, stylesheets = [], [], None
    for c in bk.chapters:
        page = parse((html_root / c.page).read_text(encoding="utf-8"))
        stylesheets = _stylesheets(page) if stylesheets is None else stylesheets  # the first page's
        body = article(page)
        c.title = c.title or title_of(body)
        scope(drop_self_references(_spec_scripts(body), bk.name), c, pages, bk.baseurl, bk.repository)
        as_blocks(body)
        drawn += _drawn(body)
        chapters.append((c, Markup(body.decode_contents())))
    parts: list[tuple[str | None, list[Chapter]]] = []
    for c in bk.chapters:
        if not parts or parts[-1][0] != c.part:
            parts.append((c.part, []))
        parts[-1][1].append(c)
    bundle = sorted((html_root / "_static" / "vendor").glob("vega-bundle-*.js"))
    env = templates()
    css = env.get_template("edition.css").render(format=PAGE_FORMAT, margin=MARGIN, colours=PAGE_COLOURS)
    return env.get_template("edition.html").render(
        book=bk, as_of=as_of, edition=edition, edition_date=edition_date, parts=parts, chapters=chapters, page_numbers=page_numbers or {},
        stylesheets=stylesheets, css=Markup(css), fallback_js=Markup(env.get_template("fallback.js").render()),
        bundle=bundle[0].name if bundle and not all(drawn) else None) + "\n"


# -- printing -----------------------------------------------------------------------------------------------------
class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder without logging, and lets a client hang up mid-response (the browser harness of the
    tests extends it)."""

    def log_message(self, *args):  # no log on the console
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
        env = templates()
        return page.pdf(format=PAGE_FORMAT, margin=MARGIN, print_background=True, display_header_footer=True,
                        header_template=env.get_template("header.html").render(),
                        footer_template=env.get_template("footer.html").render(title=footer_title, margin=MARGIN,
                                                                                 colours=PAGE_COLOURS),
                        outline=True, tagged=True)
    finally:
        page.close()


def outline(pdf: bytes, squash: bool = True) -> list[tuple[str, int, int]]:
    """The PDF's outline, flat and in order: (title, page (1-based), depth); ``squash``: the title without white
    space (to match it against the book's headings), else as the reader's bookmark shows it."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    flat = []

    def walk(items, depth):
        for it in items:
            if isinstance(it, list):
                walk(it, depth + 1)
            else:
                title = "".join(str(it.title).split()) if squash else str(it.title)
                flat.append((title, reader.get_destination_page_number(it) + 1, depth))

    walk(reader.outline, 0)
    return flat


def chapter_pages(pdf: bytes | list[tuple[str, int, int]], bk: Book) -> dict[str, int]:
    """The page (1-based) each chapter starts on, from the PDF's outline: in order, the next top-level entry (a
    chapter's h1; a section heading of the same words, one level down, is not the chapter) whose title starts
    like the chapter's title (its first 16 characters, without white space: the outline loses the spaces at line
    breaks, and Chromium may repeat a heading's first line in its entry)."""
    if not all(c.title for c in bk.chapters):
        raise ValueError("chapter_pages needs every chapter's title (book(html_root=...))")
    flat = [e for e in (outline(pdf) if isinstance(pdf, bytes) else pdf) if e[2] == 0]
    found, start = {}, 0
    for c in bk.chapters:
        for i in range(start, len(flat)):
            if flat[i][0].startswith("".join(c.title.split())[:16]):
                found[c.page] = flat[i][1]
                start = i + 1
                break
    return found


def name_chapters(writer, bk: Book) -> int:
    """Each chapter's bookmark named by the chapter's own title. Chromium names a top-level bookmark from the h1's
    laid-out lines, repeating the first line and losing the space at each line break ("What happened nextWhat
    happened next"). Returns how many bookmarks were renamed."""
    from pypdf.generic import NameObject, TextStringObject

    root = writer._root_object.get("/Outlines")
    item = root.get_object().get("/First") if root is not None else None
    titles = [c.title for c in bk.chapters if c.title]
    renamed = 0
    while item is not None and titles:
        entry = item.get_object()
        squashed = "".join(str(entry.get("/Title", "")).split())
        if squashed.startswith("".join(titles[0].split())[:16]):
            entry[NameObject("/Title")] = TextStringObject(titles.pop(0))
            renamed += 1
        item = entry.get("/Next")
    return renamed


def heading_texts(doc: str) -> list[str]:
    """Every heading's text in the printed document, in order (anchors to copy dropped, white space folded)."""
    return [t for t in (text_of(h) for h in parse(doc).find_all(["h1", "h2", "h3", "h4", "h5", "h6"])) if t]


def name_headings(writer, headings: list[str]) -> int:
    """Every bookmark named by its heading's own words. Chromium names a bookmark from the heading's laid-out lines:
    it loses the space at each line break ("the origins of theMSMT") and may repeat the heading ("The discrepancies
    that matterThe discrepancies that matter"). A bookmark is matched, in order, to the next heading whose words
    without spaces it spells (once or twice). Returns how many bookmarks were renamed."""
    from pypdf.generic import NameObject, TextStringObject

    squashed = ["".join(h.split()) for h in headings]
    pos, renamed = 0, 0

    def visit(item):
        nonlocal pos, renamed
        while item is not None:
            entry = item.get_object()
            title = "".join(str(entry.get("/Title", "")).split())
            for i in range(pos, len(squashed)):
                if squashed[i] and title in (squashed[i], squashed[i] * 2):
                    if str(entry.get("/Title", "")) != headings[i]:
                        entry[NameObject("/Title")] = TextStringObject(headings[i])
                        renamed += 1
                    pos = i + 1
                    break
            if entry.get("/First") is not None:
                visit(entry.get("/First"))
            item = entry.get("/Next")

    root = writer._root_object.get("/Outlines")
    if root is not None:
        visit(root.get_object().get("/First"))
    return renamed


def finish(pdf: bytes, bk: Book, as_of: dt.date | None, headings: list[str] | None = None) -> bytes:
    """Document information (title, author, subject) on the printed PDF, and its Chinese text made searchable."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    repair_fonts(writer)
    name_chapters(writer, bk)
    if headings:
        name_headings(writer, headings)
    writer.add_metadata({"/Title": bk.title, "/Author": bk.author,
                         "/Subject": "PDF edition" + (f"; evidence as of {as_of.isoformat()}" if as_of else ""),
                         "/Creator": "briefing.pdf (Chromium via Playwright)"})
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def html_root(root: Path | None = None) -> Path:
    """A briefing's built site (by default the current one's: ``paths.root()``, moved by ``config.use``)."""
    return (root or paths.root()) / "_build" / "html"


def out_dir(root: Path | None = None) -> Path:
    """Where a briefing's PDF is written (by default the current one's)."""
    return (root or paths.root()) / "_build" / "pdf"


# The old constants, resolved when read (the briefing's folder is a value, not fixed at import).
_LAZY = {"HTML_ROOT": html_root, "OUT_DIR": out_dir}


def __getattr__(name: str):
    if name in _LAZY:
        return _LAZY[name]()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def build(site: Path | None = None, out: Path | None = None, root: Path | None = None) -> Path:
    """Print the PDF edition of the book built at ``site`` into ``out`` (by default the briefing's own folders)."""
    from playwright.sync_api import sync_playwright

    root = root or paths.root()
    site, out = site or html_root(root), out or out_dir(root)
    if not (site / "index.html").is_file():
        raise SystemExit(f"{site} has no built book: run `make book` first")
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).is_file():
        raise SystemExit(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    bk = book(root)
    as_of, edition, dated = evidence_date(), edition_number(), edition_date()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    short = bk.title.split(" — ")[0]
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                first = _print(browser, base, document(bk, site, as_of, edition, edition_date=dated), short)
                numbers = chapter_pages(first, bk)
                missing = [c.page for c in bk.chapters if c.page not in numbers]
                if missing:
                    raise RuntimeError(f"chapters not found in the PDF's outline: {missing}")
                doc = document(bk, site, as_of, edition, numbers, edition_date=dated)
                pdf = _print(browser, base, doc, short)
                if chapter_pages(pdf, bk) != numbers:  # the numbers must not move the chapters
                    raise RuntimeError("filling in the contents moved the chapters")
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    out.mkdir(parents=True, exist_ok=True)
    target = out / bk.name
    target.write_bytes(finish(pdf, bk, as_of, heading_texts(doc)))
    return target


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Build the PDF edition from the built book.")
    parser.add_argument("--html", type=Path, default=None, help="the built site (default: _build/html)")
    parser.add_argument("--out", type=Path, default=None, help="where to write the PDF (default: _build/pdf)")
    parser.add_argument("--copy-to-site", action="store_true", help="also copy the PDF into the built site")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    args.html = args.html or html_root()
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
