"""Layer 9 (entry point): a chapter notebook for one section of the briefing, and a new briefing.

``python -m briefing.scaffold <section>`` writes ``chapters/<chapter>.ipynb`` for a section of ``briefing.yml``
(its ``chapter`` page) in the outline of the book's chapters (:func:`briefing.starter.chapter_skeleton`): Bottom
line, Where the article has a point, The data (the cell that loads the register and glues the section's counts),
What the article says (the section's claims as the register's claims table, and with ``--cards`` their verdict
boxes on the page itself), The discrepancies that matter, a part per question the data answers, and Sources, each
with guidance that says what goes there; the guidance names the section's claims with the ``{claim}`` role.

``python -m briefing.scaffold --new <folder> [section]`` (``make new-briefing DIR=<folder>``) starts a new
briefing there (:func:`briefing.starter.new_briefing`): it validates and builds before anything is written in it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .claims import register
from . import config, paths
from .config import ConfigError
from .datapackage import package
from .starter import chapter_skeleton, new_briefing

# Tables the register reads (claims.register): the required ones, and the optional ones where present.
REGISTER_TABLES = ("article_paragraphs", "claim_sources", "claims", "developments", "sources")
OPTIONAL_TABLES = ("article_inconsistencies", "briefing_calls", "claim_links", "second_readings", "sweeps",
                   "third_readings", "watch_indicators")


def chapter_notebook(section: str, claims_page: str | None = None, cards: bool = False):
    """The chapter notebook of ``section`` (an ``nbformat`` notebook, not executed), in the book's chapter outline
    (:func:`briefing.starter.chapter_skeleton`). ``claims_page`` is the page the claims table links each id to
    (``""``: this page, whose verdict boxes ``cards`` puts below the table; ``None``: the page holding the claims,
    ``pages.claims`` of briefing.yml)."""
    BRIEFING = config.current()
    if section not in BRIEFING.sections:
        raise ConfigError(BRIEFING.file, "sections", "unknown section", f"'{section}' is not one of "
                          f"{', '.join(BRIEFING.sections)}")
    sec = BRIEFING.sections[section]
    ids = list(register().claims_of(section)["id"])
    present = set(package().resources)
    return chapter_skeleton(section, sec.label, sec.chapter or section, claims_page=claims_page, cards=cards,
                            cited=ids, inconsistencies="article_inconsistencies" in present,
                            reads=sorted(set(REGISTER_TABLES) | (set(OPTIONAL_TABLES) & present)))


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
    parser.add_argument("section", nargs="?", help="a section key of briefing.yml (with --new: the new briefing's "
                        "first section, default first_section)")
    parser.add_argument("--claims-page", default=None,
                        help="the page the claims table links ids to ('' for the chapter itself; by default the "
                             "page holding the claims, pages.claims of briefing.yml)")
    parser.add_argument("--cards", action="store_true", help="put the claims' verdict boxes on the page")
    new = parser.add_argument_group("a new briefing")
    new.add_argument("--new", metavar="FOLDER", type=Path, help="write a new briefing into FOLDER (absent or empty)")
    new.add_argument("--title", default="A new briefing", help="the book's title")
    new.add_argument("--label", default="First section", help="the first section's label")
    new.add_argument("--page", default="first", help="the first section's chapter page (chapters/<page>.ipynb)")
    new.add_argument("--article-date", help="the article's date, YYYY-MM-DD (default: today; replace it)")
    args = parser.parse_args(argv)
    try:
        if args.new:
            new_briefing(args.new, title=args.title, section=args.section or "first_section", label=args.label,
                         page=args.page, article_date=args.article_date)
            print(f"{args.new}: a new briefing; `make book BRIEFING={args.new}` builds it (see its README.md)")
        elif not args.section:
            parser.error("name a section of briefing.yml, or --new FOLDER")
        else:
            print(write_chapter(args.section, claims_page=args.claims_page, cards=args.cards))
    except (ConfigError, ValueError, FileExistsError) as err:
        print(err, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
