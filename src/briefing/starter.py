"""Layer 8: a new briefing's first files, and the chapter skeleton every chapter starts from.

:func:`chapter_skeleton` is the outline of the book's section chapters, as a notebook with guidance in each part
(in the manner of Project Pythia's template notebook): the title and **Bottom line**, **Where the article has a
point**, **The data** (with the cell that loads the register and glues the section's counts), **What the article
says, and what the record shows** (the claims table and, on a briefing without a register page, the verdict boxes),
**The discrepancies that matter**, one part per question the chapter's data answers, and **Sources**. Each part's
guidance says what goes there; the notebook declares the tables it reads (``briefing.reads``).

:func:`new_briefing` writes a briefing folder that validates and builds strictly before anything is written in it:
``briefing.yml`` (one section, one theme, the article's date), ``_config.yml``, ``_toc.yml``, ``index.md``, a
README that says what to edit, ``data/`` (the data package with the kit's tables the register needs, empty, and
an empty article) and the section's chapter from the skeleton. ``python -m briefing.scaffold --new <folder>`` and
``make new-briefing DIR=<folder>`` run it.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import string
from pathlib import Path

# The kit's tables every briefing has (the claims register reads them); each starts empty.
STARTER = Path(__file__).parent / "templates" / "starter"
STARTER_TABLES = ("article_paragraphs", "sources", "claims", "claim_sources", "developments")
ARTICLE_PATH = "source/article.txt"
# The parts of an article every briefing has around its sections (config.RESERVED_PARTS, in reading order).


def _guide(text: str) -> str:
    """Guidance for the author, in a box the page shows until it is replaced."""
    return f":::{{admonition}} What goes here\n:class: tip\n\n{text.strip()}\n:::"


def chapter_skeleton(section: str, label: str, page: str, *, claims_page: str | None = None,
                     cards: bool = False, cited: list[str] = (), inconsistencies: bool = False,
                     reads: list[str] = ()):
    """The chapter notebook of ``section`` (its key; ``label``: its reader's label; ``page``: the chapter's page
    name) in the book's chapter outline, with guidance in each part (an ``nbformat`` notebook, not executed).

    ``claims_page``: the page the claims table links each id to (``""``: this page, whose verdict boxes ``cards``
    puts below the table). ``cited``: claim ids the guidance names (the section's claims when it has some).
    ``inconsistencies``: the briefing has an ``article_inconsistencies`` table, shown under the discrepancies.
    ``reads``: the tables the notebook declares it reads."""
    import nbformat

    new_md, new_code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    roles = [f"{{claim}}`{i}`" for i in cited]
    roles = roles[0] if len(roles) == 1 else ", ".join(roles[:-1]) + " and " + roles[-1] if roles else ""
    cells = [
        new_md(f"# {label}\n\n## Bottom line\n\n" + _guide(
            "Two to four findings about the world (not corrections of the article), numbered, each in estimative "
            "language with its confidence and what it rests on. Write each once, as a row of `data/findings.csv`, "
            "and show it here by id with the MyST role `finding`; a chart title states one through "
            "`claims.finding_text`. Numbers come from the cells below (`glue`), never typed.")),
        new_md("## Where the article has a point\n\n" + _guide(
            "The section read at its strongest: what it gets right, citing those claims with the MyST role "
            "`claim`, and what was reasonable to ask when it was written. Then one sentence on where it goes wrong.")),
        new_md("## The data\n\n" + _guide(
            "Which tables of `data/` the chapter reads and what each holds, in a sentence each. The loader "
            "validates every table against its schema as it loads it. Each table a cell reads is listed in the "
            "notebook's metadata (`briefing.reads`), which the build cache and the tests rely on.")),
        new_code(
            "from briefing.glue import glue\n"
            "\n"
            "from briefing import analysis as an\n"
            "from briefing.claims import register\n"
            "\n"
            "reg = register()\n"
            f"claims = reg.claims_of({section!r})\n"
            "# The section's claims by type and, for the checkable facts, by verdict: glued for the prose.\n"
            "stats = an.section_stats(claims)\n"
            "for key, value in stats.items():\n"
            "    glue(f\"n_{key}\", value, display=False)\n"
            "claims.groupby([\"claim_type\", \"verdict\"]).size().rename(\"claims\").reset_index()"),
        new_md("## What the article says, and what the record shows\n\n"
               "The section makes {eval}`glue.n_claims` claims, {eval}`glue.n_facts` of them checkable facts. Of "
               "those facts, {eval}`glue.n_supported` are supported, {eval}`glue.n_partly_supported` partly "
               "supported and {eval}`glue.n_contradicted` contradicted.\n\n" + _guide(
                   "What the section claims and what the record shows, in a paragraph: the factual core and "
                   "where its forecasts go. The table below gives each claim in the article's own words, in "
                   "English, with its type and verdict; the register (`data/claims.csv`) is where they are "
                   "written." + (f" This section's claims: {roles}." if roles else ""))),
        new_code(
            "from briefing.render import claims_table\n"
            "\n"
            "claims_table(claims, caption=\"The article's claims in this section\""
            + (")" if claims_page is None else f", page={claims_page!r})"), metadata={"tags": ["remove-input"]}),
    ]
    if cards:
        cells.append(new_code(
            "from briefing.claims import review_context\n"
            "from briefing.render import claim_cards\n"
            "\n"
            "review_date, article = review_context()\n"
            "claim_cards(reg, claims[\"id\"], review_date, article, label=\"The claims in full\")",
            metadata={"tags": ["remove-input"]}))
    cells.append(new_md("### The discrepancies that matter\n\n" + _guide(
        "A short list: each error of the article that changes its argument, one line each, as a finding of "
        "kind error (role `finding`), with the chart or table below that shows it. Where the article contradicts "
        "itself or its own cited sources, `data/article_inconsistencies.csv` records both passages.")))
    if inconsistencies:
        cells.append(new_code(f"from briefing.render import inconsistencies_table\n\n"
                              f"inconsistencies_table(reg, section={section!r})", metadata={"tags": ["remove-input"]}))
    cells += [
        new_md("## A question the data answers\n\n" + _guide(
            "One part per question the chapter's data answers, headed by the question. Under it: a sentence on "
            "what is counted; a short visible cell that loads the table (`datapackage.load`), computes the answer "
            "in a few lines of pandas and glues each number; prose that reads them (role `eval`, `glue.<name>`); and a "
            "chart through `charts.figure`, whose title states the finding and whose source note and data link "
            "the helper adds. Add the table to `data/`, to `datapackage.json` and to this notebook's "
            "`briefing.reads`.")),
        new_code(
            "# Load, compute and glue in the open, for example:\n"
            "#   from briefing.datapackage import load\n"
            "#   events = load(\"events\")\n"
            "#   glue(\"n_events\", f\"{len(events):,}\", display=False)"),
        new_md("## Sources\n\n" + _guide(
            "The sources of the chapter's data and of its claims' verdicts, listed by the cell below from "
            "`data/sources.csv`; name the chapter's datasets in its call (`chapter_sources`). Nothing to write "
            "by hand.")),
        new_code(
            "from briefing.render import sources_list\n"
            "\n"
            "sources_list(an.chapter_sources(reg, claims, []), caption=\"Sources of this chapter\", compact=True)",
            metadata={"tags": ["remove-input"]}),
    ]
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    for n, cell in enumerate(nb.cells):
        cell["id"] = f"{page}-{n:02d}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["briefing"] = {"reads": sorted(reads)}
    return nb


# -- a new briefing -------------------------------------------------------------------------------------------------
def _kit_tables() -> dict[str, dict]:
    """The kit's tables by name, each a resource with its Table Schema (enums from configuration marked
    ``x-enum``, not yet filled)."""
    from . import datapackage

    return datapackage.kit_tables()


def _package_resource(table: dict) -> dict:
    """How the new briefing's ``datapackage.json`` lists a kit table: by name (the kit completes it from its own
    schema, with the enums from configuration)."""
    return {"name": table["name"]}


def _template(name: str) -> string.Template:
    """A new briefing's file as written, with ``${...}`` where its values go (``templates/starter/``)."""
    return string.Template((STARTER / f"{name}.template").read_text(encoding="utf-8"))


def _briefing_yml(title: str, section: str, label: str, page: str, article_date: str) -> str:
    return _template("briefing.yml").substitute(title=title, section=section, label=label, page=page, article_date=article_date)


def _config_yml(title: str, page: str) -> str:
    return _template("_config.yml").substitute(title=title, page=page)


README = """\
# {title}

A briefing made with the kit (`python -m briefing.scaffold --new`). It validates and builds as it is:

    make validate BRIEFING={folder}   # or: BRIEFING_ROOT={folder} python -m briefing.validate
    make book BRIEFING={folder}       # the book, into {folder}/_build/html

What to edit (the kit's code stays as it is):

- The article: its text in `data/{article}`, its SHA-256 and headline in `data/datapackage.json`, its date and
  section headings in `briefing.yml`. Its lines, `data/article_paragraphs.csv`, are written from the text (rule
  `paragraph_table` names any line that differs):

      BRIEFING_ROOT={folder} python -c "from briefing import article, paths; article.write_table(paths.DATA / 'article_paragraphs.csv')"

- Its claims, sources and their links: `data/claims.csv`, `data/sources.csv`, `data/claim_sources.csv`; what
  happened next: `data/developments.csv`. `make validate` names the file, row, field and rule of any error.
- A chapter per section: `chapters/{page}.ipynb` is the skeleton; each part says what goes there.
- A new section: its entry under `sections` in `briefing.yml`, its lines (`article_paragraphs.csv`, written again
  from the text), its claims, its chapter (`BRIEFING_ROOT={folder} python -m briefing.scaffold <key>` writes it
  from the skeleton) and its line in `_toc.yml`.
"""


def _csv_header(fields: list[dict]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([f["name"] for f in fields])
    return out.getvalue()


def new_briefing(folder: Path, *, title: str = "A new briefing", section: str = "first_section",
                 label: str = "First section", page: str = "first", article_date: str | None = None) -> list[Path]:
    """Write a new briefing into ``folder`` (absent or empty): its configuration, data package, book files and the
    chapter of its one section from :func:`chapter_skeleton`. Returns the files written."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder}: not empty; a new briefing starts in a new folder")
    article_date = article_date or dt.date.today().isoformat()
    kit = _kit_tables()
    files: dict[str, str] = {
        "briefing.yml": _briefing_yml(title, section, label, page, article_date),
        "_config.yml": _config_yml(title, page),
        "_toc.yml": f"format: jb-book\nroot: index\nchapters:\n  - file: chapters/{page}\n",
        "index.md": f"# {title}\n\nWhat this briefing reads, and why: a paragraph for the reader, then the "
                    f"chapters ({{doc}}`chapters/{page}`).\n",
        "README.md": README.format(title=title, folder=folder, article=ARTICLE_PATH, page=page),
        f"data/{ARTICLE_PATH}": "",
    }
    resources = [{
        "name": "article", "type": "file", "path": ARTICLE_PATH, "format": "txt", "mediatype": "text/plain",
        "encoding": "utf-8", "hash": "sha256:" + hashlib.sha256(b"").hexdigest(),
        "description": "The article, byte for byte as stored (its SHA-256 is recorded here).",
        "x-headline": title, "x-published": article_date, "x-author": "",
    }]
    for name in STARTER_TABLES:
        files[f"data/{kit[name]['path']}"] = _csv_header(kit[name]["schema"]["fields"])
        resources.append(_package_resource(kit[name]))
    package = {"name": Path(folder).resolve().name.lower().replace("_", "-"), "title": title,
               "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                             "path": "https://creativecommons.org/licenses/by/4.0/"}],
               "x-review-date": article_date, "resources": resources}
    files["data/datapackage.json"] = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    written = []
    for name, text in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)

    import nbformat

    chapter = folder / "chapters" / f"{page}.ipynb"
    chapter.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(chapter_skeleton(section, label, page, claims_page="", cards=True,
                                    reads=["article", *STARTER_TABLES]), chapter)
    return [*written, chapter]
