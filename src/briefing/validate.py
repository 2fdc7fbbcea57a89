"""Layer 5: ``python -m briefing.validate`` checks the whole data package before anything is built.

On a broken rule it prints one line naming the file, row or id, field and rule, and exits with status 1, so
``make book`` stops before a half-built book can be published.
"""

from __future__ import annotations

import sys

from .datapackage import DataError, package


def main() -> int:
    try:
        counts = package().validate()
    except DataError as err:
        print(f"data error: {err}", file=sys.stderr)
        return 1
    total = sum(counts.values())
    print(f"data package valid: {len(counts)} tables, {total} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
