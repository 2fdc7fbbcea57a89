"""The notebook's prose in the real client: JupyterLab (.venv-lab) renders MyST in Markdown cells through
jupyterlab-myst, so cross-references, admonitions and glued values do not show as raw roles."""

from __future__ import annotations

import re

import pytest

from test_jupyterlab import REPO, browser, lab  # noqa: F401  (fixtures)

pytestmark = pytest.mark.lab

RAW_ROLE = re.compile(r"\{[a-z]+(?::[a-z]+)?\}`")

TEXT_JS = """() => [...document.querySelectorAll(
  '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell .jp-RenderedMarkdown, '
  + '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell .myst')].map(e => e.innerText)"""


def markdown_text(browser, lab, name):  # noqa: F811
    """The rendered text of every Markdown cell of a notebook opened in the lab (after its renderers settle)."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    try:
        page.goto(f"{lab['base']}/lab/workspaces/prose-{name.split('.')[0]}/tree/{name}?reset&token={lab['token']}",
                  wait_until="load")
        page.wait_for_selector(".jp-NotebookPanel .jp-MarkdownCell", timeout=60_000, state="attached")
        page.wait_for_timeout(2000)
        return page.evaluate(TEXT_JS)
    finally:
        ctx.close()


WITH_ROLES = sorted(p.name for p in (REPO / "chapters").glob("*.ipynb") if RAW_ROLE.search(p.read_text("utf-8")))


def raw_roles(texts: list[str]) -> list[str]:
    return [m.group(0) for t in texts for m in RAW_ROLE.finditer(t)]


def test_the_check_sees_raw_roles():
    assert raw_roles(["Of {glue:text}`n` facts, see {doc}`methods`"]) == ["{glue:text}`", "{doc}`"]


@pytest.mark.parametrize("name", WITH_ROLES)
def test_notebook_prose_renders_its_myst_roles_in_jupyterlab(browser, lab, name):  # noqa: F811
    texts = markdown_text(browser, lab, name)
    assert texts, f"{name}: no rendered Markdown cell"
    assert raw_roles(texts) == [], f"{name}: MyST roles shown raw in JupyterLab"
