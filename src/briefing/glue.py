"""Layer 3: a glued value that reads as its value in every face of a notebook.

The notebook computes a figure and glues it (``glue("n_claims", ...)``); its prose names it as a MyST inline
expression, ``{eval}`glue.n_claims```. Each face resolves that one name:

- the book (myst-nb through the execution cache): the ``eval`` role that ``sphinx_ext`` registers
  (:func:`eval_role`) pastes the value glued as ``n_claims``, exactly as ``{glue:text}`` pastes it;
- the static rendering (``computation``): the value stored in the notebook's glue output;
- JupyterLab (jupyterlab-myst; mystmd reads the same): each Markdown cell's ``metadata.user_expressions``, which
  :func:`convert` fills from the stored glue outputs, so a notebook opened fresh reads its values before any cell
  runs. When the lab renders a Markdown cell with a live kernel it evaluates ``glue.n_claims`` there: :data:`glue`
  keeps every value it glued as an attribute, so the kernel answers with the same value (never one of the
  notebook's own variables, whatever their names).

A finding of the book (``data/findings.csv``, :mod:`briefing.findings`) reads the same way, as
``{eval}`glue.finding("thaw-b1")```: its text with this notebook's glued values filled in. The book's ``eval`` role
hands it to the ``{finding}`` role (the same nodes, so the page is unchanged), the static rendering resolves it as
that role, the stored ``user_expressions`` hold it as Markdown (headline in bold, confidence label in italics) and
plain text, and in the kernel ``glue.finding(id)`` answers with the same bundle from the values glued so far. The
finding's words live only in the table; what a cell stores is derived from it and checked like a glued value.

``python -m briefing.glue chapters/*.ipynb`` converts notebooks: ``{glue:text}`key``` and ``{glue}`key``` in prose
become ``{eval}`glue.key```, ``{finding}`id``` becomes ``{eval}`glue.finding("id")```, ``from myst_nb import
glue`` becomes ``from briefing.glue import glue``, and each Markdown cell's ``user_expressions`` are filled from
the stored outputs (and ``data/findings.csv``). It is idempotent, changes no output, and runs after every execution
that stores outputs (``make notebooks``). A name the prose reads that the stored outputs do not glue, or a finding
they cannot fill, is an error naming the notebook, the cell and the name.
"""

from __future__ import annotations

import ast
import copy
import json
import re
import sys
from pathlib import Path

from .findings import finding_myst, finding_plain, known_findings

GLUE_ROLE = re.compile(r"\{glue(?::text)?\}`([^`]*)`")
EVAL_ROLE = re.compile(r"\{eval\}`([^`]*)`")
NAME = re.compile(r"^[A-Za-z]\w*$")
PREFIX = "glue."  # {eval}`glue.n_claims`: the value glued as n_claims
RECORD = "application/papermill.record/"
OLD_IMPORT = re.compile(r"^from myst_nb import glue$", re.M)
NEW_IMPORT = "from briefing.glue import glue"
METADATA = "user_expressions"  # jupyterlab-myst's (and mystmd's) key on a Markdown cell
FINDING_ROLE = re.compile(r"\{finding\}`\s*([^`]*?)\s*`")
FINDING_EXPRESSION = re.compile(r"""^glue\.finding\((["'])([A-Za-z0-9][\w-]*)\1\)$""")
# A finding shown in prose, in either form; the one group is its id.
SHOWN_FINDING = re.compile(r"""(?:\{finding\}`\s*|\{eval\}`\s*glue\.finding\(["'])([\w-]+)(?:\s*`|["']\)\s*`)""")


class GlueError(ValueError):
    """A notebook's prose names a value that cannot be resolved or converted."""


class Glue:
    """myst-nb's ``glue``, which also keeps each value under its name in this kernel (``glue.n_claims``), so the
    prose's ``{eval}`glue.n_claims``` reads the glued value when JupyterLab evaluates it in the kernel."""

    def __init__(self):
        object.__setattr__(self, "_values", {})
        object.__setattr__(self, "_texts", {})

    def __call__(self, name: str, variable, display: bool = True) -> None:
        from IPython.core.formatters import format_display_data
        from myst_nb import glue as myst_glue

        if not NAME.match(name):
            raise GlueError(f"glue name {name!r} is not a plain identifier: {PREFIX}{name} could not read it")
        if hasattr(type(self), name):
            raise GlueError(f"glue name {name!r} is taken: {PREFIX}{name} is glue's own")
        self._values[name] = variable
        # The value as myst-nb stores and the book pastes it (its text/plain, a string's quotes removed).
        self._texts[name] = plain(format_display_data(variable)[0].get("text/plain", repr(variable)))
        myst_glue(name, variable, display=display)

    def finding(self, ident: str) -> "Finding":
        """The finding ``ident`` with the values glued so far in this kernel, as the prose's
        ``{eval}`glue.finding("ident")``` shows it."""
        try:
            return Finding(finding_bundle(ident, self._texts))
        except GlueError as err:
            raise AttributeError(f"{err} (run the cell that glues it)") from None

    def __getattr__(self, name: str):
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"nothing is glued as {name!r} in this kernel yet (run the cell that glues it)") \
                from None

    def __setattr__(self, name, value):
        raise AttributeError("glue a value with glue(name, value)")

    def __dir__(self):
        return sorted(self._values)

    def __repr__(self) -> str:
        return f"<glue: {', '.join(sorted(self._values)) or 'nothing glued yet'}>"


class Finding:
    """A finding as the kernel shows it: Markdown for JupyterLab, plain text elsewhere (the same bundle that
    :func:`convert` stores)."""

    def __init__(self, bundle: dict[str, str]):
        self._bundle = bundle

    def _repr_markdown_(self) -> str:
        return self._bundle["text/markdown"]

    def __repr__(self) -> str:
        return self._bundle["text/plain"]


glue = Glue()


def finding_of(expression: str) -> str | None:
    """The finding an inline expression shows (``glue.finding("thaw-b1")`` → ``thaw-b1``), or None."""
    match = FINDING_EXPRESSION.match(expression.strip())
    return match.group(2) if match else None


def shown_findings(markdown: str) -> list[str]:
    """The ids of the findings a page's prose shows, in order, in either form."""
    return SHOWN_FINDING.findall(markdown)


def finding_bundle(ident: str, values: dict[str, str]) -> dict[str, str]:
    """The MIME bundle of a finding filled with ``values`` (each glued name's plain text): ``text/markdown`` (MyST,
    its references as roles, which JupyterLab reads as plain ids) and ``text/plain``. An unknown id or a
    placeholder without a value is a :class:`GlueError` naming them."""
    row = known_findings().get(ident)
    if row is None:
        raise GlueError(f"no finding {ident} in data/findings.csv")
    try:
        myst = finding_myst(row, values)
    except KeyError as err:
        raise GlueError(err.args[0]) from None
    return {"text/markdown": myst, "text/plain": finding_plain(myst)}


def key_of(expression: str) -> str | None:
    """The glued name an inline expression reads (``glue.n_claims`` → ``n_claims``), or None."""
    expression = expression.strip()
    name = expression[len(PREFIX):] if expression.startswith(PREFIX) else ""
    return name if NAME.match(name) else None


def eval_role(finding_role=None):
    """The book's ``{eval}`glue.name``` role (registered by ``sphinx_ext``): the value glued as ``name``, pasted as
    myst-nb's ``{glue:text}`` pastes it, from the execution or its cache. (myst-nb's own ``eval`` needs a live
    kernel, its inline execution mode, which a book built through the execution cache does not have.)
    ``{eval}`glue.finding("id")``` is handed to ``finding_role`` (the book's ``{finding}`` role, a docutils role
    function), so the page shows exactly what ``{finding}`id``` shows. Any other expression, or a name the
    notebook does not glue, is a warning naming it: the strict build fails."""
    from myst_nb.ext.glue.roles import PasteTextRole
    from myst_nb.ext.glue.utils import glue_warning

    class EvalRole(PasteTextRole):
        def __call__(self, name, rawtext, text, lineno, inliner, options=None, content=()):
            ident = finding_of(text)
            if ident is not None and finding_role is not None:
                return finding_role("finding", rawtext, ident, lineno, inliner, options, content)
            return super().__call__(name, rawtext, text, lineno, inliner, options, content)

        def run(self):
            key = key_of(self.text)
            if key is None:
                return [], [glue_warning(f"{{eval}}`{self.text}`: the book reads only {PREFIX}NAME, NAME glued, "
                                         'or glue.finding("id")', self.document, self.line)]
            self.text = key
            return super().run()

    return EvalRole()


def _source(cell) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def records(nb) -> dict[str, dict]:
    """The MIME bundle myst-nb stored for each glued name (its prefix removed), from the notebook's outputs."""
    out = {}
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            data = {k[len(RECORD):]: v for k, v in output.get("data", {}).items() if k.startswith(RECORD)}
            if name and data:
                out[name] = data
    return out


def plain(text: str) -> str:
    """A stored ``text/plain`` repr as the reader sees it (a string's quotes removed), as myst-nb pastes it."""
    try:
        return str(ast.literal_eval(text))
    except (ValueError, SyntaxError):
        return text


def glued_values(nb) -> dict[str, str]:
    """The values a notebook glued, as plain text."""
    return {name: plain(data["text/plain"]) for name, data in records(nb).items() if "text/plain" in data}


def finding_expression(ident: str) -> str:
    """The inline expression that shows a finding: ``glue.finding("thaw-b1")``."""
    return f'{PREFIX}finding("{ident}")'


def convert_prose(markdown: str) -> str:
    """``{glue:text}`key``` and ``{glue}`key``` as ``{eval}`glue.key```, ``{finding}`id``` as
    ``{eval}`glue.finding("id")```. A path or a format spec cannot be carried over and is an error."""

    def one(match: re.Match) -> str:
        key = match.group(1).strip()
        if not NAME.match(key):
            raise GlueError(f"{match.group(0)}: only a plain glued name converts to {{eval}} (no path, no format)")
        return f"{{eval}}`{PREFIX}{key}`"

    def finding(match: re.Match) -> str:
        ident = match.group(1)
        if finding_of(finding_expression(ident)) != ident:
            raise GlueError(f"{match.group(0)}: {ident!r} is not a finding id")
        return f"{{eval}}`{finding_expression(ident)}`"

    return FINDING_ROLE.sub(finding, GLUE_ROLE.sub(one, markdown))


def expressions(markdown: str) -> list[str]:
    """The inline expressions of a Markdown cell, in order, each once."""
    return list(dict.fromkeys(m.strip() for m in EVAL_ROLE.findall(markdown)))


def convert(nb, label: str = "notebook") -> bool:
    """Convert a notebook in place (prose roles, the glue import, ``user_expressions``); whether anything changed.
    Raises :class:`GlueError` naming the notebook, the cell and the name when the prose reads a name the stored
    outputs do not glue (re-execute the notebook first), an expression that is not ``glue.<name>``, or when the
    code glues without the import that makes ``glue.<name>`` readable in the kernel."""
    before = json.dumps(nb, sort_keys=True)
    bundles = records(nb)
    values = {name: plain(data["text/plain"]) for name, data in bundles.items() if "text/plain" in data}
    errors, reads = [], False
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            if OLD_IMPORT.search(_source(cell)):
                cell["source"] = OLD_IMPORT.sub(NEW_IMPORT, _source(cell))
            continue
        if cell["cell_type"] != "markdown":
            continue
        try:
            src = convert_prose(_source(cell))
        except GlueError as err:
            errors.append(f"{label}: cell {index}: {err}")
            continue
        if src != _source(cell):
            cell["source"] = src
        found = expressions(src)
        meta = cell.setdefault("metadata", {})
        if not found:
            meta.pop(METADATA, None)
            continue
        reads = True
        wrong = [e for e in found if key_of(e) is None and finding_of(e) is None]
        missing = [key_of(e) for e in found if key_of(e) and key_of(e) not in bundles]
        shown = {}
        for e in found:
            if finding_of(e) is None:
                continue
            try:
                shown[e] = finding_bundle(finding_of(e), values)
            except GlueError as err:
                errors.append(f"{label}: cell {index}: {e}: {err} (re-execute the notebook, then run this again)")
        if wrong:
            errors.append(f"{label}: cell {index}: {{eval}} reads only {PREFIX}NAME, NAME glued, "
                          f'not {", ".join(wrong)} (or a finding, {finding_expression("id")})')
        if missing:
            errors.append(f"{label}: cell {index}: {', '.join(missing)} not glued in the stored outputs "
                          "(re-execute the notebook, then run this again)")
        if wrong or missing or len(shown) < sum(finding_of(e) is not None for e in found):
            continue
        meta[METADATA] = [{"expression": e, "result": {"status": "ok", "data": shown.get(e) or bundles[key_of(e)],
                                                       "metadata": {}}} for e in found]
    code = "\n".join(_source(c) for c in nb["cells"] if c["cell_type"] == "code")
    if reads and re.search(r"\bglue\(", code) and NEW_IMPORT not in code:
        errors.append(f"{label}: its code glues without `{NEW_IMPORT}`: the kernel could not read {PREFIX}NAME")
    if errors:
        raise GlueError("\n".join(errors))
    return json.dumps(nb, sort_keys=True) != before


def stale(nb, label: str = "notebook") -> list[str]:
    """What :func:`convert` would change or refuse, one line each (empty: converted and up to date)."""
    fresh = copy.deepcopy(nb)
    try:
        if not convert(fresh, label):
            return []
    except GlueError as err:
        return str(err).splitlines()
    return [f"{label}: cell {index}: glue roles left, or stored values stale (run `python -m briefing.glue`)"
            for index, (old, new) in enumerate(zip(nb["cells"], fresh["cells"])) if old != new]


def main(argv: list[str] | None = None) -> int:
    import nbformat

    paths = [Path(p) for p in (sys.argv[1:] if argv is None else argv)]
    if not paths:
        print("usage: python -m briefing.glue NOTEBOOK.ipynb ...", file=sys.stderr)
        return 2
    failed = False
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        try:
            changed = convert(nb, str(path))
        except GlueError as err:
            print(err, file=sys.stderr)
            failed = True
            continue
        if changed:
            nbformat.write(nb, path)
        n = sum(len(c.get("metadata", {}).get(METADATA, [])) for c in nb.cells)
        print(f"{path}: {'converted' if changed else 'up to date'} ({n} inline expressions)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
