"""The built book (_build/html, made by `make book` before the tests run)."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from briefing.paths import ROOT
from support import toc_pages

import picks

HTML = ROOT / "_build" / "html"
pytestmark = pytest.mark.skipif(not (HTML / "index.html").exists(), reason="run `make book` first")


class _Refs(HTMLParser):
    """Collect every URL the page would load: scripts, styles, images, fonts, frames, icons."""

    def __init__(self):
        super().__init__()
        self.loads = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and a.get("src"):
            self.loads.append(a["src"])
        if tag == "link" and a.get("href") and any(r in (a.get("rel") or "") for r in
                                                   ("stylesheet", "icon", "preload", "modulepreload")):
            self.loads.append(a["href"])


def external_loads(html: str) -> list[str]:
    parser = _Refs()
    parser.feed(html)
    urls = parser.loads + re.findall(r"url\((?:'|\")?(https?:)?//[^)]+\)", html)
    return [u for u in urls if re.match(r"^(https?:)?//", u)]


def test_detector_catches_external_script():
    assert external_loads('<script src="https://cdn.jsdelivr.net/npm/vega@5"></script>') != []
    assert external_loads('<link rel="stylesheet" href="//fonts.googleapis.com/css">') != []
    assert external_loads('<a href="https://example.org">link</a>') == []


def test_no_page_loads_anything_from_another_host():
    offenders = {}
    for page in HTML.rglob("*.html"):
        found = external_loads(page.read_text(encoding="utf-8"))
        if found:
            offenders[str(page.relative_to(HTML))] = found
    assert offenders == {}


def test_no_stylesheet_pulls_remote_fonts_or_images():
    for css in HTML.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css.read_text(encoding="utf-8", errors="replace")), css


def test_every_toc_page_is_built():
    for page in toc_pages():
        assert (HTML / page).exists(), page


def test_data_is_published_at_a_stable_path():
    for name in ("claims.csv", "sources.csv", "source/article.zh.txt"):
        assert (HTML / "data" / name).read_bytes() == (ROOT / "data" / name).read_bytes()
    # The package as the loader sees it: the kit's table schemas and the briefing's own datasets, merged.
    from briefing.datapackage import descriptor

    assert json.loads((HTML / "data" / "datapackage.json").read_text(encoding="utf-8")) == descriptor()


def test_vega_is_served_by_the_book_and_loaded_on_demand():
    """A chart page carries one small upgrade script that names the book's own bundle; the bundle itself is not a
    <script> of the page (it loads when a chart comes into view), and no page without a chart asks for either."""
    page = (HTML / "chapters" / "china.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script[^>]*briefing-charts\.js[^>]*>", page)
    assert len(scripts) == 1 and 'data-bundle="vendor/vega-bundle-vl' in scripts[0]
    assert not re.search(r"<script[^>]*src=\"[^\"]*vega-bundle", page)
    bundle = re.search(r'data-bundle="([^"]+)"', scripts[0]).group(1)
    assert (HTML / "_static" / bundle).is_file()
    assert "briefing-charts.js" not in (HTML / "chapters" / "methods.html").read_text(encoding="utf-8")
    assert "require.js" not in page and "requirejs" not in page


def test_no_stock_console_error_sources():
    page = (HTML / "chapters" / "methods.html").read_text(encoding="utf-8")
    assert "THEBE_JS_URL" not in page
    assert 'data-default-mode=""' not in page


def test_claim_pages_carry_claimreview_jsonld():
    page = (HTML / "chapters" / "register.html").read_text(encoding="utf-8")
    assert page.count('"@type":"ClaimReview"') + page.count('"@type": "ClaimReview"') > 0
    assert f'id="{picks.any_claim()}"' in page
