"""A kit for analytical briefing books on one article: its claims register, checks, charts and pages. What is
particular to one briefing (its article, sections, themes, datasets) is configuration (``briefing.yml``, read by
``config``), data (``data/``) and notebooks (``chapters/``), not code.

Layers, each importing only those below it:

0. ``paths``, ``values``: where files live; the plain values the data holds (dates, id lists) and a file's digest
1. ``config``: this briefing's own facts (``briefing.yml``: its article, sections, themes, datasets), checked on load
2. ``vocabulary``: every label, colour and version the book shows
3. ``article``, ``html``, ``pdf_book``, ``pdf_fonts``, ``search``, ``findings``: the source text (lines, kinds, paragraph ids); the book's findings as the page shows them; the HTML value and its Jinja2 templates; the PDF's pages and its font repair; the search index's words (English and Chinese)
4. ``datapackage``, ``figures``, ``glue``: load and validate every table under ``data/``; figures and colours at build time; a glued value (and a finding filled with them) read by name in every face
5. ``scoring``, ``charts``: the register's standards (dates, scoring, confidence from evidence, second reading, currency); the chart helper
6. ``rules``: the register's rules, one function each
7. ``claims``: the claims register, loaded and checked
8. ``render``, ``components``, ``analysis``, ``roles``, ``computation``, ``starter``: the page's tables and cards as a notebook stores them (name, data, Markdown); their HTML and JSON-LD, made at build time; the numbers and charts of each chapter; the claim and call roles; a notebook's static rendering; a new briefing's files and the chapter skeleton
9. ``validate``, ``cache``, ``environment``, ``sphinx_ext``, ``pdf``, ``scaffold``: entry points
"""

__version__ = "0.1.0"
