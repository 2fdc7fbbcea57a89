"""Layer 5: keep jupyter-cache honest about inputs it cannot see.

jupyter-cache keys a notebook on its code cells only, so a changed CSV or a changed function in this package
would leave stale outputs in a cached rebuild. Before each build, ``python -m briefing.cache`` compares a digest
of ``data/`` and ``src/briefing/`` with the one recorded at the last build and, if they differ, drops the
cached executions so that every notebook runs again against the new inputs.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

from .paths import DATA, ROOT

PACKAGE = Path(__file__).parent


def inputs_digest(roots: tuple[Path, ...] = (DATA, PACKAGE)) -> str:
    h = hashlib.sha256()
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            h.update(str(path.relative_to(ROOT)).encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def refresh(cache_dir: Path) -> bool:
    """Drop the execution cache if the inputs changed since it was filled. True when it was dropped."""
    stamp = cache_dir.parent / ".inputs-digest"
    digest = inputs_digest()
    previous = stamp.read_text().strip() if stamp.exists() else None
    dropped = False
    if previous != digest and cache_dir.exists():
        shutil.rmtree(cache_dir)
        dropped = True
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(digest + "\n")
    return dropped


if __name__ == "__main__":
    cache = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_build" / ".jupyter_cache"
    if refresh(cache):
        print(f"inputs changed (data/ or src/briefing/): dropped the execution cache {cache}")
