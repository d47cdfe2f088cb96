"""Comparing areas: one bar per area for a metric, coloured by its comparison with England,
the sentence that says what the table beside it says, and the sentence of the grid of areas
× metrics. Pure: no ORM, no request."""

from __future__ import annotations

from .common import BLACK, COMPARISON_COLOURS, UNIT_SUFFIX, _error_bars, _figure, _layout, number

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
    if (error_x := _error_bars(shown, BLACK)) is not None:
        bars["error_x"] = error_x
    # The value axis from 0 to a little past the furthest bar, CI or England: set here, so
    # that England's label (above the plot) never stretches it, as plotly.js's autorange
    # would to fit the label's text on a narrow chart.
    ends = [r["value"] for r in shown] + [r["upper_ci"] for r in shown
                                         if r.get("upper_ci") is not None]
    if england is not None:
        ends.append(england)
    furthest = max(ends, default=0) or 1
    layout = _layout(name, "")
    # 40px a bar; past 30 bars (every authority of England), 22px, still readable.
    per_bar = 40 if len(shown) <= 30 else 22
    layout.update(
        height=150 + per_bar * max(len(shown), 1),
        xaxis={"title": {"text": UNIT_SUFFIX.get(unit, "").strip()
                         or ("Number" if unit == "count" else "Value")},
               "range": [0, furthest * 1.05], "automargin": True, "gridcolor": "#dddddd",
               "tickformat": ",", "fixedrange": True},
        yaxis={"type": "category", "automargin": True, "autorange": "reversed",
               "categoryorder": "array", "categoryarray": labels, "fixedrange": True},
    )
    if england is not None:
        _mark_england(layout, england, f"England {number(england, unit)}", furthest)
    return _figure(data=[bars], layout=layout)


def _mark_england(layout: dict, england: float, text: str, furthest: float) -> None:
    """England's value as a dashed line, and its label above the plot, reaching into it from
    the line's side with more room."""
    layout["shapes"] = [{"type": "line", "xref": "x", "yref": "paper", "y0": 0, "y1": 1,
                         "x0": england, "x1": england,
                         "line": {"color": BLACK, "width": 2, "dash": "dash"}}]
    layout["annotations"] = [{"xref": "x", "yref": "paper", "y": 1, "x": england,
                              "text": text, "showarrow": False, "yanchor": "bottom",
                              "xanchor": "right" if england > furthest / 2 else "left"}]


def compare_sentence(rows: list[dict], *, name: str, unit: str, period: str) -> str:
    """What the table says in a sentence: how many areas have a figure, how many of them are
    compared with England and how, and the highest and lowest when there are several."""
    shown = [r for r in rows if isinstance(r.get("value"), int | float)]
    missing = len(rows) - len(shown)
    if not shown:
        text = f"{name}: no figures to compare for {period}"
        if missing:
            text += f"; {missing} area{'s' if missing > 1 else ''} without a figure"
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
    if missing:
        text += f"; {missing} area{'s' if missing > 1 else ''} without a figure"
    return text + "."


def compare_rows(rows: list[dict], *, polarity: str) -> list[dict]:
    """Published figures (dicts of the reference data's columns) as the chart's and the
    table's rows: best first by the metric's polarity (the highest first where there is
    none), areas without a figure last."""
    table = [{**r, "label": r["area_name"] or r["area_code"],
              "england_comparison": r["england_comparison"] or "Not compared",
              "region_comparison": r["region_comparison"] or "Not compared"} for r in rows]
    numeric = [r for r in table if isinstance(r["value"], int | float)]
    numeric.sort(key=lambda r: r["value"], reverse=polarity != "lower_better")
    return numeric + [r for r in table if not isinstance(r["value"], int | float)]


def grid_sentence(columns: list[dict], *, areas: int, where: str) -> str:
    """The grid of areas × metrics in a sentence: how many areas, and for each metric (at
    its period) how many are better, similar or worse than England. `columns`: metric,
    period, words (e.g. "3 better, 10 similar"), held."""
    if not areas:
        return f"No figures to compare for the areas of {where}."
    text = (f"{areas} area{'s' if areas > 1 else ''} of {where} on {len(columns)} "
            f"metric{'s' if len(columns) > 1 else ''}, compared with England: ")
    parts = [f"{c['metric'].name} ({c['period']}): "
             + (c["words"] if c["held"] else "no figures") for c in columns]
    return text + "; ".join(parts) + "."
