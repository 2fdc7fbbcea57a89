"""The rendered book in a real browser (headless Chromium): offline, error-free, accessible, light (issue 5).

Every page of _toc.yml plus the site's index.html is loaded cold, warm and in the dark theme, once, for the audit
and the byte budgets (tests/browser/test_budgets.py); see tests/support/harness.py (budgets:
benchmarks/budgets.toml, [audit] and [page]). Without JavaScript and under a sub-path, the built HTML of every page
is read and a sample of pages is loaded.
"""

from __future__ import annotations

import base64
import json
import random
import re
from urllib.parse import urlsplit

import pandas as pd
import pytest

from support import harness

pytestmark = pytest.mark.browser

PAGES = harness.toc_pages()


def _has_chart(path: str) -> bool:
    return harness.has_chart(path, follow=False)


def _assert_clean(audit: harness.PageAudit, *checks: str):
    found = audit.failures(*checks)
    assert not found, f"{audit.path}:\n  " + "\n  ".join(found)


# ------------------------------------------------------------------------------------------------ every page

# What each page must be free of: a name for the report, and the checks of harness.audit_page it reads.
CHECKS = {
    "no_console_errors_or_uncaught_exceptions": ("console",),
    "offline_no_other_host_and_no_failed_request": ("offline", "network"),
    "every_chart_renders_marks_within_2s": ("charts",),
    "charts_have_text_alternatives": ("chart-alt",),
    "internal_links_and_anchors_resolve": ("links",),
    "headings_in_order": ("headings",),
    "axe_light_theme": ("axe-light",),
    "axe_dark_theme": ("axe-dark", "theme"),
}


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("checks", list(CHECKS.values()), ids=list(CHECKS))
def test_every_page_is_clean(audits, path, checks):
    _assert_clean(audits(path), *checks)


# ------------------------------------------------------------------------------- screenshots and CJK fonts

def _screenshot_pages() -> dict[str, str]:
    chapters = [p for p in PAGES if p.startswith("chapters/") and p != "chapters/index.html"]
    annotated = "chapters/article.html"  # the article, annotated paragraph by paragraph
    others = [p for p in chapters if p != annotated]
    chapter = next((p for p in others if _has_chart(p)), None) or (others[0] if others else annotated)
    return {"landing": "chapters/index.html", "chapter": chapter, "article": annotated}


def test_screenshots_and_chinese_in_a_cjk_font(page, site):
    harness.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found = {}
    for role, path in _screenshot_pages().items():
        page.goto(site.url(path), wait_until="load")
        page.evaluate("() => document.fonts.ready")
        name = f"{role}-{path.split('/')[-1].removesuffix('.html')}.png"
        # The whole landing page; the top of longer pages (a full screenshot of a long page costs seconds).
        height = page.evaluate("() => document.documentElement.scrollHeight")
        clip = None if role == "landing" else {"x": 0, "y": 0, "width": harness.VIEWPORT["width"],
                                               "height": min(height, 3 * harness.VIEWPORT["height"])}
        page.screenshot(path=str(harness.SCREENSHOTS / name), full_page=True, clip=clip)
        found[role] = info = harness.cjk_fonts(page)
        harness.EXTRA_LINES.append(f"screenshot {harness.SCREENSHOTS / name}: Chinese text " + (
            "none" if info is None else
            f"{info['text']!r} (lang={info['lang']}): {info['han_chars']} Han characters, fonts used {info['fonts']}"
            + ("; note: Chinese text without lang=\"zh\" on this page (browsers then pick the Japanese glyph "
               "forms)" if info["unmarked"] else "")))
        if info is not None:
            assert info["cjk_glyphs"] >= info["han_chars"] > 0, (
                f"{path}: Chinese text {info['text']!r} was not drawn in a CJK font: "
                f"CSS font-family {info['css_font']!r}, platform fonts used {info['fonts']}")
    assert found["article"] is not None, "the article page shows no Chinese text at all"


# ------------------------------------------------------------------------------------------- hostile text

HOSTILE = ['<script>window.__pwned=1</script>', '<img src=x onerror="window.__pwned=1">']
BREAKOUT = '</script><script>window.__pwned=1</script>'  # for text that lands inside a <script> (JSON-LD)


def _hostile_fragments() -> dict[str, str]:
    """A fixture claim whose every text field is hostile, through each of the project's renderers."""
    import dataclasses

    from briefing import render
    from briefing.claims import Register, register, review_context
    from briefing.components import html_of

    reg = register()
    review_date, article = review_context()
    claims, sources, links, paras = reg.claims.copy(), reg.sources.copy(), reg.links.copy(), reg.paragraphs.copy()
    with_evidence = set(links["claim_id"]) & set(claims.loc[claims["claim_type"] == "fact", "id"])
    cid = sorted(with_evidence)[0]
    i = claims.index[claims["id"] == cid][0]
    pid = claims.at[i, "paragraph"]
    claims.loc[i, ["quote_zh", "claim_en", "rationale"]] = [HOSTILE[0], BREAKOUT + HOSTILE[1], HOSTILE[1]]
    paras.loc[paras["id"] == pid, "text"] = "朝鲜" + HOSTILE[0] + HOSTILE[1]
    sid = links.loc[links["claim_id"] == cid, "source_id"].iloc[0]
    j = sources.index[sources["id"] == sid][0]
    sources.loc[j, ["title", "publisher"]] = [HOSTILE[1], HOSTILE[0]]
    links.loc[links["claim_id"] == cid, "note"] = HOSTILE[1]
    one = Register(claims[claims["id"] == cid], sources, links, paras[paras["id"] == pid])
    row = pd.DataFrame([{"id": "c999", "claim": HOSTILE[0], "note": HOSTILE[1]}])
    conflict = reg.inconsistencies.iloc[[0]].copy()
    conflict["description"] = HOSTILE[0] + HOSTILE[1]
    with_conflict = Register(reg.claims, reg.sources, reg.links, reg.paragraphs, inconsistencies=conflict)
    calls, watch = reg.calls.iloc[[0]].copy(), reg.watch.iloc[[0]].copy()
    calls[["statement", "resolves_if"]] = [HOSTILE[1], HOSTILE[0]]
    watch[["indicator", "would_move", "where_to_watch"]] = [HOSTILE[0], HOSTILE[1], HOSTILE[0]]
    # Each as the book shows it: rendered at build time from its stored data and the (hostile) register.
    return {
        "table": html_of(render.table(row, caption="Hostile fixture " + HOSTILE[1], id_column="id")),
        "claim_card": html_of(render.claim_cards(one, [cid], review_date, article), one),
        "claims_table": html_of(render.claims_table(one.claims, caption=HOSTILE[1]), one),
        "sources_list": html_of(render.sources_list(sources.loc[[j]], caption=HOSTILE[0]), one),
        "annotated_article": html_of(render.annotated_article(one), one),
        "inconsistencies_table": html_of(render.inconsistencies_table(with_conflict, caption=HOSTILE[1]),
                                         with_conflict),
        "calls_table": html_of(render.calls_table(calls, caption=HOSTILE[0]), dataclasses.replace(reg, calls=calls)),
        "watch_table": html_of(render.watch_table(watch, caption=HOSTILE[1]), dataclasses.replace(reg, watch=watch)),
    }


def test_hostile_text_shows_as_text_and_never_runs(page, site):
    template = harness.HTML_ROOT / "chapters" / "methods.html"
    if not template.is_file():
        template = harness.HTML_ROOT / PAGES[1]
    fragments = _hostile_fragments()
    fixture = "".join(f'<div data-fixture="{name}">{html}</div>' for name, html in fragments.items())
    html, n = re.subn(r'(<article[^>]*class="bd-article"[^>]*>)', lambda m: m.group(1) + fixture,
                      template.read_text(encoding="utf-8"), count=1)
    assert n == 1
    (site.mount / "hostile.html").write_text(html, encoding="utf-8")
    page.goto(site.url(f"{harness.TEST_MOUNT}/hostile.html"), wait_until="load")
    page.wait_for_timeout(200)
    assert page.evaluate("() => typeof window.__pwned") == "undefined", "hostile text ran as script"
    assert page.locator('article img[src="x"]').count() == 0, "hostile <img> became an element"
    for name in fragments:
        box = page.locator(f'[data-fixture="{name}"]')
        assert box.locator("script:not([type])").count() == 0, f"{name}: hostile <script> became an element"
        text = box.inner_text()
        assert any(h in text for h in HOSTILE), f"{name}: hostile text not shown as text: {text[:200]!r}"
    body = page.locator("article.bd-article").inner_text()
    for h in HOSTILE:
        assert h in body, f"hostile text {h!r} is not shown as text"
    # Text inside JSON-LD stays inside it: the script parses, and holds the hostile text verbatim.
    lds = page.locator('[data-fixture] script[type="application/ld+json"]').all()
    assert lds, "the claim card fixture rendered no ClaimReview JSON-LD"
    for ld in lds:
        data = json.loads(ld.text_content())
        assert BREAKOUT in json.dumps(data, ensure_ascii=False)
    assert page.locator("table.briefing-table td", has_text=HOSTILE[0]).first.is_visible()


# ----------------------------------------------------------------------------------------------- printing

def test_print_keeps_charts_and_drops_navigation(page, site):
    chart_pages = [p for p in PAGES if _has_chart(p) and p.startswith("chapters/") and p != "chapters/index.html"]
    assert chart_pages, "no chapter of the book has a chart to print"
    path = chart_pages[0]
    # No waiting for the script: the charts print from their inline SVG.
    page.goto(site.url(path), wait_until="load")
    page.emulate_media(media="print")
    state = page.evaluate("""() => ({
      charts: [...document.querySelectorAll('.briefing-chart__vis')].map(el => {
        const svg = el.querySelector('svg'); const r = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
        return {id: el.id, visible: !!svg && r.width > 0 && r.height > 0 && getComputedStyle(svg).visibility !== 'hidden',
                marks: svg ? svg.querySelectorAll('g.role-mark > *').length : 0,
                fits: !!svg && r.right <= document.documentElement.clientWidth + 1};
      }),
      nav: [...document.querySelectorAll('.bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .prev-next-area, .bd-footer')]
        .map(el => [el.className.split(' ')[0], getComputedStyle(el).display]),
    })""")
    bad = [c for c in state["charts"] if not (c["visible"] and c["marks"])]
    assert not bad, f"{path}: charts not visible in print: {bad}"
    shown = [n for n in state["nav"] if n[1] != "none"]
    assert state["nav"] and not shown, f"{path}: navigation still shown in print: {shown}"
    pdf = page.pdf(format="A4", print_background=True)
    harness.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    out = harness.SCREENSHOTS / (path.split("/")[-1].removesuffix(".html") + ".pdf")
    out.write_bytes(pdf)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    harness.EXTRA_LINES.append(f"print: {out} ({len(pdf) / 1e3:.0f} kB), {len(state['charts'])} chart(s) "
                                 f"visible in print media, navigation hidden: {[n[0] for n in state['nav']]}")


# ------------------------------------------------------------------------------- without JavaScript
# What a reader without JavaScript gets is in the built HTML (every chart an inline SVG with marks, no script
# needed); a browser with JavaScript off confirms on a sample of pages that nothing (a stylesheet) hides it.

_VIS = re.compile(r'<div class="briefing-chart__vis"[^>]*>')
_MARKS = re.compile(r'<g class="mark-[a-z]+ role-mark[^"]*"[^>]*>\s*<(path|rect|circle|line|text|symbol|g)\b')


def charts_without_svg(page_html: str) -> list[str]:
    """The charts of a built page that do not show as an inline SVG with marks before any script runs."""
    bad = []
    opens = list(_VIS.finditer(page_html))
    for i, m in enumerate(opens):
        body = page_html[m.end():opens[i + 1].start() if i + 1 < len(opens) else len(page_html)]
        body = body.split("</figure>", 1)[0]
        if "data-rendered" in m.group(0) or "<svg" not in body or not _MARKS.search(body):
            bad.append(re.search(r'id="([^"]+)"', m.group(0)).group(1))
    return bad


def test_every_chart_is_inline_svg_in_the_built_html():
    seen, bad = 0, []
    for path in PAGES:
        text = harness.page_text(path, follow=False)
        seen += len(_VIS.findall(text))
        bad += [f"{path}#{c}" for c in charts_without_svg(text)]
    assert seen, "no chart found on any page of the book"
    assert not bad, "charts without an inline SVG with marks: " + "; ".join(bad)


def _chart_sample() -> list[str]:
    chart_pages = [p for p in PAGES if _has_chart(p)]
    return list(dict.fromkeys([chart_pages[0], chart_pages[-1]])) if chart_pages else []


def test_charts_show_without_javascript(browser, site):
    """A reader with JavaScript off (or before any script loads) sees the charts: a sample of pages."""
    ctx = browser.new_context(viewport=harness.VIEWPORT, java_script_enabled=False)
    page = ctx.new_page()
    seen, bad = 0, []
    try:
        for path in _chart_sample():
            harness.goto(page, site, site.url(path))
            for c in page.evaluate(harness.CHARTS_JS):
                seen += 1
                if not (c["svg"] and c["marks"]) or c["state"]:
                    bad.append(f"{path}#{c['id']}: svg={c['svg']} marks={c['marks']} state={c['state']}")
    finally:
        ctx.close()
    harness.EXTRA_LINES.append(f"without JavaScript: {seen} charts on {len(_chart_sample())} sampled pages, "
                               f"{seen - len(bad)} drawn from inline SVG")
    assert seen, "no chart found on the sampled pages"
    assert not bad, "charts not shown without JavaScript: " + "; ".join(bad)


def test_a_chart_without_its_svg_is_caught(browser, site):
    """The no-JS checks fail on a copy of a built page whose first chart lost its inline SVG."""
    original = _chart_sample()[0]
    source = (harness.HTML_ROOT / original).read_text(encoding="utf-8")
    first = _VIS.search(source)
    end = source.index("</figure>", first.end())
    broken = source[:first.end()] + re.sub(r"<svg\b.*?</svg>", "", source[first.end():end], flags=re.S) + source[end:]
    assert charts_without_svg(source) == [] and len(charts_without_svg(broken)) == 1
    (site.mount / "no-svg.html").write_text(broken, encoding="utf-8")
    ctx = browser.new_context(viewport=harness.VIEWPORT, java_script_enabled=False)
    try:
        page = ctx.new_page()
        harness.goto(page, site, site.url(f"{harness.TEST_MOUNT}/no-svg.html"))
        charts = page.evaluate(harness.CHARTS_JS)
    finally:
        ctx.close()
    assert not (charts[0]["svg"] and charts[0]["marks"]), charts[0]


# ------------------------------------------------------------------------------ the checks can fail

def _chart_page() -> str:
    chart_pages = [p for p in PAGES if _has_chart(p)]
    assert chart_pages, "no page of the book has a chart to break"
    return chart_pages[0]


def test_checks_can_fail(browser, site, audits, axe_source):
    """The checking function flags a chart whose data is missing, a page that loads an external script, an
    image without a text alternative (axe) and a page over its byte budget through a request made after its load
    event; the page they are made from passes the same checks (so the failures come from the breakage). The four
    breakages share one page: each check names its own (a chart, a host, a rule, a file), so none hides another."""
    original = _chart_page()
    assert not audits(original).failures("charts", "offline", "network", "console", "axe-light"), \
        audits(original).failures()
    budget = harness.cold_budget(original)
    assert audits(original).weight["cold"]["bytes_gzip6"] <= budget
    source = harness.spec_break_data((harness.HTML_ROOT / original).read_text(encoding="utf-8"))
    source = source.replace("</head>", '<script src="https://example.com/x.js"></script></head>', 1)
    source = re.sub(r'(<article[^>]*class="bd-article"[^>]*>)', r'\1<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">',
                    source, count=1)
    # the byte budget: 600 kB of incompressible bytes, fetched 50 ms after the load event (the quiet-network wait
    # must still count it)
    late = "late-weight.txt"
    (site.mount / late).write_text(base64.b64encode(random.Random(0).randbytes(600_000)).decode(), encoding="utf-8")
    source = source.replace("</body>", "<script>addEventListener('load', () => setTimeout(() => fetch("
                            f"'{late}').then(r => r.text()), 50));</script></body>", 1)
    (site.mount / "broken.html").write_text(source, encoding="utf-8")
    broken = harness.audit_page(browser, site, f"{harness.TEST_MOUNT}/broken.html", axe_source, warm=False, dark=False)

    assert broken.failures("charts"), f"missing data not flagged as a chart failure: {broken.failures()}"
    assert any("missing.csv" in f for f in broken.failures("network")), (
        f"the 404 for missing.csv was not flagged: {broken.failures()}")
    assert any("example.com" in f for f in broken.failures("offline")), (
        f"the external script was not flagged: {broken.failures()}")
    heavy = broken.weight["cold"]
    assert heavy["bytes_gzip6"] > budget and f"/{harness.TEST_MOUNT}/{late}" in heavy["parts"], (
        f"a page of {heavy['bytes_gzip6'] / 1e3:.0f} kB gzip passed the {budget / 1e3:.0f} kB budget "
        f"(counted: {list(heavy['parts'])})")
    assert any("image-alt (critical)" in f for f in broken.failures("axe-light")), (
        f"axe did not flag the image without alt text: {broken.failures()}")
    harness.EXTRA_LINES.append(f"broken page flagged ({heavy['bytes_gzip6'] / 1e3:.0f} kB gzip unscrolled): " + ", ".join(
        broken.failures("charts", "offline", "network", "console", "axe-light"))[:800])


# ------------------------------------------------------------------------------- served under a sub-path

SUB_PATH = "dprk-after-riyadh"  # as a project Pages site serves it: https://<owner>.github.io/<repository>/
_ROOTED = re.compile(r'\b(?:href|src|action|data-[a-z-]+)="(/(?!/)[^"]*)"')


def test_no_built_page_links_from_the_site_root():
    """A URL from the site's root (href="/...") leaves /<repository>/ when the book is served under it: every
    page's links, scripts and images are relative."""
    rooted = {path: sorted(set(_ROOTED.findall(harness.page_text(path, follow=False)))) for path in PAGES}
    assert not {p: r for p, r in rooted.items() if r}, rooted


def _sub_path_sample() -> list[str]:
    """The site's index (a redirect), a page with charts and a page without (the chart bundle is found relative
    to the script, from any depth)."""
    without = [p for p in PAGES if p != "index.html" and not _has_chart(p)]
    return list(dict.fromkeys(["index.html", *_chart_sample()[:1], *without[:1]]))


def test_the_book_works_under_a_sub_path(browser, html_root, tmp_path):
    """A sample of pages, served from /<repository>/ instead of the site root, loads all it asks for from under
    that path, and its charts still upgrade to the interactive ones (the bundle is found relative to the script)."""
    (tmp_path / SUB_PATH).symlink_to(html_root, target_is_directory=True)
    site = harness.serve(tmp_path, tmp_path)
    ctx = browser.new_context(viewport=harness.VIEWPORT)
    page = ctx.new_page()
    failed, outside, charts = [], [], 0
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("request", lambda r: outside.append(r.url)
            if urlsplit(r.url).hostname in harness.LOCAL_HOSTS
            and not urlsplit(r.url).path.startswith(f"/{SUB_PATH}/") else None)
    try:
        for path in _sub_path_sample():
            harness.goto(page, site, site.url(f"{SUB_PATH}/{path}"))
            vis = page.locator(".briefing-chart__vis")
            for i in range(vis.count()):
                vis.nth(i).scroll_into_view_if_needed()
                page.wait_for_function(harness.UPGRADED_JS, arg=vis.nth(i).element_handle(),
                                       timeout=harness.CHART_TIMEOUT_MS)
                charts += 1
            states = page.evaluate(harness.CHARTS_JS)
            assert all(c["state"] == "true" and c["marks"] for c in states), f"{path}: {states}"
    finally:
        ctx.close()
        site.close()
    harness.EXTRA_LINES.append(f"under /{SUB_PATH}/: {len(_sub_path_sample())} sampled pages, {charts} charts "
                               "upgraded")
    assert not failed, f"failed requests under /{SUB_PATH}/: {failed}"
    assert not outside, f"requests outside /{SUB_PATH}/: {sorted(set(outside))}"
