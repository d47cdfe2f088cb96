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
                         target: dict | None = None, annotations: list[dict] = ()) -> dict:
    """The series with its 95% confidence intervals, England's and the region's values for
    the same periods, the target's straight line from its baseline to its due period, and the
    partnership's notes as dotted lines at their dates.

    `points` are a summary's series: period_label, value, lower_ci, upper_ci, england, region.
    `target` (optional): baseline_period, baseline_value, due_period, target_value.
    `annotations` (optional), in date order: number, date, text."""
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
    if annotations:
        _mark_annotations(layout, categories, annotations)
    return _figure(data, layout)


# --- Annotations: a partnership's dated notes on a metric ------------------------------------
NOTE_LABEL_CHARS = 28  # of a note's text on the chart; the hover, table and summary say it all
NOTE_ROW_PIXELS = 24


def plotly_text(text: str) -> str:
    """`text` as plotly.js shows it, letter for letter: it reads <, > and & in its strings as
    the start of its own tags and entities, so they are given as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _short(text: str, chars: int = NOTE_LABEL_CHARS) -> str:
    return text if len(text) <= chars else text[:chars - 1].rstrip() + "…"


def note_day(day: date) -> str:
    return f"{day:%-d %B %Y}"


def annotation_places(labels: list[str], notes: list[dict]) -> list[dict]:
    """Where each note falls among the periods `labels` (in time order): `index` of the
    period it falls in (the soonest ending, if periods overlap), or None when it falls in none
    (before, after or between them); `position` on a category axis of these periods (each
    period i spans i - 0.5 to i + 0.5, and a note is drawn as far through its period as its
    date is), or None when the labels are not periods that can be read. `notes`: number, date,
    text."""
    try:
        periods = [parse_period(label) for label in labels]
    except PeriodError:
        return [{**note, "index": None, "position": None} for note in notes]
    placed = []
    for note in notes:
        day = note["date"]
        inside = [i for i, p in enumerate(periods) if p.start <= day <= p.end]
        if inside:
            index = min(inside, key=lambda i: (periods[i].end, i))
            period = periods[index]
            share = (day - period.start).days / ((period.end - period.start).days + 1)
            position = index - 0.5 + share
        else:
            index = None
            later = [i for i, p in enumerate(periods) if p.start > day]
            position = min(later) - 0.5 if later else len(periods) - 0.5
        placed.append({**note, "index": index, "position": round(position, 4)})
    return placed


def _mark_annotations(layout: dict, categories: list[str], notes: list[dict]) -> None:
    """A dotted vertical line at each note's date, and above the plot its number and the start
    of its text (all of it on hover), on two alternating rows so that neighbours do not
    overlap."""
    placed = [n for n in annotation_places(categories, notes) if n["position"] is not None]
    if not placed:
        return
    middle = (len(categories) - 1) / 2
    shapes, labels = list(layout.get("shapes", [])), list(layout.get("annotations", []))
    for row, note in enumerate(placed):
        x = note["position"]
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x,
                       "y0": 0, "y1": 1, "layer": "above",
                       "line": {"color": GREY, "width": 2, "dash": "dot"}})
        labels.append({
            "name": "note",  # charts.js cuts the label short to the room it has
            "xref": "x", "yref": "paper", "x": x, "y": 1, "yanchor": "bottom",
            "yshift": 2 + NOTE_ROW_PIXELS * (row % 2),
            "xanchor": "right" if x > middle else "left", "showarrow": False,
            "text": plotly_text(f"{note['number']}. {_short(note['text'])}"),
            "hovertext": plotly_text(f"Note {note['number']}, {note_day(note['date'])}: "
                                     f"{note['text']}"),
            "font": {"size": 13, "color": BLACK}, "bgcolor": "#ffffff",
            "bordercolor": GREY, "borderwidth": 1, "borderpad": 2})
    rows = min(len(placed), 2)
    extra = NOTE_ROW_PIXELS * rows + 8
    layout["margin"] = {**layout["margin"], "t": layout["margin"]["t"] + extra}
    layout["height"] = layout["height"] + extra
    # The title at the top, not in the middle of the (now taller) top margin, where the labels
    # are: its lines, however many, push the plot down rather than meet them.
    layout["title"] = {**layout["title"], "yref": "container", "y": 1, "yanchor": "top",
                       "pad": {"t": 12}}
    layout["shapes"], layout["annotations"] = shapes, labels


def annotation_rows(points: list[dict], notes: list[dict]) -> list[dict]:
    """The rows of the table beside a chart, oldest first: each point with the notes that fall
    in its period (`notes`), and a row of its own (`point` None) for each note that falls in
    no point's period, where it comes in time."""
    placed = annotation_places([p["period_label"] for p in points], notes)
    rows: list[dict] = []
    for index, point in enumerate(points):
        for note in placed:
            if note["index"] is None and note["position"] == index - 0.5:
                rows.append({"point": None, "notes": [note]})
        rows.append({"point": point, "notes": [n for n in placed if n["index"] == index]})
    rows += [{"point": None, "notes": [note]} for note in placed
             if note["index"] is None and (note["position"] is None
                                           or note["position"] >= len(points) - 0.5)]
    return rows


def annotations_sentence(notes: list[dict]) -> str:
    """What the dotted lines say, for the chart's summary: "Notes: 1. 1 April 2023: New
    treatment provider from 1 April." Empty without notes."""
    if not notes:
        return ""
    heading = "Note" if len(notes) == 1 else f"{len(notes)} notes"
    items = "; ".join(f"{n['number']}. {note_day(n['date'])}: {n['text'].rstrip('.')}"
                      for n in notes)
    return f"{heading} marked on the chart: {items}."


# In the order of the table beside the chart: finished first, then how the rest are going.
PLAN_STATUSES = [("complete", "Complete", BLUE), ("closed", "Closed", GREY),
                 ("on_track", "On track", GREEN), ("at_risk", "At risk", "#ffdd00"),
                 ("off_track", "Off track", "#d4351c"), ("not_started", "Not started", "#b1b4b6")]
OVERDUE_LEGEND = "Of which overdue"  # the page says what overdue means


def plan_progress_figure(rows: list[dict], *, title: str) -> dict:
    """Bars of milestones by status for each priority or strand, top to bottom in the order
    of the rows (and of the table beside the chart). Each milestone is in one status, so a
    bar's segments add up to its milestones. Overdue is not a status but a part of the
    unfinished ones: a thin hatched bar under each, starting where the finished ones end,
    as long as the overdue count. The legend names only what some bar shows."""
    labels = [row["label"] for row in rows]
    data = []
    base = [0] * len(rows)
    for key, label, colour in PLAN_STATUSES:
        counts = [row.get(key) or 0 for row in rows]
        data.append({"type": "bar", "y": labels, "x": counts, "base": list(base),
                     "name": label, "orientation": "h", "width": 0.6, "offset": -0.4,
                     "marker": {"color": colour}, "showlegend": any(counts),
                     "hovertemplate": f"%{{y}}: %{{x}} {label.lower()}<extra></extra>"})
        base = [b + c for b, c in zip(base, counts, strict=True)]
    overdue = [row.get("overdue") or 0 for row in rows]
    if any(overdue):
        finished = [(row.get("complete") or 0) + (row.get("closed") or 0) for row in rows]
        data.append({
            "type": "bar", "y": labels, "x": overdue, "base": finished,
            "name": OVERDUE_LEGEND, "orientation": "h", "width": 0.25, "offset": 0.22,
            "marker": {"color": "#ffffff", "line": {"color": "#d4351c", "width": 1.5},
                       "pattern": {"shape": "/", "fgcolor": "#d4351c", "bgcolor": "#ffffff",
                                   "solidity": 0.5}},
            "hovertemplate": "%{y}: %{x} overdue<extra></extra>"})
    layout = _layout(title, "")
    xaxis = {"title": {"text": "Milestones"}, "rangemode": "tozero", "automargin": True}
    totals = [sum(row.get(key) or 0 for key, _, _ in PLAN_STATUSES) for row in rows]
    if max(totals, default=0) <= 10:
        xaxis["dtick"] = 1  # no half milestones
    layout.update(barmode="overlay", height=120 + 44 * len(rows), xaxis=xaxis,
                  yaxis={"automargin": True, "autorange": "reversed", "type": "category",
                         "categoryorder": "array", "categoryarray": labels})
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
    off track and 26 overdue (past due and not complete or closed, whatever status is
    recorded); most complete: Break drug supply chains (80%).

    Only a named priority or strand can be "most complete", and only when some are complete
    and not all equally."""
    total = sum(r["total"] for r in rows)
    if not total:
        return f"By {by}: no milestones yet."
    complete = sum(r["complete"] for r in rows)
    risky = sum(r["at_risk"] + r["off_track"] for r in rows)
    overdue = sum(r["overdue"] for r in rows)
    text = (f"By {by}: {complete} of {total} milestones complete "
            f"({round(100 * complete / total)}%), {risky} at risk or off track and {overdue} "
            f"overdue")
    if overdue:
        text += " (past due and not complete or closed, whatever status is recorded)"
    named = [r for r in rows if r.get("key", r["label"]) and r["total"]]
    shares = {r["percent_complete"] for r in named}
    if len(named) > 1 and max(shares, default=0) > 0 and len(shares) > 1:
        best = max(named, key=lambda r: (r["percent_complete"], r["total"]))
        text += f"; most complete: {best['label']} ({best['percent_complete']:.0f}%)"
    return text + "."


def trend_sentence(summary: dict) -> str:
    label = summary.get("trend_label") or "Cannot be calculated"
    if label == "Cannot be calculated":
        return "No trend can be calculated from these figures."
    return f"Recent trend: {label[:1].lower() + label[1:]}."


TARGET_LABELS = {"achieved": "Target achieved", "on track": "Target on track",
                 "off track": "Target off track", "no data": "Target status not known"}


def _period_end(label: str | None) -> date | None:
    try:
        return parse_period(label).end if label else None
    except PeriodError:
        return None


def target_status_now(summary: dict, today: date | None) -> str:
    """The summary's target status, as it stands today: once the target is due, and no figure
    for its due period has come, it is not known whether it was met ("no data"), whatever
    the trajectory said before (a summary computed before the due date may still say "on
    track"). "achieved" stands: the figure met the target."""
    status = summary.get("target_status") or "no data"
    due_end = _period_end(summary.get("target_due_period"))
    latest_end = summary.get("period_end")
    if hasattr(latest_end, "date"):
        latest_end = latest_end.date()
    if (status in ("on track", "off track") and today is not None and due_end is not None
            and due_end < today and (latest_end is None or latest_end < due_end)):
        return "no data"
    return status


def target_label(summary: dict, today: date | None = None) -> str:
    """The tag's words: "Target on track", "Target status not known"…"""
    return TARGET_LABELS.get(target_status_now(summary, today), "Target status not known")


def target_sentence(summary: dict, unit: str, today: date | None = None) -> str:
    """What the target is and where it stands, honestly: a target whose due date has passed
    with no figure for its due period is not "on track" but not known."""
    if not summary.get("target_description"):
        return ""
    due = summary["target_due_period"]
    text = (f"Target: {summary['target_description']} "
            f"({number(summary['target_value'], unit)} by {due})")
    status = target_status_now(summary, today)
    if status != "no data":
        return f"{text}: {status}."
    latest = summary.get("period_label")
    due_end = _period_end(due)
    if summary.get("value") is None or not latest:
        return f"{text}: not known, no figure yet."
    if today is not None and due_end is not None and due_end < today:
        return (f"{text}. Target due {due}: no figures since {latest}, so whether it was met "
                "is not known.")
    return (f"{text}: not known yet. The latest figure is for {latest}, with no baseline to "
            "measure progress from.")


def as_of(day: date | None) -> str:
    return f"{day:%-d %B %Y}" if day else ""


# --- The spine chart ---------------------------------------------------------------------
COMPARISON_COLOURS = {"Better": GREEN, "Similar": "#ffdd00", "Worse": "#d4351c",
                      "Higher": BLUE, "Lower": BLUE}


SPINE_REASONS = {
    "no_value": ("No figure", "no figure"),
    "one_area": ("Only this area: no range",
                 "no figure from any other area for the same period, so no range to be "
                 "placed in"),
    "same_value": ("Every area the same: no range",
                   "the same value in every area for the same period"),
    "no_england": ("No England figure", "no England figure for the same period"),
}


def spine_rows(summaries: list[dict]) -> list[dict]:
    """Each metric placed against England's range: England at 0, the furthest area at ±1,
    better to the right (for metrics where lower is better the scale is flipped).

    `summaries`: name, polarity, value, england_value, range_min, range_q1, range_q3,
    range_max, england_comparison. Every row is returned, in order: `placed` says whether
    it could be placed, and if not `reason` says why ("no_value"; "one_area" when the range
    is one area's value alone, min = max = the value; "same_value" when several areas, per
    `rank_of`, share it; "no_england"), with `reason_text`."""
    placed = []
    for row in summaries:
        value, england = row.get("value"), row.get("england_value")
        low, high = row.get("range_min"), row.get("range_max")
        reason = ""
        if value is None:
            reason = "no_value"
        elif low is None or high is None or low == high:
            several = (row.get("rank_of") or 0) > 1
            reason = "same_value" if several else "one_area"
        elif england is None:
            reason = "no_england"
        if reason:
            placed.append({**row, "placed": False, "reason": reason,
                           "reason_text": SPINE_REASONS[reason][0]})
            continue
        scale = max(england - low, high - england, abs(value - england))
        sign = -1 if row.get("polarity") == "lower_better" else 1

        def place(x: float, sign=sign, england=england, scale=scale) -> float:
            return round(sign * (x - england) / scale, 6)

        ends = sorted([place(low), place(high)])
        quarter = sorted([place(row.get("range_q1", low)), place(row.get("range_q3", high))])
        placed.append({**row, "placed": True, "reason": "", "reason_text": "",
                       "worst": ends[0], "best": ends[1], "q_low": quarter[0],
                       "q_high": quarter[1], "position": place(value)})
    return placed


def spine_figure(rows: list[dict], *, title: str) -> dict:
    """A Fingertips-style spine chart of `spine_rows`: a row for every metric, and for one
    that cannot be placed a note saying why instead of a bar."""
    names = [row["name"] for row in rows]
    shown = [row["placed"] for row in rows]

    def each(key: str) -> list:
        return [row[key] if row["placed"] else None for row in rows]

    data = [
        {"type": "bar", "y": names, "base": each("worst"),
         "x": [r["best"] - r["worst"] if r["placed"] else None for r in rows],
         "orientation": "h", "name": "Range of all areas", "marker": {"color": "#d9d9d9"},
         "hoverinfo": "skip", "showlegend": any(shown)},
        {"type": "bar", "y": names, "base": each("q_low"),
         "x": [r["q_high"] - r["q_low"] if r["placed"] else None for r in rows],
         "orientation": "h", "name": "Middle half of areas", "marker": {"color": "#9b9b9b"},
         "hoverinfo": "skip", "showlegend": any(shown)},
        {"type": "scatter", "y": names, "x": each("position"), "mode": "markers",
         "name": "This area", "text": [r.get("england_comparison") for r in rows],
         "hoverinfo": "y+text", "showlegend": any(shown),
         "marker": {"size": 14, "line": {"color": BLACK, "width": 1.5},
                    "color": [COMPARISON_COLOURS.get(r.get("england_comparison"), "#ffffff")
                              for r in rows]}},
    ]
    layout = _layout(title, "")
    layout.update(
        barmode="overlay", height=140 + 44 * len(rows),
        xaxis={"range": [-1.05, 1.05], "zeroline": True, "zerolinecolor": BLACK,
               "zerolinewidth": 3, "tickvals": [-1, 0, 1],
               "ticktext": ["Worst", "England", "Best"], "automargin": True,
               "fixedrange": True},
        yaxis={"automargin": True, "autorange": "reversed", "type": "category",
               "categoryorder": "array", "categoryarray": names, "fixedrange": True},
        annotations=[{"x": 0, "y": row["name"], "xref": "x", "yref": "y",
                      "text": row["reason_text"], "showarrow": False,
                      "font": {"size": 13, "color": BLACK}, "bgcolor": "#ffffff",
                      "bordercolor": GREY, "borderpad": 4}
                     for row in rows if not row["placed"]],
    )
    return _figure(data, layout)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def spine_sentence(rows: list[dict], total: int) -> str:
    """How many metrics are placed against England's range and how they compare, and why
    the others are not: a range of one area is never called England's range."""
    counts: dict = {}
    for row in rows:
        if row.get("placed", True):
            key = row.get("england_comparison")
            counts[key] = counts.get(key, 0) + 1
    placed = sum(1 for row in rows if row.get("placed", True))
    text = f"Of {_count(total, 'metric', 'metrics')} in the framework"
    reasons = []
    for reason, (_, words) in SPINE_REASONS.items():
        n = sum(1 for row in rows if row.get("reason") == reason)
        if n:
            reasons.append(f"{n} {'has' if n == 1 else 'have'} {words}")
    if not placed:
        text += ", none can be placed against England's range"
        return text + (": " + "; ".join(reasons) if reasons else "") + "."
    text += f", {placed} {'is' if placed == 1 else 'are'} placed against England's range"
    parts = [f"{counts[k]} {k.lower()}" for k in ("Better", "Similar", "Worse", "Higher",
                                                     "Lower") if counts.get(k)]
    others = placed - sum(counts.get(k, 0) for k in ("Better", "Similar", "Worse", "Higher",
                                                        "Lower"))
    if not parts:
        text += "; none compared with England"
    else:
        text += "; compared with England: " + ", ".join(parts)
        if others:
            text += f", {others} not compared"
    if reasons:
        text += ". Not placed: " + "; ".join(reasons)
    return text + "."


# --- Comparing partnerships ------------------------------------------------------------------
COMPARED = ("Better", "Similar", "Worse", "Higher", "Lower")


def compare_figure(rows: list[dict], *, name: str, unit: str, england: float | None) -> dict:
    """Horizontal bars, one per area, top to bottom in the order of the rows (and of the
    table), with 95% confidence intervals, coloured by comparison with England, and England's
    value as a line. The areas' names are on the value axis's left, where they have room
    (charts.js wraps long ones), and the chart grows with the number of bars. Suppressed
    values are left out of the bars (the table says so). `rows`: label, value, lower_ci,
    upper_ci, england_comparison."""
    shown = [r for r in rows if isinstance(r.get("value"), int | float)]
    labels = [r["label"] for r in shown]
    bars = {
        "type": "bar", "orientation": "h", "y": labels, "x": [r["value"] for r in shown],
        "name": name, "showlegend": False,
        "marker": {"color": [COMPARISON_COLOURS.get(r.get("england_comparison"), "#b1b4b6")
                             for r in shown],
                   "line": {"color": BLACK, "width": 1}},
        "hovertemplate": "%{y}: %{x}<extra></extra>",
    }
    if any(r.get("lower_ci") is not None for r in shown):
        bars["error_x"] = {
            "type": "data", "symmetric": False, "color": BLACK, "thickness": 1.5,
            "array": [None if r.get("upper_ci") is None else r["upper_ci"] - r["value"]
                      for r in shown],
            "arrayminus": [None if r.get("lower_ci") is None else r["value"] - r["lower_ci"]
                           for r in shown]}
    # The value axis from 0 to a little past the furthest bar, CI or England: set here, so
    # that England's label (above the plot) never stretches it, as plotly.js's autorange
    # would to fit the label's text on a narrow chart.
    ends = [r["value"] for r in shown] + [r["upper_ci"] for r in shown
                                         if r.get("upper_ci") is not None]
    if england is not None:
        ends.append(england)
    furthest = max(ends, default=0) or 1
    layout = _layout(name, "")
    layout.update(
        height=150 + 40 * max(len(shown), 1),
        xaxis={"title": {"text": UNIT_SUFFIX.get(unit, "").strip()
                         or ("Number" if unit == "count" else "Value")},
               "range": [0, furthest * 1.05], "automargin": True, "gridcolor": "#dddddd",
               "tickformat": ",", "fixedrange": True},
        yaxis={"type": "category", "automargin": True, "autorange": "reversed",
               "categoryorder": "array", "categoryarray": labels, "fixedrange": True},
    )
    if england is not None:
        layout["shapes"] = [{"type": "line", "xref": "x", "yref": "paper", "y0": 0, "y1": 1,
                             "x0": england, "x1": england,
                             "line": {"color": BLACK, "width": 2, "dash": "dash"}}]
        # Its label above the plot, reaching into it from the line's side with more room.
        layout["annotations"] = [{"xref": "x", "yref": "paper", "y": 1, "x": england,
                                  "text": f"England {number(england, unit)}",
                                  "showarrow": False, "yanchor": "bottom",
                                  "xanchor": "right" if england > furthest / 2 else "left"}]
    return _figure(data=[bars], layout=layout)


def compare_sentence(rows: list[dict], *, name: str, unit: str, period: str) -> str:
    """What the table says in a sentence: how many areas have a figure, how many of them are
    compared with England and how, and the highest and lowest when there are several."""
    shown = [r for r in rows if isinstance(r.get("value"), int | float)]
    suppressed = len(rows) - len(shown)
    if not shown:
        text = f"{name}: no figures to compare for {period}"
        if suppressed:
            text += f"; {suppressed} suppressed for disclosure control"
        return text + "."
    compared = [r for r in shown if r.get("england_comparison") in COMPARED]
    text = f"{name}, {period}: "
    if len(shown) == 1:
        only = shown[0]
        text += f"1 area, {only['label']} ({number(only['value'], unit)})"
        if compared:
            verdict = only["england_comparison"]
            text += f", {verdict.lower()} {'to' if verdict == 'Similar' else 'than'} England"
        else:
            text += ", not compared with England"
    else:
        text += f"{len(shown)} areas; "
        if compared:
            counts = [f"{n} {k.lower()}" for k in COMPARED
                      if (n := sum(1 for r in compared if r["england_comparison"] == k))]
            text += (f"{len(compared)} compared with England ({', '.join(counts)})")
            if len(compared) < len(shown):
                text += f", {len(shown) - len(compared)} not compared"
        else:
            text += "none compared with England"
        high = max(shown, key=lambda r: r["value"])
        low = min(shown, key=lambda r: r["value"])
        if high["value"] != low["value"]:
            text += (f"; highest {high['label']} ({number(high['value'], unit)}), lowest "
                     f"{low['label']} ({number(low['value'], unit)})")
    if suppressed:
        text += f"; {suppressed} suppressed for disclosure control"
    return text + "."
