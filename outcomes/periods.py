"""Time periods as Fingertips labels them (METHODS.md §7), parsed into dates. Pure: no ORM.

A period is (year, year_range, quarter, month, year_type): year is the start year, quarter
and month are -1 when unused. We also keep the first and last day it covers, so periods of
any form can be filtered and ordered by date.

Accepted labels (spaces around " - " as Fingertips writes them; case and extra spaces are
forgiven):
    2015                      calendar year
    2016 - 18                 calendar years 2016 to 2018 (a rolling three years)
    2022/23                   financial year, April to March (also 2022-23, 2022/2023)
    2006/07 - 08/09           financial years 2006/07 to 2008/09
    2023/24 Q1                financial quarter (Q1 is April to June)
    2023 Q1                   calendar quarter (Q1 is January to March)
    2006/07 Q1-Q3             cumulative quarters of a financial year
    2006/07 Q2 - 2007/08 Q1   rolling quarters (financial); 2006 Q2 - 2007 Q1 (calendar)
    Apr 2024                  a month
    Apr 2009 - Mar 2010       rolling months (also Aug 2006 - Jul 2007 and the like)
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date

CALENDAR = "calendar"
FINANCIAL = "financial"
MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_abbr) if name}
MIN_YEAR, MAX_YEAR = 1900, 2100


class PeriodError(ValueError):
    """The label is not a time period we can read."""


@dataclass(frozen=True)
class Period:
    label: str
    year: int
    year_range: int
    quarter: int
    month: int
    year_type: str
    start: date
    end: date

    @property
    def sortable(self) -> int:
        """Fingertips' "Time period Sortable": YYYY QQ MM, unused parts 00."""
        return self.year * 10000 + max(self.quarter, 0) * 100 + max(self.month, 0)


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year(text: str) -> int:
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(f"year {year} is out of range")
    return year


def _end_year(start: int, two_or_four_digits: str) -> int:
    """'07' after 2006 is 2007; '2007' is 2007. The end must follow the start."""
    if len(two_or_four_digits) == 4:
        end = int(two_or_four_digits)
    else:
        century = start - start % 100
        end = century + int(two_or_four_digits)
        if end < start:
            end += 100  # 1999/00
    if end < start or end - start > 50:
        raise PeriodError("the period ends before it starts")
    return end


def _quarter_start(year: int, quarter: int, year_type: str) -> date:
    if not 1 <= quarter <= 4:
        raise PeriodError(f"there is no quarter {quarter}")
    month = 3 * (quarter - 1) + (4 if year_type == FINANCIAL else 1)
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _quarter_end(year: int, quarter: int, year_type: str) -> date:
    first = _quarter_start(year, quarter, year_type)
    month = first.month + 2
    return _last_day(first.year + (month - 1) // 12, (month - 1) % 12 + 1)


FULL_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}


def _month(name: str) -> int:
    """Jan or January (any case), and the usual Sept; not anything else starting Jan."""
    lower = name.lower()
    number = MONTHS.get(lower) or FULL_MONTHS.get(lower) or (9 if lower == "sept" else None)
    if number is None:
        raise PeriodError(f"{name!r} is not a month")
    return number


FY = r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})"
PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^(\d{4})$"), "calendar_year"),
    (re.compile(r"^(\d{4}) - (\d{2}|\d{4})$"), "calendar_range"),
    (re.compile(rf"^{FY}$"), "financial_year"),
    (re.compile(rf"^{FY} - (\d{{2}})/(\d{{2}})$"), "financial_range"),
    (re.compile(rf"^{FY} Q([1-4])$"), "financial_quarter"),
    (re.compile(r"^(\d{4}) Q([1-4])$"), "calendar_quarter"),
    (re.compile(rf"^{FY} Q([1-4]) ?- ?Q([1-4])$"), "financial_cumulative_quarters"),
    (re.compile(rf"^{FY} Q([1-4]) - {FY} Q([1-4])$"), "financial_rolling_quarters"),
    (re.compile(r"^(\d{4}) Q([1-4]) - (\d{4}) Q([1-4])$"), "calendar_rolling_quarters"),
    (re.compile(r"^([A-Za-z]{3,9}) (\d{4})$"), "month"),
    (re.compile(r"^([A-Za-z]{3,9}) (\d{4}) - ([A-Za-z]{3,9}) (\d{4})$"), "month_range"),
]


@functools.lru_cache(maxsize=4096)
def parse_period(raw: str) -> Period:
    """Reads a period label; raises PeriodError saying why it cannot. Remembered: a page of
    tiles and an import of thousands of rows read the same few labels again and again, and a
    Period is frozen."""
    if raw is None:
        raise PeriodError("the period is empty")
    label = re.sub(r"\s+", " ", str(raw).strip())
    label = re.sub(r"(?<=\s)q([1-4])\b", r"Q\1", label)  # 2023/24 q1
    label = re.sub(r"\s*-\s*", " - ", label) if re.search(r"\d\s+-|-\s+\d|\s-\s", label) else label
    if not label:
        raise PeriodError("the period is empty")
    for pattern, kind in PATTERNS:
        match = pattern.match(label)
        if match:
            try:
                return _BUILDERS[kind](label, *match.groups())
            except ValueError as error:  # a bad date, or our own PeriodError
                raise PeriodError(str(error)) from None
    raise PeriodError(f"{label!r} is not a time period we can read")


def _calendar_year(label, year):
    y = _year(year)
    return Period(label, y, 1, -1, -1, CALENDAR, date(y, 1, 1), date(y, 12, 31))


def _calendar_range(label, year, end):
    y = _year(year)
    last = _end_year(y, end)
    if last == y:
        raise PeriodError("a range of years must end after it starts")
    return Period(label, y, last - y + 1, -1, -1, CALENDAR, date(y, 1, 1), date(last, 12, 31))


def _financial_start(year: str, end: str) -> int:
    y = _year(year)
    if _end_year(y, end) != y + 1:
        raise PeriodError(f"a financial year runs from one year into the next, not {year}/{end}")
    return y


def _financial_year(label, year, end):
    y = _financial_start(year, end)
    return Period(f"{y}/{(y + 1) % 100:02d}", y, 1, -1, -1, FINANCIAL, date(y, 4, 1),
                  date(y + 1, 3, 31))


def _financial_range(label, year, end, last_start, last_end):
    y = _financial_start(year, end)
    last = _end_year(y, last_start)
    if _end_year(last, last_end) != last + 1 or last <= y:
        raise PeriodError("the range of financial years is not in order")
    return Period(label, y, last - y + 1, -1, -1, FINANCIAL, date(y, 4, 1), date(last + 1, 3, 31))


def _financial_quarter(label, year, end, quarter):
    y, q = _financial_start(year, end), int(quarter)
    return Period(label, y, 1, q, -1, FINANCIAL, _quarter_start(y, q, FINANCIAL),
                  _quarter_end(y, q, FINANCIAL))


def _calendar_quarter(label, year, quarter):
    y, q = _year(year), int(quarter)
    return Period(label, y, 1, q, -1, CALENDAR, _quarter_start(y, q, CALENDAR),
                  _quarter_end(y, q, CALENDAR))


def _financial_cumulative_quarters(label, year, end, first, last):
    y, q1, q2 = _financial_start(year, end), int(first), int(last)
    if q2 < q1:
        raise PeriodError("the quarters are not in order")
    return Period(label, y, 1, q1, -1, FINANCIAL, _quarter_start(y, q1, FINANCIAL),
                  _quarter_end(y, q2, FINANCIAL))


def _financial_rolling_quarters(label, year, end, q1, year2, end2, q2):
    y1, y2 = _financial_start(year, end), _financial_start(year2, end2)
    return _rolling_quarters(label, y1, int(q1), y2, int(q2), FINANCIAL)


def _calendar_rolling_quarters(label, year, q1, year2, q2):
    y1, y2 = _year(year), _year(year2)
    return _rolling_quarters(label, y1, int(q1), y2, int(q2), CALENDAR)


def _rolling_quarters(label, y1, q1, y2, q2, year_type):
    """Quarter q1 of year y1 to quarter q2 of year y2, of either year type."""
    start = _quarter_start(y1, q1, year_type)
    finish = _quarter_end(y2, q2, year_type)
    if finish < start:
        raise PeriodError("the period ends before it starts")
    return Period(label, y1, y2 - y1 + (1 if q2 >= q1 else 0), q1, -1, year_type, start, finish)


def _month_period(label, name, year):
    y, m = _year(year), _month(name)
    return Period(f"{calendar.month_abbr[m]} {y}", y, 1, -1, m, CALENDAR, date(y, m, 1),
                  _last_day(y, m))


def _month_range(label, name1, year1, name2, year2):
    y1, m1, y2, m2 = _year(year1), _month(name1), _year(year2), _month(name2)
    start, finish = date(y1, m1, 1), _last_day(y2, m2)
    if finish < start:
        raise PeriodError("the period ends before it starts")
    months = (y2 - y1) * 12 + m2 - m1 + 1
    return Period(
        f"{calendar.month_abbr[m1]} {y1} - {calendar.month_abbr[m2]} {y2}",
        y1, max(1, months // 12), -1, m1, CALENDAR, start, finish,
    )


_BUILDERS = {
    "calendar_year": _calendar_year,
    "calendar_range": _calendar_range,
    "financial_year": _financial_year,
    "financial_range": _financial_range,
    "financial_quarter": _financial_quarter,
    "calendar_quarter": _calendar_quarter,
    "financial_cumulative_quarters": _financial_cumulative_quarters,
    "financial_rolling_quarters": _financial_rolling_quarters,
    "calendar_rolling_quarters": _calendar_rolling_quarters,
    "month": _month_period,
    "month_range": _month_range,
}
