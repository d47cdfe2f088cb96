"""A metric's series chart: its figures with their confidence intervals, England's and
the region's, the target's line and the partnership's notes. Pure: no ORM, no request."""

from __future__ import annotations

import math

from .annotations import _mark_annotations
from .common import (
    BLACK,
    BLUE,
    FONT_SIZE,
    GREEN,
    GREY,
    ORANGE,
    UNIT_SUFFIX,
    _error_bars,
    _figure,
    _layout,
    time_ordered,
)


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
    area = {"type": "scatter", "x": labels, "y": [p.get("value") for p in points],
            "name": area_name or name, "mode": "lines+markers",
            "line": {"color": BLUE, "width": 3}, "marker": {"size": 8}}
    if (bars := _error_bars(points, GREY)) is not None:
        area["error_y"] = bars
    data = [area]
    data += comparator_traces(points, labels, region_name)
    layout = _layout(name, UNIT_SUFFIX.get(unit, "").strip() or "Value")
    # Room above the plot for half of the value axis's highest label, which stands above
    # it, below the title (centred in that room): a long title wrapped on a phone reached it.
    layout["margin"]["t"] += 24
    layout["height"] += 24
    periods = list(labels)
    if target:
        data.append(_target_line(target))
        periods += data[-1]["x"]
    categories = time_ordered(periods)
    _period_axis(layout, categories)
    if annotations:
        _mark_annotations(layout, categories, annotations)
    return _figure(data, layout)


# England and the region: each its own colour, line style and marker shape, so that neither
# is told apart by colour alone, and a marker at every value, so that a series of one point
# (or a value between gaps) is drawn, not only named in the legend.
COMPARATORS = (("england", BLACK, "dash", "diamond"), ("region", ORANGE, "dot", "square"))


def comparator_traces(points: list[dict], labels: list[str], region_name: str) -> list[dict]:
    """England's and the region's values for the same periods as lines with markers: one
    trace each that has any value."""
    traces = []
    for key, colour, dash, symbol in COMPARATORS:
        ys = [p.get(key) for p in points]
        if any(y is not None for y in ys):
            traces.append({"type": "scatter", "x": labels, "y": ys,
                           "name": "England" if key == "england" else region_name,
                           "mode": "lines+markers",
                           "line": {"color": colour, "dash": dash, "width": 2},
                           "marker": {"color": colour, "symbol": symbol, "size": 9,
                                      "line": {"color": BLACK, "width": 1}}})
    return traces


def _target_line(target: dict) -> dict:
    """The target's straight line from its baseline (where it has one) to its due period."""
    with_baseline = target.get("baseline_value") is not None
    xs = ([target["baseline_period"]] if with_baseline else []) + [target["due_period"]]
    ys = ([target["baseline_value"]] if with_baseline else []) + [target["target_value"]]
    return {"type": "scatter", "x": xs, "y": ys, "name": "Target", "mode": "lines+markers",
            "line": {"color": GREEN, "dash": "dashdot", "width": 2},
            "marker": {"symbol": "star", "size": 12}}


def _period_axis(layout: dict, categories: list[str]) -> None:
    """Every period, the target's too, in time order; half a period's room either side, and
    the periods' labels a little lower, so that the first is not drawn under the value
    axis's lowest label. (How many are labelled depends on the width: charts.js.)"""
    layout["xaxis"] = {**layout["xaxis"], "categoryorder": "array", "categoryarray": categories,
                       "ticklabelstandoff": math.ceil(FONT_SIZE * 0.6)}
    if categories:
        layout["xaxis"]["range"] = [-0.5, len(categories) - 0.5]
