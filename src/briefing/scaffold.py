"""Layer 9 (entry point): a chapter notebook for one section of the briefing, written from its configuration.

``python -m briefing.scaffold <section>`` writes ``chapters/<chapter>.ipynb`` for a section of ``briefing.yml``
(its ``chapter`` page): a title (the section's label), prose that names the section's heading and cites each of its
claims with the ``{claim}`` role, the section's claims as the register's claims table, and (``--cards``) their
verdict boxes on the page itself. The notebook is where an analyst starts the chapter; the claims come from the
data package, so the prose stays right when the register changes only if the notebook is written again.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .claims import register
from . import config, paths
from .config import ConfigError
from .datapackage import package

# Tables the register reads (claims.register): the required ones, and the optional ones where present.
REGISTER_TABLES = ("article_paragraphs", "claim_sources", "claims", "developments", "sources")
OPTIONAL_TABLES = ("article_inconsistencies", "briefing_calls", "claim_links", "second_readings", "sweeps",
                   "third_readings", "watch_indicators")


def _roles(ids: list[str]) -> str:
    cited = [f"{{claim}}`{i}`" for i in ids]
    return cited[0] if len(cited) == 1 else ", ".join(cited[:-1]) + " and " + cited[-1]


def chapter_notebook(section: str, claims_page: str | None = None, cards: bool = False):
    """The chapter notebook of ``section`` (an ``nbformat`` notebook, not executed). ``claims_page`` is the page
    the claims table links each id to (``""``: this page, whose verdict boxes ``cards`` puts below the table;
    ``None``: the page holding the claims, ``pages.claims`` of briefing.yml)."""
    import nbformat

    BRIEFING = config.current()
    if section not in BRIEFING.sections:
        raise ConfigError(BRIEFING.file, "sections", "unknown section", f"'{section}' is not one of "
                          f"{', '.join(BRIEFING.sections)}")
    sec = BRIEFING.sections[section]
    ids = list(register().claims_of(section)["id"])
    if not ids:
        raise ValueError(f"section '{section}' has no claims in the register: nothing for a chapter to read")
    heading = "” and “".join(sec.headings)
    where = f"the part of the article headed “{heading}”" if heading else f"the article's {sec.label.lower()}"
    prose = (f"# {sec.label}\n\n"
             f"This chapter reads {where}, on {BRIEFING.themes[sec.theme].lower()}. The article makes "
             f"{len(ids)} {'claim' if len(ids) == 1 else 'claims'} here: {_roles(ids)}. The table gives each in the "
             "article's own words, in English, with its type and our verdict.")
    code = [
        "from briefing.claims import register\n"
        "from briefing.render import claims_table\n"
        "\n"
        "reg = register()\n"
        f"claims = reg.claims_of({section!r})\n"
        f"claims_table(claims, caption=\"The article's claims in this section\""
        + (")" if claims_page is None else f", page={claims_page!r})"),
    ]
    if cards:
        code.append(
            "from briefing.claims import review_context\n"
            "from briefing.render import claim_cards\n"
            "\n"
            "review_date, article = review_context()\n"
            "claim_cards(reg, claims[\"id\"], review_date, article, label=\"The claims in full\")")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(prose)] + [nbformat.v4.new_code_cell(c) for c in code]
    for n, cell in enumerate(nb.cells):
        cell["id"] = f"{sec.chapter or section}-{n:02d}"
    present = set(package().resources)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["briefing"] = {"reads": sorted(set(REGISTER_TABLES) | (set(OPTIONAL_TABLES) & present))}
    return nb


def write_chapter(section: str, root: Path | None = None, **options) -> Path:
    """Write ``chapters/<chapter>.ipynb`` for ``section`` under ``root`` (the current briefing's folder); returns its
    path."""
    import nbformat

    BRIEFING, root = config.current(), root or paths.root()
    if section not in BRIEFING.sections:
        raise ConfigError(BRIEFING.file, "sections", "unknown section", f"'{section}' is not one of "
                          f"{', '.join(BRIEFING.sections)}")
    page = BRIEFING.sections[section].chapter
    if not page:
        raise ConfigError(BRIEFING.file, "sections", "chapter", f"section '{section}' names no chapter page")
    target = Path(root) / "chapters" / f"{page}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(chapter_notebook(section, **options), target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m briefing.scaffold", description=__doc__.split("\n")[0])
    parser.add_argument("section", help="a section key of briefing.yml")
    parser.add_argument("--claims-page", default=None,
                        help="the page the claims table links ids to ('' for the chapter itself; by default the "
                             "page holding the claims, pages.claims of briefing.yml)")
    parser.add_argument("--cards", action="store_true", help="put the claims' verdict boxes on the page")
    args = parser.parse_args(argv)
    try:
        print(write_chapter(args.section, claims_page=args.claims_page, cards=args.cards))
    except (ConfigError, ValueError) as err:
        print(err, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
