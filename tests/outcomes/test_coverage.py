"""outcomes/coverage.py: the period expected by now from a metric's frequency and publication
lag, and how far behind the period held is. Pure: no database."""

import json
from datetime import date

import pytest

from outcomes.catalogue import FRAMEWORK_FILE, PUBLICATION_LAG_MONTHS
from outcomes.coverage import (
    BEHIND,
    NO_DATA,
    NOT_SCHEDULED,
    UP_TO_DATE,
    Coverage,
    coverage,
    due_date,
    expected_period,
    held_period,
    period_label,
    shift,
    sort_key,
    stale_sentence,
    summary_sentence,
)
from outcomes.periods import parse_period


def check(frequency, lag, today, held=None) -> Coverage:
    return coverage(frequency=frequency, lag_months=lag, today=today,
                    held=parse_period(held) if held else None)


@pytest.mark.parametrize(
    ("end", "lag", "due"),
    [
        (date(2024, 3, 31), 6, date(2024, 9, 30)),  # 31 March + 6 months: 30 September
        (date(2024, 4, 30), 1, date(2024, 5, 31)),  # the end of the month, not the 30th
        (date(2023, 12, 31), 2, date(2024, 2, 29)),  # a leap year's February
        (date(2022, 12, 31), 2, date(2023, 2, 28)),
        (date(2024, 3, 31), 0, date(2024, 3, 31)),  # out as soon as it ends
        (date(2023, 3, 31), 22, date(2025, 1, 31)),  # over a year later
    ],
)
def test_a_period_is_due_at_the_end_of_the_month_lag_months_after_it_ends(end, lag, due):
    assert due_date(end, lag) == due


# (frequency, lag, held, the day before a period is due, that day, expected before, on it)
BOUNDARIES = [
    # NDTMS's financial year, out in November: 2023/24 is expected from 30 November 2024.
    ("annual", 8, "2021/22", date(2024, 11, 29), date(2024, 11, 30), "2022/23", "2023/24"),
    ("annual", 12, "2020", date(2023, 12, 30), date(2023, 12, 31), "2021", "2022"),
    ("quarterly", 4, "2023/24 Q1", date(2024, 10, 30), date(2024, 10, 31), "2023/24 Q4",
     "2024/25 Q1"),
    ("quarterly", 3, "2023 Q2", date(2024, 3, 30), date(2024, 3, 31), "2023 Q3", "2023 Q4"),
    ("monthly", 2, "Apr 2024", date(2024, 8, 30), date(2024, 8, 31), "May 2024", "Jun 2024"),
    ("monthly", 1, "Jan 2024", date(2024, 2, 28), date(2024, 2, 29), "Dec 2023", "Jan 2024"),
    ("rolling_3y", 12, "2016 - 18", date(2024, 12, 30), date(2024, 12, 31), "2020 - 22",
     "2021 - 23"),
    ("rolling_3y", 10, "2019/20 - 21/22", date(2025, 1, 30), date(2025, 1, 31),
     "2020/21 - 22/23", "2021/22 - 23/24"),
    ("biennial", 10, "2021", date(2024, 10, 30), date(2024, 10, 31), "2021", "2023"),
    ("annual", 8, "Dec 2022 - Nov 2023", date(2025, 7, 30), date(2025, 7, 31),
     "Dec 2022 - Nov 2023", "Dec 2023 - Nov 2024"),
    ("annual", 0, "2023/24", date(2025, 3, 30), date(2025, 3, 31), "2023/24", "2024/25"),
]


@pytest.mark.parametrize(("frequency", "lag", "held", "before", "due", "then", "now"),
                         BOUNDARIES, ids=[f"{b[0]}-{b[2]}" for b in BOUNDARIES])
def test_the_period_expected_changes_on_the_day_it_is_due(frequency, lag, held, before, due,
                                                          then, now):
    period = parse_period(held)
    assert expected_period(frequency, lag, before, period).label == then
    assert expected_period(frequency, lag, due, period).label == now
    assert check(frequency, lag, due, held).due == due
    # And it stays expected until the next one is due.
    assert expected_period(frequency, lag, date(due.year, due.month, 1) if due.day > 1
                           else due, period).label in (then, now)


@pytest.mark.parametrize(
    ("frequency", "lag", "today", "expected"),
    [
        ("annual", 8, date(2024, 11, 30), "2023/24"),  # financial years by default
        ("quarterly", 4, date(2024, 10, 31), "2024/25 Q1"),  # financial quarters
        ("monthly", 1, date(2024, 5, 31), "Apr 2024"),
        ("rolling_3y", 12, date(2024, 12, 31), "2021 - 23"),  # three calendar years
        ("biennial", 10, date(2025, 6, 1), "2023"),  # odd calendar years, as the survey
        ("biennial", 10, date(2026, 10, 31), "2025"),
    ],
)
def test_with_nothing_held_the_usual_form_of_the_frequency_is_expected(
        frequency, lag, today, expected):
    result = check(frequency, lag, today)
    assert (result.status, result.expected, result.held, result.behind) == (
        NO_DATA, expected, None, None)
    assert result.words == f"No data held: {expected} expected"


@pytest.mark.parametrize(
    ("frequency", "lag", "held", "today", "expected", "behind"),
    [
        ("annual", 8, "2021/22", date(2024, 11, 30), "2023/24", 2),
        ("annual", 8, "2022/23", date(2024, 11, 30), "2023/24", 1),
        ("annual", 8, "2023/24", date(2024, 11, 30), "2023/24", 0),
        ("annual", 8, "2023/24", date(2024, 11, 29), "2022/23", 0),  # not due yet: up to date
        ("annual", 8, "2024/25", date(2024, 11, 30), "2023/24", 0),  # ahead (provisional)
        ("annual", 9, "2015", date(2024, 10, 1), "2023", 8),
        ("quarterly", 4, "2022/23 Q4", date(2024, 10, 31), "2024/25 Q1", 5),
        ("monthly", 2, "Jan 2024", date(2024, 8, 31), "Jun 2024", 5),
        ("rolling_3y", 12, "2015 - 17", date(2026, 11, 24), "2022 - 24", 7),
        ("biennial", 10, "2019", date(2024, 10, 31), "2023", 2),
        # Held periods of another length than the frequency's: counted in its steps.
        ("quarterly", 4, "2020/21", date(2024, 10, 31), "2024/25 Q1", 13),
        ("quarterly", 4, "2020", date(2024, 10, 31), "2024 Q2", 14),
        ("annual", 8, "2023/24 Q2", date(2024, 11, 30), "2023/24", 1),
        ("annual", 8, "2022/23 Q2", date(2024, 11, 30), "2023/24", 2),
        ("monthly", 1, "2023/24 Q4", date(2024, 5, 31), "Apr 2024", 1),
    ],
)
def test_periods_behind_count_steps_of_the_frequency(frequency, lag, held, today, expected,
                                                     behind):
    result = check(frequency, lag, today, held)
    assert (result.expected, result.behind) == (expected, behind)
    assert result.status == (BEHIND if behind else UP_TO_DATE)
    assert result.held == parse_period(held).label


def test_the_words_say_how_far_behind_and_what_is_expected():
    assert check("annual", 8, date(2024, 11, 30), "2023/24").words == "Up to date"
    one = check("annual", 8, date(2024, 11, 30), "2022/23")
    assert one.words == "1 period behind: 2023/24 expected"
    assert one.is_behind
    two = check("annual", 8, date(2024, 11, 30), "2021/22")
    assert two.words == "2 periods behind: 2023/24 expected"
    assert two.stale_sentence == "Newer figures expected: 2023/24 (we hold 2021/22)"
    assert not check("annual", 8, date(2024, 11, 30)).is_behind  # nothing held: no data


def test_the_next_period_and_when_it_is_due():
    result = check("annual", 8, date(2024, 11, 30), "2023/24")
    assert (result.expected, result.due) == ("2023/24", date(2024, 11, 30))
    assert (result.next_expected, result.next_due) == ("2024/25", date(2025, 11, 30))


@pytest.mark.parametrize(
    ("frequency", "lag", "reason"),
    [("ad_hoc", 6, "published when reported"), ("ad_hoc", None, "published when reported"),
     ("annual", None, "publication lag not set"), ("", 3, "published when reported")],
)
def test_a_metric_without_a_schedule_is_never_behind(frequency, lag, reason):
    result = check(frequency, lag, date(2030, 1, 1), "2001/02")
    assert (result.status, result.expected, result.behind) == (NOT_SCHEDULED, None, None)
    assert result.held == "2001/02"
    assert result.words == f"No publication schedule: {reason}"
    assert result.stale_sentence == ""
    assert expected_period(frequency, lag, date(2030, 1, 1)) is None


LABELS = ["2015", "2022/23", "2016 - 18", "2006 - 07", "2023/24 Q1", "2023 Q1", "Apr 2024",
          "2006/07 - 08/09", "2023/24 Q4", "1999/00", "Aug 2006 - Jul 2007",
          "Dec 2022 - Nov 2023", "Dec 2024", "2023 Q4"]


@pytest.mark.parametrize("label", LABELS)
@pytest.mark.parametrize("months", [-25, -12, -3, -1, 0, 1, 3, 12, 24, 36])
def test_a_moved_period_keeps_its_length_and_reads_back(label, months):
    period = parse_period(label)
    moved = shift(period, months)
    again = parse_period(moved.label)
    assert (again.start, again.end) == (moved.start, moved.end)
    if months % 12 == 0:  # whole years: the same form (others may read as months)
        assert (moved.year_type, moved.year_range) == (period.year_type, period.year_range)
    length = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month
    assert (moved.end.year - moved.start.year) * 12 + moved.end.month - moved.start.month == length


@pytest.mark.parametrize(
    ("label", "months", "moved"),
    [("2022/23", 12, "2023/24"), ("2022/23", -12, "2021/22"), ("2016 - 18", 12, "2017 - 19"),
     ("2023/24 Q4", 3, "2024/25 Q1"), ("2023 Q4", 3, "2024 Q1"), ("Dec 2024", 1, "Jan 2025"),
     ("2006/07 - 08/09", 12, "2007/08 - 09/10"), ("1999/00", 12, "2000/01"),
     ("2006/07 Q1-Q3", 12, "Apr 2007 - Dec 2007")],
)
def test_moved_periods_are_labelled_as_fingertips_labels_them(label, months, moved):
    assert shift(parse_period(label), months).label == moved


def test_labels_of_months():
    assert period_label(date(2024, 4, 1), date(2024, 4, 30), "calendar") == "Apr 2024"
    assert period_label(date(2024, 1, 1), date(2024, 3, 31), "financial") == "2023/24 Q4"
    assert period_label(date(2024, 2, 1), date(2024, 4, 30), "calendar") == (
        "Feb 2024 - Apr 2024")


def test_a_stored_period_that_does_not_read_back_is_taken_as_stored():
    period = held_period("Year to date", date(2023, 4, 1), date(2023, 9, 30), "financial")
    assert (period.label, period.start, period.end) == (
        "Year to date", date(2023, 4, 1), date(2023, 9, 30))
    assert held_period("2022/23", date(2022, 4, 1), date(2023, 3, 31), "financial") == (
        parse_period("2022/23"))


def test_the_tile_sentence():
    assert stale_sentence(frequency="annual", lag_months=8, period_label="2021/22",
                          today=date(2024, 12, 1)) == (
        "Newer figures expected: 2023/24 (we hold 2021/22)")
    assert stale_sentence(frequency="annual", lag_months=8, period_label="2023/24",
                          today=date(2024, 12, 1)) == ""
    assert stale_sentence(frequency="annual", lag_months=8, period_label="not a period",
                          today=date(2024, 12, 1)) == ""
    assert stale_sentence(frequency="ad_hoc", lag_months=None, period_label="2001",
                          today=date(2024, 12, 1)) == ""


def test_what_is_behind_sorts_first_and_the_sentence_counts_it():
    today = date(2024, 11, 30)
    items = [check("annual", 8, today, "2023/24"), check("ad_hoc", None, today),
             check("annual", 8, today), check("annual", 8, today, "2022/23"),
             check("annual", 8, today, "2019/20")]
    ordered = sorted(items, key=sort_key)
    assert [(c.status, c.behind) for c in ordered] == [
        (BEHIND, 4), (BEHIND, 1), (NO_DATA, None), (UP_TO_DATE, 0), (NOT_SCHEDULED, None)]
    assert summary_sentence(items) == (
        "Of 5 metrics in the framework, 2 are behind what should be published by now, 1 has "
        "no data held, 1 is up to date and 1 has no publication schedule.")
    assert summary_sentence(items[:1] * 3) == "All 3 metrics in the framework are up to date."
    assert summary_sentence(items[:1]) == "The framework's one metric is up to date."
    assert summary_sentence([items[3]]) == (
        "Of 1 metric in the framework, 1 is behind what should be published by now.")
    assert summary_sentence([]) == "There are no metrics in the framework."


def test_every_national_metric_has_a_publication_lag_unless_it_has_no_schedule():
    metrics = json.loads(FRAMEWORK_FILE.read_text())["metrics"]
    assert {m["code"] for m in metrics} == set(PUBLICATION_LAG_MONTHS)
    for metric in metrics:
        lag = PUBLICATION_LAG_MONTHS[metric["code"]]
        if metric["frequency"] == "ad_hoc":
            assert lag is None, metric["code"]
        else:
            assert isinstance(lag, int) and 0 < lag <= 24, metric["code"]
