"""Layer 4: the numbers and charts each chapter shows, built from the data package and the register.

Notebooks call these functions and display what they return; the logic lives here, where pytest covers it.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .article import KINDS

SECTION_LABELS = {
    "opening": "Opening",
    "us_russia_thaw": "US–Russia thaw",
    "us_japan_rok_pressure": "US–Japan–ROK pressure",
    "eleven_nation_meeting": "The 11-nation meeting",
    "china_ties": "China ties",
    "framing": "Framing",
    "sources": "Cited sources",
    "artifacts": "Trailing artifacts",
}
KIND_LABELS = {
    "body": "Body text",
    "heading": "Heading",
    "image_caption": "Image caption (artifact)",
    "ad_artifact": "Ad line (artifact)",
    "source_list_heading": "Source list heading",
    "cited_source": "Cited source",
}
KIND_COLOURS = ["#3B5B92", "#111111", "#B8B8B8", "#E0E0E0", "#7F7F7F", "#9C6ADE"]


def line_counts(paragraphs: pd.DataFrame) -> dict[str, int]:
    """How many lines of each kind (every kind present, zero if absent)."""
    counts = paragraphs["kind"].value_counts()
    return {k: int(counts.get(k, 0)) for k in KINDS}


def lines_by_kind_chart(paragraphs: pd.DataFrame) -> alt.Chart:
    df = paragraphs.assign(
        part=paragraphs["heading_section"].map(SECTION_LABELS),
        kind_label=paragraphs["kind"].map(KIND_LABELS),
    )
    data = df.groupby(["part", "kind_label"], as_index=False).size().rename(columns={"size": "lines"})
    order = [SECTION_LABELS[s] for s in SECTION_LABELS if SECTION_LABELS[s] in set(data["part"])]
    longest = data.groupby("part")["lines"].sum().idxmax()
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("part:N", sort=order, title=None),
            x=alt.X("lines:Q", title="Lines"),
            color=alt.Color("kind_label:N", title="Kind of line",
                            scale=alt.Scale(domain=list(KIND_LABELS.values()), range=KIND_COLOURS)),
            tooltip=["part:N", "kind_label:N", "lines:Q"],
        )
        .properties(
            title=alt.Title(f"{longest} is the article's longest part",
                            subtitle="Non-empty lines of the article by part and kind; count of lines"),
            width=560,
        )
    )
