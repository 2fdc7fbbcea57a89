"""Layer 4: HTML for the page — tables, verdict boxes, source lists, ClaimReview JSON-LD.

Every piece of text from the data is escaped here, so a claim holding ``<script>`` shows as text and never runs.
This is the one place where a verdict becomes HTML.
"""

from __future__ import annotations

import pandas as pd

from .html import HTML, esc


def table(df: pd.DataFrame, *, caption: str, columns: dict[str, str] | None = None, label: str | None = None,
          id_column: str | None = None, classes: str = "") -> HTML:
    """A plain, accessible HTML table. ``columns`` maps field names to header labels (and picks the order)."""
    columns = columns or {c: c for c in df.columns}
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in columns.values())
    rows = []
    for _, row in df.iterrows():
        row_id = f' id="{esc(row[id_column])}"' if id_column else ""
        cells = "".join(f"<td>{esc(row[c])}</td>" for c in columns)
        rows.append(f"<tr{row_id}>{cells}</tr>")
    html = (f'<div class="briefing-table-wrap"><table class="briefing-table {esc(classes)}">'
            f"<caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>")
    return HTML(html, label or f"Table: {caption}")
