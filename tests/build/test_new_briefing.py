"""One command for another briefing (issue 28, part 4): ``make book BRIEFING=<folder>`` builds any briefing folder
into its own ``<folder>/_build/html``, and ``make new-briefing DIR=<folder>`` (``python -m briefing.scaffold
--new``) starts one whose first chapter is in the outline the book's own chapters use.

The outline is not restated here: it is read from the book's section chapters (the headings they all share, in
order), so the skeleton fails this test when it drops a part, or when the book's chapters gain one it lacks.
"""

import json
import os
import re
import subprocess

import pytest

from briefing import config
from briefing.paths import ROOT
from briefing.starter import chapter_skeleton
from support import REPO, make_dry_run

TOPIC = "## A question the data answers"  # the skeleton's stand-in for the parts particular to a chapter
MAKE_OLD_VENV = ["make", "--no-print-directory", "-o", ".venv/.installed"]  # the test's venv is set up already
# A make of its own: nothing inherited from a `make test` around the tests, nor a briefing chosen by the caller.
MAKE_ENV = {k: v for k, v in os.environ.items()
            if k not in ("BRIEFING_EXECUTE", "BRIEFING_ROOT", "MAKEFLAGS", "MAKELEVEL")}


def _outline(cells) -> list[str]:
    """The ``##`` and ``###`` headings of a notebook's Markdown cells, in order."""
    return [h for c in cells if c["cell_type"] == "markdown"
            for h in re.findall(r"^#{2,3} .+$", "".join(c["source"]), re.M)]


def book_outline() -> list[str]:
    """The headings every section chapter of the book has, in the order of the first."""
    chapters = [s.chapter for s in config.BRIEFING.sections.values() if s.chapter]
    outlines = [_outline(json.loads((ROOT / "chapters" / f"{c}.ipynb").read_text(encoding="utf-8"))["cells"])
                for c in chapters]
    assert len(outlines) > 1
    return [h for h in outlines[0] if all(h in o for o in outlines[1:])]


def test_the_skeleton_has_the_outline_of_the_books_chapters():
    nb = chapter_skeleton("a_section", "A section", "a-page", reads=["claims"])
    skeleton = _outline(nb.cells)
    shared = book_outline()
    assert "## Bottom line" in shared and "## Sources" in shared
    assert [h for h in skeleton if h != TOPIC] == shared
    # The chapter's own parts come where the book's chapters put theirs: after the discrepancies, before Sources.
    assert skeleton.index(TOPIC) == len(skeleton) - 2
    # Every part says what goes there, and the notebook declares what it reads.
    parts = [c for c in nb.cells if c["cell_type"] == "markdown"]
    assert all("What goes here" in "".join(c["source"]) for c in parts), [c["source"][:40] for c in parts]
    assert nb.metadata["briefing"] == {"reads": ["claims"]}


def test_make_book_builds_another_folder_into_its_own_build():
    folder = "tests/fixtures/second_briefing"
    commands = make_dry_run("book", BRIEFING=folder).splitlines()
    at = f"BRIEFING_ROOT={REPO / folder} "
    validate = next(n for n, c in enumerate(commands) if "briefing.validate" in c)
    build = next(n for n, c in enumerate(commands) if "jupyter-book build" in c)
    assert validate < build and commands[validate].startswith(at)
    assert commands[build].startswith(f"cd {folder} && BRIEFING_EXECUTE=") and at in commands[build]
    assert "-W -n --keep-going" in commands[build] and "--path-output _build/stage" in commands[build]
    # Published from the staging folder only after the build succeeded, into the folder's own _build/html.
    assert commands[build + 1:build + 3] == [
        f"rm -rf {folder}/_build/html.new && cp -a {folder}/_build/stage/_build/html {folder}/_build/html.new",
        f"rm -rf {folder}/_build/html && mv {folder}/_build/html.new {folder}/_build/html"]
    # This book's own build is unchanged: no folder, no BRIEFING_ROOT.
    own = make_dry_run("book")
    assert "BRIEFING_ROOT" not in own and "jupyter-book build . --path-output _build/stage" in own


@pytest.mark.slow
@pytest.mark.skipif(not (REPO / ".venv" / "bin" / "jupyter-book").exists(), reason="needs `make setup`")
def test_a_new_briefing_validates_and_builds_strictly(tmp_path):
    folder = tmp_path / "new-briefing"
    new = subprocess.run([*MAKE_OLD_VENV, "new-briefing", f"DIR={folder}", "TITLE=A briefing from one command"],
                         cwd=REPO, capture_output=True, text=True, timeout=120, env=MAKE_ENV)
    assert new.returncode == 0, new.stdout + new.stderr
    chapter = json.loads((folder / "chapters" / "first.ipynb").read_text(encoding="utf-8"))
    assert _outline(chapter["cells"])[:-2] == book_outline()[:-1]

    build = subprocess.run([*MAKE_OLD_VENV, "book", f"BRIEFING={folder}", "EXECUTE=force"],
                           cwd=REPO, capture_output=True, text=True, timeout=600, env=MAKE_ENV)
    out = build.stdout + build.stderr
    assert build.returncode == 0, out[-3000:]
    assert "build succeeded." in out and not re.search(r"\bWARNING:", out), out[-3000:]
    assert out.index("briefing.validate") < out.index("jupyter-book build")
    assert "data package valid: 5 tables, 0 rows" in out

    page = (folder / "_build" / "html" / "chapters" / "first.html").read_text(encoding="utf-8")
    for heading in book_outline():
        text = heading.lstrip("# ").replace("'", "&#x27;")
        assert f">{text}<" in page, heading
    # The glued counts are computed from the (empty) register; no code on the reading page.
    assert "The section makes 0 claims, 0 of them checkable facts." in page
    assert "cell_input" not in page and "A briefing from one command" in page
