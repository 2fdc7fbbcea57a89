"""Where things live, and what this process has read from there.

Everything is resolved from the repository root, so notebooks run from any folder. The readers of ``data/`` (the
loader and the article reader) call :func:`record_read`; :func:`reads` says which data-package resources this
process has read, so a test can compare a notebook's declared reads (its ``briefing.reads`` metadata, used by the
build cache) with what it really read while it ran.
"""

from __future__ import annotations

import contextvars
import os
from contextlib import contextmanager
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
_ROOT: contextvars.ContextVar[Path | None] = contextvars.ContextVar("briefing_root", default=None)


def root() -> Path:
    """The briefing's folder: the one :func:`use_root` set (``config.use`` sets it), else ``BRIEFING_ROOT``, else
    the repository. Read when asked, never at import."""
    return _ROOT.get() or Path(os.environ.get("BRIEFING_ROOT") or REPOSITORY)


@contextmanager
def use_root(folder: str | Path):
    """Resolve every path from ``folder`` inside the ``with`` block (``config.use`` is the usual way in)."""
    token = _ROOT.set(Path(folder))
    try:
        yield Path(folder)
    finally:
        _ROOT.reset(token)


def data() -> Path:
    return root() / "data"


def datapackage() -> Path:
    return data() / "datapackage.json"


def article_file() -> Path:
    """The article's file: the path of the data package's ``article`` resource (``source/article.zh.txt`` when the
    package does not say)."""
    import json

    try:
        resources = json.loads(datapackage().read_text(encoding="utf-8"))["resources"]
        return data() / next(r["path"] for r in resources if r.get("name") == "article")
    except (OSError, ValueError, KeyError, TypeError, StopIteration):
        return data() / "source" / "article.zh.txt"


# The names once fixed at import, read now from the current root (``paths.DATA`` is ``paths.data()``).
_NAMES = {"ROOT": root, "DATA": data, "DATAPACKAGE": datapackage, "ARTICLE": article_file}


def __getattr__(name: str):
    if name in _NAMES:
        return _NAMES[name]()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_READS: set[str] = set()


def record_read(resource: str) -> None:
    """Note that this process read a data-package resource (a table, or the article's text)."""
    _READS.add(resource)


def reads() -> list[str]:
    """The resources this process has read so far, sorted."""
    return sorted(_READS)


def files_digest(files) -> str:
    """A short digest of files' names and bytes: a Sphinx config value made from it changes when they do, so the
    build rewrites (or re-reads) every page that depends on them."""
    import hashlib

    h = hashlib.sha256()
    for f in files:
        f = Path(f)
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def pdf_name(repository_url: str | None = None, title: str = "briefing", package: str | None = None) -> str:
    """The PDF edition's file name: the repository's name (``repository.url`` of ``_config.yml``, read from there
    when not given), else the data package's ``name`` (``package``, read from ``datapackage.json`` when not given),
    else the title; lower case and hyphenated. ``make pdf`` writes ``_build/pdf/<name>``; the site serves it at
    its root, where the sidebar links to it."""
    import json
    import re

    if repository_url is None:
        import yaml

        cfg = yaml.safe_load((root() / "_config.yml").read_text(encoding="utf-8"))
        repository_url, title = (cfg.get("repository") or {}).get("url") or "", cfg.get("title") or title
    if package is None:
        package = json.loads((datapackage()).read_text(encoding="utf-8")).get("name") or ""

    name = repository_url.rstrip("/").rsplit("/", 1)[-1] if repository_url else package
    name = re.sub(r"[^a-z0-9]+", "-", (name or title).lower()).strip("-")[:60] or "briefing"
    return name + ".pdf"
