"""What the tests and the benchmarks share (one of each): where the built book is, the pages of the table of
contents, the budgets, a CSV cell edited in place, and a register that must fail to load.

The browser harness (a static server for the built book, Chromium, page measurements and audits) is
:mod:`support.harness`. Tests import this package as ``support`` (``tests/`` is on ``sys.path`` through
``tests/conftest.py``); ``benchmarks/bench.py`` puts ``tests/`` on the path itself.
"""

from __future__ import annotations

import csv
import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HTML_ROOT = REPO / "_build" / "html"
BUDGETS_FILE = REPO / "benchmarks" / "budgets.toml"

# Every budget of the project, in one place: the build (``make bench``), the page loads of ``make bench`` and
# tests/browser/test_budgets.py, and the page audits of tests/browser/test_pages.py.
BUDGETS: dict[str, dict] = tomllib.loads(BUDGETS_FILE.read_text(encoding="utf-8"))


def toc_pages(repo: Path = REPO) -> list[str]:
    """Every page of ``_toc.yml`` as a path under ``_build/html``, in reading order, after the site's index.html."""
    import yaml

    toc = yaml.safe_load((repo / "_toc.yml").read_text(encoding="utf-8"))
    files: list[str] = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key, []) or []:
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk({k: v for k, v in toc.items() if k != "root"})
    pages = ["index.html"]
    for f in files:
        page = re.sub(r"\.(md|ipynb|rst)$", "", f) + ".html"
        if page not in pages:
            pages.append(page)
    return pages


def edit_csv(path: Path, row_id: str | tuple[str, ...], field: str, value: str, key: str = "id") -> None:
    """Set one cell of a CSV in place, for tests that break the data on purpose: the row whose `key` column equals
    `row_id`, or, for a tuple (a table keyed by several columns), the row whose first cells are those."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    for row in rows[1:]:
        if (tuple(row[:len(row_id)]) if isinstance(row_id, tuple) else row[header.index(key)]) == row_id:
            row[header.index(field)] = value
            break
    else:
        raise KeyError(row_id)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def string_constants(tree) -> list:
    """The string literals of a parsed module (``ast.Constant`` nodes, with their ``lineno``), docstrings of the
    module, its classes and functions aside: the text code writes, not what it says about itself."""
    import ast

    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and n.body
                  and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    return [n for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


def rewrite_csv(path: Path, keep=lambda row, header: True, fix=lambda row, header: row) -> None:
    """Rewrite a CSV in place: the header, then each row that ``keep`` keeps, as ``fix`` makes it."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    out = [rows[0]] + [fix(row, rows[0]) for row in rows[1:] if keep(row, rows[0])]
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(out)


def drop_rows(path: Path, ids, key: str = "id") -> None:
    """Remove the rows whose ``key`` column is one of ``ids``."""
    rewrite_csv(path, keep=lambda row, header: row[header.index(key)] not in ids)


def append_row(path: Path, cells: dict) -> None:
    """Append one row, its cells by column name (a column not named is left empty)."""
    with path.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow([cells.get(h, "") for h in header])


def _fails(load, *parts: str) -> str:
    import pytest

    from briefing.datapackage import DataError

    with pytest.raises(DataError) as info:
        load()
    message = str(info.value)
    for part in parts:
        assert part in message, message
    return message


def register_fails(pkg_path, *parts: str) -> str:
    """Loading the claims register from ``pkg_path`` (a datapackage.json) fails with a DataError whose message
    names every one of ``parts``; returns the message."""
    from briefing.claims import register
    from briefing.datapackage import Package

    return _fails(lambda: register(Package(pkg_path)), *parts)


def package_fails(pkg_path, *parts: str) -> str:
    """Validating the data package at ``pkg_path`` (its schemas and keys, not the register's rules) fails with a
    DataError whose message names every one of ``parts``; returns the message."""
    from briefing.datapackage import Package

    return _fails(lambda: Package(pkg_path).validate(), *parts)


def make_dry_run(target: str, **variables: str) -> str:
    """What ``make -n -B <target>`` would run from the repository (every target out of date, nothing executed):
    the build's order of steps read from make itself, not by pattern-matching the Makefile."""
    import subprocess

    args = ["make", "-n", "-B", "--no-print-directory", target, *(f"{k}={v}" for k, v in variables.items())]
    run = subprocess.run(args, cwd=REPO, capture_output=True, text=True, check=True)
    return run.stdout
