"""Milestone progress by priority and by strand, from a frame of milestones. Pure: pandas in,
summary rows out, no ORM."""

from __future__ import annotations

from datetime import date

import pandas as pd

from .choices import FINISHED, MilestoneStatus, Priority, Strand
from .progress import NONE_GIVEN

STATUSES = [value for value, _ in MilestoneStatus.choices]
MILESTONE_COLUMNS = ["partnership_id", "status", "due_date", "plan_year", "priority", "strand",
                     "first_year"]


def overdue(milestones: pd.DataFrame, today: date) -> pd.Series:
    """Not finished and past its due date, or past the end (31 March) of its plan year."""
    due = pd.to_datetime(milestones["due_date"])
    year_end = pd.to_datetime(
        (milestones["first_year"] + milestones["plan_year"]).astype("Int64").astype(str)
        + "-03-31", errors="coerce")
    due_by = due.fillna(year_end)
    return (due_by < pd.Timestamp(today)) & ~milestones["status"].isin(list(FINISHED))


def plan_progress(milestones: pd.DataFrame, today: date) -> list[dict]:
    """One row per partnership × axis (priority, strand) × value, with counts by status,
    overdue and the share complete. Values with no milestones are left out.

    The counts by status add up to the total: each milestone is counted once, by its recorded
    status. `overdue` is a part of them ("of which overdue"), not another status: a milestone
    that is past due and not finished is counted in its status and in `overdue`."""
    if milestones.empty:
        return []
    frame = milestones.assign(overdue=overdue(milestones, today))
    rows = []
    for axis, choices in (("priority", Priority), ("strand", Strand)):
        labels = {**dict(choices.choices), "": NONE_GIVEN[axis]}
        order = {value: n for n, value in enumerate([*labels])}
        counts = pd.crosstab([frame["partnership_id"], frame[axis]], frame["status"])
        counts = counts.reindex(columns=STATUSES, fill_value=0)
        late = frame.groupby(["partnership_id", axis])["overdue"].sum()
        for (partnership_id, key), by_status in counts.iterrows():
            total = int(by_status.sum())
            rows.append({
                "partnership_id": int(partnership_id), "axis": axis, "key": key,
                "label": labels.get(key, key), "order": order.get(key, 99), "total": total,
                **{status: int(by_status[status]) for status in STATUSES},
                "overdue": int(late[(partnership_id, key)]),
                "percent_complete": round(100 * by_status["complete"] / total, 1),
            })
    return rows
