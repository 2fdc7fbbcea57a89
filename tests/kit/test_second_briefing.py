"""A second, fictional briefing built with the same kit (issue 20, part 1): the kit holds no article's facts.

``tests/fixtures/second_briefing/`` is a briefing of its own: ``briefing.yml``, ``data/`` (a nine-line fictional
article, five claims, three sources, one development; none of the optional tables), ``_config.yml``, ``_toc.yml``
and one chapter written from the configuration by ``python -m briefing.scaffold``. Every process here reads the
fixture through ``BRIEFING_ROOT``: it validates, and the slow test builds it strictly and reads its pages.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.paths import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "second_briefing"
JB = Path(sys.executable).with_name("jupyter-book")
SECTION, CHAPTER = "harbour_talks", "harbour"


def _run(args: list[str], root: Path, timeout: int = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "BRIEFING_EXECUTE"}
    env["BRIEFING_ROOT"] = str(root)
    return subprocess.run(args, capture_output=True, text=True, env=env, cwd=root, timeout=timeout)


def test_the_fixture_is_labelled_fictional():
    assert "TEST FIXTURE" in (FIXTURE / "briefing.yml").read_text(encoding="utf-8")
    assert "测试样例" in (FIXTURE / "data" / "source" / "article.zh.txt").read_text(encoding="utf-8")
    assert "TEST FIXTURE" in json.loads((FIXTURE / "data" / "datapackage.json").read_text(encoding="utf-8"))["title"]


def test_the_second_briefing_validates_without_the_optional_tables():
    """Its data package has only the tables the register needs (no sweeps, calls, second readings, …): every rule
    still runs, and those that need a missing table have nothing to check."""
    resources = {r["name"] for r in json.loads((FIXTURE / "data" / "datapackage.json").read_text())["resources"]}
    assert resources == {"article", "article_paragraphs", "sources", "claims", "claim_sources", "developments"}
    run = _run([sys.executable, "-m", "briefing.validate"], FIXTURE)
    assert run.returncode == 0, run.stderr
    assert "5 claims" in run.stdout


def test_the_chapter_is_the_one_the_template_writes(tmp_path):
    """The fixture's chapter is what ``briefing.scaffold`` writes from its configuration today."""
    shutil.copytree(FIXTURE, tmp_path / "b", ignore=shutil.ignore_patterns("_build"))
    (tmp_path / "b" / "chapters" / f"{CHAPTER}.ipynb").unlink()
    run = _run([sys.executable, "-m", "briefing.scaffold", SECTION, "--claims-page", "", "--cards"], tmp_path / "b")
    assert run.returncode == 0, run.stderr
    written = json.loads((tmp_path / "b" / "chapters" / f"{CHAPTER}.ipynb").read_text(encoding="utf-8"))
    stored = json.loads((FIXTURE / "chapters" / f"{CHAPTER}.ipynb").read_text(encoding="utf-8"))
    assert [(c["id"], c["source"]) for c in written["cells"]] == [(c["id"], c["source"]) for c in stored["cells"]]
    assert written["metadata"]["briefing"] == stored["metadata"]["briefing"]


def test_the_scaffold_names_an_unknown_section(tmp_path):
    run = _run([sys.executable, "-m", "briefing.scaffold", "no_such_section"], FIXTURE)
    assert run.returncode == 1 and "briefing.yml: sections: unknown section: 'no_such_section'" in run.stderr


@pytest.mark.slow
@pytest.mark.skipif(not JB.exists(), reason="jupyter-book not installed in this environment")
def test_the_second_briefing_builds_strictly_and_its_chapter_reads_right(tmp_path):
    book = tmp_path / "second"
    shutil.copytree(FIXTURE, book, ignore=shutil.ignore_patterns("_build"))
    valid = _run([sys.executable, "-m", "briefing.validate"], book)
    assert valid.returncode == 0, valid.stderr
    build = _run([str(JB), "build", str(book), "-W", "-n", "--keep-going"], book, timeout=300)
    out = build.stdout + build.stderr
    assert build.returncode == 0, out[-3000:]
    assert "build succeeded." in out and not re.search(r"\bWARNING:", out), out[-3000:]

    page = (book / "_build" / "html" / "chapters" / f"{CHAPTER}.html").read_text(encoding="utf-8")
    # The claims table, every claim of the section in it, linked to its verdict box on the same page.
    assert "<caption>The article&#x27;s claims in this section" in page
    for cid in ("c001", "c002", "c003", "c005"):
        assert f'class="briefing-claim-link" href="#{cid}"' in page and f'id="{cid}"' in page
    assert 'href="#c004"' not in page  # a claim of the other section
    # A {claim} role in the prose, resolved against the fixture's register.
    assert re.search(r'<a class="briefing-claim-ref[^"]*" href="#c002">c002</a>', page)
    # No code on the reading page; the page states its dates, evidence as of the newest source (no sweeps table).
    assert "cell_input" not in page and "<pre" not in page
    assert "evidence as of 1 February 2030" in page
    # Nothing of the book's own article leaks in: labels come from the fixture's briefing.yml.
    assert "Harbour talks" in page and "US–Russia" not in page and "DPRK" not in page
