"""Fixtures for the browser tests: the built book on a local server, one headless Chromium, axe-core.

Needs `make book` (the HTML in _build/html) and `npm ci` (axe-core in node_modules); `make test` does both.
Chromium is Debian's /usr/bin/chromium (override with BRIEFING_CHROMIUM); nothing is downloaded.
"""

from __future__ import annotations

import shutil

import pytest

import bookaudit


@pytest.fixture(scope="session")
def html_root():
    if not (bookaudit.HTML_ROOT / "index.html").is_file():
        pytest.fail(f"{bookaudit.HTML_ROOT} has no built book: run `make book` first (`make test` does)")
    return bookaudit.HTML_ROOT


@pytest.fixture(scope="session")
def site(html_root, tmp_path_factory):
    """The built book on http://127.0.0.1:<random port>/, plus /__test__/ served from a temporary folder."""
    s = bookaudit.serve(html_root, tmp_path_factory.mktemp("served"))
    yield s
    s.close()


@pytest.fixture(scope="session")
def browser(playwright):
    if not shutil.which(bookaudit.CHROMIUM):
        pytest.fail(f"no Chromium at {bookaudit.CHROMIUM} (Debian: apt-get install chromium)")
    b = bookaudit.launch(playwright)
    yield b
    b.close()


@pytest.fixture(scope="session")
def axe_source():
    if not bookaudit.AXE_JS.is_file():
        pytest.fail(f"{bookaudit.AXE_JS} is missing (see tests/browser/vendor/README.md)")
    return bookaudit.AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def audits(browser, site, axe_source):
    """audits(path) -> PageAudit. The first call audits every page of the book (PAGES of test_pages.py, in
    order), so that axe can run in two pages side by side; later calls read the results."""
    def get(path: str) -> bookaudit.PageAudit:
        if path not in bookaudit.REPORT:
            from test_pages import PAGES

            todo = [p for p in dict.fromkeys([*PAGES, path]) if p not in bookaudit.REPORT]
            bookaudit.REPORT.update(bookaudit.audit_pages(browser, site, todo, axe_source))
        return bookaudit.REPORT[path]
    return get


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport=bookaudit.VIEWPORT, color_scheme="light", service_workers="block")
    p = ctx.new_page()
    yield p
    ctx.close()


def pytest_terminal_summary(terminalreporter):
    lines = bookaudit.write_report()
    if lines:
        terminalreporter.write_sep("=", "browser: page weight, render time, accessibility")
        for line in lines:
            terminalreporter.write_line(line)
        terminalreporter.write_line(f"(also written to {bookaudit.REPORT_FILE})")
