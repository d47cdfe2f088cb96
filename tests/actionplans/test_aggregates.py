"""actionplans/aggregates.py: milestone progress by priority and strand, from a frame."""

from datetime import date

import pandas as pd

from actionplans.aggregates import MILESTONE_COLUMNS, plan_progress
from actionplans.progress import DERIVED_STATUSES


def milestones(*rows) -> pd.DataFrame:
    """Rows of (status, due_date, priority, strand) of partnership 1's plan from 2022/23."""
    return pd.DataFrame([(1, status, due, None, priority, strand, 2022)
                         for status, due, priority, strand in rows], columns=MILESTONE_COLUMNS)


def test_each_milestone_is_counted_once_by_its_derived_status():
    """Rotherham's "Break drug supply chains": 3 complete and 2 recorded on track, both past
    due. Overdue overrides the recorded status: 2 overdue and none on track, 7 in all."""
    past, future = date(2025, 3, 31), date(2099, 3, 31)
    frame = milestones(*[("complete", past, "supply", "pursue")] * 3,
                       *[("on_track", past, "supply", "pursue")] * 2,
                       ("at_risk", future, "supply", "pursue"),
                       ("closed", past, "supply", "pursue"))
    row = next(r for r in plan_progress(frame, today=date(2026, 11, 24))
               if r["axis"] == "priority")
    assert (row["total"], row["complete"], row["on_track"], row["at_risk"], row["closed"],
            row["overdue"]) == (7, 3, 0, 1, 1, 2)
    assert sum(row[status] for status, _ in DERIVED_STATUSES) == row["total"]


def test_objectives_with_no_priority_or_strand_are_named_so():
    frame = milestones(("complete", date(2023, 3, 31), "", ""))
    labels = {(r["axis"], r["key"]): r["label"]
              for r in plan_progress(frame, today=date(2026, 11, 24))}
    assert labels == {("priority", ""): "No priority given", ("strand", ""): "No strand given"}
