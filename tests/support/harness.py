"""The one browser harness: the built book on a local server, headless Chromium, and what a page costs and does.

Used by the browser tests (``tests/browser``) and by ``make bench`` (``benchmarks/bench.py``, its browser part).
Every budget is in :data:`support.BUDGETS` (``benchmarks/budgets.toml``): ``[page]`` for the first way, ``[audit]``
for the second (it scrolls every chart into view, so it counts the chart bundle). Two ways through a page:

- :func:`measure_page` (``make bench``, ``tests/browser/test_budgets.py``; issue 11): a cold load in a fresh
  profile, left alone until the network is quiet (nothing scrolled), its requests and bytes (every response body
  compressed with gzip level 6, as a static host serves it) and its largest contentful paint; then each chart
  scrolled into view in turn, the time until it is interactive and the bytes that scrolling fetched; then a warm
  load (a second tab of the same profile, the HTTP cache primed). Budgets ``[page]``.
- :func:`audit_page` / :func:`audit_pages` (``tests/browser/test_pages.py``; issue 5): loads a page the way a
  reader does (cold, then again with the site's assets cached and the dark theme chosen), and returns a
  :class:`PageAudit` whose ``problems`` map a check ("console", "offline", "network", "charts", "links",
  "headings", "chart-alt", "axe-light", "axe-dark", "theme") to human-readable findings. The tests assert that
  each list is empty; ``test_checks_can_fail`` feeds it broken pages and asserts that it is not. Budgets
  ``[audit]``.

The server sends the headers a static host would (``_static/`` cacheable for an hour, pages ``no-store``);
Chromium is Debian's ``/usr/bin/chromium`` (``BRIEFING_CHROMIUM`` overrides), started with the arguments of
:mod:`briefing.pdf`: nothing but the local server resolves, so a request to another host fails at once instead
of hanging, and the page's request events still record it (routing would also block it, but disables the HTTP
cache that the warm loads need).
"""

from __future__ import annotations

import dataclasses
import functools
import gzip
import html
import http.server
import json
import os
import re
import statistics
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from briefing.pdf import CHROMIUM, CHROMIUM_ARGS, QuietHandler  # noqa: F401 (the harness's Chromium and server are the PDF's)
from support import BUDGETS, HTML_ROOT, REPO, toc_pages  # noqa: F401 (the harness's page list)

SCREENSHOTS = REPO / "_build" / "screenshots"
REPORT_FILE = REPO / "_build" / "browser-report.txt"
# axe-core, vendored from its npm tarball (see tests/browser/vendor/README.md): the tests need no Node or npm.
AXE_JS = REPO / "tests" / "browser" / "vendor" / "axe.min.js"
AXE_VERSION = "4.14.1"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"

VIEWPORT = {"width": 1280, "height": 900}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
PAGE_BUDGETS = BUDGETS["page"]    # issue 11: measure_page, against make bench and test_budgets.py
AUDIT_BUDGETS = BUDGETS["audit"]  # issue 5: audit_pages, against test_pages.py
CHART_TIMEOUT_MS = AUDIT_BUDGETS["chart_ms"]  # every chart is interactive within this long of coming into view
QUIET_MS = 250                    # the network counts as quiet after this long with no request open (see _Recorder.quiet)
FAIL_CONSOLE_TYPES = {"error", "warning"}
AXE_FAIL_IMPACTS = {"serious", "critical"}
# The dark theme changes colours only, so the dark tab runs the rules that depend on colour (the light tab runs
# every rule). Colour contrast is also the costliest rule: this keeps the suite inside its time budget.
AXE_COLOUR_RULES = ["color-contrast", "link-in-text-block"]

_ICON_LINK = re.compile(r"<link[^>]+rel=\"[^\"]*\bicon\b", re.I)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_REFRESH = re.compile(r'<meta[^>]+http-equiv="refresh"[^>]+content="[^"]*url=([^"]+)"', re.I)


# --------------------------------------------------------------------------------------------------------------
# The built pages
# --------------------------------------------------------------------------------------------------------------

def refresh_target(f: Path) -> str | None:
    """Where a page that only redirects (``<meta http-equiv="Refresh">``, the site's index.html) sends the reader:
    its URL as written, relative to the page; None for any other page."""
    if f.suffix != ".html" or not f.is_file():
        return None
    m = _REFRESH.search(f.read_text(encoding="utf-8"))
    return html.unescape(m.group(1)).strip() if m else None


def page_text(path: str, html_root: Path = HTML_ROOT, follow: bool = True) -> str:
    """The HTML of a built page ('' if there is none); with ``follow``, of the page a redirect sends the reader to."""
    f = html_root / path
    target = refresh_target(f) if follow else None
    if target:
        f = f.parent / target
    return f.read_text(encoding="utf-8") if f.is_file() else ""


def has_chart(path: str, html_root: Path = HTML_ROOT, follow: bool = True) -> bool:
    """Whether the page (with ``follow``, or the page a redirect sends the reader to) holds a chart."""
    return "briefing-chart__vis" in page_text(path, html_root, follow)


def cold_budget(path: str, html_root: Path = HTML_ROOT) -> int:
    """The cold-load budget of :func:`measure_page`: pages with charts have more room than pages without."""
    return PAGE_BUDGETS["cold_with_charts"] if has_chart(path, html_root) else PAGE_BUDGETS["cold_text_only"]


# --------------------------------------------------------------------------------------------------------------
# The local server
# --------------------------------------------------------------------------------------------------------------

TEST_MOUNT = "__test__"  # URL folder served from a temporary directory: test pages never touch _build/html


class _Handler(QuietHandler):
    mount: Path | None = None

    def translate_path(self, path):
        parts = urlsplit(path).path.split("/")
        if self.mount is not None and len(parts) > 2 and parts[1] == TEST_MOUNT:
            return str(self.mount.joinpath(*[unquote(p) for p in parts[2:] if p not in ("", ".", "..")]))
        return super().translate_path(path)

    def end_headers(self):
        # As a static host would: versioned theme assets are cacheable, pages are fetched afresh.
        if urlsplit(self.path).path.startswith("/_static/"):
            self.send_header("Cache-Control", "public, max-age=3600")
        else:
            self.send_header("Cache-Control", "no-store")
        super().end_headers()



@dataclasses.dataclass
class Site:
    root: Path
    mount: Path | None
    server: http.server.ThreadingHTTPServer

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def url(self, path: str) -> str:
        return self.base + path

    def file_for(self, url_path: str) -> Path:
        """The file behind a URL path of this server ('/chapters/x.html' or '/__test__/y.html')."""
        parts = [unquote(p) for p in url_path.split("/") if p]
        if parts and parts[0] == TEST_MOUNT and self.mount is not None:
            f = self.mount.joinpath(*parts[1:])
        else:
            f = self.root.joinpath(*parts)
        if url_path.endswith("/") or f.is_dir():
            f = f / "index.html"
        return f

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def serve(root: Path = HTML_ROOT, mount: Path | None = None) -> Site:
    """``root`` on http://127.0.0.1:<random port>/; with ``mount``, also /__test__/ served from that folder."""
    handler = type("Handler", (_Handler,), {"mount": mount})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="book-server", daemon=True).start()
    return Site(root, mount, server)


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def new_context(browser, **options):
    """A fresh profile as the harness loads pages: the viewport, light colour scheme, no service workers."""
    return browser.new_context(**{"viewport": VIEWPORT, "color_scheme": "light", "service_workers": "block",
                                  **options})


# --------------------------------------------------------------------------------------------------------------
# In the page
# --------------------------------------------------------------------------------------------------------------

# Run before any script of the page: records the largest contentful paint, and stamps the time (ms since
# navigation start) at which each chart gets data-rendered ("true" or "error").
INIT_JS = """
window.__lcp = null;
try {
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) {
      var el = e.element;
      window.__lcp = {ms: e.startTime, size: e.size,
                      element: el ? (el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                                     + (el.className && typeof el.className === 'string'
                                        ? '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.') : ''))
                                  : null};
    });
  }).observe({type: 'largest-contentful-paint', buffered: true});
} catch (e) {}
window.__chartDone = {};
new MutationObserver(function (records) {
  records.forEach(function (r) {
    var v = r.target.getAttribute && r.target.getAttribute('data-rendered');
    if ((v === 'true' || v === 'error') && !(r.target.id in window.__chartDone)) window.__chartDone[r.target.id] = performance.now();
  });
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-rendered']});
"""

CHARTS_JS = """() => [...document.querySelectorAll('.briefing-chart__vis')].map(el => {
  const svg = el.querySelector('svg');
  const canvas = el.querySelector('canvas');
  let marks = 0;
  if (svg) marks = svg.querySelectorAll('g.role-mark > *').length;
  if (canvas && canvas.width && canvas.height) marks += 1;  // vega canvas: no DOM marks to count
  const r = el.getBoundingClientRect();
  return {id: el.id, state: el.getAttribute('data-rendered'), svg: !!svg, marks: marks,
          role: el.getAttribute('role'), label: (el.getAttribute('aria-label') || '').trim(),
          inFirstScreen: r.top < innerHeight && r.bottom > 0};
})"""

# Every visible chart's text: rendered font size and box, per chart (tests/browser/test_chart_widths.py). A text is visible when it and its ancestors
# are displayed and not transparent (Vega hides axis labels that would overlap with opacity 0).
CHART_TEXT_JS = """() => {
  const visible = (el) => {
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || parseFloat(s.opacity) === 0) return false;
      const o = e.getAttribute('opacity') || e.getAttribute('fill-opacity');
      if (o !== null && parseFloat(o) === 0) return false;
    }
    return true;
  };
  return Array.from(document.querySelectorAll('.briefing-chart__vis')).map((vis) => {
    const texts = [];
    vis.querySelectorAll('svg text').forEach((t) => {
      const content = (t.textContent || '').trim();
      if (!content || !visible(t)) return;
      const r = t.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) return;
      const m = t.getScreenCTM();
      const scale = m ? Math.hypot(m.a, m.b) : 1;
      const size = parseFloat(getComputedStyle(t).fontSize);
      texts.push({text: content, px: size * scale, box: [r.left, r.top, r.right, r.bottom]});
    });
    return {id: vis.id, live: vis.getAttribute('data-rendered') === 'true', texts};
  });
}"""

OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"

UPGRADED_JS = """el => ['true', 'error'].includes(el.getAttribute('data-rendered'))"""

TIMES_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const done = Object.values(window.__chartDone || {});
  return {load: nav ? nav.loadEventEnd : null, charts: done.length ? Math.max(...done) : null};
}"""

DOM_JS = """() => {
  const article = document.querySelector('article.bd-article') || document.querySelector('main') || document.body;
  const heads = [...article.querySelectorAll('h1,h2,h3,h4,h5,h6,[role=heading][aria-level]')]
    .filter(h => !h.closest('svg'))
    .map(h => ({level: /^H[1-6]$/.test(h.tagName) ? +h.tagName[1] : +h.getAttribute('aria-level'),
                text: h.textContent.trim().slice(0, 60)}));
  const links = [...document.querySelectorAll('a[href], area[href]')].map(a => a.href);
  const refresh = document.querySelector('meta[http-equiv="Refresh" i]');
  return {headings: heads, links: links, refresh: refresh ? refresh.content : null, title: document.title};
}"""

# axe runs in the page without blocking the test: start it, do other work, then collect (see audit_page). Most of
# axe.run is synchronous, so it starts from a task of its own (and axe is added there when the page lacks it):
# the call returns at once and axe works in the tab's renderer while the next page loads in another.
AXE_START_JS = """([source, options]) => {
  window.__axeResult = new Promise(resolve => setTimeout(resolve, 0)).then(() => {
    if (source) {
      const script = document.createElement('script');
      script.textContent = source;
      document.head.appendChild(script);
    }
    return axe.run(document, Object.assign({resultTypes: ['violations']}, options));
  }).then(r => {
    const executed = new Set([...r.passes, ...r.violations, ...r.incomplete, ...r.inapplicable].map(x => x.id)).size;
    return {version: axe.version, executed: executed, registered: axe.getRules().length,
      violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => (
        {target: n.target.join(' '), html: n.html.replace(/\\s+/g, ' ').slice(0, 160)}))}))};
  });
}"""
AXE_COLLECT_JS = "() => window.__axeResult"


def goto(page, site: Site, url: str):
    """Open ``url`` and wait for its load event; a page that only redirects (read from its file: the page leaves
    at once) is followed until its target has loaded."""
    target = refresh_target(site.file_for(urlsplit(url).path))
    page.goto(url, wait_until="load")
    if target:
        page.wait_for_url(urljoin(url, target), wait_until="load", timeout=5000)


# --------------------------------------------------------------------------------------------------------------
# What a tab asked for, and what it weighs
# --------------------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Load:
    """One navigation: what the page asked for and what it said."""
    requests: list[str] = dataclasses.field(default_factory=list)
    responses: list = dataclasses.field(default_factory=list)
    failed: list[str] = dataclasses.field(default_factory=list)
    console: list[str] = dataclasses.field(default_factory=list)
    errors: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class PageAudit:
    path: str
    final_url: str = ""
    problems: dict[str, list[str]] = dataclasses.field(default_factory=lambda: defaultdict(list))
    charts: list[dict] = dataclasses.field(default_factory=list)
    cold_bytes: int = 0
    cold_requests: int = 0
    warm_bytes: int = 0
    warm_requests: int = 0
    cold_render_ms: float | None = None
    warm_render_ms: float | None = None
    cold_load_ms: float | None = None
    axe: dict[str, dict] = dataclasses.field(default_factory=dict)   # theme -> {executed, registered, ...}
    seconds: float = 0.0
    link_counts: dict[str, int] = dataclasses.field(default_factory=dict)   # distinct internal links, anchors
    # The cold tab's chart text (CHART_TEXT_JS) and sideways overflow once every chart is interactive, at
    # VIEWPORT: tests/browser/test_chart_widths.py reads it for its desktop width instead of loading the page again.
    chart_text: tuple[list[dict], int] | None = None
    # The byte budgets' measure, from the same two loads (``[page]`` budgets, tests/browser/test_budgets.py): each
    # load left alone until the network is quiet, before any chart is scrolled into view; as measure_page has it.
    weight: dict = dataclasses.field(default_factory=dict)

    def failures(self, *checks: str) -> list[str]:
        keys = checks or tuple(self.problems)
        return [f"[{k}] {m}" for k in keys for m in self.problems.get(k, [])]


class _Recorder:
    """Everything one tab asks for and says, one :class:`Load` at a time (late arrivals go to the next)."""

    def __init__(self, page):
        self.load = Load()
        self.last = time.perf_counter()   # the last network event (request, response, finished or failed)
        self.open: set = set()            # requests neither finished nor failed
        page.on("request", self._request)
        page.on("response", self._response)
        page.on("requestfinished", self._settled)
        page.on("requestfailed", self._failed)
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.load.errors.append(str(e)))
        page.on("websocket", lambda ws: self.load.requests.append(ws.url))

    def _request(self, r):
        self.last = time.perf_counter()
        self.open.add(r)
        self.load.requests.append(r.url)

    def _response(self, r):
        self.last = time.perf_counter()
        self.load.responses.append(r)

    def _settled(self, r):
        self.last = time.perf_counter()
        self.open.discard(r)

    def _failed(self, r):
        self._settled(r)
        self.load.failed.append(f"{r.url} ({r.failure})")

    def quiet(self, page, ms: int = QUIET_MS, limit_s: float = 10.0):
        """Wait until no request is open and none has started or ended for ``ms``, counted from now at the
        earliest (after the load event: the browser asks for the icon after it), at most ``limit_s``."""
        start = time.perf_counter()
        self.last = max(self.last, start)
        while ((self.open or time.perf_counter() - self.last < ms / 1000)
               and time.perf_counter() - start < limit_s):
            page.wait_for_timeout(20)

    def _console(self, msg):
        if msg.type in FAIL_CONSOLE_TYPES:
            loc = msg.location or {}
            where = f" ({loc.get('url', '')}:{loc.get('lineNumber', '')})" if loc.get("url") else ""
            self.load.console.append(f"{msg.type}: {msg.text}{where}")

    def next(self) -> Load:
        done, self.load = self.load, Load()
        return done


_GZIP_CACHE: dict[str, int] = {}


def _gzip_size(site: "Site", response) -> int:
    """Bytes of the response body once gzip-compressed at level 6, as a static host would serve it."""
    if response.url not in _GZIP_CACHE:
        try:
            body = response.body()
        except PlaywrightError:  # a redirected document's body is gone once the page has moved on: read it from disk
            f = site.file_for(urlsplit(response.url).path)
            body = f.read_bytes() if f.is_file() else b""
        _GZIP_CACHE[response.url] = len(gzip.compress(body, compresslevel=6, mtime=0))
    return _GZIP_CACHE[response.url]


def _weigh(site: Site, responses, skip=frozenset()) -> tuple[int, int, dict]:
    """(requests, gzip-6 bytes, bytes per path) of the successful responses whose path is not in ``skip``."""
    n, total, parts = 0, 0, {}
    for r in responses:
        path = urlsplit(r.url).path
        if r.status >= 300 or path in skip:
            continue
        size = _gzip_size(site, r)
        n += 1
        total += size
        parts[path] = parts.get(path, 0) + size
    return n, total, parts


def is_local(url: str) -> bool:
    """A request that stays on this machine (the local server, or data the page holds itself)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome-error", "javascript"):
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


# --------------------------------------------------------------------------------------------------------------
# Page audit
# --------------------------------------------------------------------------------------------------------------

_ID_ATTR = re.compile(r"""<[a-zA-Z][^>]*?\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


@functools.lru_cache(maxsize=256)
def _ids_in(path: str, mtime: float) -> frozenset[str]:
    """Every id (and <a name>) in an HTML file (a regex: the built pages are large, and Sphinx quotes its ids)."""
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    return frozenset(html.unescape(a or b) for a, b in _ID_ATTR.findall(text))


def ids_in(f: Path) -> frozenset[str]:
    return _ids_in(str(f), f.stat().st_mtime)


def check_links(site: Site, page_url: str, links: list[str], counts: dict | None = None) -> list[str]:
    """Every same-site link points at a file that exists, and every #anchor at an id in that file."""
    problems = []
    counts = {} if counts is None else counts
    origin = urlsplit(site.base).netloc
    for href in dict.fromkeys(links):
        parts = urlsplit(href)
        if parts.scheme not in ("http", "https") or parts.netloc != origin:
            continue
        target = site.file_for(parts.path)
        counts["links"] = counts.get("links", 0) + 1
        counts["anchors"] = counts.get("anchors", 0) + bool(parts.fragment)
        if not target.is_file():
            problems.append(f"{href}: no file {target}")
            continue
        frag = unquote(parts.fragment)
        if frag and target.suffix == ".html" and frag not in ids_in(target):
            problems.append(f"{href}: no element with id '{frag}' in {target.name}")
    return problems


def check_headings(headings: list[dict]) -> list[str]:
    problems = []
    if headings and headings[0]["level"] != 1:
        problems.append(f"the article body starts with h{headings[0]['level']} ({headings[0]['text']!r}), not h1")
    for prev, cur in zip(headings, headings[1:]):
        if cur["level"] > prev["level"] + 1:
            problems.append(f"h{prev['level']} {prev['text']!r} is followed by h{cur['level']} {cur['text']!r}")
    return problems


def start_axe(page, axe_source: str, options: dict | None = None):
    present = page.evaluate("() => typeof window.axe === 'object'")
    page.evaluate(AXE_START_JS, [None if present else axe_source, options or {}])


def collect_axe(page) -> dict:
    return page.evaluate(AXE_COLLECT_JS)


def _axe_problems(audit: PageAudit, theme: str, result: dict):
    audit.axe[theme] = {"executed": result["executed"], "registered": result["registered"],
                        "version": result["version"]}
    for v in result["violations"]:
        if v["impact"] not in AXE_FAIL_IMPACTS:
            continue
        for n in v["nodes"]:
            audit.problems[f"axe-{theme}"].append(f"{v['id']} ({v['impact']}): {v['help']} — {n['target']} {n['html']}")


def _wait_for_charts(page, audit: PageAudit, label: str) -> list[dict]:
    vis = page.locator(".briefing-chart__vis")
    n = vis.count()
    # Every chart is an inline SVG from the first paint (no script needed): it must already show marks.
    for c in page.evaluate(CHARTS_JS):
        if not c["svg"] or not c["marks"]:
            audit.problems["charts"].append(f"{label}: chart {c['id']} shows no inline SVG with marks at load")
    # The script upgrades a chart to the interactive one when it comes into view: bring each into view in turn.
    for i in range(n):
        el = vis.nth(i)
        el.scroll_into_view_if_needed()
        try:
            page.wait_for_function(UPGRADED_JS, arg=el.element_handle(), timeout=CHART_TIMEOUT_MS, polling=50)
        except PlaywrightTimeout:
            audit.problems["charts"].append(f"{label}: chart {i + 1} of {n} was not interactive within "
                                            f"{CHART_TIMEOUT_MS} ms of coming into view")
    if n:
        page.evaluate("() => window.scrollTo(0, 0)")
    charts = page.evaluate(CHARTS_JS)
    for c in charts:
        if c["state"] == "error":
            audit.problems["charts"].append(f"{label}: chart {c['id']} failed to render (data-rendered=error)")
        elif c["state"] and not c["svg"] and not c["marks"]:
            audit.problems["charts"].append(f"{label}: chart {c['id']} has no SVG or canvas")
        elif c["state"] and not c["marks"]:
            audit.problems["charts"].append(f"{label}: chart {c['id']} rendered no marks (empty data?)")
    return charts


def _record_load(site: Site, audit: PageAudit, load: Load, label: str):
    for url in load.requests:
        if not is_local(url):
            audit.problems["offline"].append(f"{label}: request to another host: {url}")
    for f in load.failed:
        # ERR_ABORTED: the page moved on (a redirect page's icon) or cancelled the request itself; a missing
        # file shows up as an HTTP status below, a blocked host as a request to another host above.
        if is_local(f.split(" ")[0]) and "ERR_ABORTED" not in f:
            audit.problems["network"].append(f"{label}: request failed: {f}")
    for r in load.responses:
        if r.status >= 400:
            audit.problems["network"].append(f"{label}: HTTP {r.status} for {r.url}")
    audit.problems["console"].extend(f"{label}: {m}" for m in load.console)
    audit.problems["console"].extend(f"{label}: uncaught exception: {m}" for m in load.errors)


PHASES: dict[str, float] = defaultdict(float)


class _Phase:
    def __init__(self, name):
        self.name = name

    def __enter__(self):
        self.t = time.perf_counter()

    def __exit__(self, *exc):
        PHASES[self.name] += time.perf_counter() - self.t


@dataclasses.dataclass
class _Open:
    """A page audit between its loads and its axe runs: the cold tab stays open for axe and late arrivals."""
    audit: PageAudit
    context: object
    page: object
    rec: _Recorder
    url: str
    redirect: bool
    cold_responses: list
    warm_responses: list
    t0: float
    unscrolled_cold: list = dataclasses.field(default_factory=list)   # before any chart came into view
    unscrolled_warm: list = dataclasses.field(default_factory=list)


DARK_SWITCH_JS = """async () => {
  document.documentElement.dataset.mode = 'dark';
  document.documentElement.dataset.theme = 'dark';
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  await Promise.all(document.getAnimations().map(a => a.finished.catch(() => null)));
}"""


def _load(browser, site: Site, path: str, *, warm: bool, dark: bool) -> _Open:
    """Steps 1 and 2 of :func:`audit_page`: the cold load with its checks, then the warm load (dark theme)."""
    audit = PageAudit(path)
    url = site.url(path)
    t0 = time.perf_counter()
    ctx = new_context(browser)
    ctx.add_init_script(INIT_JS)
    page = ctx.new_page()
    rec = _Recorder(page)

    # 1. Cold load, light theme; left alone until the network is quiet (what the page costs unscrolled: the byte
    #    budgets), then every chart brought into view.
    with _Phase("cold load"):
        goto(page, site, url)
        rec.quiet(page)
    unscrolled_cold = list(rec.load.responses)
    audit.final_url = page.url
    with _Phase("cold charts"):
        audit.charts = _wait_for_charts(page, audit, "cold")
        if audit.charts:
            audit.chart_text = page.evaluate(CHART_TEXT_JS), page.evaluate(OVERFLOW_JS)
    times = page.evaluate(TIMES_JS)
    audit.cold_render_ms, audit.cold_load_ms = times["charts"], times["load"]
    for c in audit.charts:
        if c["role"] != "img" or not c["label"]:
            audit.problems["chart-alt"].append(
                f"chart {c['id']}: role={c['role']!r}, aria-label={c['label']!r} (need role=img and a label)")
    # Deterministic form of a console error that browsers only sometimes produce: a page without an icon
    # makes the browser ask for /favicon.ico, and a missing one is logged as a 404.
    page_file = site.file_for(urlsplit(url).path)
    if (page_file.is_file() and not _ICON_LINK.search(page_file.read_text(encoding="utf-8"))
            and not (site.root / "favicon.ico").is_file()):
        audit.problems["console"].append(
            f"{path} has no <link rel=\"icon\"> and the site has no /favicon.ico: browsers request it "
            "and log a 404")
    dom = page.evaluate(DOM_JS)
    audit.problems["links"].extend(check_links(site, page.url, dom["links"], audit.link_counts))
    audit.problems["headings"].extend(check_headings(dom["headings"]))
    load = rec.next()
    _record_load(site, audit, load, "cold")
    state = _Open(audit, ctx, page, rec, url, audit.final_url != url, list(load.responses), [], t0,
                  unscrolled_cold)

    # 2. Warm load, dark theme: a second tab of the same profile, so the site's assets are in its HTTP cache
    #    (files under _static/ that the cold load fetched count as cached; everything else, the page, the
    #    search index, data and images, is paid again), and the reader has chosen the dark theme, as the
    #    theme's switcher stores it (localStorage, read before first paint).
    if warm or dark:
        with _Phase("warm load"):
            if dark:
                page.evaluate("() => { localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark'); }")
            tab = ctx.new_page()
            wrec = _Recorder(tab)
            goto(tab, site, url)
            wrec.quiet(tab)
            state.unscrolled_warm = list(wrec.load.responses)
            _wait_for_charts(tab, audit, "warm")
            audit.warm_render_ms = tab.evaluate(TIMES_JS)["charts"]
            if dark:
                theme = tab.evaluate("() => document.documentElement.dataset.theme")
                if theme != "dark":
                    audit.problems["theme"].append(f"dark mode chosen, page shows data-theme={theme!r}")
            load = wrec.next()
            _record_load(site, audit, load, "warm")
            state.warm_responses += load.responses
            with _Phase("weigh"):
                for r in state.warm_responses:  # bodies are read while the tab is open; counted in _finish
                    if r.status < 300:
                        _gzip_size(site, r)
            tab.close()
    page.bring_to_front()  # a background tab gets no animation frames (the dark switch waits for them)
    return state


def _check_light_tab(state: _Open) -> bool:
    theme = state.page.evaluate("() => document.documentElement.dataset.theme")
    if theme != "light":
        state.audit.problems["theme"].append(f"the light-theme tab shows data-theme={theme!r}")
    return not state.redirect


def _finish(site: Site, state: _Open) -> PageAudit:
    """Count the weight (late arrivals included: browsers fetch the icon after the load event), close the tab."""
    audit = state.audit
    load = state.rec.next()
    _record_load(site, audit, load, "cold")
    with _Phase("weigh"):
        audit.cold_requests, audit.cold_bytes, parts = _weigh(site, state.cold_responses + load.responses)
        # The warm tab shares the cache: a theme asset the cold tab fetched is not fetched again.
        static_seen = frozenset(p for p in parts if p.startswith("/_static/"))
        audit.warm_requests, audit.warm_bytes, _ = _weigh(site, state.warm_responses, skip=static_seen)
        audit.weight = {"page": audit.path, "charts": len(audit.charts),
                        "cold": _weight(site, state.unscrolled_cold, budget=cold_budget(audit.path, site.root)),
                        "warm": _weight(site, state.unscrolled_warm, skip=static_seen, budget=PAGE_BUDGETS["warm"])}
    state.context.close()
    audit.seconds += time.perf_counter() - state.t0
    return audit


def _weight(site: Site, responses, skip=frozenset(), budget: int | None = None) -> dict:
    n, total, parts = _weigh(site, responses, skip=skip)
    return {"requests": n, "bytes_gzip6": total, "budget": budget,
            "parts": dict(sorted(parts.items(), key=lambda kv: -kv[1]))}


def _axe_steps(state: _Open, axe_source: str | None, dark: bool):
    """axe for one page as steps that each start work in the page and return at once (a generator: each
    ``next()`` collects what the previous step started and starts the next), so other pages can load meanwhile."""
    if axe_source and _check_light_tab(state):
        with _Phase("axe"):
            start_axe(state.page, axe_source)
        yield
        with _Phase("axe"):
            _axe_problems(state.audit, "light", collect_axe(state.page))
            if dark:
                state.page.evaluate(DARK_SWITCH_JS)
                start_axe(state.page, axe_source, {"runOnly": {"type": "rule", "values": AXE_COLOUR_RULES}})
        if dark:
            yield
            with _Phase("axe"):
                _axe_problems(state.audit, "dark", collect_axe(state.page))


def audit_pages(browser, site: Site, paths: list[str], axe_source: str | None = None, *, warm: bool = True,
                dark: bool = True) -> dict[str, PageAudit]:
    """Audit pages as a reader meets them and return what is wrong with each.

    1. cold: a fresh profile (empty cache), light theme: console, requests, charts, links, headings, weight;
    2. warm: a second tab of the same profile, the site's assets now in its HTTP cache, dark theme chosen:
       console, requests, charts, weight and render time, the theme applied;
    3. axe-core in the cold tab: all rules in the light theme, then the colour rules again after switching the
       tab to the dark theme the way the theme's switcher does (data-theme on <html>).
    axe of one page runs in its own renderer process while the next page loads (two cores): render times are
    measured with that work alongside. Set BRIEFING_BROWSER_SERIAL=1 to load every page on an idle browser.
    A page that only redirects (the site's index.html) is followed to its target and not run through axe: its
    target is a page of its own in the list.
    """
    serial = os.environ.get("BRIEFING_BROWSER_SERIAL") == "1"
    done: dict[str, PageAudit] = {}
    running: list[tuple[_Open, object]] = []   # pages whose axe is under way, with their steps

    def advance(finish_all: bool = False):
        for item in list(running):
            state, steps = item
            while True:
                if next(steps, StopIteration) is StopIteration:
                    running.remove(item)
                    done[state.audit.path] = _finish(site, state)
                    break
                if not finish_all:
                    break

    try:
        for path in paths:
            state = _load(browser, site, path, warm=warm, dark=dark)
            running.append((state, _axe_steps(state, axe_source, dark)))
            advance(finish_all=serial)
        while running:
            advance()
    finally:
        for state, _ in running:
            try:
                state.context.close()
            except PlaywrightError:  # the browser already closed it (the test failed and is tearing down)
                pass
    return done


def audit_page(browser, site: Site, path: str, axe_source: str | None = None, *, warm: bool = True,
               dark: bool = True) -> PageAudit:
    """One page through :func:`audit_pages`."""
    return audit_pages(browser, site, [path], axe_source, warm=warm, dark=dark)[path]


# --------------------------------------------------------------------------------------------------------------
# Page measurement (make bench, test_budgets.py)
# --------------------------------------------------------------------------------------------------------------

def measure_page(browser, site: Site, path: str, charts: bool = True) -> dict:
    """One page as a reader meets it: cold load (LCP), charts scrolled into view (unless ``charts`` is false: the
    byte budgets need only the loads), then a warm load."""
    url = site.url(path)
    ctx = new_context(browser)
    ctx.add_init_script(INIT_JS)
    try:
        page = ctx.new_page()
        rec = _Recorder(page)
        goto(page, site, url)
        rec.quiet(page)
        cold = rec.next()
        lcp = page.evaluate("() => window.__lcp")
        load_ms = page.evaluate(TIMES_JS)["load"]
        # Charts: each scrolled into view in turn, the time until it reports data-rendered="true".
        found = page.evaluate(CHARTS_JS)
        interactive = []
        for c in (found if charts else []):
            if c["inFirstScreen"]:
                seen = 0.0
            else:
                seen = page.evaluate("id => { document.getElementById(id).scrollIntoView({block: 'center'});"
                                     " return performance.now(); }", c["id"])
            try:
                page.wait_for_function("id => id in window.__chartDone || "
                                       "document.getElementById(id).getAttribute('data-rendered') === 'error'",
                                       arg=c["id"], timeout=10_000, polling=20)
                done = page.evaluate("id => document.getElementById(id).getAttribute('data-rendered') === 'true'"
                                     " ? (window.__chartDone[id] ?? null) : null", c["id"])
            except PlaywrightError:
                done = None
            interactive.append({"id": c["id"], "in_first_screen": c["inFirstScreen"],
                                "ms": None if done is None else round(max(0.0, done - seen), 1)})
        rec.quiet(page)
        scrolled = rec.next()
        cold_n, cold_bytes, cold_parts = _weigh(site, cold.responses)
        scroll_n, scroll_bytes, scroll_parts = _weigh(site, scrolled.responses)
        static = {p for p in list(cold_parts) + list(scroll_parts) if p.startswith("/_static/")}
        # Warm: a second tab of the same profile.
        tab = ctx.new_page()
        wrec = _Recorder(tab)
        goto(tab, site, url)
        wrec.quiet(tab)
        warm = wrec.next()
        # Files under _static/ fetched before are served from the HTTP cache (max-age): Chromium still reports
        # them as responses, so they are left out by path.
        warm_n, warm_bytes, warm_parts = _weigh(site, warm.responses, skip=static)
        requests = cold.requests + scrolled.requests + warm.requests
        offsite = sorted({u for u in requests if not is_local(u)})
        failed = [f for f in cold.failed + scrolled.failed + warm.failed if "ERR_ABORTED" not in f]
        times = [i["ms"] for i in interactive]
    finally:
        ctx.close()
    return {
        "page": path, "charts": len(found),
        "cold": {"requests": cold_n, "bytes_gzip6": cold_bytes, "budget": cold_budget(path, site.root),
                 "parts": dict(sorted(cold_parts.items(), key=lambda kv: -kv[1]))},
        "on_scroll": {"requests": scroll_n, "bytes_gzip6": scroll_bytes,
                      "parts": dict(sorted(scroll_parts.items(), key=lambda kv: -kv[1]))},
        "warm": {"requests": warm_n, "bytes_gzip6": warm_bytes, "budget": PAGE_BUDGETS["warm"],
                 "parts": dict(sorted(warm_parts.items(), key=lambda kv: -kv[1]))},
        "lcp_ms": None if not lcp else round(lcp["ms"], 1), "lcp_element": lcp and lcp["element"],
        "load_ms": None if load_ms is None else round(load_ms, 1),
        "charts_interactive": interactive,
        "charts_interactive_max_ms": None if not times or None in times else max(times),
        "offsite_requests": offsite, "failed_requests": failed,
    }


def measure(pages: list[str] | None = None, runs: int = 1, html_root: Path = HTML_ROOT) -> dict:
    """Every page ``runs`` times (fresh profile each time); bytes from the first run, times as medians."""
    from playwright.sync_api import sync_playwright

    pages = pages or toc_pages()
    site = serve(html_root)
    results: dict[str, dict] = {}
    try:
        with sync_playwright() as pw:
            browser = launch(pw)
            try:
                measure_page(browser, site, pages[0])  # warm up the browser and the server
                for path in pages:
                    samples = [measure_page(browser, site, path) for _ in range(runs)]
                    r = samples[0]

                    def med(values):
                        values = [v for v in values if v is not None]
                        return round(statistics.median(values), 1) if values else None

                    r["lcp_ms_runs"] = [s["lcp_ms"] for s in samples]
                    r["lcp_ms"] = med(r["lcp_ms_runs"])
                    r["charts_interactive_max_ms_runs"] = [s["charts_interactive_max_ms"] for s in samples]
                    r["charts_interactive_max_ms"] = med(r["charts_interactive_max_ms_runs"])
                    results[path] = r
            finally:
                browser.close()
    finally:
        site.close()
    return measurement_report(results, runs)


def measurement_report(results: dict[str, dict], runs: int = 1) -> dict:
    """The measurements of :func:`measure_page` with the budgets they are held to and a verdict per page."""
    return {"viewport": VIEWPORT, "runs": runs, "chromium": CHROMIUM, "pages": results,
            "budgets": dict(PAGE_BUDGETS), "verdicts": verdicts(results)}


def verdicts(results: dict) -> dict:
    b = PAGE_BUDGETS
    out = {}
    for path, r in results.items():
        v = {"cold_bytes": r["cold"]["bytes_gzip6"] <= r["cold"]["budget"],
             "warm_bytes": r["warm"]["bytes_gzip6"] <= b["warm"],
             "offline": not r["offsite_requests"],
             "lcp": r["lcp_ms"] is not None and r["lcp_ms"] <= b["lcp_ms"],
             "charts_interactive": (r["charts_interactive_max_ms"] is None and not r["charts_interactive"])
             or (r["charts_interactive_max_ms"] is not None
                 and r["charts_interactive_max_ms"] <= b["charts_interactive_ms"])}
        out[path] = v
    return out


def table(report: dict) -> list[str]:
    head = (f"{'page':28} {'req':>4} {'cold kB':>8} {'budget':>7} {'+scroll kB':>10} {'warm req':>8} "
            f"{'warm kB':>8} {'LCP ms':>7} {'charts':>6} {'interactive ms':>14}  biggest cold parts")
    lines = [head, "-" * len(head)]
    for path, r in report["pages"].items():
        v = report["verdicts"][path]
        parts = ", ".join(f"{p.rsplit('/', 1)[-1].split('?')[0]} {b / 1e3:.0f}"
                          for p, b in list(r["cold"]["parts"].items())[:3])
        flag = lambda ok: " " if ok else "!"  # noqa: E731
        lcp = "-" if r["lcp_ms"] is None else f"{r['lcp_ms']:.0f}"
        ti = "-" if r["charts_interactive_max_ms"] is None else f"{r['charts_interactive_max_ms']:.0f}"
        lines.append(
            f"{path:28} {r['cold']['requests']:>4} {r['cold']['bytes_gzip6'] / 1e3:>7.1f}{flag(v['cold_bytes'])} "
            f"{r['cold']['budget'] / 1e3:>7.0f} {r['on_scroll']['bytes_gzip6'] / 1e3:>10.1f} "
            f"{r['warm']['requests']:>8} {r['warm']['bytes_gzip6'] / 1e3:>7.1f}{flag(v['warm_bytes'])} "
            f"{lcp:>6}{flag(v['lcp'])} {r['charts']:>6} {ti:>13}{flag(v['charts_interactive'])}  {parts}")
    b = report["budgets"]
    lines.append(f"kB = 1000 bytes of gzip level 6; '!' = over budget (cold {b['cold_with_charts'] / 1e3:.0f} kB with "
                 f"charts, {b['cold_text_only'] / 1e3:.0f} kB without; warm {b['warm'] / 1e3:.0f} kB; LCP "
                 f"{b['lcp_ms']} ms; charts interactive {b['charts_interactive_ms']} ms after coming into view); "
                 f"LCP and interactive: median of {report['runs']} run(s)")
    offsite = sorted({u for r in report["pages"].values() for u in r["offsite_requests"]})
    if offsite:
        lines.append("requests to other hosts: " + ", ".join(offsite))
    return lines


# --------------------------------------------------------------------------------------------------------------
# Fonts
# --------------------------------------------------------------------------------------------------------------

CJK_PROBE_JS = """() => {
  // The first visible Chinese text, preferring text marked lang="zh" (as the book marks the article's words).
  const hanAll = /[\\u3400-\\u4dbf\\u4e00-\\u9fff]/g;  // a text node with at least four Han characters
  const found = [];
  const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = walker.nextNode())) {
    const el = n.parentElement;
    if ((n.data.match(hanAll) || []).length < 4 || !el || el.closest('script,style,svg,details:not([open])')) continue;
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') continue;
    found.push(el);
    if (el.closest('[lang^="zh"]')) break;
  }
  if (!found.length) return null;
  const el = found[found.length - 1];
  el.setAttribute('data-cjk-probe', '1');
  const own = [...el.childNodes].filter(c => c.nodeType === 3).map(c => c.data).join('');
  const langed = !!el.closest('[lang^="zh"]');
  return {text: own, font: getComputedStyle(el).fontFamily, lang: langed ? el.closest('[lang^="zh"]').lang : null,
          unmarked: found.length > 1 || !langed};
}"""

CJK_FAMILIES = re.compile(r"CJK|Source Han|WenQuanYi|Droid Sans Fallback|PingFang|Hiragino|YaHei|SimSun|"
                          r"Sarasa|AR PL", re.I)


def cjk_fonts(page) -> dict | None:
    """Which platform fonts Chromium actually used for the first visible Chinese text on the page (via CDP)."""
    probe = page.evaluate(CJK_PROBE_JS)
    if probe is None:
        return None
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "[data-cjk-probe]"})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
    han = len(_HAN.findall(probe["text"]))
    cjk_glyphs = sum(f["glyphCount"] for f in fonts if CJK_FAMILIES.search(f["familyName"]))
    return {"text": probe["text"][:40], "css_font": probe["font"], "han_chars": han, "cjk_glyphs": cjk_glyphs,
            "lang": probe["lang"], "unmarked": probe["unmarked"],
            "fonts": [(f["familyName"], f["glyphCount"]) for f in fonts]}


# --------------------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------------------

REPORT: dict[str, PageAudit] = {}
EXTRA_LINES: list[str] = []


def report_lines() -> list[str]:
    if not REPORT:
        return []
    head = (f"{'page':<28} {'cold kB gz':>10} {'req':>4} {'warm kB gz':>10} {'req':>4} {'charts':>6} "
            f"{'render cold':>11} {'render warm':>11} {'axe rules (light/dark)':>22} {'links/#anchors':>15}")
    lines = [f"Weight (gzip level 6) and time until every chart rendered (ms since navigation start); "
             f"budgets: cold <= {AUDIT_BUDGETS['cold'] / 1e6:.2f} MB, warm < {AUDIT_BUDGETS['warm'] / 1e3:.0f} kB, "
             f"charts within {CHART_TIMEOUT_MS} ms of load; warm = a second load in the same profile, dark theme "
             f"chosen, files under _static/ cached", head, "-" * len(head)]

    def ms(v):
        return "-" if v is None else f"{v:.0f}"

    for path, a in REPORT.items():
        axe = "/".join(str(a.axe.get(t, {}).get("executed", "-")) for t in ("light", "dark"))
        lines.append(f"{path:<28} {a.cold_bytes / 1e3:>10.1f} {a.cold_requests:>4} {a.warm_bytes / 1e3:>10.1f} "
                     f"{a.warm_requests:>4} {len(a.charts):>6} {ms(a.cold_render_ms):>11} "
                     f"{ms(a.warm_render_ms):>11} {axe:>22} "
                     f"{a.link_counts.get('links', 0):>8}/{a.link_counts.get('anchors', 0):<6}")
    any_axe = next((a.axe["light"] for a in REPORT.values() if "light" in a.axe), None)
    if any_axe:
        lines.append(f"axe-core {any_axe['version']}: {any_axe['registered']} rules registered; the 'axe rules' "
                     f"column counts the distinct rules axe ran on each page (passed, violated, incomplete or "
                     f"inapplicable; the dark theme reruns the colour rules {', '.join(AXE_COLOUR_RULES)}); "
                     f"failing impacts: {', '.join(sorted(AXE_FAIL_IMPACTS))}")
    problems = [(p, f) for p, a in REPORT.items() for f in a.failures()]
    if problems:
        lines.append(f"Problems ({len(problems)}):")
        lines.extend(f"  {p}: {f}" for p, f in problems)
    lines.extend(EXTRA_LINES)
    lines.append("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in PHASES.items())
                 + f"; page audits {sum(a.seconds for a in REPORT.values()):.1f}")
    return lines


def write_report() -> list[str]:
    lines = report_lines()
    if lines:
        REPORT_FILE.parent.mkdir(parents=True, exist_ok=True)
        REPORT_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


def spec_break_data(page_html: str) -> str:
    """The page with every chart spec's data replaced by a URL that does not exist."""
    def swap(node):
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                if k == "datasets":
                    continue
                out[k] = {"url": "missing.csv"} if k == "data" else swap(v)
            return out
        if isinstance(node, list):
            return [swap(x) for x in node]
        return node

    def repl(m):
        spec = json.loads(m.group(2))
        text = json.dumps(swap(spec), separators=(",", ":"))
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return m.group(1) + text + m.group(3)

    out, n = re.subn(r'(<script type="application/json" id="vis-[0-9a-f]+-spec">)(.*?)(</script>)', repl,
                     page_html, flags=re.S)
    assert n, "no chart spec found in the page"
    return out
