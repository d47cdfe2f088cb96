"""The spine chart: each metric placed against the range of every area, England in the
middle and better to the right, with a sentence saying how many are placed and why not the
others. Pure: no ORM, no request."""

from __future__ import annotations

from .common import BLACK, COMPARISON_COLOURS, GREY, _figure, _layout

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
