"""Fixtures for the browser tests: the built book on a local server, one headless Chromium, axe-core.

Needs `make book` (the HTML in _build/html; `make test` builds it); axe-core is vendored in tests/browser/vendor.
Chromium is Debian's /usr/bin/chromium (override with BRIEFING_CHROMIUM); nothing is downloaded. The harness is
tests/support/harness.py, shared with `make bench`.
"""

from __future__ import annotations


import pytest

from support import harness


@pytest.fixture(scope="session")
def html_root():
    if not (harness.HTML_ROOT / "index.html").is_file():
        pytest.fail(f"{harness.HTML_ROOT} has no built book: run `make book` first (`make test` does)")
    return harness.HTML_ROOT


@pytest.fixture(scope="session")
def site(html_root, tmp_path_factory):
    """The built book on http://127.0.0.1:<random port>/, plus /__test__/ served from a temporary folder."""
    s = harness.serve(html_root, tmp_path_factory.mktemp("served"))
    yield s
    s.close()


@pytest.fixture(scope="session")
def axe_source():
    if not harness.AXE_JS.is_file():
        pytest.fail(f"{harness.AXE_JS} is missing (see tests/browser/vendor/README.md)")
    return harness.AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def audits(browser, site, axe_source):
    """audits(path) -> PageAudit. The first call audits every page of the book (PAGES of test_pages.py, in
    order), so that axe can run in two pages side by side; later calls read the results."""
    def get(path: str) -> harness.PageAudit:
        if path not in harness.REPORT:
            from test_pages import PAGES

            todo = [p for p in dict.fromkeys([*PAGES, path]) if p not in harness.REPORT]
            harness.REPORT.update(harness.audit_pages(browser, site, todo, axe_source))
        return harness.REPORT[path]
    return get


@pytest.fixture
def page(browser):
    ctx = harness.new_context(browser)
    p = ctx.new_page()
    yield p
    ctx.close()


def pytest_terminal_summary(terminalreporter):
    lines = harness.write_report()
    if lines:
        terminalreporter.write_sep("=", "browser: page weight, render time, accessibility")
        for line in lines:
            terminalreporter.write_line(line)
        terminalreporter.write_line(f"(also written to {harness.REPORT_FILE})")
