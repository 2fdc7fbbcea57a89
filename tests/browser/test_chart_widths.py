"""Charts that read at any width, with labels that never collide (issue 25).

Every page with a chart is loaded in headless Chromium at a phone's width (390 px) and a desktop's (1280 px):

- the static charts (JavaScript off: first paint, print, readers without scripts) and the interactive ones (each
  chart upgraded) draw their text at :data:`MIN_TEXT_PX` or more, measured as rendered (the font size times the
  drawing's scale on screen);
- the page never scrolls sideways;
- no two visible text boxes of one chart overlap (getBoundingClientRect of every ``<text>`` the reader can see).

Page weight is not measured here: one tab per width and JavaScript setting loads every chart page in turn (the
theme's files from its cache). The desktop width with JavaScript is the page audit's own cold tab
(``harness.PageAudit.chart_text``) when the audit ran first in the session, as it does in ``make test``.
"""

from __future__ import annotations

import pytest

from support import harness

pytestmark = pytest.mark.browser

MIN_TEXT_PX = 9.0
WIDTHS = {"phone": 390, "desktop": 1280}
CHART_PAGES = [p for p in harness.toc_pages() if harness.has_chart(p, follow=False)]

def overlaps(texts: list[dict], slack: float = 1.0) -> list[str]:
    """Pairs of text boxes that overlap by more than ``slack`` px both ways."""
    found = []
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            (l1, t1, r1, b1), (l2, t2, r2, b2) = a["box"], b["box"]
            if min(r1, r2) - max(l1, l2) > slack and min(b1, b2) - max(t1, t2) > slack:
                found.append(f"{a['text']!r} × {b['text']!r}")
    return found


def _charts(page, site, path: str, *, live: bool) -> tuple[list[dict], int]:
    page.goto(site.url(path), wait_until="load")
    if live:
        for vis in page.query_selector_all(".briefing-chart__vis"):
            vis.scroll_into_view_if_needed()
            page.wait_for_function("(el) => el.getAttribute('data-rendered') === 'true'", arg=vis,
                                   timeout=harness.CHART_TIMEOUT_MS * 3)
    return page.evaluate(harness.CHART_TEXT_JS), page.evaluate(harness.OVERFLOW_JS)


@pytest.fixture(scope="module")
def measured(browser, site):
    """One tab per width and JavaScript on or off, each page loaded in it in turn: what is measured is the layout,
    not what a page costs, so the theme's files come from the tab's cache after the first page."""
    cache: dict = {}
    tabs: dict = {}

    def get(path: str, width: str, live: bool):
        key = (path, width, live)
        if key not in cache and live and WIDTHS[width] == harness.VIEWPORT["width"] and path in harness.REPORT:
            # The page audit (tests/browser/test_pages.py, test_budgets.py; run before this file) measured the same
            # tab, every chart interactive: its measure stands for this one unless a chart stayed static there.
            audited = harness.REPORT[path].chart_text
            if audited and all(c["live"] for c in audited[0]):
                cache[key] = audited
        if key not in cache:
            if (width, live) not in tabs:
                context = browser.new_context(viewport={"width": WIDTHS[width], "height": 900},
                                              java_script_enabled=live)
                tabs[width, live] = context.new_page()
            cache[key] = _charts(tabs[width, live], site, path, live=live)
        return cache[key]
    yield get
    for tab in tabs.values():
        tab.context.close()


@pytest.mark.parametrize("live", [False, True], ids=["static", "interactive"])
@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("path", CHART_PAGES)
def test_chart_text_is_legible_and_page_fits(measured, path, width, live):
    charts, overflow = measured(path, width, live)
    assert charts, f"{path}: no chart measured"
    small = [f"{c['id']}: {t['text']!r} at {t['px']:.1f} px" for c in charts for t in c["texts"]
             if t["px"] < MIN_TEXT_PX - 0.05]
    assert not small, f"{path} at {WIDTHS[width]} px: chart text under {MIN_TEXT_PX} px:\n  " + "\n  ".join(small[:20])
    assert overflow <= 0, f"{path} at {WIDTHS[width]} px scrolls sideways by {overflow} px"


@pytest.mark.parametrize("live", [False, True], ids=["static", "interactive"])
@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("path", CHART_PAGES)
def test_chart_labels_never_overlap(measured, path, width, live):
    charts, _ = measured(path, width, live)
    found = [f"{c['id']}: {pair}" for c in charts for pair in overlaps(c["texts"])]
    assert not found, f"{path} at {WIDTHS[width]} px: overlapping chart text:\n  " + "\n  ".join(found)


def test_overlap_check_can_fail():
    a = {"text": "Munich", "box": [10, 10, 50, 20]}
    b = {"text": "Riyadh", "box": [30, 12, 70, 22]}
    c = {"text": "far", "box": [100, 10, 140, 20]}
    assert overlaps([a, b, c]) == ["'Munich' × 'Riyadh'"]
