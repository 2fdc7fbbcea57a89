"""Layer 8: the numbers and charts each chapter shows, built from the data package and the register.

Notebooks call these functions and display what they return; the logic lives here, where pytest covers it.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import config, vocabulary
from .article import KINDS
from .charts import actor_scale, colour_scale, label_layout, label_y, narrow_usermeta
from .datapackage import package
from .scoring import majority_verdict
from .values import first_day, id_list
from .vocabulary import (CHART_COLOURS, CONFIDENCE_LEVELS, KIND_COLOURS, KIND_LABELS, LABEL_PX_PER_CHAR, NARROW_WIDTH,
                         MARK_COLOUR, OTHER_COLOUR, OUTCOME_COLOURS, OUTCOME_LABELS, VERDICT_COLOURS, VERDICT_LABELS,
                         VOTE_COLOURS, VOTE_LABELS)


def line_counts(paragraphs: pd.DataFrame) -> dict[str, int]:
    """How many lines of each kind (every kind present, zero if absent)."""
    counts = paragraphs["kind"].value_counts()
    return {k: int(counts.get(k, 0)) for k in KINDS}


def lines_by_part(paragraphs: pd.DataFrame) -> pd.Series:
    """Non-empty lines per part of the article, longest first."""
    return paragraphs["heading_section"].map(vocabulary.of().SECTION_LABELS).value_counts()


def lines_by_kind_chart(paragraphs: pd.DataFrame, *, title: str, subtitle: str) -> alt.Chart:
    SECTION_LABELS = vocabulary.of().SECTION_LABELS
    df = paragraphs.assign(
        part=paragraphs["heading_section"].map(SECTION_LABELS),
        kind_label=paragraphs["kind"].map(KIND_LABELS),
    )
    data = df.groupby(["part", "kind_label"], as_index=False).size().rename(columns={"size": "lines"})
    order = [SECTION_LABELS[s] for s in SECTION_LABELS if SECTION_LABELS[s] in set(data["part"])]
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("part:N", sort=order, title=None),
            x=alt.X("lines:Q", title="Lines"),
            color=alt.Color("kind_label:N", title="Kind of line",
                            scale=alt.Scale(domain=list(KIND_LABELS.values()),
                                              range=[KIND_COLOURS[k] for k in KIND_LABELS])),
            tooltip=["part:N", "kind_label:N", "lines:Q"],
        )
        .properties(
            title=alt.Title(title, subtitle=subtitle),
            width=560,
        )
    )


# -- shared chart builders ----------------------------------------------------------------------------------------

# When the article was written (``briefing.yml``: ``article.date``), for the marks on charts and in prose. The
# article's key dates (``article.key_dates``) read as upper-case names of this module: a key date ``talks`` is
# ``analysis.TALKS``. Both are the current briefing's (``config.current()``), read when asked.


def __getattr__(name: str):
    """When the article was written (``ARTICLE_DATE``); a key date of the article (``briefing.yml``:
    ``article.key_dates``) by its upper-case name; and the briefing's own labels and colours by their vocabulary
    names (``an.SECTION_LABELS``, ``an.CATEGORY_LABELS``)."""
    b = config.current() if name.isupper() else None
    if name == "ARTICLE_DATE":
        return b.article_date
    if b is not None and name.lower() in b.key_dates:
        return b.key_dates[name.lower()]
    if b is not None and hasattr(vocabulary.of(b), name):  # SECTION_LABELS, ACTOR_COLOURS, CATEGORY_LABELS, …
        return getattr(vocabulary.of(b), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def month_start(value: str) -> pd.Timestamp:
    """'2025-02-18' or '2025-02' as a timestamp (a month-only date sits at the 1st)."""
    return pd.Timestamp(first_day(value))


def verdict_counts(claims: pd.DataFrame, by: str = "section") -> pd.DataFrame:
    df = claims.groupby([by, "verdict"], observed=True).size().reset_index(name="claims")
    df["verdict_label"] = df["verdict"].map(VERDICT_LABELS)
    return df


def verdicts_chart(claims: pd.DataFrame, title: str, subtitle: str) -> alt.Chart:
    """Claims by section and verdict, stacked; sections in the article's order."""
    df = verdict_counts(claims)
    SECTION_LABELS = vocabulary.of().SECTION_LABELS
    df["section_label"] = df["section"].map(SECTION_LABELS)
    order = [SECTION_LABELS[s] for s in SECTION_LABELS if s in set(df["section"])]
    return (
        alt.Chart(df).mark_bar()
        .encode(
            y=alt.Y("section_label:N", sort=order, title=None),
            x=alt.X("claims:Q", title="Claims"),
            color=alt.Color("verdict_label:N", title="Verdict",
                            scale=colour_scale({VERDICT_LABELS[k]: v for k, v in VERDICT_COLOURS.items()})),
            tooltip=["section_label:N", "verdict_label:N", "claims:Q"],
        )
        .properties(title=alt.Title(title, subtitle=subtitle), width=520)
    )


def fact_verdicts_chart(claims: pd.DataFrame, *, title: str, subtitle: str) -> alt.Chart:
    """The facts of one chapter (or the book) by verdict."""
    facts = claims[claims["claim_type"] == "fact"]
    df = facts.groupby("verdict").size().reset_index(name="facts")
    df["verdict_label"] = df["verdict"].map(VERDICT_LABELS)
    order = [VERDICT_LABELS[v] for v in VERDICT_COLOURS if v in set(df["verdict"])]
    return (
        alt.Chart(df).mark_bar()
        .encode(
            x=alt.X("facts:Q", title="Factual claims", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("verdict_label:N", sort=order, title=None),
            color=alt.Color("verdict_label:N", legend=None,
                            scale=colour_scale({VERDICT_LABELS[k]: v for k, v in VERDICT_COLOURS.items()})),
            tooltip=["verdict_label:N", "facts:Q"],
        )
        .properties(title=alt.Title(title, subtitle=subtitle), width=480, height=30 * max(len(df), 2))
    )


def outcomes_chart(claims: pd.DataFrame, *, title: str, subtitle: str) -> alt.Chart:
    """Forecasts and questions by outcome, one bar per claim type."""
    scored = claims[claims["outcome"].notna()]
    df = scored.groupby(["claim_type", "outcome"]).size().reset_index(name="claims")
    df["outcome_label"] = df["outcome"].map(OUTCOME_LABELS)
    return (
        alt.Chart(df).mark_bar()
        .encode(
            y=alt.Y("claim_type:N", title=None, sort=["forecast", "question"]),
            x=alt.X("claims:Q", title="Forecasts and questions"),
            color=alt.Color("outcome_label:N", title="Outcome",
                            scale=colour_scale({OUTCOME_LABELS[k]: v for k, v in OUTCOME_COLOURS.items()})),
            tooltip=["claim_type:N", "outcome_label:N", "claims:Q"],
        )
        .properties(title=alt.Title(title, subtitle=subtitle), width=520)
    )


def timeline_chart(events: pd.DataFrame, *, lane: str, lane_labels: dict[str, str], colours: dict[str, str],
                   title: str, subtitle: str, marks: dict[str, str] | None = None,
                   text: str = "event", labels: dict[str, str] | None = None, width: float = 600,
                   domain: tuple[str, str] | None = None, axis_format: str = "%b %Y") -> alt.Chart:
    """Dated events as points on lanes, with dashed rules for dates the article relies on (``marks``: date ->
    label) and the decisive events labelled directly (``labels``: event id -> short label), each on a thin line
    down through the lanes to its dot. Labels sit in rows above the plot, laid out (:func:`charts.label_layout`)
    for the narrow rendering, so that no two overlap at any width. ``domain`` (first, last date) bounds the axis;
    by default the events' and marks' own dates."""
    labels = labels or {}
    marks = marks or {}
    df = events.assign(when=events["date"].map(month_start), lane_label=events[lane].map(lane_labels))
    key = "id" if "id" in df else lane
    df = df[["when", "lane_label", text, key]].rename(columns={text: "what"})
    lanes = [k for k in lane_labels if k in set(events[lane])]
    domain_labels = [lane_labels[k] for k in lanes]
    unknown = sorted(set(labels) - set(df[key]))
    if unknown:
        raise KeyError(f"timeline_chart: labels name events that are not plotted: {', '.join(unknown)}")
    when = list(df["when"]) + [pd.Timestamp(d) for d in marks]
    first, last = (pd.Timestamp(d) for d in domain) if domain else (min(when), max(when))
    span_days = max((last - first).days, 1)
    pad = pd.Timedelta(days=max(1, round(span_days * 0.02)))
    x0, x1 = first - pad, last + pad
    height = 40 + 40 * len(lanes)
    # The narrow rendering's plot width: what the phone's chart leaves beside the lanes' names.
    lane_px = max((len(lab) for lab in domain_labels), default=0) * LABEL_PX_PER_CHAR * 0.9
    narrow = max(120.0, NARROW_WIDTH - lane_px - 30)

    # Direct labels: reference dates (marks) and decisive events, laid out together.
    rows = [{"when": pd.Timestamp(d), "label": lab, "kind": "mark"} for d, lab in marks.items()]
    picked = df[df[key].isin(list(labels))]
    rows += [{"when": r["when"], "label": labels[r[key]], "kind": "event"} for _, r in picked.iterrows()]
    lab = pd.DataFrame(rows, columns=["when", "label", "kind"])
    total = (x1 - x0).total_seconds()
    positions = [(w - x0).total_seconds() / total * narrow for w in lab["when"]]
    layout = label_layout(positions, list(lab["label"]), narrow)
    lab["label_y"] = [label_y(r) for r, _ in layout]
    lab["align"] = [a for _, a in layout]
    lab["bottom"] = height

    x = alt.X("when:T", title=None, scale=alt.Scale(domain=[x0.isoformat(), x1.isoformat()], nice=False),
              axis=alt.Axis(format=axis_format, labelAngle=0, tickCount=6, labelOverlap="greedy",
                            labelFlush=True))
    py = alt.Y("label_y:Q", scale=None, axis=None)
    picked_ids = set(labels)
    df["labelled"] = df[key].isin(picked_ids)
    points = (
        alt.Chart(df).mark_circle(size=90)
        .encode(
            x=x,
            y=alt.Y("lane_label:N", title=None, sort=domain_labels),
            color=alt.Color("lane_label:N", legend=None,
                            scale=alt.Scale(domain=domain_labels, range=[colours[k] for k in lanes])),
            opacity=alt.condition("datum.labelled", alt.value(1.0), alt.value(0.55)),
            tooltip=[alt.Tooltip("when:T", title="Date", format="%d %b %Y"), "lane_label:N", "what:N"],
        )
    )
    base = alt.Chart(lab)
    ann = CHART_COLOURS["annotation"]
    leaders = base.mark_rule(strokeWidth=0.6, color=ann, opacity=0.6).encode(
        x=x, y=py, y2=alt.Y2("bottom:Q")).transform_filter("datum.kind == 'event'")
    rules = base.mark_rule(strokeDash=[4, 3], color=ann).encode(
        x=x, y=py, y2=alt.Y2("bottom:Q")).transform_filter("datum.kind == 'mark'")
    texts = [base.mark_text(align=a, dx=3 if a == "left" else -3, baseline="bottom", color=ann)
             .encode(x=x, y=py, text="label:N").transform_filter(f"datum.align == '{a}'")
             for a in ("left", "right")]
    chart = alt.layer(points, rules, leaders, *texts).resolve_scale(y="independent").properties(
        title=alt.Title(title, subtitle=subtitle), width=width, height=height)
    return chart.properties(usermeta=narrow_usermeta(narrow))


def claims_behind(claim_sources: pd.DataFrame, source_id) -> list[str]:
    """The claims whose evidence cites any of a data row's sources (``source_id``: ids separated by ``;``), in id
    order: what that row bears on in the register."""
    ids = set(id_list(source_id))
    return sorted(set(claim_sources.loc[claim_sources["source_id"].isin(ids), "claim_id"]))


def rows_from(tables: dict[str, pd.DataFrame], picks: dict[str, tuple[str, str, str]]) -> pd.DataFrame:
    """Rows picked from several dated tables into one: ``picks`` maps a row id to (its table's name in ``tables``,
    a lane, a short label). Columns: ``id``, ``date``, ``event``, ``source_id``, ``table``, ``lane``, ``label``."""
    out = []
    for rid, (name, lane, label) in picks.items():
        row = tables[name].set_index("id").loc[rid]
        out.append({"id": rid, "date": row["date"], "event": row["event"], "source_id": row["source_id"],
                    "table": name, "lane": lane, "label": label})
    return pd.DataFrame(out).sort_values(["date", "id"]).reset_index(drop=True)


def half_year_of(value) -> str:
    """'2025 H1' for any date in January–June 2025 (a string as in the data, or a timestamp)."""
    when = month_start(value) if isinstance(value, str) else pd.Timestamp(value)
    return f"{when.year} H{1 if when.month <= 6 else 2}"


def per_half_year(events: pd.DataFrame, kind_field: str | None = None, kind: str | None = None) -> pd.DataFrame:
    """Count events per half-year (H1/H2), zero-filled between the first and last half-year."""
    df = events if kind is None else events[events[kind_field] == kind]
    counts = df["date"].map(half_year_of).value_counts()
    all_when = events["date"].map(month_start)
    first, last = all_when.min(), all_when.max()
    periods, y, h = [], first.year, 1 if first.month <= 6 else 2
    while (y, h) <= (last.year, 1 if last.month <= 6 else 2):
        periods.append(f"{y} H{h}")
        y, h = (y, 2) if h == 1 else (y + 1, 1)
    return pd.DataFrame({"half_year": periods, "events": [int(counts.get(p, 0)) for p in periods]})


# -- chapter helpers ----------------------------------------------------------------------------------------------
def section_stats(claims: pd.DataFrame) -> dict[str, str]:
    """Counts for prose: claims, facts, and facts by verdict (as text, ready for glue)."""
    facts = claims[claims["claim_type"] == "fact"]
    out = {"claims": len(claims), "facts": len(facts)}
    for v in ("supported", "partly_supported", "contradicted", "unverified"):
        out[v] = int((facts["verdict"] == v).sum())
    out["flawed"] = out["partly_supported"] + out["contradicted"]
    return {k: f"{v:,}" for k, v in out.items()}


def confidence_ceiling(confidence: pd.Series, ids) -> str | None:
    """The confidence a bottom line states when it rests on the claims and calls ``ids``: that of its weakest
    load-bearing one, the lowest in ``confidence`` (every claim's and call's confidence by id: ``Register.confidence``
    for claims, where a fact's follows from its evidence, and ``briefing_calls`` for calls). None when ``ids`` cites
    nothing that records one. An unknown id is an error."""
    ids = list(dict.fromkeys(ids))
    missing = [i for i in ids if i not in confidence.index]
    if missing:
        raise KeyError(f"no confidence recorded for {', '.join(missing)}")
    if not ids:
        return None
    return min((confidence[i] for i in ids), key=CONFIDENCE_LEVELS.index)


# Fact verdicts from the harshest to the mildest on the article (unverified stands apart: nothing adequate found).
VERDICT_SEVERITY = ("contradicted", "partly_supported", "supported")


def second_reading_agreement(readings: pd.DataFrame) -> dict[str, int]:
    """How the blind second reading (``second_readings``: ``first_verdict``, ``second_verdict``) compares with
    the first: verdicts read, agreed, and the disagreements by direction: ``milder`` (the second reader was
    kinder to the article, e.g. partly supported for contradicted), ``harsher``, ``unverified`` (the second reader
    found nothing adequate either way)."""
    first, second = readings["first_verdict"], readings["second_verdict"]
    rank = {v: n for n, v in enumerate(VERDICT_SEVERITY)}
    differ = first != second
    unverified = differ & (second == "unverified")
    ranked = differ & ~unverified & first.isin(list(rank)) & second.isin(list(rank))
    milder = ranked & (second.map(rank) > first.map(rank))
    out = {"read": len(readings), "agreed": int((~differ).sum()), "disagreed": int(differ.sum()),
           "milder": int(milder.sum()), "harsher": int((ranked & ~milder).sum()), "unverified": int(unverified.sum())}
    out["other"] = out["disagreed"] - out["milder"] - out["harsher"] - out["unverified"]
    return out


def agreement_line(stats: dict[str, int]) -> str:
    """The second reading's agreement as one phrase for prose next to the verdict counts (``stats`` from
    :func:`second_reading_agreement`): "a blind second reading of 32 of these verdicts agreed on 18 (56%); of the 14
    disagreements, 8 were milder on the article, 2 harsher and 4 found too little to judge"."""
    read, agreed, disagreed = stats["read"], stats["agreed"], stats["disagreed"]
    line = f"a blind second reading of {read:,} of these verdicts agreed on {agreed:,} ({agreed / read:.0%})"
    if not disagreed:
        return line
    parts = [f"{stats['milder']:,} were milder on the article", f"{stats['harsher']:,} harsher",
             f"{stats['unverified']:,} found too little to judge"]
    if stats.get("other"):
        parts.append(f"{stats['other']:,} otherwise")
    return line + f"; of the {disagreed:,} disagreements, " + ", ".join(parts[:-1]) + " and " + parts[-1]


def adjudication_stats(readings: pd.DataFrame, third: pd.DataFrame, claims: pd.DataFrame) -> dict[str, int]:
    """The blind second reading before and after its adjudication by a third reader: verdicts read; how many the
    first and second readings agreed on (``agreed``); how many of the register's verdicts agreed with the second
    reading before the adjudication (``before``: ``verdict_before`` where a third reading was drawn, the register's
    verdict elsewhere) and after it (``after``: the register's verdicts now); the disagreements adjudicated, how
    many final verdicts moved, and how many were kept against the majority of the three readings, with a reason."""
    verdict = claims.set_index("id")["verdict"]
    now = readings["claim_id"].map(verdict)
    adjudicated = third.set_index("claim_id") if not third.empty else pd.DataFrame(columns=["verdict_before"])
    before = readings["claim_id"].map(adjudicated["verdict_before"]).fillna(now)
    thirds = adjudicated["third_verdict"] if "third_verdict" in adjudicated else pd.Series(dtype=object)
    majority = [majority_verdict(f, s, thirds.get(c)) for c, f, s in
                zip(readings["claim_id"], readings["first_verdict"], readings["second_verdict"])]
    with_majority = int(sum(m == v for m, v in zip(majority, now)))
    kept_against = int(sum(m != v for m, v, c in zip(majority, now, readings["claim_id"]) if c in thirds.index))
    return {"read": len(readings), "agreed": int((readings["first_verdict"] == readings["second_verdict"]).sum()),
            "before": int((readings["second_verdict"] == before).sum()),
            "after": int((readings["second_verdict"] == now).sum()), "adjudicated": len(third),
            "moved": int((third["final_verdict"] != third["verdict_before"]).sum()) if len(third) else 0,
            "against_majority": kept_against, "with_majority": with_majority}


def adjudication_line(stats: dict[str, int]) -> str:
    """The second reading and its adjudication as one phrase for prose next to the verdict counts (``stats`` from
    :func:`adjudication_stats`): "a blind second reading of 32 agreed with the first on 18 (56%); after a blind third
    reading of the 14 disagreements (2 moved, 3 kept against the majority with reasons), the register agrees with the
    second reading on 22 (69%), as before, and with the readings' majority on 29 (91%)"."""
    read = stats["read"]
    pct = lambda n: f"{n:,} ({n / read:.0%})"  # noqa: E731
    line = f"a blind second reading of {read:,} agreed with the first on {pct(stats['agreed'])}"
    if not stats["adjudicated"]:
        return line + f" and with the register on {pct(stats['before'])}"
    what = f"{stats['moved']:,} moved"
    if stats["against_majority"]:
        what += f", {stats['against_majority']:,} kept against the majority with reasons"
    before = "as before" if stats["after"] == stats["before"] else f"{pct(stats['before'])} before"
    return (line + f"; after a blind third reading of the {stats['adjudicated']:,} disagreements ({what}), the register "
            f"agrees with the second reading on {pct(stats['after'])}, {before}, and with the readings' majority on "
            f"{pct(stats['with_majority'])}")


def outcome_line(counts: pd.Series) -> str:
    """One line of prose that names every outcome category, zeros included, in the vocabulary's order:
    "4 borne out, 5 partly borne out, … and 10 not scorable". ``counts`` is indexed by outcome code."""
    parts = [f"{int(counts.get(code, 0)):,} {label[0].lower() + label[1:]}" for code, label in OUTCOME_LABELS.items()]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def hits_hedging_line(claims: pd.DataFrame) -> str:
    """One line on how hedged the article's hits were and which of its thesis forecasts missed, from the claims
    register's ``hedged`` and ``thesis`` marks of forecasts and questions (questions scored by their implied answer
    count like forecasts): "All 3 forecasts borne out and 4 of the 5 partly borne out were hedged in the article's
    own words; of its 7 thesis forecasts, 2 missed (c018, c059), 2 were partly borne out, 1 was borne out and 2 could
    not be scored"."""
    def _count(n: int, one: str) -> str:
        return f"{n:,} {one if n == 1 else one + 's'}"

    scored = claims[claims["claim_type"].isin(["forecast", "question"])]
    hedged = scored["hedged"].astype("boolean").fillna(False).astype(bool)
    thesis = scored["thesis"].astype("boolean").fillna(False).astype(bool)
    full, part = scored["outcome"] == "borne_out", scored["outcome"] == "partly_borne_out"

    def share(mask, label):
        n, h = int(mask.sum()), int((mask & hedged).sum())
        if n == 0:
            return f"no forecast {label}"
        if h == n:
            return f"all {n:,} forecasts {label}" if n > 1 else f"the one forecast {label}"
        return f"{h:,} of the {_count(n, 'forecast')} {label}"

    head = f"{share(full, 'borne out')} and {share(part, 'partly borne out')} were hedged in the article's own words"
    head = head[0].upper() + head[1:]
    t = scored[thesis]
    missed = sorted(t.loc[t["outcome"] == "not_borne_out", "id"])
    tail = [f"{len(missed):,} missed ({', '.join(missed)})" if missed else "none missed"]
    for code, verb in (("partly_borne_out", "partly borne out"), ("borne_out", "borne out"),
                       ("too_early", "too early to tell")):
        n = int((t["outcome"] == code).sum())
        if n:
            tail.append(f"{n:,} {'was' if n == 1 else 'were'} {verb}")
    n = int((t["outcome"] == "not_scorable").sum())
    if n:
        tail.append(f"{n:,} could not be scored")
    listed = ", ".join(tail[:-1]) + " and " + tail[-1] if len(tail) > 1 else tail[0]
    return f"{head}; of its {_count(len(t), 'thesis forecast')}, {listed}"


def scorecard_by_theme(summary: pd.DataFrame) -> pd.DataFrame:
    """``claims.outcome_summary`` with reader's labels: themes as rows, outcomes as columns, every category."""
    from .vocabulary import THEME_LABELS

    labels = {**THEME_LABELS, "all": "All"}
    return summary.rename(index=labels, columns={**OUTCOME_LABELS, "total": "Total"}).rename_axis(index="Theme")


def chapter_sources(reg, claims: pd.DataFrame | None, datasets: list[str]) -> pd.DataFrame:
    """The sources behind a chapter: those cited by its datasets, and (unless ``claims`` is None) those linked to
    its claims; the article's own cited sources first."""
    ids = [] if claims is None else list(reg.sources_for(claims["id"])["id"])
    for name in datasets:
        ids += [s for s in package().sources_of(name) if s not in ids]
    df = reg.sources[reg.sources["id"].isin(ids)].copy()
    df["_art"] = df["kind"] != "cited_by_article"
    return df.sort_values(["_art", "publisher", "published"], na_position="last").drop(columns="_art")


def annual_totals(table: pd.DataFrame, *, total: str, parts: dict[str, str]) -> pd.DataFrame:
    """Each ``year``'s total where reported (column ``total``), else the sum of its ``parts`` (column -> the word a
    reader sees, e.g. ``{"sales_a": "sales", "fees_a": "fees"}``) where every part is given; years with neither
    dropped. Columns: ``year``, ``total`` and ``basis`` ("reported total", or the parts' words joined by " + ")."""
    df = table.copy()
    derived = df[list(parts)].sum(axis=1, min_count=len(parts))
    df["basis"] = df[total].notna().map({True: "reported total", False: " + ".join(parts.values())})
    df["total"] = df[total].fillna(derived)
    return df[df["total"].notna()][["year", "total", "basis"]].reset_index(drop=True)


def against_base_year(series: pd.DataFrame, base_year: int) -> dict:
    """The latest year's total against ``base_year`` (``series`` from :func:`annual_totals`, in thousands of the
    unit a reader reads: ``total_bn`` is the total / 1000), and the one phrase every page uses for it: "98% of its
    2019 level"."""
    base = float(series.loc[series["year"] == base_year, "total"].iloc[0])
    latest = series.iloc[-1]
    share = float(latest["total"]) / base
    return {"year": int(latest["year"]), "total_bn": float(latest["total"]) / 1000, "base_year": int(base_year),
            "base_bn": base / 1000, "share": share, "phrase": f"{share:.0%} of its {base_year} level"}


def annual_totals_chart(series: pd.DataFrame, *, colour: str, unit: str, unit_short: str, baseline: float,
                        baseline_label: str, title: str, subtitle: str) -> alt.Chart:
    """Annual totals (:func:`annual_totals`) as bars of ``colour`` in thousands of their unit (the y axis titled
    ``unit``, e.g. "US$ billion" for totals in US$ million; the tooltip ``unit_short``), with a dashed line at
    ``baseline`` (in the axis's unit)."""
    df = series.copy()
    df["total_bn"] = (df["total"] / 1000).round(2)
    bars = alt.Chart(df).mark_bar(color=colour).encode(
        x=alt.X("year:O", title=None),
        y=alt.Y("total_bn:Q", title=unit),
        tooltip=["year:O", alt.Tooltip("total_bn:Q", title=unit_short), "basis:N"],
    )
    rule_df = pd.DataFrame({"y": [baseline], "label": [baseline_label]})
    rule = alt.Chart(rule_df).mark_rule(strokeDash=[5, 3], color=MARK_COLOUR).encode(y="y:Q")
    text = alt.Chart(rule_df).mark_text(align="left", dx=2, dy=-7, color=MARK_COLOUR).encode(
        y="y:Q", x=alt.value(2), text="label:N")
    return alt.layer(bars, rule, text).properties(title=alt.Title(title, subtitle=subtitle), width=520, height=280)


def half_year_chart(per_half: pd.DataFrame, *, title: str, subtitle: str, mark_period: str | None = None,
                    mark_label: str = "", y_title: str = "Events") -> alt.Chart:
    """Events per half-year (:func:`per_half_year`) as bars; ``y_title`` names what is counted (a label of the
    vocabulary, e.g. ``TRILATERAL_KIND_LABELS["exercise"]``)."""
    bars = alt.Chart(per_half).mark_bar(color=OTHER_COLOUR).encode(
        # "2024 H1" on two lines (year over half): eight or more half-years stay legible side by side on a phone.
        x=alt.X("half_year:O", title=None, sort=list(per_half["half_year"]),
                axis=alt.Axis(labelAngle=0, labelExpr="split(datum.label, ' ')")),
        y=alt.Y("events:Q", title=y_title, axis=alt.Axis(tickMinStep=1)),
        tooltip=["half_year:O", "events:Q"],
    )
    layers = [bars]
    if mark_period:
        m = pd.DataFrame({"half_year": [mark_period], "label": [mark_label]})
        layers.append(alt.Chart(m).mark_bar(color=MARK_COLOUR, opacity=0.18).encode(
            x=alt.X("half_year:O", sort=list(per_half["half_year"])), y=alt.value(0), y2=alt.value(300)))
        # Ends at its period (right-aligned), so a late period's label stays inside a phone-width chart.
        layers.append(alt.Chart(m).mark_text(color=MARK_COLOUR, dy=-4, baseline="bottom", align="right").encode(
            x=alt.X("half_year:O", sort=list(per_half["half_year"])), y=alt.value(12), text="label:N"))
    return alt.layer(*layers).properties(title=alt.Title(title, subtitle=subtitle), width=480, height=260)


def membership_chart(members: pd.DataFrame, *, columns: dict[str, str], code: str, name: str,
                     sort_by: dict[str, bool] | None = None, title: str, subtitle: str) -> alt.Chart:
    """Members (rows: an actor's ``code`` and its ``name``) against yes/no ``columns`` (column -> the reader's
    label, in the order shown): a dot for each yes, coloured by actor (``vocabulary.ACTOR_COLOURS``, "other" for
    actors this briefing does not list). Rows sort by ``sort_by`` (column -> ascending?), then by name."""
    long = members.melt(id_vars=[code, name], value_vars=list(columns), var_name="column", value_name="yes")
    long = long[long["yes"].astype(bool)].copy()
    long["column"] = long["column"].map(columns)
    ACTOR_COLOURS = vocabulary.of().ACTOR_COLOURS
    long["actor"] = long[code].where(long[code].isin(ACTOR_COLOURS), config.OTHER_ACTOR)
    sort_by = {**(sort_by or {}), name: True}
    order = list(members.sort_values(list(sort_by), ascending=list(sort_by.values()))[name])
    actors = [a for a in ACTOR_COLOURS if a in set(long["actor"])]
    return (
        alt.Chart(long).mark_circle(size=160)
        .encode(
            x=alt.X("column:N", title=None, axis=alt.Axis(labelAngle=0, orient="top")),
            y=alt.Y(f"{name}:N", sort=order, title=None),
            color=alt.Color("actor:N", title="Actor", scale=actor_scale(actors)),
            tooltip=[f"{name}:N", "column:N"],
        )
        .properties(title=alt.Title(title, subtitle=subtitle), width=260, height=340)
    )


def vote_tally(votes: pd.DataFrame) -> dict[str, int]:
    """Votes cast: {'yes': n, 'no': n, 'abstain': n} (zero where nobody voted that way)."""
    counts = votes["vote"].value_counts()
    return {v: int(counts.get(v, 0)) for v in ("yes", "no", "abstain")}


def vote_chart(votes: pd.DataFrame, *, voters: str, title: str, subtitle: str, voter: str = "country") -> alt.Chart:
    """Votes cast (``vote``: ``VOTE_LABELS``) as bars, one per way of voting, the x axis titled ``voters`` (who
    voted, e.g. "Members of the assembly"); the tooltip names each ``voter``."""
    df = votes.groupby("vote").agg(countries=(voter, lambda s: ", ".join(sorted(s))),
                                   n=(voter, "size")).reset_index()
    df["vote_label"] = df["vote"].map(VOTE_LABELS)
    colours = {VOTE_LABELS[k]: c for k, c in VOTE_COLOURS.items()}
    return (
        alt.Chart(df).mark_bar()
        .encode(
            y=alt.Y("vote_label:N", sort=list(VOTE_LABELS.values()), title=None),
            x=alt.X("n:Q", title=voters, axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("vote_label:N", legend=None, scale=colour_scale(colours)),
            tooltip=["vote_label:N", "n:Q", "countries:N"],
        )
        .properties(title=alt.Title(title, subtitle=subtitle), width=480, height=120)
    )


def days_between(events: pd.DataFrame, first_id: str, second_id: str) -> int:
    """Days from one dated event to another (both need full dates)."""
    dates = events.set_index("id")["date"]
    return (pd.Timestamp(dates[second_id]) - pd.Timestamp(dates[first_id])).days


def developments_chart(developments: pd.DataFrame, *, title: str, subtitle: str,
                       labels: dict[str, str] | None = None) -> alt.Chart:
    article_date = config.current().article_date
    after = developments[developments["date"].map(month_start) >= month_start(article_date)]
    # The developments' tracks are this briefing's own (briefing.yml: datasets, developments.category).
    categories, colours = vocabulary.of().DATASETS.get(("developments", "category"), ({}, {}))
    return timeline_chart(
        after, lane="category", lane_labels=categories, colours=colours,
        title=title, subtitle=subtitle,
        marks={article_date: "article"}, labels=labels,
    )


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance between two points on the Earth's surface (haversine, mean radius 6,371 km)."""
    import math

    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


def locator_map(basemap: dict, places: pd.DataFrame, *, title: str, subtitle: str, width: float = 300) -> alt.VConcatChart:
    """The places (``lat``, ``lon``, ``place``, ``date``) on a basemap (a GeoJSON FeatureCollection whose features
    carry ``panel``: ``overview`` and ``inset``), as two panels one above the other: the overview with every place,
    the inset (its box: the inset features' extent) with the places inside it. Each place is labelled with its name
    and date; a label sits on the side of its dot away from the panel's nearer edge, and of two dots close together
    one label goes above and one below."""
    panels = {}
    for f in basemap["features"]:
        panels.setdefault(f["properties"]["panel"], []).append(f)
    df = places.assign(when=places["date"].map(lambda d: f"{month_start(d):%b %Y}"))
    # Two lines: the place's name, then its qualifier in brackets (if any) and the date.
    df["label"] = (df["place"].str.replace(" (", "\n(", regex=False) + ", " + df["when"]).where(
        df["place"].str.contains(" (", regex=False), df["place"] + "\n" + df["when"])
    land, border = CHART_COLOURS["grid"], CHART_COLOURS["axis"]

    def extent(features):
        xs, ys = [], []
        for f in features:
            for poly in f["geometry"]["coordinates"]:
                for ring in poly:
                    xs += [p[0] for p in ring]
                    ys += [p[1] for p in ring]
        return min(xs), max(xs), min(ys), max(ys)

    ix0, ix1, iy0, iy1 = extent(panels["inset"])
    box_ids = set(df[(df["lon"] >= ix0) & (df["lon"] <= ix1) & (df["lat"] >= iy0) & (df["lat"] <= iy1)]["id"])
    edge = [(ix0, iy0), (ix1, iy0), (ix1, iy1), (ix0, iy1), (ix0, iy0)]
    ring = [(x0 + (x1 - x0) * k / 20, y0 + (y1 - y0) * k / 20) for (x0, y0), (x1, y1) in zip(edge, edge[1:])
            for k in range(20)] + [edge[0]]
    inset_box = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring[::-1]]}}

    def panel(name, height, box=None):
        feats = panels[name]
        x0, x1, y0, y1 = extent(feats)
        inside = df[(df["lon"] >= x0) & (df["lon"] <= x1) & (df["lat"] >= y0) & (df["lat"] <= y1)].copy()
        inside = inside.sort_values("lon").reset_index(drop=True)
        px = (inside["lon"] - x0) / (x1 - x0) * width
        inside["right"] = px > width / 2
        close = (px.diff().abs() < 60).fillna(False).astype(bool)
        inside["below"] = close & ~close.shift(fill_value=False).astype(bool)
        if box is not None:  # places inside the inset are labelled there
            inside = inside[~inside["id"].isin(box_ids)]
        base = alt.Chart(alt.Data(values=feats)).mark_geoshape(fill=land, stroke=border, strokeWidth=0.5)
        layers = [base]
        if box is not None:
            layers.append(alt.Chart(alt.Data(values=[box])).mark_geoshape(
                fill=None, stroke=MARK_COLOUR, strokeWidth=1))
        dots = df[(df["lon"] >= x0) & (df["lon"] <= x1) & (df["lat"] >= y0) & (df["lat"] <= y1)]
        pts = alt.Chart(dots)
        layers.append(pts.mark_circle(size=70, color=MARK_COLOUR, opacity=1).encode(
            longitude="lon:Q", latitude="lat:Q",
            tooltip=["place:N", "date:N", "event:N"]))
        for right in (False, True):
            for below in (False, True):
                sub = inside[(inside["right"] == right) & (inside["below"] == below)]
                if sub.empty:
                    continue
                layers.append(alt.Chart(sub).mark_text(
                    align="right" if right else "left", dx=-6 if right else 6, dy=16 if below else -20,
                    lineBreak="\n", color=CHART_COLOURS["title"]).encode(
                    longitude="lon:Q", latitude="lat:Q", text="label:N"))
        return alt.layer(*layers).project(type="mercator").properties(width=width, height=height)

    return alt.vconcat(panel("overview", 150, inset_box), panel("inset", 190)).properties(
        title=alt.Title(title, subtitle=subtitle))
