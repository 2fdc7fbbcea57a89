"""Two faces, one source: the reading page shows no code and no raw frames; its notebook is one link away.

The notebooks keep their visible computation (loads, pandas glances, glue). The book removes every code input
(``nb_remove_code_source`` in ``_config.yml``, book-wide) and keeps the analyst's glances (pandas' default tables,
plain-text reprs) off the page (``sphinx_ext.reader_face``). Each page made from a notebook links the notebook
(byte for byte) and its static rendering, with code and outputs, made offline (``briefing.computation``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefing import config
from briefing.computation import SUFFIX, resolve_roles
from briefing.paths import ROOT

import support
from support.links import broken_links
from test_build_strict import JB, _book

HTML = ROOT / "_build" / "html"
FIXTURE = ROOT / "tests" / "fixtures" / "second_briefing"
CODE_INPUT = re.compile(r'class="[^"]*\b(cell_input|highlight-ipython3|highlight-python)\b')
PANDAS_TABLE = re.compile(r'<table[^>]*class="dataframe"')
TEXT_OUTPUT = re.compile(r'class="[^"]*\boutput (text_plain|stream)\b')
REMOTE = re.compile(r'<(?:script|link)[^>]+(?:src|href)="(?:https?:)?//', re.I)


def reader_face_problems(page: str) -> list[str]:
    """What a reading page must not show: a code cell's input, a pandas default table, a plain-text output."""
    problems = []
    for name, pattern in (("a code cell's input", CODE_INPUT), ("a pandas default table", PANDAS_TABLE),
                          ("a plain-text output", TEXT_OUTPUT)):
        if pattern.search(page):
            problems.append(name)
    return problems


def chapter_files() -> list[Path]:
    return [HTML / p for p in support.toc_pages() if p.startswith("chapters/")]


def notebook_pages() -> list[Path]:
    return [p for p in chapter_files() if (ROOT / "chapters" / (p.stem + ".ipynb")).is_file()]


def test_the_check_finds_code_frames_and_reprs_on_a_page_that_has_them():
    """The rule can fail: a page as myst-nb renders it without the book's settings."""
    page = ('<div class="cell docutils container"><div class="cell_input docutils container">'
            '<div class="highlight-ipython3 notranslate"><pre>df.head()</pre></div></div>'
            '<div class="cell_output docutils container"><table border="1" class="dataframe">'
            '<tr><th>0</th><td>Kim ple...</td></tr></table>'
            '<pre class="output text_plain">{&#39;yes&#39;: 13}</pre></div></div>')
    assert reader_face_problems(page) == ["a code cell's input", "a pandas default table", "a plain-text output"]
    assert reader_face_problems('<table class="briefing-table"><tr><td class="briefing-num">13</td></tr></table>') \
        == []


@pytest.mark.skipif(not HTML.is_dir(), reason="the book is not built (make book)")
@pytest.mark.parametrize("page", chapter_files(), ids=lambda p: p.name)
def test_no_reading_page_shows_code_or_raw_frames(page):
    assert reader_face_problems(page.read_text(encoding="utf-8")) == []


@pytest.mark.skipif(not HTML.is_dir(), reason="the book is not built (make book)")
@pytest.mark.parametrize("page", notebook_pages(), ids=lambda p: p.name)
def test_every_notebook_page_links_its_computation(page):
    html = page.read_text(encoding="utf-8")
    foot = re.search(r'<aside class="briefing-computation".*?</aside>', html, re.S)
    assert foot, f"{page.name}: no link to the computation behind the page"
    links = re.findall(r'href="([^"]+)"', foot.group(0))
    assert links == [page.stem + SUFFIX, page.stem + ".ipynb"], links
    rendering = (page.parent / links[0]).read_text(encoding="utf-8")
    # The static rendering shows the notebook's code and links back to the page, and loads nothing remote.
    assert "jp-InputArea" in rendering and f'href="{page.name}"' in rendering
    assert not REMOTE.search(rendering), REMOTE.search(rendering).group(0)
    assert not re.search(r"\{(glue:text|eval|doc)\}`", rendering), "MyST roles left unresolved"
    assert (page.parent / links[1]).read_bytes() == (ROOT / "chapters" / links[1]).read_bytes()


@pytest.mark.parametrize("folder", [ROOT, FIXTURE], ids=["this", "second"])
def test_roles_resolve_in_the_static_rendering(folder):
    """Claims and calls link to the pages briefing.yml names (``pages``): each briefing's own."""
    text = ("Of {glue:text}`n` facts ({eval}`glue.n`), see {doc}`methods`, {doc}`the rules <methods>`, "
            "{claim}`c017`, {call}`b03`.")
    with config.use(folder) as b:
        claims, calls = f"{b.pages['claims']}.html", f"{b.pages['calls']}.html"
        assert resolve_roles(text, {"n": "61"}) == ("Of 61 facts (61), see [methods](methods.html), "
                                                    f"[the rules](methods.html), [c017]({claims}#c017), "
                                                    f"[b03]({calls}#b03).")
    assert claims == ("harbour.html" if folder == FIXTURE else "register.html")  # the two briefings differ


@pytest.mark.skipif(not HTML.is_dir(), reason="the book is not built (make book)")
def test_no_internal_link_of_the_built_book_is_broken():
    """Every relative link of every page (and of every notebook's static rendering) names a file of the build and
    an id on it (the second briefing's pages: tests/kit/test_second_briefing.py)."""
    assert broken_links(HTML) == []


@pytest.mark.slow
@pytest.mark.skipif(not JB.exists(), reason="jupyter-book not installed in this environment")
def test_the_book_removes_code_and_frames_without_tags(tmp_path):
    """Book-wide, not tag by tag: an untagged cell that shows a DataFrame builds into a page with neither its code
    nor the frame, and the page links the notebook's static rendering, which has the code."""
    source = "import pandas as pd\npd.DataFrame({'country': ['Kim Jong Un pledged'], 'n': [13]})"
    built = _book(tmp_path / "book", source, execute="force")
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    out = tmp_path / "book" / "_build" / "html"
    page = (out / "probe.html").read_text(encoding="utf-8")
    assert reader_face_problems(page) == [] and "pd.DataFrame" not in page
    # The static rendering is made from the notebook as committed (with its stored outputs; this probe has none):
    # its code is there.
    rendering = (out / ("probe" + SUFFIX)).read_text(encoding="utf-8")
    assert "DataFrame" in rendering and "jp-InputArea" in rendering
