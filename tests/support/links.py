"""Broken internal links of a built book: every relative ``href`` or ``src`` of every page (reading pages and the
notebooks' static renderings) names a file of the build, and its ``#fragment`` an id on that page."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(name):
                self.ids.add(attrs[name])
        for name in ("href", "src"):
            if attrs.get(name) and not (tag == "link" and attrs.get("rel") in ("canonical", "alternate")):
                self.links.append(attrs[name])


def _read(page: Path) -> _Page:
    parsed = _Page()
    parsed.feed(page.read_text(encoding="utf-8", errors="replace"))
    return parsed


def broken_links(html_root: Path) -> list[str]:
    """``page: link (why)`` for each internal link of the build at ``html_root`` that leads nowhere."""
    html_root = Path(html_root).resolve()
    # The pages (not the theme's template fragments under _static/, which are no pages)
    pages = {p: _read(p) for p in sorted(html_root.rglob("*.html")) if "_static" not in p.relative_to(html_root).parts}
    out = []
    for page, parsed in pages.items():
        for link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:", "data:")):
                continue
            if parts.path.endswith(".pdf"):  # the PDF edition: made after the build, by `make pdf`
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            where = f"{page.relative_to(html_root)}: {link}"
            if not target.is_file():
                shown = target.relative_to(html_root) if target.is_relative_to(html_root) else target
                out.append(f"{where} (no file {shown})")
            elif parts.fragment and target.suffix == ".html" and target in pages \
                    and not {parts.fragment, unquote(parts.fragment)} & pages[target].ids:  # as a browser tries it
                out.append(f"{where} (no id {parts.fragment!r} on {target.relative_to(html_root)})")
    return out
