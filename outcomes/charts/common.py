"""The charts' common styling: GOV.UK colours and font, how figures are written, the layout
and legend every figure starts from, and periods in time order. Pure: no ORM, no request."""

from __future__ import annotations

from datetime import date

from ..periods import PeriodError, parse_period

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


COMPARISON_COLOURS = {"Better": GREEN, "Similar": "#ffdd00", "Worse": "#d4351c",
                      "Higher": BLUE, "Lower": BLUE}


def _error_bars(rows: list[dict], colour: str) -> dict | None:
    """Plotly's error bars for the rows' 95% confidence intervals (value, lower_ci, upper_ci),
    none on a row without a value or that end; None when no row has a lower end."""
    if not any(r.get("lower_ci") is not None for r in rows):
        return None
    return {
        "type": "data", "symmetric": False, "color": colour, "thickness": 1.5,
        "array": [None if r.get("upper_ci") is None or r.get("value") is None
                  else r["upper_ci"] - r["value"] for r in rows],
        "arrayminus": [None if r.get("lower_ci") is None or r.get("value") is None
                       else r["value"] - r["lower_ci"] for r in rows],
    }


def as_of(day: date | None) -> str:
    return f"{day:%-d %B %Y}" if day else ""
