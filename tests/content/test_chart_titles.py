"""Chart titles checked against their own data.

A title states the chart's finding. Every number in it must follow from the data the chart itself draws (the
inline datasets of its stored Vega-Lite spec): a value, a count or a sum of rows (in all, by one or two fields,
or before/after a date the chart marks; for sums by one field, two groups together or all groups but one), a
number of distinct values, a year, a span in days between two dates the chart marks, or (with a per cent sign) a
percentage of two values of one field or of two counts or sums of one table. The dates a chart marks are those of
its annotation tables (a `label` field) and of rows it labels (`labelled`); an annotation table's own numbers
place its labels and count for nothing. A title that no longer matches its
data (the data changed, the title did not) fails here, in any notebook, with the chart and the number named.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

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


DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?")


def _fields(rows: list[dict]) -> tuple[list[str], dict[str, list], list[str]]:
    """A table's numeric fields, its date fields (parsed) and its other fields (labels)."""
    names = list(dict.fromkeys(k for row in rows for k in row))
    numeric, dates, labels = [], {}, []
    for f in names:
        cells = [row.get(f) for row in rows]
        present = [c for c in cells if c is not None]
        if present and all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in present):
            numeric.append(f)
        elif all(isinstance(c, str) and DATE.match(c) for c in cells):
            dates[f] = [date.fromisoformat(c[:10] if len(c) >= 10 else c[:7] + "-01") for c in cells]
        else:
            labels.append(f)
    return numeric, dates, labels


def _shares(base) -> set[float]:
    base = sorted(set(base))
    return {float(round(100 * a / b)) for a in base for b in base if b and 0 <= a <= b}


def derivable(spec: dict) -> tuple[set[float], set[float]]:
    tables = [(rows, *_fields(rows)) for rows in spec.get("datasets", {}).values() if rows]
    marked = set()
    for rows, _, dates, labels in tables:
        annotation = "label" in labels  # the chart's own marks and labels
        for series in dates.values():
            marked.update(d for d, row in zip(series, rows) if annotation or row.get("labelled") is True)
    marks = sorted(marked)
    values, shares = set(), set()
    for rows, numeric, dates, labels in tables:
        if "label" in labels:
            numeric = []  # an annotation table's numbers place its labels
        local = {float(len(rows))}
        for f in numeric:
            raw = [float(row[f]) for row in rows if row.get(f) is not None]
            values.update(raw)
            shares |= _shares(raw)
        for f in labels:
            cells = [str(row.get(f)) for row in rows]
            local.add(float(len(set(cells))))
            values.update(float(m.group(1)) for c in cells if (m := re.match(r"^(\d{4})\b", c)))
        for series in dates.values():
            values.update(float(d.year) for d in series)
        keys2 = [f for f in labels if len({str(row.get(f)) for row in rows}) < len(rows)]  # an id groups nothing
        cuts = {tuple(i for i, d in enumerate(series) if keep(d, m))
                for series in dates.values() for m in marks
                for keep in (lambda d, m: d > m, lambda d, m: d >= m, lambda d, m: d < m)}
        for cut in [tuple(range(len(rows)))] + sorted(cuts):
            sub = [rows[i] for i in cut]
            local.add(float(len(sub)))
            for n in (1, 2):
                for keys in itertools.combinations(labels if n == 1 else keys2, n):
                    size, sums = defaultdict(int), defaultdict(lambda: defaultdict(float))
                    for row in sub:
                        group = tuple(str(row.get(k)) for k in keys)
                        size[group] += 1
                        for f in numeric:
                            sums[f][group] += float(row.get(f) or 0)
                    local.update(float(s) for s in size.values())
                    for f in numeric:
                        totals = list(sums[f].values())
                        local.update(totals)
                        local.add(sum(totals))
                        if n == 1:  # two groups together, or all but one ("27 are wrong", "42 checkable")
                            local.update(a + b for a, b in itertools.combinations(totals, 2))
                            local.update(sum(totals) - a for a in totals)
        values |= local
        shares |= _shares(local)
    values.update(float(abs((b - a).days)) for a, b in itertools.combinations(marks, 2))
    return values, shares


def unsupported_numbers(spec: dict) -> list[str]:
    numbers = NUMBER.findall(title_of(spec))
    if not numbers:
        return []
    known, shares = derivable(spec)
    missing = []
    for text, percent in numbers:
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


def test_a_span_between_two_unmarked_rows_fails():
    """55 days lie between two events the chart neither marks nor labels: no finding."""
    assert unsupported_numbers(_spec("Met 55 days apart", EVENTS, ["2025-02-18"])) == ["55"]


def test_the_numbers_that_place_a_label_are_no_finding():
    marks = _spec("Drawn 240 pixels up", EVENTS)
    marks["datasets"]["data-2"] = [{"label": "Riyadh", "when": "2025-02-18", "bottom": 240}]
    assert unsupported_numbers(marks) == ["240"]
