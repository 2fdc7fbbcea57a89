"""Chart titles checked against their own data.

A title states the chart's finding. Every number in it must follow from the data the chart itself draws (the
inline datasets of its stored Vega-Lite spec): a value, a count or a sum of rows (in all, by one or two fields,
or before/after a date the chart marks; for sums by one field, two groups together or all groups but one), a
number of distinct values, a year, a span in days between two dates of the chart, a difference of two counts,
or (with a per cent sign) a percentage of two of these. A title that no longer matches its
data (the data changed, the title did not) fails here, in any notebook, with the chart and the number named.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from briefing.paths import ROOT
from briefing.vocabulary import VEGA_LITE_MIME

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
NUMBER = re.compile(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)(%?)")


def figures(path: Path) -> list[dict]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [o["data"][VEGA_LITE_MIME] for c in nb["cells"] for o in c.get("outputs", [])
            if VEGA_LITE_MIME in o.get("data", {})]


def title_of(spec: dict) -> str:
    title = spec.get("title", "")
    text = title.get("text", "") if isinstance(title, dict) else title
    return " ".join(text) if isinstance(text, list) else text  # a wrapped title is a list of lines


def _dates(frame: pd.DataFrame) -> dict[str, pd.Series]:
    out = {}
    for field in frame.columns:
        if frame[field].dtype == object and frame[field].astype(str).str.match(r"^\d{4}-\d{2}(-\d{2})?").all():
            out[field] = pd.to_datetime(frame[field].astype(str).str[:10], format="mixed")
    return out


def derivable(spec: dict) -> tuple[set[float], set[float]]:
    """The numbers a title may state about this chart's data, and the percentages (see the module docstring)."""
    frames = [pd.DataFrame(rows) for rows in spec.get("datasets", {}).values() if rows]
    values: set[float] = set()
    counts: set[float] = set()
    all_dates: list[pd.Timestamp] = []
    for frame in frames:
        all_dates += [d for series in _dates(frame).values() for d in series]
    marks = sorted({d for d in all_dates})
    for frame in frames:
        counts.add(len(frame))
        numeric = [f for f in frame.columns if pd.api.types.is_numeric_dtype(frame[f]) and frame[f].dtype != bool]
        labels = [f for f in frame.columns if f not in numeric]
        for f in numeric:
            values.update(frame[f].dropna().astype(float))
            values.add(float(frame[f].sum()))
        for f in labels:
            counts.add(frame[f].astype(str).nunique())
            years = frame[f].astype(str).str.extract(r"^(\d{4})\b")[0].dropna()
            values.update(years.astype(float))
        dates = _dates(frame)
        for f, series in dates.items():
            values.update(series.dt.year.astype(float))
        subsets = [frame]
        for series in dates.values():
            for mark in marks:
                for edge in (mark, mark.replace(day=1), (mark + pd.offsets.MonthBegin(1))):
                    subsets += [frame[series > edge], frame[series >= edge], frame[series < edge]]
        for sub in subsets:
            counts.add(len(sub))
            for n in (1, 2):
                for keys in itertools.combinations([f for f in labels if f not in dates], n):
                    grouped = sub.astype({k: str for k in keys}).groupby(list(keys))
                    counts.update(grouped.size().astype(float))
                    for f in numeric:
                        sums = list(grouped[f].sum().astype(float))
                        values.update(sums)
                        if n == 1:  # two groups together, or all but one ("27 are wrong", "42 checkable")
                            values.update(a + b for a, b in itertools.combinations(sums, 2))
                            values.update(sum(sums) - a for a in sums)
    for a, b in itertools.combinations(sorted(set(all_dates)), 2):
        values.add(float(abs((b - a).days)))
    counts_list = sorted(counts)
    values |= counts | {abs(a - b) for a, b in itertools.combinations(counts_list, 2)}
    base = sorted(values)
    shares = {float(round(100 * a / b)) for a in base for b in base if b and 0 <= a <= b}
    return values, shares


def unsupported_numbers(spec: dict) -> list[str]:
    known, shares = derivable(spec)
    missing = []
    for text, percent in NUMBER.findall(title_of(spec)):
        value = float(text.replace(",", ""))
        if percent:
            if float(round(value)) not in shares:
                missing.append(text + percent)
            continue
        if not any(abs(value - k) < 1e-9 or round(k, 2) == value or round(k / 1000, 2) == value for k in known):
            missing.append(text + percent)
    return missing


CHARTS = [(p, i, spec) for p in NOTEBOOKS for i, spec in enumerate(figures(p))]


def test_there_are_charts_to_check():
    assert len(CHARTS) >= 10


@pytest.mark.parametrize("path,index,spec", CHARTS, ids=[f"{p.stem}-{i}" for p, i, _ in CHARTS])
def test_every_number_in_a_chart_title_follows_from_its_data(path, index, spec):
    assert unsupported_numbers(spec) == [], f"{path.name}, chart {index + 1}: '{title_of(spec)}'"


# The check, shown to fail when a title and its data disagree.
def _spec(title, rows, marks=()):
    datasets = {"data-1": rows}
    if marks:
        datasets["data-2"] = [{"label": "m", "when": m} for m in marks]
    return {"title": {"text": title}, "datasets": datasets}


EVENTS = [{"lane": "a", "when": "2025-01-05"}, {"lane": "a", "when": "2025-03-01"}, {"lane": "b", "when": "2025-04-01"}]


def test_a_count_after_a_marked_date_is_derivable():
    assert unsupported_numbers(_spec("2 events came after the talks", EVENTS, ["2025-02-18"])) == []
    assert unsupported_numbers(_spec("1 a-event came after the talks", EVENTS, ["2025-02-18"])) == []


def test_a_title_that_outgrew_its_data_fails():
    assert unsupported_numbers(_spec("7 events came after the talks", EVENTS, ["2025-02-18"])) == ["7"]


def test_a_wrong_share_fails():
    rows = [{"year": 2019, "total": 2790.0}, {"year": 2025, "total": 2730.0}]
    assert unsupported_numbers(_spec("Trade in 2025 was back to 98% of its 2019 level", rows)) == []
    assert unsupported_numbers(_spec("Trade in 2025 was back to 91% of its 2019 level", rows)) == ["91%"]


def test_a_span_in_days_between_two_marks():
    marks = ["2025-02-15", "2025-02-18"]
    assert unsupported_numbers(_spec("Met 3 days before", EVENTS, marks)) == []
    assert unsupported_numbers(_spec("Met 9 days before", EVENTS, marks)) == ["9"]
