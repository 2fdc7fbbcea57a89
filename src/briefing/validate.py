"""Layer 9: ``python -m briefing.validate`` checks everything the book is made from before anything is built.

It runs every rule there is: ``briefing.yml`` (its schema and rules, :mod:`briefing.config`), the Table Schema of
each table under ``data/`` (types, required fields, enums, keys, the article's hash) and then each rule of the
claims register (:data:`briefing.claims.RULES`: quotes verbatim, verdicts by type, evidence, outcomes, coverage,
…). On the first broken rule it prints one line naming the file, row or id, field and rule, and exits with status
1, so ``make book`` stops before any notebook runs. :func:`main` checks any briefing's folder in this process.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import config, paths


def main(root: str | Path | None = None) -> int:
    """Check the briefing in folder ``root`` (the current one by default); 0 when valid, else 1 with one line on
    stderr."""
    try:
        briefing = config.at(root) if root is not None else config.current()
    except config.ConfigError as err:  # a broken briefing.yml is reported in one line, like broken data
        print(f"configuration error: {err}", file=sys.stderr)
        return 1
    from .claims import FINDING_RULES, RULES, Register, findings, register
    from .datapackage import DataError, package

    with config.use(briefing):
        pkg = package(paths.datapackage())
        try:
            counts = pkg.validate()
            reg: Register = register(pkg)
            found = findings(reg, pkg) if "findings" in pkg.resources else None
        except DataError as err:
            print(f"data error: {err}", file=sys.stderr)
            return 1
    print(f"data package valid: {len(counts)} tables, {sum(counts.values())} rows; claims register valid: "
          f"{len(reg.claims)} claims, {len(RULES)} rules"
          + (f"; findings valid: {len(found)} findings, {len(FINDING_RULES)} rules" if found is not None else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else None))
