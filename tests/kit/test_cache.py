"""The execution cache never serves outputs computed from old data (issue 7): ``briefing.cache``.

Each test works on a scratch copy of ``chapters/*.ipynb``, ``data/`` and the package, with a real jupyter-cache
filled from the committed notebooks (no kernel runs), and checks which cache records survive a change and which
notebooks are touched so that Sphinx reads, and so executes, them again.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from jupyter_cache import get_cache

from briefing import cache as bc
from briefing.datapackage import descriptor as merged
from briefing.paths import DATA, ROOT

from support import edit_csv

OLD = 1_000_000_000  # an mtime long before any test runs


class Book:
    """A scratch book: notebooks, data, package, a filled execution cache and its stamp."""

    def __init__(self, tmp: Path, build: bool = True):
        self.chapters, self.data, self.package = tmp / "chapters", tmp / "data", tmp / "package"
        self.cache_dir, self.stamp = tmp / "_build" / ".jupyter_cache", tmp / "_build" / ".inputs-digest.json"
        if not build:  # a copy of a book built at this very path (the cache records its notebooks' paths)
            self.notebooks = sorted(self.chapters.glob("*.ipynb"))
            return
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


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> tuple[Path, Path]:
    """One scratch book, built and its cache filled once per session: (where it lives, a copy of it as built)."""
    home = tmp_path_factory.mktemp("cache-book")
    (home / "book").mkdir()
    Book(home / "book")
    shutil.copytree(home / "book", home / "as-built")
    return home / "book", home / "as-built"


@pytest.fixture
def book(built_book) -> Book:
    """The scratch book as built, restored at the same path for each test (mtimes kept: copytree copies them)."""
    where, as_built = built_book
    shutil.rmtree(where)
    shutil.copytree(as_built, where)
    return Book(where, build=False)


def readers(book: Book, resource: str) -> set[str]:
    """The notebooks that declare they read the table (nbval checks each declaration against what the notebook
    really reads: see tests/conftest.py)."""
    return {nb.stem for nb in book.notebooks if resource in (bc.declared(nb) or set())}


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


@pytest.mark.parametrize("changed", ["static/briefing.css", "static/briefing-charts.js",
                                     "templates/components/figure.html", "templates/components/claims_table.html",
                                     "templates/components/macros.html", "components.py", "figures.py",
                                     "sphinx_ext.py", "pdf.py"])
def test_a_change_to_the_look_executes_nothing(book, changed):
    """CSS, scripts, the templates of figures, tables and cards, and the build's own code make no output: the pages
    are rebuilt from the cached outputs (issues 20 and 28)."""
    path = book.package / changed
    path.write_text(path.read_text(encoding="utf-8") + "\n/* changed */\n", encoding="utf-8")
    assert book.refresh() == set()
    assert book.touched() == set()
    assert all(book.cached(stem) for stem in book.stems())


@pytest.mark.parametrize("changed", ["vocabulary.py", "charts.py", "render.py", "html.py"])
def test_a_change_to_what_outputs_are_made_from_executes_all(book, changed):
    path = book.package / changed
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert book.refresh() is None
    assert book.touched() == book.stems()


def _imports(tree: ast.AST) -> set[str]:
    """The modules of the package that ``tree`` imports, anywhere (lazy imports too)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("briefing.")}
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == 1 and module:
                found.add(module.split(".")[0])
            elif node.level == 1 or module == "briefing":
                found |= {a.name for a in node.names}
            elif module.startswith("briefing."):
                found.add(module.split(".")[1])
    return found


def reached_at_execution(notebooks) -> tuple[set[str], set[str]]:
    """The package's modules the notebooks' code cells import, followed through the package's own imports, and
    every string those modules hold (template and file names among them)."""
    todo = {"__init__"}
    for nb in notebooks:
        for cell in nbformat.read(nb, as_version=4).cells:
            if cell.cell_type == "code":
                code = "\n".join(ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("%", "!")))
                todo |= _imports(ast.parse(code))
    modules, strings = set(), set()
    while todo:
        name = todo.pop()
        path = bc.PACKAGE / f"{name}.py"
        if name in modules or not path.is_file():
            continue
        modules.add(name)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        todo |= _imports(tree) - modules
        strings |= {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    return modules, strings


def test_no_notebook_reaches_what_only_the_build_reads():
    """What the cache leaves out of its digest (BUILD_ONLY) must be out of every notebook's reach: no module a
    notebook imports (directly or through the package) is build-only, nor any template or file such a module
    names."""
    modules, strings = reached_at_execution(sorted(ROOT.glob("chapters/*.ipynb")))
    assert {"charts", "vocabulary", "render", "html"} <= modules
    assert not {m for m in modules if bc.build_only(f"{m}.py")}, "a notebook imports a build-only module"
    names = {s for s in strings if 0 < len(s) < 200 and not any(c.isspace() for c in s) and not s.startswith("/")}
    named = {f"templates/components/{s}" for s in names if s.endswith(".html")} | names
    reached = {n for n in named if (bc.PACKAGE / n).is_file() and bc.build_only(n)}
    assert not reached, f"a module the notebooks import names build-only files: {reached}"
    inputs = {p.relative_to(bc.PACKAGE).as_posix() for p in bc.execution_inputs()}
    # Tables and cards are made at build time from stored names and data (components.py): their templates are no
    # input of any notebook, so a change of look re-executes nothing.
    assert not {n for n in inputs if n.startswith("templates/components/")} and "static/briefing.css" not in inputs
    assert "render.py" in inputs and "components.py" not in inputs


def test_the_check_catches_a_notebook_importing_the_build(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("from briefing.figures import tint")])
    nbformat.write(nb, tmp_path / "x.ipynb")
    modules, _ = reached_at_execution([tmp_path / "x.ipynb"])
    assert "figures" in modules and bc.build_only("figures.py")


def test_descriptor_change_invalidates_all(book):
    descriptor = json.loads((book.data / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["x-review-date"] = "2099-01-01"
    (book.data / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    assert book.refresh() is None
    assert book.touched() == book.stems()


def test_undeclared_reads_depend_on_everything(book):
    nb = nbformat.read(book.chapters / "status.ipynb", as_version=4)
    del nb.metadata["briefing"]
    nbformat.write(nb, book.chapters / "status.ipynb")
    book.fill()
    edit_csv(book.data / "china_dprk_trade.csv", "2017", "total_usd_million", "5061", key="year")
    assert book.refresh() == readers(book, "china_dprk_trade") | {"status"}


def _declaring(tmp_path: Path, metadata: dict) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('load("claims")')], metadata=metadata)
    nbformat.write(nb, tmp_path / "x.ipynb")
    return tmp_path / "x.ipynb"


@pytest.mark.parametrize("reads, deps", [
    (["developments"], {"developments", "sources", "claims", "article_paragraphs"}),  # + its references
    (["msmt_membership"], {"msmt_membership", "sources"}),
    (["article"], {"article"}),
    ([], set()),
    (None, {bc.EVERYTHING}),  # no declaration: the notebook depends on everything
])
def test_dependencies_follow_the_declaration_and_its_references(tmp_path, reads, deps):
    descriptor = merged()  # the package as the loader sees it
    path = _declaring(tmp_path, {} if reads is None else {"briefing": {"reads": reads}})
    assert bc.dependencies(path, descriptor) == deps


@pytest.mark.parametrize("reads", [["claimz"], "claims", [1]])
def test_a_bad_declaration_stops_the_build(tmp_path, reads):
    descriptor = merged()  # the package as the loader sees it
    with pytest.raises(bc.DeclarationError, match="x.ipynb"):
        bc.dependencies(_declaring(tmp_path, {"briefing": {"reads": reads}}), descriptor)


def test_cache_py_parses_no_code():
    source = Path(bc.__file__).read_text(encoding="utf-8")
    assert "import ast" not in source and "ast.parse" not in source


def test_the_build_runs_the_check_before_executing_notebooks():
    # `book` depends on $(BUILT), whose recipe validates, checks the cache and then builds
    from support import make_dry_run

    commands = make_dry_run("book")
    assert commands.index("briefing.validate") < commands.index("briefing.cache") < commands.index("jupyter-book build")
