"""The kit works on whichever briefing ``config.use`` names, including one that lacks the book's optional tables:
the PDF's folders follow the switch, and a briefing without ``findings.csv`` has no findings (a page citing one is
told the id is unknown, not that a file is missing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing import config, glue, paths, pdf
from briefing.findings import known_findings

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "second_briefing"


def test_the_pdf_folders_follow_the_briefing_in_use():
    ours = pdf.HTML_ROOT
    assert ours == paths.root() / "_build" / "html"
    with config.use(FIXTURE):
        assert pdf.HTML_ROOT == FIXTURE.resolve() / "_build" / "html"
        assert pdf.OUT_DIR == FIXTURE.resolve() / "_build" / "pdf"
        assert pdf.book().title != pdf.book(paths.REPOSITORY).title
    assert pdf.HTML_ROOT == ours


def test_a_briefing_without_findings_has_none_and_names_the_unknown_id():
    assert not (FIXTURE / "data" / "findings.csv").exists()  # the second briefing keeps no findings table
    with config.use(FIXTURE):
        assert known_findings() == {}
        with pytest.raises(glue.GlueError, match="no finding f99"):
            glue.finding_bundle("f99", {})
    assert known_findings()  # this book's findings are back
