"""Milestone progress by priority and by strand, from a frame of milestones. Pure: pandas in,
summary rows out, no ORM."""

from __future__ import annotations

from datetime import date

import pandas as pd

from .choices import MilestoneStatus, Priority, Strand
from .progress import NONE_GIVEN, count_row, derived_status_series

STATUSES = [value for value, _ in MilestoneStatus.choices]
MILESTONE_COLUMNS = ["partnership_id", "status", "due_date", "plan_year", "priority", "strand",
                     "first_year"]


def plan_progress(milestones: pd.DataFrame, today: date) -> list[dict]:
    """One row per partnership × axis (priority, strand) × value, with counts by derived
    status (`progress.count_row`) and the share complete. Values with no milestones are left
    out. Each milestone is counted once: an overdue one as overdue, whatever its recorded
    status, so the counts add up to the total."""
    if milestones.empty:
        return []
    frame = milestones.assign(derived=derived_status_series(milestones, today))
    rows = []
    for axis, choices in (("priority", Priority), ("strand", Strand)):
        labels = {**dict(choices.choices), "": NONE_GIVEN[axis]}
        order = {value: n for n, value in enumerate([*labels])}
        counts = pd.crosstab([frame["partnership_id"], frame[axis]], frame["derived"])
        for (partnership_id, key), by_status in counts.iterrows():
            rows.append({
                "partnership_id": int(partnership_id), "axis": axis, "key": key,
                "label": labels.get(key, key), "order": order.get(key, 99),
                **count_row(by_status.to_dict()),
            })
    return rows
