"""Layer 3: what goes into the PDF edition (:mod:`briefing.pdf`): the book's chapters in the order of ``_toc.yml``,
and each built page's article cut out of its page and scoped into the one document (ids prefixed by the chapter,
links between pages turned into links inside the PDF).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml
from bs4 import BeautifulSoup, Tag

from . import paths
from .paths import pdf_name


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


def book(root: Path | None = None, html_root: Path | None = None) -> Book:
    """The book's title, author, addresses and chapters (in the order of ``_toc.yml``; with ``html_root``, each
    chapter's title read from the built page)."""
    root = root or paths.root()
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
            c.title = title_of(article(parse((html_root / c.page).read_text(encoding="utf-8"))))
    return bk


# -- HTML as a document tree ---------------------------------------------------------------------------------------
def parse(markup: str) -> BeautifulSoup:
    """HTML as a tree (the standard library's parser: Sphinx writes well-formed HTML). Every attribute is kept as
    its one string (``class`` too), so that a tree written back out reads as it came in."""
    return BeautifulSoup(markup, "html.parser", multi_valued_attributes=None)


def on_tree(edit):
    """An edit of a tree (in place) that also takes HTML and gives HTML back: the edition passes one tree through
    every edit; a caller with a fragment of HTML gets a string."""
    def run(body, *args, **kwargs):
        if isinstance(body, Tag):
            edit(body, *args, **kwargs)
            return body
        tree = parse(body)
        edit(tree, *args, **kwargs)
        return tree.decode()
    run.__name__, run.__doc__ = edit.__name__, edit.__doc__
    return run


def text_of(node: Tag, skip: str = "a.headerlink") -> str:
    """The node's words, white space folded, without the elements ``skip`` selects (the anchors to copy)."""
    skipped = {id(s) for d in (node.select(skip) if skip else ()) for s in d.strings}
    return " ".join("".join(s for s in node.strings if id(s) not in skipped).split())


# -- one page's article, scoped into the edition -----------------------------------------------------------------
def article(page: Tag) -> Tag:
    """The page's ``<article class="bd-article">`` (the tree, not a copy)."""
    found = page.select_one("article.bd-article")
    if found is None:
        raise ValueError("no <article class=\"bd-article\"> in the page")
    return found


def article_of(page_html: str) -> str:
    """The inner HTML of the page's ``<article class="bd-article">`` (nested articles kept whole)."""
    return article(parse(page_html)).decode_contents()


def title_of(body: str | Tag) -> str:
    """The text of the first ``<h1>``, without its anchor to copy."""
    h1 = (body if isinstance(body, Tag) else parse(body)).find("h1")
    return text_of(h1) if h1 else ""


OWN_ID = ("id", "data-spec-id", "data-narrow-id")                                        # one id each
OWN_IDS = ("aria-labelledby", "aria-describedby", "aria-controls", "for", "headers")    # ids separated by spaces
LINKS = ("href", "xlink:href")
CSS_REF = re.compile(r"url\(#([^)]+)\)")  # in an attribute's value (clip-path, fill): CSS, not HTML


@on_tree
def scope(body: Tag, chapter: Chapter, pages: dict[str, str], site: str, repository: str) -> None:
    """The chapter's HTML with every id prefixed by the chapter (the pages share ids such as "overview"), links
    between the book's pages turned into links inside the edition, and links to other files of the site made
    absolute (to ``site`` when configured, else data files to the ``repository``; others lose their link)."""
    prefix = f"{chapter.stem}--"
    here = f"https://book.invalid/{chapter.page}"

    def link(target: str) -> str | None:
        """Where a link points in the edition (None: nowhere)."""
        if target.startswith("#"):
            return "#" + prefix + target[1:]
        if urlsplit(target).scheme:  # http:, https:, mailto:, data:
            return target
        url = urlsplit(urljoin(here, target))
        path = url.path.lstrip("/")
        if path in pages:
            return "#" + (Path(path).stem + "--" + url.fragment if url.fragment else pages[path])
        if site:
            return site + "/" + path + ("#" + url.fragment if url.fragment else "")
        if repository and path.startswith("data/"):
            return repository + "/blob/main/" + path
        return None

    for tag in body.find_all(True):
        for name, value in list(tag.attrs.items()):
            if name in OWN_ID and value:
                tag[name] = prefix + value
            elif name in OWN_IDS and value:
                tag[name] = " ".join(prefix + t for t in value.split())
            elif name in LINKS:
                target = link(value)
                if target is None:  # nothing to point at outside the site
                    del tag[name]
                    tag["data-dropped-" + name] = value
                else:
                    tag[name] = target
            elif "url(#" in value:
                tag[name] = CSS_REF.sub(lambda m: f"url(#{prefix}{m.group(1)})", value)
