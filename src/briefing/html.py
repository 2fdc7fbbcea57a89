"""Layer 3: HTML for the book — the component value notebooks display, and the Jinja2 templates that make markup.

Every HTML component of the book (tables, claim cards, verdict badges, source lists, the annotated article, the
scorecard, and the chart figure) is a template in ``templates/components/``. Python passes data; templates make
markup. **Every template autoescapes**: any value written as ``{{ value }}`` is escaped (``None`` and pandas' NA
print as nothing), so text from the data can never become markup. Only values that already are markup pass
unescaped: the output of another template or macro, and :func:`script_json` for JSON inside ``<script>``.

How to add a component:

1. Write ``templates/components/<name>.html``. Source lines are stripped and joined before Jinja2 reads them
   (see :class:`Compact`): line breaks and indentation are for the reader only, so a space the page needs goes
   *inside* a line. Shared pieces (badges, claim links, a source citation, a table's frame) are macros in
   ``macros.html``: ``{% from "macros.html" import verdict_badge %}``.
2. Labels and colours come from :mod:`briefing.vocabulary`, available in every template as ``vocabulary``
   (``{{ vocabulary.VERDICT_LABELS[v] }}``); do not pass them in.
3. In Python, two sides. The notebook's (:mod:`briefing.render`): ``Component("<name>", data, markdown, label)``,
   whose data are JSON (row ids, options) and whose Markdown is the fallback for JupyterLab and static viewers.
   The build's (:mod:`briefing.components`): a function in ``CONTEXTS`` that makes the template's context from
   those data and the register; ``render("<name>.html", **context)`` returns markup, which is not escaped again
   when passed into another template. Markup that Python made itself and
   trusts (an SVG from vl-convert, say) goes in as ``markupsafe.Markup(svg)``; text from the data never does.
   JSON inside ``<script>`` goes through the ``script_json`` filter: ``{{ spec_json | script_json }}``.
   ``tests/kit/test_render.py`` shows that a template escapes by default; add the component to the hostile-text
   fixture of ``tests/browser/test_pages.py``.

Notebook outputs must be identical on every run (nbval compares them), so a component's data and Markdown carry
no random ids or timestamps.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from html import escape
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.ext import Extension
from markupsafe import Markup

from . import vocabulary
from .values import missing

COMPONENTS = Path(__file__).parent / "templates" / "components"


COMPONENT_MIME = "application/vnd.briefing.component+json"


class Component:
    """A table or card of the book, as a notebook displays it: its name and data (JSON, compact) under
    :data:`COMPONENT_MIME`, which the book renders with the template ``<name>.html`` when it builds
    (``components.ComponentMimeRenderer``), and a Markdown fallback (``markdown``) that JupyterLab and static
    notebook viewers show. No HTML is stored: a change of look re-executes no notebook."""

    def __init__(self, name: str, data: dict, markdown: str, label: str):
        self.name = name
        self.data = json_safe(data)
        self.markdown = markdown
        self.label = label

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {COMPONENT_MIME: {"name": self.name, "data": self.data}, "text/markdown": self.markdown,
                "text/plain": f"<{self.label}>"}

    def __repr__(self) -> str:
        return f"<{self.label}>"


def json_safe(value):
    """``value`` as JSON can hold it, printing as the template would print the original: a missing value is None,
    a NumPy number a Python one, a timestamp or other object its ``str``."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(json_safe(v) for v in value)
    if missing(value):
        return None
    if isinstance(value, (bool, str, int, float)):
        return value
    if hasattr(value, "item") and not hasattr(value, "__len__"):  # a NumPy scalar
        return json_safe(value.item())
    return str(value)


def markdown_cell(value) -> str:
    """A value as a cell of a Markdown table: on one line, its pipes escaped."""
    return "" if missing(value) else " ".join(str(value).split()).replace("|", "\\|")


def markdown_table(headers: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(markdown_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def esc(value) -> str:
    """Escape any value for HTML text or attribute context; None and NA become ''."""
    return "" if missing(value) else escape(str(value), quote=True)


def script_json(text: str) -> Markup:
    """JSON made safe to sit inside <script type="application/json">: no '</' can close the element."""
    return Markup(str(text).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


_SVG_ROOT = re.compile(r"<svg\b([^>]*)>")
_ATTRIBUTE = re.compile(r'\s([\w:-]+)="[^"]*"')


def svg_attributes(svg: str, drop: tuple[str, ...] = (), **attributes: str) -> str:
    """An SVG document with attributes set on its root element (names with ``_`` for ``-``: ``aria_label``),
    values escaped; ``drop`` names attributes to remove from every element first (a ``*`` suffix: a prefix)."""
    if drop:
        def keep(m):
            name = m.group(1)
            gone = any(name.startswith(d[:-1]) if d.endswith("*") else name == d for d in drop)
            return "" if gone else m.group(0)

        svg = _ATTRIBUTE.sub(keep, svg)
    added = "".join(f' {k.replace("_", "-")}="{esc(v)}"' for k, v in attributes.items())
    return _SVG_ROOT.sub(lambda m: m.group(0)[:4] + added + m.group(1) + ">", svg, count=1)


def isodate(value) -> str:
    """A date or timestamp as ``YYYY-MM-DD``; a string (``YYYY-MM``) as it is; nothing for a missing value."""
    if missing(value):
        return ""
    if isinstance(value, dt.datetime) or hasattr(value, "to_pydatetime"):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _finalize(value):
    # Autoescape, with the one escaping rule of the book: what is not markup yet goes through esc().
    return value if hasattr(value, "__html__") else Markup(esc(value))


class Compact(Extension):
    """Strip every line of a template's source and join the lines: the markup has no stray white space, and the
    template can still be laid out for reading. A space the page needs stands inside a line."""

    def preprocess(self, source, name, filename=None):
        return "".join(line.strip() for line in source.splitlines())


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The one Jinja2 environment: templates from ``templates/components/``, autoescaped, strict about names."""
    env = Environment(loader=FileSystemLoader(str(COMPONENTS)), autoescape=True, finalize=_finalize,
                      undefined=StrictUndefined, extensions=[Compact], keep_trailing_newline=False)
    env.globals["vocabulary"] = vocabulary
    env.filters["script_json"] = script_json
    env.filters["isodate"] = isodate
    env.tests["missing"] = missing
    return env


def render(template: str, **data) -> Markup:
    """Render one component template with ``data``."""
    return Markup(environment().get_template(template).render(**data))


def macro(name: str, template: str):
    """A macro of a template as a Python function returning markup (``macro("verdict_badge", "macros.html")``)."""
    return getattr(environment().get_template(template).module, name)
