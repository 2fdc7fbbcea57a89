"""Edit one cell of a CSV in place, for tests that break the data on purpose."""

import csv
from pathlib import Path


def edit_csv(path: Path, row_id: str, field: str, value: str, key: str = "id") -> None:
    """Set one cell of a CSV in place (the row whose `key` column equals `row_id`)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    for row in rows[1:]:
        if row[header.index(key)] == row_id:
            row[header.index(field)] = value
            break
    else:
        raise KeyError(row_id)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
