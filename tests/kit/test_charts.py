import re

import altair as alt
import pandas as pd
import pytest

from briefing import figures
from briefing.charts import figure
from briefing.vocabulary import FIGURE_METADATA, VEGA_LITE_MIME, VEGA_LITE_SCHEMA, VEGA_LITE_VERSION


def _chart():
    return alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_bar().encode(x="x:Q").properties(
        title=alt.Title("Finding", subtitle="What, in which unit"))


def page(fig) -> str:
    """The book's figure for a chart output, as the build makes it from the stored output."""
    data, meta = fig._repr_mimebundle_()
    return str(figures.figure_markup(data[VEGA_LITE_MIME], data["image/svg+xml"], meta[FIGURE_METADATA]))


def test_the_output_stores_the_chart_once_and_the_caption_as_metadata():
    data, meta = figure(_chart(), resources="trilateral_events", alt_text="Two bars.", claims=["c001"])\
        ._repr_mimebundle_()
    assert set(data) == {VEGA_LITE_MIME, "image/svg+xml", "text/plain"}  # no text/html: JupyterLab draws the spec
    assert data["image/svg+xml"].startswith('<svg role="img" aria-label="Two bars." style="max-width: 100%')
    assert meta[FIGURE_METADATA] == {
        "title": "Finding", "alt_text": "Two bars.", "source_note": meta[FIGURE_METADATA]["source_note"],
        "data": [{"href": "../data/trilateral_events.csv", "name": "trilateral_events.csv"}], "claims": ["c001"]}
    assert meta[FIGURE_METADATA]["source_note"].startswith("Source: ")
    assert not any("<" in str(v) for v in meta[FIGURE_METADATA].values()), "metadata holds text, not markup"


def test_figure_carries_source_note_download_and_alt_text():
    html = page(figure(_chart(), resources="trilateral_events", alt_text="Two <b>bars</b>.", claims=["c001"]))
    assert 'role="img"' in html and 'aria-label="Two &lt;b&gt;bars&lt;/b&gt;."' in html
    assert 'href="../data/trilateral_events.csv"' in html
    assert "Source: " in html and "analysis: this briefing" in html
    assert 'class="briefing-chart__download"' in html  # the data links: hidden in print (briefing.css)
    assert 'href="register.html#c001"' in html
    # The inline drawing is hidden from assistive technology (the figure's label speaks for it), Vega's ARIA gone.
    inline = re.search(r"<svg\b[^>]*>", html).group(0)
    assert 'aria-hidden="true"' in inline and "role=" not in inline and "aria-label" not in inline
    assert f'"$schema":"{VEGA_LITE_SCHEMA}"' in html  # the page's upgrade reads the spec under the bundle's schema


def test_figure_ids_are_deterministic_and_differ_between_specs():
    a1, a2 = page(figure(_chart(), resources="claims", alt_text="x")), page(figure(_chart(), resources="claims",
                                                                                  alt_text="x"))
    other = page(figure(_chart().properties(width=100), resources="claims", alt_text="x"))
    assert a1 == a2
    assert a1.split('id="')[1][:16] != other.split('id="')[1][:16]


def test_the_figure_markup_is_the_template(monkeypatch, tmp_path):
    """The look of a figure is the template's, made at build time: change the template and the page changes, with
    the stored output untouched."""
    from briefing import html as h

    fig = figure(_chart(), resources="claims", alt_text="x")
    before = page(fig)
    source = (h.COMPONENTS / figures.FIGURE_TEMPLATE).read_text(encoding="utf-8")
    (tmp_path / figures.FIGURE_TEMPLATE).write_text(source.replace("briefing-chart\"", "briefing-chart new\""))
    for name in ("macros.html",):
        (tmp_path / name).write_text((h.COMPONENTS / name).read_text(encoding="utf-8"))
    monkeypatch.setattr(h, "COMPONENTS", tmp_path)
    h.environment.cache_clear()
    try:
        assert page(fig) == before.replace('class="briefing-chart"', 'class="briefing-chart new"', 1)
    finally:
        monkeypatch.undo()
        h.environment.cache_clear()




def test_the_page_css_holds_every_vocabulary_colour():
    css = figures.vocabulary_css()
    assert "--briefing-verdict-partly-supported: #C98B00;" in css
    assert "--briefing-verdict-contradicted-tint: #ecc5ca;" in css  # 25% of the colour on white
    assert figures.tint("#000000", 0.25) == "#bfbfbf" and figures.tint("#ffffff") == "#ffffff"


def test_figure_refuses_missing_title_or_alt():
    bare = alt.Chart(pd.DataFrame({"x": [1]})).mark_bar().encode(x="x:Q")
    with pytest.raises(ValueError, match="title"):
        figure(bare, resources="claims", alt_text="x")
    with pytest.raises(ValueError, match="alt"):
        figure(_chart(), resources="claims", alt_text=" ")


def test_bundle_matches_altair_vega_lite():
    assert alt.SCHEMA_VERSION.lstrip("v").startswith(VEGA_LITE_VERSION)
    assert VEGA_LITE_SCHEMA == alt.SCHEMA_URL


def test_the_source_note_is_one_dated_line_counting_the_sources():
    """Issue 25: one line, "Source: 30 reports, 2023–2025, listed on Sources; …", counted from the rows' sources
    and dated by the years they were published; the full list stays on Sources and in the CSV."""
    from briefing.charts import note_for, source_note
    from briefing.datapackage import load, package

    sources = load("sources").set_index("id")
    ids = package().sources_of("trilateral_events")
    years = sorted(str(v)[:4] for v in sources.loc[ids, "published"].dropna())
    note = source_note(["trilateral_events"])
    assert note == f"Source: {len(ids)} reports, {years[0]}–{years[-1]}, listed on Sources; analysis: this briefing."
    assert "\n" not in note and len(note) < 100
    # The claims register cites its sources through claim_sources: its note counts those, dated too.
    claims = source_note(["claims"])
    assert claims != "Source: this briefing." and re.match(r"Source: \d+ reports, \d{4}–\d{4},", claims), claims
    assert note_for([ids[0]]).startswith(f"Source: 1 report, {str(sources.at[ids[0], 'published'])[:4]},")


def test_hostile_text_in_a_figure_stays_text():
    hostile = '<script>window.__pwned=1</script>"><img src=x onerror=alert(1)>'
    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_bar().encode(x="x:Q").properties(
        title=alt.Title(hostile, subtitle="What, in which unit"))
    fig = figure(chart, resources="claims", alt_text=hostile, note=hostile, claims=[hostile])
    html = page(fig)
    assert "<script>window" not in html and "<img" not in html
    assert "<script>window" not in fig._repr_mimebundle_()[0]["image/svg+xml"].split(">", 1)[0]


def test_long_titles_wrap_to_the_chart_width():
    """A title longer than the chart is wide is drawn on several lines, not past the chart (or shrunk in print)."""
    import altair as alt
    import pandas as pd

    from briefing.charts import TITLE_PX_PER_CHAR, _spec

    long = "A finding stated at length " * 6
    chart = alt.Chart(pd.DataFrame({"x": [1]}), width=400,
                      title=alt.Title(long, subtitle="short")).mark_point().encode(x="x")
    title = _spec(chart)["title"]
    assert isinstance(title["text"], list) and len(title["text"]) > 1
    assert all(len(line) <= 400 / TITLE_PX_PER_CHAR for line in title["text"])
    assert " ".join(title["text"]) == " ".join(long.split()) and title["subtitle"] == "short"


def test_the_figure_is_drawn_wide_and_narrow_for_phones():
    """Issue 25: the page carries a second drawing, NARROW_WIDTH px in all, that a phone shows at its own size, and
    the overrides the page's script applies to the spec when that drawing shows."""
    from briefing.vocabulary import NARROW_WIDTH

    chart = _chart().properties(width=560, title=alt.Title("A finding long enough to wrap on a phone's narrow "
                                                            "chart but not on the wide one", subtitle="What"))
    html = page(figure(chart, resources="claims", alt_text="x"))
    wide, narrow = re.findall(r'<div class="briefing-chart__(wide|narrow)">', html), re.findall(r"<svg\b[^>]*>", html)
    assert wide == ["wide", "narrow"] and len(narrow) == 2
    width = float(re.search(r'width="([\d.]+)"', narrow[1]).group(1))
    assert width <= NARROW_WIDTH, f"the narrow drawing is {width} px wide"
    over = figures.narrow_overrides(figure(chart, resources="claims", alt_text="x").spec)
    assert over["width"] == NARROW_WIDTH and isinstance(over["title"]["text"], list)
