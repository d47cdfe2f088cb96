"""When a milestone is due, whether it is overdue and its derived status: the one rule, in its
three forms side by side (Python for one milestone, a database expression for a queryset, a
pandas series for a frame). No request, no model: the forms are kept together so that they
cannot drift apart (tests/actionplans/test_progress_rule.py checks that they agree).

The rule: a milestone that is not complete or closed is overdue once its due date has passed,
or, for one set by plan year only, once that plan year has ended (31 March). Overdue is
derived when read, never stored: a page is right the day after a due date passes, with no
edit and no recompute. Its derived status is "overdue" when it is overdue, otherwise the
status recorded for it: overdue overrides every unfinished status, everywhere.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Case, CharField, F, Q, Value, When

from .choices import FINISHED, MilestoneStatus

# Objectives with no national priority or no 4P strand are grouped under these names.
NONE_GIVEN = {"priority": "No priority given", "strand": "No strand given"}

OVERDUE = "overdue"
OVERDUE_LABEL = "Overdue"
# Every derived status, in the order pages count them: finished first, then overdue, then
# how the rest are going.
DERIVED_STATUSES = [
    (MilestoneStatus.COMPLETE.value, "Complete"), (MilestoneStatus.CLOSED.value, "Closed"),
    (OVERDUE, OVERDUE_LABEL), (MilestoneStatus.ON_TRACK.value, "On track"),
    (MilestoneStatus.AT_RISK.value, "At risk"), (MilestoneStatus.OFF_TRACK.value, "Off track"),
    (MilestoneStatus.NOT_STARTED.value, "Not started"),
]
DERIVED_LABELS = dict(DERIVED_STATUSES)
DERIVED_TAG_CLASSES = {
    "complete": "govuk-tag--blue", "closed": "govuk-tag--grey", OVERDUE: "govuk-tag--red",
    "on_track": "govuk-tag--green", "at_risk": "govuk-tag--yellow",
    "off_track": "govuk-tag--red", "not_started": "govuk-tag--light-blue",
}
# The path from a milestone to its plan's first year, for the database form.
FIRST_YEAR = "key_action__objective__plan__first_year"


def plan_year_end(first_year: int, plan_year: int) -> date:
    """Year 1 of a plan starting 2022/23 ends on 31 March 2023."""
    return date(first_year + plan_year, 3, 31)


def due_by(due_date: date | None, plan_year: int | None, first_year: int) -> date | None:
    if due_date is not None:
        return due_date
    if plan_year is not None:
        return plan_year_end(first_year, plan_year)
    return None


def last_ended_financial_year_end(today: date) -> int:
    """The calendar year of the latest 31 March before today: a plan year ending on 31 March
    of that year or earlier has ended."""
    return today.year if today > date(today.year, 3, 31) else today.year - 1


# --- The rule, for one milestone --------------------------------------------------------------
def is_overdue(status: str, due: date | None, today: date) -> bool:
    return due is not None and due < today and status not in FINISHED


def derived_status(status: str, due: date | None, today: date) -> str:
    """"overdue" when overdue, otherwise the recorded status."""
    return OVERDUE if is_overdue(status, due, today) else status


def overdue_reason(*, due: date | None, status_label: str) -> str:
    """Why a milestone is overdue: 'was due 31 March 2024; status recorded: On track'. Pages
    show it after an "Overdue" tag: "Overdue: was due 31 March 2024; status recorded: ..."."""
    was_due = f"was due {due:%-d %B %Y}; " if due else ""
    return f"{was_due}status recorded: {status_label}"


# --- The rule, in the database ----------------------------------------------------------------
def overdue_q(today: date, *, prefix: str = "") -> Q:
    """Milestones past their due date, or past the end of their plan year, and not finished.
    `prefix` reaches the milestone from another model ("milestones__")."""
    ended = last_ended_financial_year_end(today)
    late = Q(**{f"{prefix}due_date__lt": today}) | Q(
        **{f"{prefix}due_date__isnull": True, f"{prefix}plan_year__isnull": False,
           f"{prefix}plan_year__lte": ended - F(prefix + FIRST_YEAR)},
    )
    return late & ~Q(**{f"{prefix}status__in": sorted(FINISHED)})


def derived_status_expression(today: date) -> Case:
    """For `.annotate(derived_status=...)`: "overdue" or the recorded status."""
    return Case(When(overdue_q(today), then=Value(OVERDUE)), default=F("status"),
                output_field=CharField())


# --- The rule, for a frame (pandas) -------------------------------------------------------------
def overdue_series(milestones, today: date):
    """For a frame with status, due_date, plan_year and first_year columns."""
    import pandas as pd

    due = pd.to_datetime(milestones["due_date"])
    year_end = pd.to_datetime(
        (milestones["first_year"] + milestones["plan_year"]).astype("Int64").astype(str)
        + "-03-31", errors="coerce")
    due_by_ = due.fillna(year_end)
    return (due_by_ < pd.Timestamp(today)) & ~milestones["status"].isin(sorted(FINISHED))


def derived_status_series(milestones, today: date):
    return milestones["status"].where(~overdue_series(milestones, today), OVERDUE)


# --- Counts by derived status -----------------------------------------------------------------
def count_row(counts) -> dict:
    """A group's counts by derived status (each milestone once: overdue ones are counted as
    overdue, not in their recorded status), its total and its share complete."""
    row = {key: int(counts.get(key, 0)) for key, _ in DERIVED_STATUSES}
    row["total"] = sum(row.values())
    row["percent_complete"] = (round(100 * row["complete"] / row["total"], 1)
                               if row["total"] else 0.0)
    return row
