"""Action plan progress: milestones by status for each priority or strand, as bars and in
a sentence. Pure: no ORM, no request."""

from __future__ import annotations

from .common import BLUE, GREEN, GREY, _figure, _layout

# In the order of the table beside the chart: finished first, then how the rest are going.
PLAN_STATUSES = [("complete", "Complete", BLUE), ("closed", "Closed", GREY),
                 ("overdue", "Overdue", "#942514"), ("on_track", "On track", GREEN),
                 ("at_risk", "At risk", "#ffdd00"),
                 ("off_track", "Off track", "#d4351c"), ("not_started", "Not started", "#b1b4b6")]
OVERDUE_LEGEND = "Overdue"  # the page says what overdue means


def _marker(key: str, colour: str) -> dict:
    """Overdue is hatched as well as coloured: colour is never the only signal."""
    if key != "overdue":
        return {"color": colour}
    # plotly draws nothing for a pattern without its own background colour.
    return {"color": colour, "pattern": {"shape": "/", "bgcolor": colour, "fgcolor": "#ffffff",
                                         "solidity": 0.3, "fillmode": "replace"}}


def plan_progress_figure(rows: list[dict], *, title: str) -> dict:
    """Bars of milestones by derived status for each priority or strand, top to bottom in the
    order of the rows (and of the table beside the chart). Each milestone is in one status,
    overdue overriding the status recorded for an unfinished one, so a bar's segments add up
    to its milestones. The legend names only what some bar shows."""
    labels = [row["label"] for row in rows]
    data = []
    base = [0] * len(rows)
    for key, label, colour in PLAN_STATUSES:
        counts = [row.get(key) or 0 for row in rows]
        data.append({"type": "bar", "y": labels, "x": counts, "base": list(base),
                     "name": label, "orientation": "h", "width": 0.6, "offset": -0.4,
                     "marker": _marker(key, colour), "showlegend": any(counts),
                     "hovertemplate": f"%{{y}}: %{{x}} {label.lower()}<extra></extra>"})
        base = [b + c for b, c in zip(base, counts, strict=True)]
    layout = _layout(title, "")
    xaxis = {"title": {"text": "Milestones"}, "rangemode": "tozero", "automargin": True}
    totals = [sum(row.get(key) or 0 for key, _, _ in PLAN_STATUSES) for row in rows]
    if max(totals, default=0) <= 10:
        xaxis["dtick"] = 1  # no half milestones
    layout.update(barmode="overlay", height=120 + 44 * len(rows), xaxis=xaxis,
                  yaxis={"automargin": True, "autorange": "reversed", "type": "category",
                         "categoryorder": "array", "categoryarray": labels})
    return _figure(data, layout)


def progress_sentence(rows: list[dict], *, by: str) -> str:
    """For example: By national priority: 20 of 46 milestones complete (43%), 26 overdue
    (past due and not complete or closed, whatever status is recorded) and 3 at risk or off
    track; most complete: Break drug supply chains (80%). Each milestone is counted once, by
    its derived status: an overdue one is not also counted at risk.

    Only a named priority or strand can be "most complete", and only when some are complete
    and not all equally."""
    total = sum(r["total"] for r in rows)
    if not total:
        return f"By {by}: no milestones yet."
    complete = sum(r["complete"] for r in rows)
    risky = sum(r["at_risk"] + r["off_track"] for r in rows)
    overdue = sum(r["overdue"] for r in rows)
    text = (f"By {by}: {complete} of {total} milestones complete "
            f"({round(100 * complete / total)}%), {overdue} overdue")
    if overdue:
        text += " (past due and not complete or closed, whatever status is recorded)"
    text += f" and {risky} at risk or off track"
    named = [r for r in rows if r.get("key", r["label"]) and r["total"]]
    shares = {r["percent_complete"] for r in named}
    if len(named) > 1 and max(shares, default=0) > 0 and len(shares) > 1:
        best = max(named, key=lambda r: (r["percent_complete"], r["total"]))
        text += f"; most complete: {best['label']} ({best['percent_complete']:.0f}%)"
    return text + "."
