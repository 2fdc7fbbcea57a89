"""Layer 8 (entry point): MyST roles that cite the register from prose, checked by the strict build.

- ``{claim}`c017``` links to the claim's card on the page holding the claims (``register.html#c017``, text ``c017``);
- ``{call}`b03``` links to one of the briefing's own calls on the calls page (``calls.html#b03``, text ``b03``);
- ``{finding}`thaw-b1``` shows one of the book's own findings (``findings.csv``), written once: its headline in
  bold, its text (each placeholder ``{name}`` a glued value of the page), what it rests on (claims and calls as
  links) and its confidence label. :func:`finding_myst` writes it as MyST, which the role parses in place and the
  notebook's static rendering (``briefing.computation``) resolves the same way, so both faces show one text. A
  notebook's prose writes it ``{eval}`glue.finding("thaw-b1")``` (readable in JupyterLab, ``briefing.glue``); the
  book's ``eval`` role hands that to :func:`finding_role`.

The ids are resolved against the data package (``claims.csv``, ``briefing_calls.csv``) when a page is read; an
unknown id is a Sphinx warning naming the page and the id, which the strict build (``-W``) turns into an error.
The link is relative to the page that holds it (Sphinx's own relative URI), so the book works under any sub-path
and from any folder. The pages that hold the cards are configuration (``pages`` of ``briefing.yml``: ``claims``,
``calls``), not code.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from .findings import FINDINGS, finding_myst, known_findings
from . import config, paths

# role name -> (table whose ``id`` column lists the valid ids, the page of ``pages`` in briefing.yml that anchors
# them, id pattern)
KINDS = {
    "claim": ("claims.csv", "claims", re.compile(r"^c\d{3}$")),
    "call": ("briefing_calls.csv", "calls", re.compile(r"^b\d{2}$")),
}


class UnknownId(LookupError):
    """A role names an id that the register does not hold."""


@lru_cache(maxsize=8)
def _ids(table: Path, mtime: float) -> frozenset[str]:
    with table.open(encoding="utf-8", newline="") as f:
        return frozenset(row["id"] for row in csv.DictReader(f))


def known_ids(kind: str, data: Path | None = None) -> frozenset[str]:
    """The ids a role of this kind may cite (read afresh when the table changes)."""
    table = Path(data or paths.data()) / KINDS[kind][0]
    return _ids(table, table.stat().st_mtime)


def resolve(kind: str, ident: str, ids: frozenset[str] | set[str]) -> str:
    """The anchor (the id itself) for a cited id, or :class:`UnknownId` naming what is wrong."""
    ident = ident.strip()
    table, _page, pattern = KINDS[kind]
    if not pattern.match(ident):
        raise UnknownId(f"{{{kind}}}`{ident}`: not a {kind} id (expected the pattern {pattern.pattern})")
    if ident not in ids:
        raise UnknownId(f"{{{kind}}}`{ident}`: no {kind} {ident} in data/{table}")
    return ident


def finding_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    from docutils import nodes
    from sphinx.util import logging

    env = inliner.document.settings.env
    ident = text.strip()
    table = paths.data() / FINDINGS
    env.note_dependency(str(table))  # a changed finding re-reads the pages that show it
    row = known_findings().get(ident)
    if row is None:
        logging.getLogger(__name__).warning(f"{env.docname}: {{finding}}`{ident}`: no finding {ident} in "
                                            f"data/{FINDINGS}", location=(env.docname, lineno),
                                            type="briefing", subtype="role")
        return [nodes.literal(rawtext, ident)], []
    parsed, messages = inliner.parse(finding_myst(row), lineno, inliner, inliner.parent)
    node = nodes.inline(rawtext, "", *parsed, classes=["briefing-finding", f"briefing-finding-{row['kind']}"],
                        ids=[f"finding-{ident}"])
    return [node], messages


def _role(kind: str):
    def role(name, rawtext, text, lineno, inliner, options=None, content=None):
        from docutils import nodes
        from sphinx.util import logging

        env = inliner.document.settings.env
        ident = text.strip()
        try:
            anchor = resolve(kind, ident, known_ids(kind))
        except UnknownId as err:
            logging.getLogger(__name__).warning(f"{env.docname}: {err}", location=(env.docname, lineno),
                                                type="briefing", subtype="role")
            return [nodes.literal(rawtext, ident)], []
        target = config.current().doc(KINDS[kind][1])
        # Relative to the page that holds the link: works under any sub-path and from any folder.
        uri = env.app.builder.get_relative_uri(env.docname, target) if env.docname != target else ""
        node = nodes.reference(rawtext, ident, refuri=f"{uri}#{anchor}", internal=True,
                               classes=[f"briefing-{kind}-ref"])
        return [node], []

    return role


def setup(app) -> None:
    """Register the roles."""
    for kind in KINDS:
        app.add_role(kind, _role(kind))
    app.add_role("finding", finding_role)
