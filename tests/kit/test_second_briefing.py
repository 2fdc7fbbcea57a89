"""A second, fictional briefing built with the same kit (issue 20, part 1): the kit holds no article's facts.

``tests/fixtures/second_briefing/`` is a briefing of its own: ``briefing.yml``, ``data/`` (a ten-line fictional
article, six claims, seven sources, two developments; none of the optional tables), ``_config.yml``, ``_toc.yml``
one chapter written from the configuration by ``python -m briefing.scaffold`` (which holds its claims' cards:
``pages.claims``) and a page listing its sources (the default ``pages.sources``, where the cards link). The kit works on it in this
process (``config.use``): it validates and its chapter is the scaffold's; the slow test builds a copy strictly with the
README's command (``make book BRIEFING=<folder>``), reads its pages and follows every internal
link.
"""

import json
import os
import re
import shutil
import subprocess

import pytest

from briefing import config, scaffold, validate
from briefing.paths import ROOT

from support.links import broken_links

FIXTURE = ROOT / "tests" / "fixtures" / "second_briefing"
SECTION, CHAPTER = "harbour_talks", "harbour"


def test_the_fixture_is_labelled_fictional():
    assert "TEST FIXTURE" in (FIXTURE / "briefing.yml").read_text(encoding="utf-8")
    assert "测试样例" in (FIXTURE / "data" / "source" / "article.zh.txt").read_text(encoding="utf-8")
    assert "TEST FIXTURE" in json.loads((FIXTURE / "data" / "datapackage.json").read_text(encoding="utf-8"))["title"]


def test_the_second_briefing_validates_without_the_optional_tables(capsys):
    """Its data package has only the tables the register needs (no sweeps, calls, second readings, …): every rule
    still runs, and those that need a missing table have nothing to check."""
    resources = {r["name"] for r in json.loads((FIXTURE / "data" / "datapackage.json").read_text())["resources"]}
    assert resources == {"article", "article_paragraphs", "sources", "claims", "claim_sources", "developments"}
    assert validate.main(FIXTURE) == 0, capsys.readouterr().err
    assert "6 claims" in capsys.readouterr().out


def test_the_chapter_is_the_one_the_template_writes(tmp_path, capsys):
    """The fixture's chapter is what ``briefing.scaffold`` writes from its configuration today."""
    shutil.copytree(FIXTURE, tmp_path / "b", ignore=shutil.ignore_patterns("_build"))
    (tmp_path / "b" / "chapters" / f"{CHAPTER}.ipynb").unlink()
    with config.use(tmp_path / "b"):
        assert scaffold.main([SECTION, "--claims-page", "", "--cards"]) == 0, capsys.readouterr().err
    written = json.loads((tmp_path / "b" / "chapters" / f"{CHAPTER}.ipynb").read_text(encoding="utf-8"))
    stored = json.loads((FIXTURE / "chapters" / f"{CHAPTER}.ipynb").read_text(encoding="utf-8"))
    assert [(c["id"], c["source"]) for c in written["cells"]] == [(c["id"], c["source"]) for c in stored["cells"]]
    assert written["metadata"]["briefing"] == stored["metadata"]["briefing"]


def test_the_scaffold_names_an_unknown_section(capsys):
    with config.use(FIXTURE):
        assert scaffold.main(["no_such_section"]) == 1
    assert "briefing.yml: sections: unknown section: 'no_such_section'" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "jupyter-book").exists(), reason="needs `make setup`")
def test_the_second_briefing_builds_strictly_and_its_chapter_reads_right(tmp_path):
    book = tmp_path / "second"
    shutil.copytree(FIXTURE, book, ignore=shutil.ignore_patterns("_build"))
    # The README's command for another folder: validate, then the strict build, published to <folder>/_build/html.
    build = subprocess.run(["make", "--no-print-directory", "-o", ".venv/.installed", "book", f"BRIEFING={book}",
                            "EXECUTE=force"], cwd=ROOT, capture_output=True, text=True, timeout=300,
                           env={k: v for k, v in os.environ.items()
                                if k not in ("BRIEFING_EXECUTE", "BRIEFING_ROOT", "MAKEFLAGS", "MAKELEVEL")})
    out = build.stdout + build.stderr
    assert build.returncode == 0, out[-3000:]
    assert "claims register valid: 6 claims" in out
    assert "build succeeded." in out and not re.search(r"\bWARNING:", out), out[-3000:]

    page = (book / "_build" / "html" / "chapters" / f"{CHAPTER}.html").read_text(encoding="utf-8")
    # The claims table, every claim of the section in it, linked to its verdict box on the same page.
    assert "<caption>The article&#x27;s claims in this section" in page
    for cid in ("c001", "c002", "c003", "c005"):
        assert f'class="briefing-claim-link" href="#{cid}"' in page and f'id="{cid}"' in page
    assert 'href="#c004"' not in page and 'href="#c006"' not in page  # claims of the other section
    # A {claim} role in the prose, resolved against the fixture's register.
    assert re.search(r'<a class="briefing-claim-ref[^"]*" href="#c002">c002</a>', page)
    # No code on the reading page; the page states its dates, evidence as of the newest source (no sweeps table).
    assert "cell_input" not in page and "<pre" not in page
    assert "evidence as of 12 February 2030" in page
    # Nothing of the book's own article leaks in: labels come from the fixture's briefing.yml.
    assert "Harbour talks" in page and "US–Russia" not in page and "DPRK" not in page
    # Every internal link of its pages and of its notebook's static rendering leads somewhere: the pages links
    # point to are the fixture's own (briefing.yml: pages), not this book's register.
    assert broken_links(book / "_build" / "html") == []
    rendering = (book / "_build" / "html" / "chapters" / f"{CHAPTER}.notebook.html").read_text(encoding="utf-8")
    assert f'href="{CHAPTER}.html#c002"' in rendering and "register.html" not in rendering
