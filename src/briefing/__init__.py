"""Briefing book on a Chinese commentary about the US–Russia thaw and North Korea (early 2025).

Layers, each importing only those below it:

0. ``paths``, ``vocabulary``: where files live; every label, colour and version the book shows
1. ``article``, ``html``, ``pdf_book``, ``pdf_fonts``: the source text (lines, kinds, paragraph ids); the HTML value and its Jinja2 templates; the PDF's pages and its font repair
2. ``datapackage``, ``figures``: load and validate every table under ``data/``; figures and colours at build time
3. ``scoring``, ``charts``: the register's standards (dates, scoring, confidence from evidence, second reading, currency); the chart helper
4. ``rules``: the register's rules, one function each
5. ``claims``: the claims register, loaded and checked
6. ``render``, ``analysis``, ``roles``, ``computation``: HTML for the page (tables, verdict boxes, JSON-LD); the numbers and charts of each chapter; the claim and call roles; a notebook's static rendering
7. ``validate``, ``cache``, ``environment``, ``sphinx_ext``, ``pdf``: entry points
"""

__version__ = "0.1.0"
