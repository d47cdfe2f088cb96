"""Plain data in, Plotly figure (as JSON-ready dict) and plain-English sentence out. Pure: no
ORM and no request. Pages pass the figure to the template with `json_script`, and the
self-hosted plotly.js draws it (static/js/charts.js); each chart also has a table beside it.

Every choice about a figure is made here (which legend entries show, the order of categories
and periods, axes, the legend's place): the JSON says how to draw it. charts.js only fits it
to the width it is drawn at (wrapping labels, how many periods are labelled, the height the
legend needs) and draws it again when that width changes.
"""

from __future__ import annotations

import math
from datetime import date

from .periods import PeriodError, parse_period

# GOV.UK Frontend colours, so that charts match the pages: blue, black, orange, green.
BLUE, BLACK, ORANGE, GREEN, GREY = "#1d70b8", "#0b0c0c", "#f47738", "#00703c", "#505a5f"
FONT = "system-ui, -apple-system, 'Segoe UI', arial, sans-serif"

UNIT_SUFFIX = {"percentage": "%", "rate_per_1000": " per 1,000",
               "rate_per_10000": " per 10,000", "rate_per_100000": " per 100,000", "count": ""}


def number(value: float | None, unit: str = "count") -> str:
    """12,345 / 41.5% / 5.0 per 100,000 — as a board paper writes figures."""
    if value is None:
        return "no value"
    if unit == "count" and float(value).is_integer():
        text = f"{value:,.0f}"
    else:
        text = f"{value:,.1f}"
    return text + UNIT_SUFFIX.get(unit, "")


def _figure(data: list[dict], layout: dict) -> dict:
    """A Plotly figure as plotly.js reads it: built as plain dicts, without plotly.py's
    validation and default template, which cost more than the page itself."""
    return {"data": data, "layout": layout}


FONT_SIZE = 14

# Below the axis title, from the left edge, in the order of the traces (for stacked bars,
# the order of the segments, not plotly.js's reversed stack); plotly.js reserves the room it
# takes, and never scrolls it: static/js/charts.js grows the chart to hold it instead.
LEGEND = {"orientation": "h", "traceorder": "normal", "xref": "container", "x": 0,
          "xanchor": "left", "yref": "container", "y": 0, "yanchor": "bottom",
          "maxheight": 1}


def _layout(title: str, y_title: str) -> dict:
    return {
        "title": {"text": title, "font": {"size": 16}},
        "font": {"family": FONT, "size": FONT_SIZE, "color": BLACK},
        "margin": {"l": 60, "r": 20, "t": 50, "b": 60},
        "height": 360,
        "legend": dict(LEGEND),
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero", "gridcolor": "#dddddd",
                  "automargin": True},
        "xaxis": {"type": "category", "automargin": True},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
    }


def time_ordered(labels: list[str]) -> list[str]:
    """Period labels once each, in time order ("2015 - 17" before "2021/22"): a target's
    baseline may come before the first figure. Labels that are not all periods we can read
    keep the order they came in."""
    unique = list(dict.fromkeys(labels))
    try:
        periods = {label: parse_period(label) for label in unique}
    except PeriodError:
        return unique
    return sorted(unique, key=lambda label: (periods[label].start, periods[label].end))


def metric_series_figure(*, name: str, unit: str, points: list[dict],
                         area_name: str = "", region_name: str = "Region",
                         target: dict | None = None) -> dict:
    """The series with its 95% confidence intervals, England's and the region's values for
    the same periods, and the target's straight line from its baseline to its due period.

    `points` are a summary's series: period_label, value, lower_ci, upper_ci, england, region.
    `target` (optional): baseline_period, baseline_value, due_period, target_value."""
    labels = [p["period_label"] for p in points]
    values = [p.get("value") for p in points]
    area = {"type": "scatter", "x": labels, "y": values, "name": area_name or name,
            "mode": "lines+markers", "line": {"color": BLUE, "width": 3}, "marker": {"size": 8}}
    if any(p.get("lower_ci") is not None for p in points):
        area["error_y"] = {
            "type": "data", "symmetric": False, "color": GREY, "thickness": 1.5,
            "array": [None if p.get("upper_ci") is None or p.get("value") is None
                      else p["upper_ci"] - p["value"] for p in points],
            "arrayminus": [None if p.get("lower_ci") is None or p.get("value") is None
                           else p["value"] - p["lower_ci"] for p in points],
        }
    data = [area]
    if any(p.get("england") is not None for p in points):
        data.append({"type": "scatter", "x": labels, "y": [p.get("england") for p in points],
                     "name": "England", "mode": "lines",
                     "line": {"color": BLACK, "dash": "dash", "width": 2}})
    if any(p.get("region") is not None for p in points):
        data.append({"type": "scatter", "x": labels, "y": [p.get("region") for p in points],
                     "name": region_name, "mode": "lines",
                     "line": {"color": ORANGE, "dash": "dot", "width": 2}})
    layout = _layout(name, UNIT_SUFFIX.get(unit, "").strip() or "Value")
    periods = list(labels)
    if target:
        with_baseline = target.get("baseline_value") is not None
        xs = ([target["baseline_period"]] if with_baseline else []) + [target["due_period"]]
        ys = ([target["baseline_value"]] if with_baseline else []) + [target["target_value"]]
        data.append({"type": "scatter", "x": xs, "y": ys, "name": "Target",
                     "mode": "lines+markers",
                     "line": {"color": GREEN, "dash": "dashdot", "width": 2},
                     "marker": {"symbol": "star", "size": 12}})
        periods += xs
    categories = time_ordered(periods)
    # Every period, the target's too, in time order; half a period's room either side, and
    # the periods' labels a little lower, so that the first is not drawn under the value
    # axis's lowest label. (How many are labelled depends on the width: charts.js.)
    layout["xaxis"] = {**layout["xaxis"], "categoryorder": "array", "categoryarray": categories,
                       "ticklabelstandoff": math.ceil(FONT_SIZE * 0.6)}
    if categories:
        layout["xaxis"]["range"] = [-0.5, len(categories) - 0.5]
    return _figure(data, layout)


PLAN_STATUSES = [("complete", "Complete", BLUE), ("on_track", "On track", GREEN),
                 ("at_risk", "At risk", "#ffdd00"), ("off_track", "Off track", "#d4351c"),
                 ("not_started", "Not started", "#b1b4b6"), ("closed", "Closed", GREY)]


def plan_progress_figure(rows: list[dict], *, title: str) -> dict:
    """Stacked bars of milestones by status for each priority or strand, top to bottom in
    the order of the rows (and of the table beside the chart). The legend names only the
    statuses that some bar shows."""
    labels = [row["label"] for row in rows]
    data = []
    for key, label, colour in PLAN_STATUSES:
        counts = [row.get(key) or 0 for row in rows]
        data.append({"type": "bar", "y": labels, "x": counts, "name": label,
                     "orientation": "h", "marker": {"color": colour},
                     "showlegend": any(counts)})
    layout = _layout(title, "")
    xaxis = {"title": {"text": "Milestones"}, "rangemode": "tozero", "automargin": True}
    totals = [sum(row.get(key) or 0 for key, _, _ in PLAN_STATUSES) for row in rows]
    if max(totals, default=0) <= 10:
        xaxis["dtick"] = 1  # no half milestones
    layout.update(barmode="stack", height=120 + 40 * len(rows), xaxis=xaxis,
                  yaxis={"automargin": True, "autorange": "reversed"})
    return _figure(data, layout)


# --- Sentences ---------------------------------------------------------------------------
def metric_sentence(*, name: str, unit: str, summary: dict) -> str:
    """One sentence a board member can read aloud, e.g. "Deaths related to drug misuse: 30
    in 2015 - 17, down from 34; worse than England"."""
    value = summary.get("value")
    if value is None:
        note = summary.get("value_note") or "no value"
        return f"{name}: no figure for {summary.get('period_label', 'the latest period')} " \
               f"({note[:1].lower() + note[1:]})."
    text = f"{name}: {number(value, unit)} in {summary['period_label']}"
    previous = summary.get("previous_value")
    if previous is not None:
        if previous == value:
            text += f", the same as in {summary['previous_period_label']}"
        else:
            direction = "up" if value > previous else "down"
            text += f", {direction} from {number(previous, unit)}"
    comparison = summary.get("england_comparison") or "Not compared"
    phrase = {
        "Better": "better than England", "Worse": "worse than England",
        "Similar": "similar to England", "Higher": "higher than England",
        "Lower": "lower than England",
    }.get(comparison)
    if phrase:
        text += f"; {phrase}"
    return text + "."


def progress_sentence(rows: list[dict], *, by: str) -> str:
    """For example: By national priority: 20 of 46 milestones complete (43%), 3 at risk or
    off track and 26 overdue; most complete: Break drug supply chains (80%)."""
    total = sum(r["total"] for r in rows)
    if not total:
        return f"By {by}: no milestones yet."
    complete = sum(r["complete"] for r in rows)
    risky = sum(r["at_risk"] + r["off_track"] for r in rows)
    overdue = sum(r["overdue"] for r in rows)
    best = max(rows, key=lambda r: (r["percent_complete"], r["total"]))
    return (f"By {by}: {complete} of {total} milestones complete "
            f"({round(100 * complete / total)}%), {risky} at risk or off track and {overdue} "
            f"overdue; most complete: {best['label']} ({best['percent_complete']:.0f}%).")


def trend_sentence(summary: dict) -> str:
    label = summary.get("trend_label") or "Cannot be calculated"
    if label == "Cannot be calculated":
        return "No trend can be calculated from these figures."
    return f"Recent trend: {label[:1].lower() + label[1:]}."


def target_sentence(summary: dict, unit: str) -> str:
    if not summary.get("target_description"):
        return ""
    status = summary.get("target_status") or "no data"
    return (f"Target: {summary['target_description']} ({number(summary['target_value'], unit)}"
            f" by {summary['target_due_period']}): {status}.")


def as_of(day: date | None) -> str:
    return f"{day:%-d %B %Y}" if day else ""


# --- The spine chart ---------------------------------------------------------------------
COMPARISON_COLOURS = {"Better": GREEN, "Similar": "#ffdd00", "Worse": "#d4351c",
                      "Higher": BLUE, "Lower": BLUE}


def spine_rows(summaries: list[dict]) -> list[dict]:
    """Each metric placed against England's range: England at 0, the furthest area at ±1,
    better to the right (for metrics where lower is better the scale is flipped).

    `summaries`: name, polarity, value, england_value, range_min, range_q1, range_q3,
    range_max, england_comparison. Rows that cannot be placed are left out."""
    placed = []
    for row in summaries:
        value, england = row.get("value"), row.get("england_value")
        low, high = row.get("range_min"), row.get("range_max")
        if None in (value, england, low, high):
            continue
        scale = max(england - low, high - england, abs(value - england))
        if scale <= 0:
            continue
        sign = -1 if row.get("polarity") == "lower_better" else 1

        def place(x: float, sign=sign, england=england, scale=scale) -> float:
            return round(sign * (x - england) / scale, 6)

        ends = sorted([place(low), place(high)])
        quarter = sorted([place(row.get("range_q1", low)), place(row.get("range_q3", high))])
        placed.append({**row, "worst": ends[0], "best": ends[1], "q_low": quarter[0],
                       "q_high": quarter[1], "position": place(value)})
    return placed


def spine_figure(rows: list[dict], *, title: str) -> dict:
    """A Fingertips-style spine chart of `spine_rows`."""
    names = [row["name"] for row in rows]
    data = [
        {"type": "bar", "y": names, "base": [r["worst"] for r in rows],
         "x": [r["best"] - r["worst"] for r in rows], "orientation": "h",
         "name": "Range of all areas", "marker": {"color": "#d9d9d9"}, "hoverinfo": "skip"},
        {"type": "bar", "y": names, "base": [r["q_low"] for r in rows],
         "x": [r["q_high"] - r["q_low"] for r in rows], "orientation": "h",
         "name": "Middle half of areas", "marker": {"color": "#9b9b9b"}, "hoverinfo": "skip"},
        {"type": "scatter", "y": names, "x": [r["position"] for r in rows], "mode": "markers",
         "name": "This area", "text": [r.get("england_comparison") for r in rows],
         "hoverinfo": "y+text",
         "marker": {"size": 14, "line": {"color": BLACK, "width": 1.5},
                    "color": [COMPARISON_COLOURS.get(r.get("england_comparison"), "#ffffff")
                              for r in rows]}},
    ]
    layout = _layout(title, "")
    layout.update(
        barmode="overlay", height=140 + 44 * len(rows),
        xaxis={"range": [-1.05, 1.05], "zeroline": True, "zerolinecolor": BLACK,
               "zerolinewidth": 3, "tickvals": [-1, 0, 1],
               "ticktext": ["Worst", "England", "Best"], "automargin": True},
        yaxis={"automargin": True, "autorange": "reversed", "type": "category"},
    )
    return _figure(data, layout)


def spine_sentence(rows: list[dict], total: int) -> str:
    counts = {}
    for row in rows:
        counts[row.get("england_comparison")] = counts.get(row.get("england_comparison"), 0) + 1
    parts = [f"{counts[k]} {k.lower()}" for k in ("Better", "Similar", "Worse", "Higher",
                                                     "Lower") if counts.get(k)]
    text = f"Of {total} metric{'s' if total != 1 else ''} in the framework"
    if not parts:
        return text + ", none can be compared with England yet."
    return text + ", compared with England: " + ", ".join(parts) + "."


# --- Comparing partnerships ------------------------------------------------------------------
def compare_figure(rows: list[dict], *, name: str, unit: str, england: float | None) -> dict:
    """Ordered bars, one per area, with 95% confidence intervals, coloured by comparison with
    England, and England's value as a line. Suppressed values are left out of the bars (the
    table says so). `rows`: label, value, lower_ci, upper_ci, england_comparison."""
    shown = [r for r in rows if isinstance(r.get("value"), int | float)]
    data = [{
        "type": "bar", "x": [r["label"] for r in shown], "y": [r["value"] for r in shown],
        "name": name,
        "marker": {"color": [COMPARISON_COLOURS.get(r.get("england_comparison"), "#b1b4b6")
                             for r in shown]},
        "error_y": {"type": "data", "symmetric": False, "color": BLACK,
                    "array": [None if r.get("upper_ci") is None else r["upper_ci"] - r["value"]
                              for r in shown],
                    "arrayminus": [None if r.get("lower_ci") is None
                                   else r["value"] - r["lower_ci"] for r in shown]},
    }]
    layout = _layout(name, UNIT_SUFFIX.get(unit, "").strip() or "Value")
    layout["xaxis"] = {"type": "category", "automargin": True, "tickangle": -45}
    if england is not None:
        layout["shapes"] = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": england,
                             "y1": england, "line": {"color": BLACK, "width": 2,
                                                     "dash": "dash"}}]
        layout["annotations"] = [{"xref": "paper", "x": 1, "y": england, "text": "England",
                                  "showarrow": False, "xanchor": "right", "yanchor": "bottom"}]
    return _figure(data, layout)


def compare_sentence(rows: list[dict], *, name: str, unit: str, period: str) -> str:
    shown = [r for r in rows if isinstance(r.get("value"), int | float)]
    if not shown:
        return f"{name}: no figures to compare for {period}."
    worse = sum(1 for r in shown if r.get("england_comparison") == "Worse")
    better = sum(1 for r in shown if r.get("england_comparison") == "Better")
    top = shown[0]
    text = (f"{name}, {period}: {len(shown)} area{'s' if len(shown) != 1 else ''} compared; "
            f"{better} better and {worse} worse than England; highest {top['label']} "
            f"({number(top['value'], unit)})")
    suppressed = len(rows) - len(shown)
    if suppressed:
        text += f"; {suppressed} suppressed for disclosure control"
    return text + "."
