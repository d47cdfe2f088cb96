"""Data coverage: which period of a metric should be out by now, and how far behind the data
held is. Pure: no ORM, no request; `today` is always given.

A metric is published every `frequency` (Metric.Frequency's values), `lag` whole months
after each period ends (Metric.publication_lag_months), as the publishers' release
calendars put it: NDTMS's financial year to March is out in November, a lag of 8.

- A period is **due** at the end of the month `lag` months after the month it ends in (a
  year to 31 March 2024 with a lag of 6 is due on 30 September 2024). From that day on it
  is **expected**: the latest period expected by now is the last one due on or before today.
- The expected period has the form of the latest period held, moved on by whole steps of the
  frequency: financial years stay financial ("2022/23"), calendar ones calendar ("2022"),
  three-year rolling periods rolling ("2016 - 18"), a rolling twelve months stays one
  ("Dec 2022 - Nov 2023"). When nothing is held, or the period held is not as long as the
  frequency's periods (a year held for a quarterly metric), it takes the frequency's usual
  form (METHODS.md §7) in the held period's year type: months "Apr 2024"; quarters
  "2023/24 Q1" (or "2023 Q1"); years "2023/24" (or "2023"); every other year, odd calendar
  years "2023" (as the young people's survey since 2021); three years "2021 - 23".
  Without a period held, years and quarters are financial, and the two- and three-year
  forms calendar.
- **Periods behind** = the steps of the frequency from the end of the period held to the end
  of the one expected, rounded up; 0 when what is held ends no earlier (up to date).
- A metric published when reported ("ad_hoc"), or whose lag is not known, has no expected
  period: it is never behind.
"""

from __future__ import annotations

import calendar
import functools
import math
from dataclasses import dataclass
from datetime import date

from .periods import CALENDAR, FINANCIAL, Period, PeriodError, parse_period

UP_TO_DATE = "up_to_date"
BEHIND = "behind"
NO_DATA = "no_data"
NOT_SCHEDULED = "not_scheduled"
STATUSES = (BEHIND, NO_DATA, UP_TO_DATE, NOT_SCHEDULED)  # the order a table shows them in

# Months from one period to the next, and the lengths in months a period may have.
STEPS = {"monthly": 1, "quarterly": 3, "annual": 12, "biennial": 24, "rolling_3y": 12}
LENGTHS = {"monthly": {1}, "quarterly": {3}, "annual": {12}, "biennial": {12, 24},
           "rolling_3y": {36}}
# The usual form of each frequency's periods, by year type: a period to move forward.
USUAL = {
    "monthly": {CALENDAR: "Jan 2001", FINANCIAL: "Jan 2001"},
    "quarterly": {CALENDAR: "2001 Q1", FINANCIAL: "2001/02 Q1"},
    "annual": {CALENDAR: "2001", FINANCIAL: "2001/02"},
    "biennial": {CALENDAR: "2001", FINANCIAL: "2001/02"},
    "rolling_3y": {CALENDAR: "1999 - 01", FINANCIAL: "1999/00 - 01/02"},
}
DEFAULT_YEAR_TYPE = {"biennial": CALENDAR, "rolling_3y": CALENDAR}


@dataclass(frozen=True)
class Coverage:
    """A metric's coverage: the latest period held and the one expected by now."""

    status: str
    held: str | None = None  # the latest period held, as labelled
    expected: str | None = None  # the latest period expected by now
    due: date | None = None  # the day the expected period was due
    behind: int | None = None  # periods behind: 0 when up to date, None when not known
    next_expected: str | None = None  # the period after the expected one
    next_due: date | None = None  # and the day it is due
    reason: str = ""  # why nothing is expected

    @property
    def is_behind(self) -> bool:
        return self.status == BEHIND

    @property
    def words(self) -> str:
        """The status in words, as a tag shows it."""
        if self.status == UP_TO_DATE:
            return "Up to date"
        if self.status == BEHIND:
            periods = "period" if self.behind == 1 else "periods"
            return f"{self.behind} {periods} behind: {self.expected} expected"
        if self.status == NO_DATA:
            return f"No data held: {self.expected} expected"
        return f"No publication schedule: {self.reason}"

    @property
    def stale_sentence(self) -> str:
        """For a dashboard tile: what is held and what should be by now, when behind."""
        if self.status != BEHIND:
            return ""
        return f"Newer figures expected: {self.expected} (we hold {self.held})"


def _index(day: date) -> int:
    """Months since year 0: consecutive months have consecutive indexes."""
    return day.year * 12 + day.month - 1


def _month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def _month_end(index: int) -> date:
    year, month = index // 12, index % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def months_long(period: Period) -> int:
    """How many calendar months the period covers."""
    return _index(period.end) - _index(period.start) + 1


def due_date(period_end: date, lag_months: int) -> date:
    """The last day of the month `lag_months` after the month the period ends in."""
    return _month_end(_index(period_end) + lag_months)


def period_label(start: date, end: date, year_type: str) -> str:
    """The Fingertips label (METHODS.md §7) of the months from `start` to `end`."""
    months = _index(end) - _index(start) + 1
    abbr = calendar.month_abbr
    if months == 1:
        return f"{abbr[start.month]} {start.year}"
    if months % 12 == 0 and year_type == FINANCIAL and start.month == 4:
        first = f"{start.year}/{(start.year + 1) % 100:02d}"
        if months == 12:
            return first
        last = end.year - 1
        return f"{first} - {last % 100:02d}/{(last + 1) % 100:02d}"
    if months % 12 == 0 and year_type == CALENDAR and start.month == 1:
        return str(start.year) if months == 12 else f"{start.year} - {end.year % 100:02d}"
    if months == 3 and start.month in (1, 4, 7, 10):
        if year_type == FINANCIAL:
            year = start.year if start.month >= 4 else start.year - 1
            return f"{year}/{(year + 1) % 100:02d} Q{(start.month - 4) % 12 // 3 + 1}"
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    return f"{abbr[start.month]} {start.year} - {abbr[end.month]} {end.year}"


def shift(period: Period, months: int) -> Period:
    """The period of the same length and year type, `months` later (earlier if negative),
    relabelled. Cumulative and rolling quarters come back as months ("Apr 2007 - Dec 2007")."""
    start = _month_start(_index(period.start) + months)
    end = _month_end(_index(period.end) + months)
    label = period_label(start, end, period.year_type)
    try:
        return parse_period(label)
    except PeriodError:  # outside the years a label may have
        return Period(label, start.year, period.year_range, -1, -1, period.year_type, start,
                      end)


def held_period(label: str, start: date, end: date, year_type: str) -> Period:
    """A period as stored with an observation: its label read again, or taken as given."""
    try:
        period = parse_period(label)
    except PeriodError:
        period = None
    if period is None or (period.start, period.end) != (start, end):
        months = _index(end) - _index(start) + 1
        return Period(label, start.year, max(1, months // 12), -1, -1, year_type, start, end)
    return period


def expected_period(frequency: str, lag_months: int | None, today: date,
                    held: Period | None = None) -> Period | None:
    """The latest period of the metric due on or before `today`, in the held period's form;
    None when the metric has no schedule (published when reported, or lag not known)."""
    if frequency not in STEPS or lag_months is None or lag_months < 0:
        return None
    step = STEPS[frequency]
    if held is not None and months_long(held) in LENGTHS[frequency]:
        anchor = held
    else:
        year_type = held.year_type if held is not None else DEFAULT_YEAR_TYPE.get(
            frequency, FINANCIAL)
        anchor = parse_period(USUAL[frequency][year_type])
    # The latest end month whose period is due by the end of this month, then whole steps.
    steps = (_index(today) - lag_months - _index(anchor.end)) // step
    while due_date(shift(anchor, steps * step).end, lag_months) > today:
        steps -= 1
    while due_date(shift(anchor, (steps + 1) * step).end, lag_months) <= today:
        steps += 1
    return shift(anchor, steps * step)


@functools.lru_cache(maxsize=4096)
def coverage(*, frequency: str, lag_months: int | None, today: date,
             held: Period | None) -> Coverage:
    """How the latest period held compares with the latest one expected by `today`.
    Remembered (its arguments and its answer are frozen): a dashboard asks it for every
    tile, and most tiles share a schedule and a period."""
    held_label = held.label if held is not None else None
    expected = expected_period(frequency, lag_months, today, held)
    if expected is None:
        reason = ("published when reported" if frequency not in STEPS
                  else "publication lag not set")
        return Coverage(NOT_SCHEDULED, held=held_label, reason=reason)
    step = STEPS[frequency]
    following = shift(expected, step)
    common = {"expected": expected.label, "due": due_date(expected.end, lag_months),
              "next_expected": following.label,
              "next_due": due_date(following.end, lag_months)}
    if held is None:
        return Coverage(NO_DATA, **common)
    gap = _index(expected.end) - _index(held.end)
    behind = max(0, math.ceil(gap / step))
    return Coverage(BEHIND if behind else UP_TO_DATE, held=held_label, behind=behind,
                    **common)


def sort_key(item: Coverage) -> tuple:
    """Behind first (the most periods behind first), then no data, up to date, unscheduled."""
    return (STATUSES.index(item.status), -(item.behind or 0))


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary_sentence(items: list[Coverage]) -> str:
    """One sentence over a framework's coverage, what is behind first."""
    if not items:
        return "There are no metrics in the framework."
    counts = {status: sum(1 for c in items if c.status == status) for status in STATUSES}
    total = _count(len(items), "metric", "metrics")
    if counts[UP_TO_DATE] == len(items):
        return f"All {total} in the framework are up to date." if len(items) > 1 else (
            "The framework's one metric is up to date.")
    parts = [
        (BEHIND, "is behind what should be published by now",
         "are behind what should be published by now"),
        (NO_DATA, "has no data held", "have no data held"),
        (UP_TO_DATE, "is up to date", "are up to date"),
        (NOT_SCHEDULED, "has no publication schedule", "have no publication schedule"),
    ]
    said = [f"{counts[s]} {one if counts[s] == 1 else many}" for s, one, many in parts
            if counts[s]]
    listed = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]
    return f"Of {total} in the framework, {listed}."


def stale_sentence(*, frequency: str, lag_months: int | None, period_label: str,
                   today: date) -> str:
    """For a dashboard tile, from its latest period: "Newer figures expected: 2023/24 (we
    hold 2021/22)" when it is behind, else empty."""
    try:
        held = parse_period(period_label)
    except PeriodError:
        return ""
    return coverage(frequency=frequency, lag_months=lag_months, today=today,
                    held=held).stale_sentence
