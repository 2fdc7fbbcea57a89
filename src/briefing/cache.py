"""Layer 9: keep the cached build honest about inputs jupyter-cache cannot see.

jupyter-cache keys a notebook on its code cells only, and Sphinx re-reads a page only when its source file is
newer than its last read, so a changed CSV would otherwise leave stale outputs in a cached rebuild. Before each
build, ``python -m briefing.cache`` compares the digests of the files under ``data/`` and of the package files
that outputs are made from (:func:`execution_inputs`) with those recorded at the previous build
(``_build/.inputs-digest.json``) and then:

- a changed data file re-executes only the notebooks that read it: their cache records are removed and their
  files touched (mtime only, so that Sphinx re-reads them);
- a change to a package file that outputs are made from (the kit's table schemas among them), to
  ``datapackage.json`` or to a file under ``data/`` that is no resource of the package drops the whole cache and
  touches every notebook.

The package files that outputs are made from are all but those that only the build reads (:data:`BUILD_ONLY`:
``sphinx_ext``, ``figures``, ``pdf``, the figure template, ``static/`` with the CSS and scripts, ...), so a change
to how the book looks rebuilds the pages from the cached outputs without executing any notebook.

What a notebook reads is declared in its metadata: ``"briefing": {"reads": ["claims", ...]}`` (the data-package
resources its code reads through the package's readers; the package as assembled, the kit's tables included). A notebook depends on those and on every table they
reference (loading a table checks its foreign keys). A notebook without the declaration depends on everything.
No code is parsed: the declaration is checked against what the loader records while the notebook runs under nbval
(``tests/conftest.py``), so a stale declaration fails the tests rather than serving stale pages.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path, PurePosixPath

from . import paths
from .values import digest

PACKAGE = Path(__file__).parent
EVERYTHING = "*"  # the dependency set of a notebook that declares no reads


# Package files that only the build reads, never a notebook's code: how the book looks (stylesheets, scripts, page
# and figure templates) and the build's own modules. A change to them rebuilds the pages from the cached outputs,
# executing nothing. Every other file of the package is an input of every notebook (a new module is one until it
# is listed here); tests/kit/test_cache.py checks that no notebook reaches any of these through its imports.
BUILD_ONLY = (
    "static/",  # CSS, scripts, icon
    "templates/*.html",  # theme overrides
    "templates/nbconvert/",
    "templates/pdf/",
    "templates/components/",  # every component's markup: made at build time (components, figures, sphinx_ext)
    "fa-icons.json",
    "sphinx_ext.py",
    "figures.py",
    "components.py",  # tables and cards from their stored data (render.py is the notebooks' side)
    "roles.py",
    "search.py",  # the search index's words (sphinx_ext)
    "computation.py",
    "pdf.py",
    "pdf_fonts.py",
    "pdf_book.py",
    "cache.py",
    "validate.py",
    "scaffold.py",  # writes a chapter notebook from briefing.yml (an author's tool, run before any build)
    "starter.py",  # the chapter skeleton and a new briefing's files (the scaffold's)
    "templates/starter/",
)


def build_only(relative: str) -> bool:
    """Whether a package file (path relative to the package, with ``/``) is read only by the build."""
    return any(relative.startswith(e) if e.endswith("/") else PurePosixPath(relative).match(e)
               and relative.count("/") == e.count("/") for e in BUILD_ONLY)


def execution_inputs(package: Path = PACKAGE) -> list[Path]:
    """The package files that notebook outputs may be made from: every file but :data:`BUILD_ONLY`."""
    files = (p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return sorted(p for p in files if not build_only(p.relative_to(package).as_posix()))


def digests(data: Path | None = None, package: Path = PACKAGE) -> dict:
    """The stamp: a digest of each file under ``data/`` (by relative path) and one of the package files that
    notebook outputs are made from (:func:`execution_inputs`)."""
    data = data or paths.data()
    files = {str(p.relative_to(data)): digest(p) for p in sorted(data.rglob("*")) if p.is_file()}
    h = hashlib.sha256()
    for p in execution_inputs(package):
        h.update(str(p.relative_to(package)).encode() + b"\0" + digest(p).encode())
    config = data.parent / "briefing.yml"  # the briefing's configuration: the kit reads it for every notebook
    if config.is_file():
        h.update(b"briefing.yml\0" + digest(config).encode())
    return {"data": files, "package": h.hexdigest()}


def _resources(descriptor: dict) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Resource name per data file (relative path) and the tables each resource references."""
    by_file, refs = {}, {}
    for res in descriptor["resources"]:
        by_file[res["path"]] = res["name"]
        schema = res.get("schema", {})
        targets = {fk["reference"]["resource"] for fk in schema.get("foreignKeys", [])}
        targets |= {f["x-references"]["resource"] for f in schema.get("fields", []) if "x-references" in f}
        refs[res["name"]] = {t for t in targets if t and t != res["name"]}
    return by_file, refs


class DeclarationError(ValueError):
    """A notebook's ``briefing.reads`` metadata is malformed or names no resource of the data package."""


def declared(notebook: Path, names: set[str] | None = None) -> set[str] | None:
    """The resources a notebook declares in its metadata ``briefing.reads``; None when it declares none."""
    meta = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
    reads = meta.get("briefing", {}).get("reads")
    if reads is None:
        return None
    if not isinstance(reads, list) or not all(isinstance(r, str) for r in reads):
        raise DeclarationError(f"{notebook}: metadata briefing.reads must be a list of resource names, not {reads!r}")
    unknown = sorted(set(reads) - names) if names is not None else []
    if unknown:
        raise DeclarationError(f"{notebook}: metadata briefing.reads names {unknown}, which are not resources of "
                               "data/datapackage.json")
    return set(reads)


def dependencies(notebook: Path, descriptor: dict) -> set[str]:
    """Every data resource a notebook reads (its declaration, following foreign keys and ``x-references``), or
    ``{EVERYTHING}`` when it declares nothing."""
    _, refs = _resources(descriptor)
    found = declared(notebook, set(refs))
    if found is None:
        return {EVERYTHING}
    todo = list(found)
    while todo:
        for target in refs.get(todo.pop(), ()):
            if target not in found:
                found.add(target)
                todo.append(target)
    return found


def affected(previous: dict | None, current: dict, deps: dict[Path, set[str]], descriptor: dict) -> set[Path] | None:
    """The notebooks to re-execute: a set (possibly empty), or None for all of them (drop the whole cache)."""
    if previous is None or previous.get("package") != current["package"]:
        return None
    old, new = previous.get("data", {}), current["data"]
    changed = {f for f in old.keys() | new.keys() if old.get(f) != new.get(f)}
    by_file, _ = _resources(descriptor)
    if any(f not in by_file for f in changed):  # datapackage.json itself, or a file that is no resource
        return None
    resources = {by_file[f] for f in changed}
    return {nb for nb, d in deps.items() if EVERYTHING in d or d & resources}


def _invalidate(cache_dir: Path, stale: set[Path], notebooks: list[Path]) -> None:
    """Remove the cache records of the stale notebooks: the one matching each notebook's current code and any
    other record made from the same file (an older version of its code would otherwise come back stale). A record
    made from a file that is not one of ``notebooks`` has unknown reads, so it goes too."""
    if not (cache_dir / "global.db").exists():
        return
    import nbformat
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    pks = set()
    for nb in stale:
        try:
            pks.add(cache.match_cache_notebook(nbformat.read(nb, as_version=4)).pk)
        except KeyError:
            pass
    stale_uris, known = {str(nb.resolve()) for nb in stale}, {str(nb.resolve()) for nb in notebooks}
    for record in cache.list_cache_records():
        uri = str(Path(record.uri).resolve())
        if uri in stale_uris or uri not in known:
            pks.add(record.pk)
    for pk in sorted(pks):
        cache.remove_cache(pk)


def refresh(cache_dir: Path, stamp: Path | None = None, notebooks: list[Path] | None = None,
            data: Path | None = None, package: Path = PACKAGE) -> set[Path] | None:
    """Invalidate what the inputs' changes since the last build make stale and record the new digests.

    Returns the notebooks to re-execute (empty when nothing changed), or None when everything was dropped.
    """
    stamp = stamp or cache_dir.parent / ".inputs-digest.json"
    data = data or paths.data()
    notebooks = sorted((data.parent / "chapters").glob("*.ipynb")) if notebooks is None else notebooks
    current = digests(data, package)
    try:
        previous = json.loads(stamp.read_text())
    except (OSError, ValueError):
        previous = None
    if previous == current:
        return set()
    from .datapackage import descriptor as merged  # the kit's tables and the briefing's, as the loader sees them

    descriptor = merged(data / "datapackage.json")
    deps = {nb: dependencies(nb, descriptor) for nb in notebooks}
    stale = affected(previous, current, deps, descriptor)
    if stale is None:
        shutil.rmtree(cache_dir, ignore_errors=True)
    else:
        _invalidate(cache_dir, stale, notebooks)
    for nb in notebooks if stale is None else stale:
        os.utime(nb)  # newer than Sphinx's last read: the page is read, and so executed, again
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n")
    return stale


if __name__ == "__main__":
    cache = Path(sys.argv[1]) if len(sys.argv) > 1 else paths.root() / "_build" / ".jupyter_cache"
    stale = refresh(cache)
    if stale is None:
        print("inputs changed (a package file that outputs are made from, datapackage.json, or first build): "
              f"dropped the execution cache {cache}")
    elif stale:
        names = ", ".join(sorted(nb.stem for nb in stale))
        print(f"data changed: re-executing the notebooks that read it: {names}")
