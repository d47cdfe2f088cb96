"""When a milestone is due and whether it is overdue. Pure: no ORM, no request.

Overdue is derived, never stored: a milestone that is not complete or closed is overdue once
its due date has passed, or, for one set by plan year, once that year has ended (31 March).
"""

from __future__ import annotations

from datetime import date

# Objectives with no national priority or no 4P strand are grouped under these names.
NONE_GIVEN = {"priority": "No priority given", "strand": "No strand given"}


def plan_year_end(first_year: int, plan_year: int) -> date:
    """Year 1 of a plan starting 2022/23 ends on 31 March 2023."""
    return date(first_year + plan_year, 3, 31)


def due_by(due_date: date | None, plan_year: int | None, first_year: int) -> date | None:
    if due_date is not None:
        return due_date
    if plan_year is not None:
        return plan_year_end(first_year, plan_year)
    return None


def is_overdue(status: str, due: date | None, today: date) -> bool:
    return due is not None and due < today and status not in ("complete", "closed")


def last_ended_financial_year_end(today: date) -> int:
    """The calendar year of the latest 31 March before today: a plan year ending on 31 March
    of that year or earlier has ended."""
    return today.year if today > date(today.year, 3, 31) else today.year - 1
