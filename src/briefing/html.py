"""A tiny HTML value shared by the chart helper and the page renderers (layer 3 and 4 both use it).

Notebook outputs must be identical on every run (nbval compares them), so the text/plain repr is fixed and the
HTML carries no random ids or timestamps.
"""

from __future__ import annotations

from html import escape


class HTML:
    """HTML for the book page, shown by Jupyter and myst-nb as ``text/html``."""

    def __init__(self, html: str, label: str, extra: dict | None = None):
        self.html = html
        self.label = label
        self.extra = extra or {}

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/html": self.html, "text/plain": f"<{self.label}>"}
        bundle.update(self.extra)
        return bundle

    def __repr__(self) -> str:
        return f"<{self.label}>"

    def __str__(self) -> str:
        return self.html


def esc(value) -> str:
    """Escape any value for HTML text or attribute context; None and NA become ''."""
    if value is None:
        return ""
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return escape(str(value), quote=True)


def script_json(text: str) -> str:
    """JSON made safe to sit inside <script type="application/json">: no '</' can close the element."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
