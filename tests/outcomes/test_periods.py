"""outcomes/periods.py against METHODS.md §7 (labels and "Time period Sortable")."""

from datetime import date

import pytest

from outcomes.periods import PeriodError, parse_period


@pytest.mark.parametrize(
    ("label", "sortable", "start", "end", "year_type", "year_range"),
    [
        ("2015", 20150000, date(2015, 1, 1), date(2015, 12, 31), "calendar", 1),
        ("2022/23", 20220000, date(2022, 4, 1), date(2023, 3, 31), "financial", 1),
        ("2016 - 18", 20160000, date(2016, 1, 1), date(2018, 12, 31), "calendar", 3),
        ("2006 - 07", 20060000, date(2006, 1, 1), date(2007, 12, 31), "calendar", 2),
        ("2023/24 Q1", 20230100, date(2023, 4, 1), date(2023, 6, 30), "financial", 1),
        ("2023 Q1", 20230100, date(2023, 1, 1), date(2023, 3, 31), "calendar", 1),
        ("Apr 2024", 20240004, date(2024, 4, 1), date(2024, 4, 30), "calendar", 1),
        ("2006/07 - 08/09", 20060000, date(2006, 4, 1), date(2009, 3, 31), "financial", 3),
        ("2006/07 Q1-Q3", 20060100, date(2006, 4, 1), date(2006, 12, 31), "financial", 1),
        ("2006/07 Q2 - 2007/08 Q1", 20060200, date(2006, 7, 1), date(2007, 6, 30),
         "financial", 1),
        ("2006 Q2 - 2007 Q1", 20060200, date(2006, 4, 1), date(2007, 3, 31), "calendar", 1),
        ("Aug 2006 - Jul 2007", 20060008, date(2006, 8, 1), date(2007, 7, 31), "calendar", 1),
        ("Apr 2009 - Mar 2010", 20090004, date(2009, 4, 1), date(2010, 3, 31), "calendar", 1),
        ("2023/24 Q4", 20230400, date(2024, 1, 1), date(2024, 3, 31), "financial", 1),
        ("1999/00", 19990000, date(1999, 4, 1), date(2000, 3, 31), "financial", 1),
    ],
)
def test_labels(label, sortable, start, end, year_type, year_range):
    period = parse_period(label)
    assert (period.sortable, period.start, period.end, period.year_type, period.year_range) == (
        sortable, start, end, year_type, year_range
    )


@pytest.mark.parametrize(
    ("written", "canonical"),
    [("2020-21", "2020/21"), ("2020/2021", "2020/21"), (" 2016 -18 ", "2016 - 18"),
     ("april 2024", "Apr 2024"), ("2016  -  18", "2016 - 18")],
)
def test_forgiving_spellings(written, canonical):
    assert parse_period(written).label == canonical


@pytest.mark.parametrize(
    ("label", "reason"),
    [
        ("", "empty"),
        ("2022/24", "financial year runs from one year into the next"),
        ("2016 - 15", "ends before it starts"),
        ("2023/24 Q5", "not a time period"),
        ("Foo 2020", "not a month"),
        ("1800", "out of range"),
        ("next year", "not a time period"),
        ("31/02/2020", "not a time period"),
    ],
)
def test_unreadable_periods_say_why(label, reason):
    with pytest.raises(PeriodError, match=reason):
        parse_period(label)


def test_lower_case_quarters_and_full_month_names():
    assert parse_period("2023/24 q1").label == "2023/24 Q1"
    assert parse_period("September 2024").label == "Sep 2024"
    with pytest.raises(PeriodError, match="'Aprilia' is not a month"):
        parse_period("Aprilia 2024")
