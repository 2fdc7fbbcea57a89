"""Layer 8 (entry point): "the computation behind this page", the analyst's face of a reading page.

The book's pages are the reader's face: prose, charts and formatted tables, no code. Each page made from a notebook
links the notebook itself (downloadable, byte for byte the committed file) and this static rendering of it: the
export a static notebook viewer makes (nbconvert's JupyterLab template), with code and stored outputs, nothing
loaded from the network, and the MyST roles of the prose resolved (a glued number shows its stored value, a
cross-reference becomes a link), so the prose reads as it does in the book.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from . import config
from .findings import finding_myst, known_findings
from .glue import finding_of, glued_values, key_of
from .html import COMPONENT_MIME

SUFFIX = ".notebook.html"  # next.ipynb -> next.notebook.html, beside next.html
TEMPLATES = Path(__file__).parent / "templates" / "nbconvert"
ROLE = re.compile(r"\{([a-z:]+)\}`([^`]*)`")
TITLED = re.compile(r"^(.*?)\s*<([^>]+)>$", re.S)
JSON_LD = re.compile(r'<script type="application/ld\+json">.*?</script>', re.S)


def resolve_roles(markdown: str, glued: dict[str, str], briefing: config.Briefing | None = None) -> str:
    """MyST roles as the book shows them, in plain Markdown: ``{glue:text}`key``` and ``{eval}`glue.key``` → its
    value; ``{finding}`id``` and ``{eval}`glue.finding("id")``` → the finding with its values; ``{doc}`page``` → a
    link to the page; ``{claim}`c017``` and ``{call}`b03``` → links to their entries; any other role → its text.
    The pages holding claims and calls are the briefing's (``pages`` of briefing.yml); a notebook sits beside them
    in ``chapters/``."""
    b = briefing or config.current()

    def one(match: re.Match) -> str:
        role, content = match.groups()
        titled = TITLED.match(content)
        text, target = (titled.group(1), titled.group(2)) if titled else (content, content)
        ident = content.strip() if role == "finding" else finding_of(content) if role == "eval" else None
        if ident is not None:  # {finding}`id`, or {eval}`glue.finding("id")` as a notebook writes it
            row = known_findings().get(ident)
            return ROLE.sub(one, finding_myst(row)) if row else content
        if role.startswith("glue"):
            return glued.get(content.strip(), content)
        if role == "eval":
            return glued.get(key_of(content) or "", content)
        if role == "doc":
            return f"[{text}]({target}.html)"
        if role == "claim":
            return f"[{text}]({b.page('claims')}#{target})"
        if role == "call":
            return f"[{text}]({b.page('calls')}#{target})"
        return text

    return ROLE.sub(one, markdown)


def export(notebook: Path, *, title: str, component_html: Callable[[str, dict], str] | None = None) -> str:
    """The static rendering of ``notebook`` (read from disk with its stored outputs), linking back to its page.
    ``component_html`` (name, data -> HTML; the build passes ``components.component_html``) shows each table and
    card as the page does; without it, a viewer shows their Markdown fallback."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(notebook, as_version=4)
    glued = glued_values(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = resolve_roles(cell.source, glued)
        elif cell.cell_type == "code":
            # A glued value's own output is a record for the book, not something to show.
            cell.outputs = [o for o in cell.outputs if "scrapbook" not in o.get("metadata", {})]
            for output in cell.outputs:
                stored = output.get("data", {}).get(COMPONENT_MIME)
                if stored and component_html is not None:
                    output["data"]["text/html"] = str(component_html(stored["name"], stored["data"]))
    exporter = HTMLExporter(template_name="briefing_static", extra_template_basedirs=[str(TEMPLATES)])
    resources = {"metadata": {"name": title},
                 "briefing": {"page": notebook.stem + ".html", "title": title, "notebook": notebook.name}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    # Structured data (ClaimReview) is published once, by the reading page: the rendering of its notebook repeats
    # the outputs, not the claims to search engines.
    return JSON_LD.sub("", body)


def write(notebook: Path, outdir: Path, *, title: str,
          component_html: Callable[[str, dict], str] | None = None) -> Path:
    target = outdir / (notebook.stem + SUFFIX)
    target.write_text(export(notebook, title=title, component_html=component_html), encoding="utf-8")
    return target
