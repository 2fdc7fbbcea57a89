"""Briefing book on a Chinese commentary about the US–Russia thaw and North Korea (early 2025).

Layers, each importing only those below it:

1. ``article``      the source text: lines, their kinds, stable paragraph ids
2. ``datapackage``  load and validate every table under ``data/``
3. ``claims`` and ``charts``  the claims register; the chart helper
4. ``render``       HTML for the page: tables, verdict boxes, JSON-LD
5. ``sphinx_ext``, ``validate``  entry points
"""

__version__ = "0.1.0"
