"""What a reader's browser pays for each page of the built book (issue 11): the browser section of ``make bench``.

For every page of the table of contents (``_toc.yml``, after the site's ``index.html``), in headless Chromium
(Debian's ``/usr/bin/chromium``; ``BRIEFING_CHROMIUM`` overrides), served from ``_build/html`` by a local server
that sends the headers a static host would (``_static/`` cacheable for an hour, pages ``no-store``):

- cold load: a fresh profile, the page opened and left alone until the network is quiet (no scrolling):
  requests, and bytes = every response body compressed with gzip level 6 (as a static host serves it);
- largest contentful paint (LCP) of the cold load, from a ``PerformanceObserver`` (``buffered: true``);
- charts interactive: each chart scrolled into view in turn; the time from the moment it came into view (the
  navigation start for a chart in the first screen) until it reports ``data-rendered="true"``;
- the bytes fetched by that scrolling (the chart bundle, for instance), reported apart from the cold load;
- warm load: the same page again in a second tab of the same profile (the HTTP cache primed): requests and
  bytes of what was not served from the cache.

Nothing outside the local server resolves (``--host-resolver-rules``): a request to another host fails and is
listed. Budgets (bytes; times are reported, not asserted here): see :data:`COLD_BUDGET_CHARTS` and friends.

Run on its own: ``.venv/bin/python benchmarks/pageload.py [--json out.json]`` (needs ``make book``).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import re
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
HTML_ROOT = ROOT / "_build" / "html"
CHROMIUM = os.environ.get("BRIEFING_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"]
VIEWPORT = {"width": 1280, "height": 900}

# Budgets of issue 11, in bytes of gzip level 6. Bytes are the same on every machine; times are not.
COLD_BUDGET_CHARTS = 400_000      # a page with charts, cold
COLD_BUDGET_TEXT = 250_000        # a page without charts, cold
WARM_BUDGET = 60_000              # any page, the same page again with the cache primed
LCP_BUDGET_MS = 1000              # reported against, not asserted (machine-dependent)
INTERACTIVE_BUDGET_MS = 1500      # idem: a chart is interactive this long after it came into view
QUIET_MS = 400                    # the network counts as quiet after this long without a request


def toc_pages(root: Path = ROOT) -> list[str]:
    """Every page of ``_toc.yml`` as a path under ``_build/html``, in reading order, after the site's index.html."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key) or []:
                    walk(child)

    walk({k: v for k, v in toc.items() if k != "root"})
    pages = ["index.html"]
    for f in files:
        page = re.sub(r"\.(md|ipynb|rst)$", "", f) + ".html"
        if page not in pages:
            pages.append(page)
    return pages


def has_chart(path: str, html_root: Path = HTML_ROOT) -> bool:
    """Whether the page (or, for a page that only redirects, the page it sends the reader to) holds a chart."""
    f = html_root / path
    if not f.is_file():
        return False
    text = f.read_text(encoding="utf-8")
    m = re.search(r'<meta[^>]+http-equiv="refresh"[^>]+content="[^"]*url=([^"]+)"', text, re.I)
    if m:
        target = (f.parent / m.group(1).strip()).resolve()
        return target.is_file() and "briefing-chart__vis" in target.read_text(encoding="utf-8")
    return "briefing-chart__vis" in text


def cold_budget(path: str, html_root: Path = HTML_ROOT) -> int:
    return COLD_BUDGET_CHARTS if has_chart(path, html_root) else COLD_BUDGET_TEXT


# -- the local server ------------------------------------------------------------------------------------------
class _Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        # As a static host would: versioned theme assets are cacheable, pages are fetched afresh.
        if urlsplit(self.path).path.startswith("/_static/"):
            self.send_header("Cache-Control", "public, max-age=3600")
        else:
            self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, *args):
        pass

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass


class Server:
    def __init__(self, root: Path):
        self.root = root
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                     functools.partial(_Handler, directory=str(root)))
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, name="pageload-server", daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def file_for(self, url: str) -> Path:
        path = urlsplit(url).path
        f = self.root.joinpath(*[p for p in path.split("/") if p])
        return f / "index.html" if path.endswith("/") or f.is_dir() else f

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# -- in the page -----------------------------------------------------------------------------------------------
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
    var t = r.target;
    if (t.getAttribute && t.getAttribute('data-rendered') === 'true' && !(t.id in window.__chartDone))
      window.__chartDone[t.id] = performance.now();
  });
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-rendered']});
"""

CHARTS_JS = """() => [...document.querySelectorAll('.briefing-chart__vis')].map(el => {
  const r = el.getBoundingClientRect();
  return {id: el.id, inFirstScreen: r.top < innerHeight && r.bottom > 0, state: el.getAttribute('data-rendered')};
})"""


def _gzip6(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6, mtime=0))


class _Log:
    """The responses of one tab (late ones too), and the requests that went nowhere."""

    def __init__(self, page):
        self.responses, self.failed, self.offsite, self.last = [], [], [], time.perf_counter()
        page.on("request", self._request)
        page.on("response", self._response)
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))

    def _request(self, r):
        self.last = time.perf_counter()
        if (urlsplit(r.url).hostname or "") not in ("127.0.0.1", "localhost") and not r.url.startswith(
                ("data:", "blob:", "about:")):
            self.offsite.append(r.url)

    def _response(self, r):
        self.last = time.perf_counter()
        self.responses.append(r)

    def quiet(self, page, ms: int = QUIET_MS, limit_s: float = 10.0):
        start = time.perf_counter()
        while time.perf_counter() - self.last < ms / 1000 and time.perf_counter() - start < limit_s:
            page.wait_for_timeout(50)

    def take(self) -> list:
        out, self.responses = self.responses, []
        return out


def _weigh(server: Server, responses, bodies: dict, skip=frozenset()) -> tuple[int, int, dict]:
    """(requests, gzip-6 bytes, bytes per path) of the successful responses not in ``skip`` (paths)."""
    n, total, parts = 0, 0, {}
    for r in responses:
        path = urlsplit(r.url).path
        if r.status >= 300 or path in skip:
            continue
        if r.url not in bodies:
            try:
                body = r.body()
            except Exception:  # a body Chromium no longer holds (a redirect page that moved on): read the file
                f = server.file_for(r.url)
                body = f.read_bytes() if f.is_file() else b""
            bodies[r.url] = _gzip6(body)
        n += 1
        total += bodies[r.url]
        parts[path] = parts.get(path, 0) + bodies[r.url]
    return n, total, parts


def _goto(page, server: Server, url: str):
    page.goto(url, wait_until="load")
    f = server.file_for(url)
    if f.suffix == ".html" and f.is_file():
        m = re.search(r'<meta[^>]+http-equiv="refresh"[^>]+content="[^"]*url=([^"]+)"', f.read_text("utf-8"), re.I)
        if m:  # the site's index.html sends the reader on at once: measure until the target has loaded
            page.wait_for_url(re.compile(re.escape(m.group(1).strip())), wait_until="load", timeout=5000)


def measure_page(browser, server: Server, path: str, bodies: dict | None = None, charts: bool = True) -> dict:
    """One page as a reader meets it: cold load (LCP), charts scrolled into view (unless ``charts`` is false: the
    byte budgets need only the loads), then a warm load."""
    bodies = {} if bodies is None else bodies
    url = server.base + path
    ctx = browser.new_context(viewport=VIEWPORT, color_scheme="light", service_workers="block")
    ctx.add_init_script(INIT_JS)
    try:
        page = ctx.new_page()
        log = _Log(page)
        _goto(page, server, url)
        log.quiet(page)
        cold = log.take()
        lcp = page.evaluate("() => window.__lcp")
        load_ms = page.evaluate("() => { const n = performance.getEntriesByType('navigation')[0];"
                                " return n ? n.loadEventEnd : null; }")
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
                done = page.evaluate("id => window.__chartDone[id] ?? null", c["id"])
            except Exception:
                done = None
            interactive.append({"id": c["id"], "in_first_screen": c["inFirstScreen"],
                                "ms": None if done is None else round(max(0.0, done - seen), 1)})
        log.quiet(page)
        scrolled = log.take()
        # Warm: a second tab of the same profile.
        cold_n, cold_bytes, cold_parts = _weigh(server, cold, bodies)
        scroll_n, scroll_bytes, scroll_parts = _weigh(server, scrolled, bodies)
        static = {p for p in list(cold_parts) + list(scroll_parts) if p.startswith("/_static/")}
        tab = ctx.new_page()
        wlog = _Log(tab)
        _goto(tab, server, url)
        wlog.quiet(tab)
        warm = wlog.take()
        # Files under _static/ fetched before are served from the HTTP cache (max-age): Chromium still reports
        # them as responses, so they are left out by path.
        warm_n, warm_bytes, warm_parts = _weigh(server, warm, bodies, skip=static)
        offsite = sorted(set(log.offsite + wlog.offsite))
        failed = [f for f in log.failed + wlog.failed if "ERR_ABORTED" not in f]
        times = [i["ms"] for i in interactive]
    finally:
        ctx.close()
    return {
        "page": path, "charts": len(found),
        "cold": {"requests": cold_n, "bytes_gzip6": cold_bytes, "budget": cold_budget(path, server.root),
                 "parts": dict(sorted(cold_parts.items(), key=lambda kv: -kv[1]))},
        "on_scroll": {"requests": scroll_n, "bytes_gzip6": scroll_bytes,
                      "parts": dict(sorted(scroll_parts.items(), key=lambda kv: -kv[1]))},
        "warm": {"requests": warm_n, "bytes_gzip6": warm_bytes, "budget": WARM_BUDGET,
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
    server = Server(html_root)
    results: dict[str, dict] = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                bodies: dict = {}
                measure_page(browser, server, pages[0], bodies)  # warm up the browser and the server
                for path in pages:
                    samples = [measure_page(browser, server, path, bodies) for _ in range(runs)]
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
        server.close()
    return {"viewport": VIEWPORT, "runs": runs, "chromium": CHROMIUM, "pages": results,
            "budgets": {"cold_with_charts": COLD_BUDGET_CHARTS, "cold_text_only": COLD_BUDGET_TEXT,
                        "warm": WARM_BUDGET, "lcp_ms": LCP_BUDGET_MS, "charts_interactive_ms": INTERACTIVE_BUDGET_MS},
            "verdicts": verdicts(results)}


def verdicts(results: dict) -> dict:
    out = {}
    for path, r in results.items():
        v = {"cold_bytes": r["cold"]["bytes_gzip6"] <= r["cold"]["budget"],
             "warm_bytes": r["warm"]["bytes_gzip6"] <= WARM_BUDGET,
             "offline": not r["offsite_requests"],
             "lcp": r["lcp_ms"] is not None and r["lcp_ms"] <= LCP_BUDGET_MS,
             "charts_interactive": (r["charts_interactive_max_ms"] is None and not r["charts_interactive"])
             or (r["charts_interactive_max_ms"] is not None and r["charts_interactive_max_ms"] <= INTERACTIVE_BUDGET_MS)}
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("pages", nargs="*", help="pages under _build/html (default: the table of contents)")
    args = parser.parse_args(argv)
    report = measure(args.pages or None, args.runs)
    print("\n".join(table(report)))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1) + "\n")
    ok = all(v["cold_bytes"] and v["warm_bytes"] and v["offline"] for v in report["verdicts"].values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
