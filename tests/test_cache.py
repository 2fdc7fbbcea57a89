"""The execution cache never serves outputs computed from old data (issue 7): ``briefing.cache``.

Each test works on a scratch copy of ``chapters/*.ipynb``, ``data/`` and the package, with a real jupyter-cache
filled from the committed notebooks (no kernel runs), and checks which cache records survive a change and which
notebooks are touched so that Sphinx reads, and so executes, them again.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from jupyter_cache import get_cache

from briefing import cache as bc
from briefing.paths import DATA, ROOT

from csvedit import edit_csv

OLD = 1_000_000_000  # an mtime long before any test runs


class Book:
    """A scratch book: notebooks, data, package, a filled execution cache and its stamp."""

    def __init__(self, tmp: Path):
        self.chapters, self.data, self.package = tmp / "chapters", tmp / "data", tmp / "package"
        self.cache_dir, self.stamp = tmp / "_build" / ".jupyter_cache", tmp / "_build" / ".inputs-digest.json"
        self.chapters.mkdir()
        for nb in ROOT.glob("chapters/*.ipynb"):
            shutil.copy(nb, self.chapters / nb.name)
        shutil.copytree(DATA, self.data)
        shutil.copytree(bc.PACKAGE, self.package, ignore=shutil.ignore_patterns("__pycache__"))
        self.notebooks = sorted(self.chapters.glob("*.ipynb"))
        assert self.refresh() is None  # first build: no stamp yet, everything runs
        self.fill()

    def refresh(self):
        stale = bc.refresh(self.cache_dir, self.stamp, self.notebooks, self.data, self.package)
        return stale if stale is None else {nb.stem for nb in stale}

    def fill(self):
        """What a build does: one cache record per notebook (here its committed outputs), pages read now."""
        cache = get_cache(str(self.cache_dir))
        for nb in self.notebooks:
            if not self.cached(nb.stem):
                cache.cache_notebook_file(str(nb), uri=str(nb), check_validity=False)
            os.utime(nb, (OLD, OLD))

    def cached(self, stem: str) -> bool:
        if not (self.cache_dir / "global.db").exists():
            return False
        nb = nbformat.read(self.chapters / f"{stem}.ipynb", as_version=4)
        try:
            get_cache(str(self.cache_dir)).match_cache_notebook(nb)
            return True
        except KeyError:
            return False

    def touched(self) -> set[str]:
        return {nb.stem for nb in self.notebooks if nb.stat().st_mtime > OLD}

    def stems(self) -> set[str]:
        return {nb.stem for nb in self.notebooks}


@pytest.fixture
def book(tmp_path: Path) -> Book:
    return Book(tmp_path)


def readers(book: Book, resource: str) -> set[str]:
    """Ground truth from the notebooks' text: those that load the table, draw it, or call ``register()``."""
    out = set()
    for nb in book.notebooks:
        code = "\n".join(c.source for c in nbformat.read(nb, as_version=4).cells if c.cell_type == "code")
        if re.search(rf'load\("{resource}"\)|resources="{resource}"', code) or (
                resource in bc.REGISTER and "register()" in code):
            out.add(nb.stem)
    return out


def test_no_change_invalidates_nothing(book):
    assert book.refresh() == set()
    assert book.touched() == set()
    assert all(book.cached(stem) for stem in book.stems())


@pytest.mark.parametrize("resource, row, field, value, key", [
    ("china_dprk_trade", "2017", "total_usd_million", "5061", "year"),
    ("unsc_poe_vote_2024", "USA", "vote", "abstain", "country_iso3"),
    ("claim_sources", "c001", "note", "edited", "claim_id"),
])
def test_data_change_invalidates_exactly_the_notebooks_that_read_it(book, resource, row, field, value, key):
    edit_csv(book.data / f"{resource}.csv", row, field, value, key=key)
    expected = readers(book, resource)
    assert expected and expected != book.stems()  # a meaningful case: some notebooks read it, some do not
    assert book.refresh() == expected
    assert book.touched() == expected  # Sphinx re-reads these pages, so they execute again
    assert {stem for stem in book.stems() if not book.cached(stem)} == expected
    book.fill()
    assert book.refresh() == set()  # and the next build is quiet again


def test_package_change_invalidates_all(book):
    (book.package / "render.py").write_text((book.package / "render.py").read_text() + "\n# changed\n")
    assert book.refresh() is None
    assert not book.cache_dir.exists()
    assert book.touched() == book.stems()


def test_descriptor_change_invalidates_all(book):
    descriptor = json.loads((book.data / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["x-review-date"] = "2099-01-01"
    (book.data / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    assert book.refresh() is None
    assert book.touched() == book.stems()


def test_unknown_reads_depend_on_everything(book):
    nb = nbformat.read(book.chapters / "status.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell('from briefing.datapackage import load\nname = "sources"\nload(name)'))
    nbformat.write(nb, book.chapters / "status.ipynb")
    book.fill()
    edit_csv(book.data / "china_dprk_trade.csv", "2017", "total_usd_million", "5061", key="year")
    assert book.refresh() == {"china", "status"}


@pytest.mark.parametrize("code, reads", [
    ('load("developments")', {"developments", "sources", "claims", "article_paragraphs"}),  # + its references
    ('figure(chart, resources=["msmt_membership"], alt_text="x")', {"msmt_membership", "sources"}),
    ("reg = register()", bc.REGISTER),
    ('an.chapter_sources(reg, claims, ["dprk_tourism_events"])', {"dprk_tourism_events", "sources"}),
    ("from briefing import article\narticle.sha256()", {"article"}),
    ('print("no data")', set()),
    ("load(name)", {bc.EVERYTHING}),
    ('figure(chart, resources=names, alt_text="x")', {bc.EVERYTHING}),
    ('pd.read_csv("../data/claims.csv")', {bc.EVERYTHING}),
    ("from briefing.paths import DATA", {bc.EVERYTHING}),
    ("%time load('claims')", {bc.EVERYTHING}),
])
def test_dependency_map(tmp_path, code, reads):
    descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nbformat.write(nb, tmp_path / "x.ipynb")
    assert bc.dependencies(tmp_path / "x.ipynb", descriptor) == reads


def test_the_build_runs_the_check_before_executing_notebooks():
    # `book` depends on $(BUILT), whose recipe validates, checks the cache and then builds
    recipe = re.search(r"^\$\(BUILT\):.*?\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M).group(1)
    assert "briefing.cache" in recipe
    assert recipe.index("briefing.cache") < recipe.index("jupyter-book build")
