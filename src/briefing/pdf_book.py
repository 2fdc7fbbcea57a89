"""Layer 3: what goes into the PDF edition (:mod:`briefing.pdf`): the book's chapters in the order of ``_toc.yml``,
and each built page's article cut out of its page and scoped into the one document (ids prefixed by the chapter,
links between pages turned into links inside the PDF).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml

from .paths import ROOT, pdf_name


# -- what goes in -------------------------------------------------------------------------------------------------
@dataclass
class Chapter:
    page: str                 # path under _build/html, e.g. "chapters/china.html"
    part: str | None          # the part's caption in _toc.yml (None for the landing page)
    title: str = ""

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
    body = re.sub(r'(\sdata-(?:spec|narrow)-id=")([^"]+)"', lambda m: f'{m.group(1)}{own(m.group(2))}"', body)
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
