"""outcomes/aggregates.py: the dashboard's summary rows from frames of observations. Pure
pandas, so no database: every frame is built here by hand."""

import itertools
import json
import math
import random
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from outcomes import aggregates
from outcomes.aggregates import OUTPUT_COLUMNS, metric_summaries, records, series_points
from outcomes.stats import target_trajectory

NAN = float("nan")
ENGLAND = "E92000001"
REGION = "E12000003"  # Yorkshire and The Humber
OTHER_REGION = "E12000001"
AREA = "E08000018"  # Rotherham
VALUE_COLUMNS = ["metric_id", "area_code", "area_name", "period_label", "period_start",
                 "period_end", "period_year_type", "period_sortable", "sex", "age",
                 "category_type", "category", "value", "count", "denominator", "lower_ci",
                 "upper_ci", "value_note"]
OBSERVATION_COLUMNS = ["partnership_id", *VALUE_COLUMNS]
METRIC_COLUMNS = ["metric_id", "code", "unit", "polarity", "frequency", "disclosure_control"]
TARGET_COLUMNS = ["target_id", "partnership_id", "metric_id", "description", "target_value",
                  "due_period", "due_end", "baseline_value", "baseline_end"]
PARTNERSHIP_COLUMNS = ["partnership_id", "region_code"]
PEER_COLUMNS = ["partnership_id", "metric_id", "area_code", "period_end", "period_label",
                "value", "count"]
SUPPRESSED = "Value suppressed for disclosure control due to small count"


# --- Building frames -----------------------------------------------------------------------------
def year(y: int, value: float = NAN, *, partnership_id: int = 1, metric_id: int = 1,
         area_code: str = AREA, **fields) -> dict:
    """An observation for the financial year y/y+1 (all persons, no category)."""
    return {
        "partnership_id": partnership_id, "metric_id": metric_id, "area_code": area_code,
        "area_name": "Rotherham", "period_label": f"{y}/{(y + 1) % 100:02d}",
        "period_start": date(y, 4, 1), "period_end": date(y + 1, 3, 31),
        "period_year_type": "financial", "period_sortable": y * 10000, "sex": "", "age": "",
        "category_type": "", "category": "", "value": value, "count": NAN,
        "denominator": NAN, "lower_ci": NAN, "upper_ci": NAN, "value_note": "", **fields,
    }


def benchmark(y: int, value: float, area_code: str = ENGLAND, **fields) -> dict:
    row = year(y, value, area_code=area_code, area_name=area_code, **fields)
    del row["partnership_id"]
    return row


def frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def metric(metric_id: int = 1, *, unit: str = "rate_per_100000",
           polarity: str = "higher_better", frequency: str = "annual",
           disclosure_control: bool = False) -> dict:
    return {"metric_id": metric_id, "code": f"metric-{metric_id}", "unit": unit,
            "polarity": polarity, "frequency": frequency,
            "disclosure_control": disclosure_control}


def summarise(observations: list[dict], *, benchmarks=(), metrics=None, targets=(),
              partnerships=None, peers=None) -> list[dict]:
    """The summaries of these rows, as records, in output order."""
    partnership_ids = sorted({row["partnership_id"] for row in observations})
    summary = metric_summaries(
        observations=frame(observations, OBSERVATION_COLUMNS),
        benchmarks=frame(list(benchmarks), VALUE_COLUMNS),
        metrics=frame(metrics if metrics is not None else [metric()], METRIC_COLUMNS),
        targets=frame(list(targets), TARGET_COLUMNS),
        partnerships=frame(partnerships if partnerships is not None else
                           [{"partnership_id": p, "region_code": REGION}
                            for p in partnership_ids], PARTNERSHIP_COLUMNS),
        peers=None if peers is None else frame([labelled(p) for p in peers], PEER_COLUMNS),
    )
    assert list(summary.columns) == OUTPUT_COLUMNS
    return records(summary)


def labelled(peer: dict) -> dict:
    """A stored summary's row, labelled by its financial year unless it says otherwise."""
    end = peer["period_end"]
    return {"period_label": f"{end.year - 1}/{end.year % 100:02d}", **peer}


def only(rows: list[dict]) -> dict:
    assert len(rows) == 1
    return rows[0]


# --- Latest, previous and change -----------------------------------------------------------------
def test_latest_is_the_last_point_with_a_value_and_a_suppressed_point_stays_in_the_series():
    row = only(summarise([
        year(2020, 100.0), year(2021, 110.0), year(2022, 125.0, lower_ci=120.0, upper_ci=130.0,
                                                   count=125.0),
        year(2023, value_note=SUPPRESSED),
    ]))
    assert (row["period_label"], row["period_end"], row["value"]) == (
        "2022/23", date(2023, 3, 31), 125.0)
    assert (row["lower_ci"], row["upper_ci"], row["count"], row["denominator"]) == (
        120.0, 130.0, 125.0, None)
    assert row["value_note"] == ""
    assert (row["previous_period_label"], row["previous_value"], row["change"]) == (
        "2021/22", 110.0, 15.0)
    assert [p["period_label"] for p in series_points(row["series"])] == [
        "2020/21", "2021/22", "2022/23", "2023/24"]
    assert series_points(row["series"])[-1] == {
        "period_label": "2023/24", "period_end": "2024-03-31", "value": None, "lower_ci": None,
        "upper_ci": None, "count": None, "england": None, "region": None,
        "value_note": SUPPRESSED}
    assert series_points(row["series"])[2] == {
        "period_label": "2022/23", "period_end": "2023-03-31", "value": 125.0,
        "lower_ci": 120.0, "upper_ci": 130.0, "count": 125.0, "england": None, "region": None,
        "value_note": ""}


def test_previous_skips_a_gap_and_rows_may_arrive_in_any_order():
    rows = [year(2022, 125.0), year(2020, 100.0), year(2021, value_note=SUPPRESSED)]
    row = only(summarise(rows))
    assert (row["period_label"], row["previous_period_label"], row["previous_value"],
            row["change"]) == ("2022/23", "2020/21", 100.0, 25.0)
    assert [p["value"] for p in series_points(row["series"])] == [100.0, None, 125.0]


def test_a_single_point_has_no_previous():
    row = only(summarise([year(2022, 7.0)]))
    assert (row["value"], row["previous_period_label"], row["previous_value"],
            row["change"]) == (7.0, "", None, None)


def test_a_group_without_any_value_shows_its_last_point():
    row = only(summarise([year(2021, value_note="Not published"),
                          year(2022, value_note=SUPPRESSED)],
                         benchmarks=[benchmark(2022, 50.0)]))
    assert (row["period_label"], row["period_end"], row["value"], row["value_note"]) == (
        "2022/23", date(2023, 3, 31), None, SUPPRESSED)
    assert (row["previous_period_label"], row["previous_value"], row["change"]) == (
        "", None, None)
    assert row["england_value"] == 50.0
    assert row["england_comparison"] == row["region_comparison"] == "Not compared"
    assert (row["quintile"], row["rank"], row["rank_of"]) == (0, None, None)
    assert row["trend_marker"] == row["trend_label"] == "Cannot be calculated"
    assert len(series_points(row["series"])) == 2


# --- England and the region ----------------------------------------------------------------------
def test_england_and_region_are_matched_by_metric_and_period():
    observations = [year(2021, 40.0, lower_ci=38.0, upper_ci=42.0),
                    year(2022, 50.0, lower_ci=45.0, upper_ci=55.0)]
    benchmarks = [
        benchmark(2021, 39.0), benchmark(2022, 40.0),       # England
        benchmark(2022, 52.0, area_code=REGION),             # the partnership's region
        benchmark(2022, 10.0, area_code=OTHER_REGION),       # someone else's region
        benchmark(2022, 99.0, metric_id=2),                  # another metric
        benchmark(2022, 98.0, period_year_type="calendar"),  # another kind of period
    ]
    row = only(summarise(observations, benchmarks=benchmarks))
    assert (row["england_value"], row["region_code"], row["region_value"]) == (
        40.0, REGION, 52.0)
    assert (row["england_comparison"], row["region_comparison"]) == ("Better", "Similar")
    assert [(p["england"], p["region"]) for p in series_points(row["series"])] == [
        (39.0, None), (40.0, 52.0)]


@pytest.mark.parametrize(("polarity", "england", "region"), [
    ("higher_better", "Better", "Worse"),
    ("lower_better", "Worse", "Better"),
    ("no_judgement", "Higher", "Lower"),
])
def test_comparisons_follow_the_polarity(polarity, england, region):
    row = only(summarise(
        [year(2022, 50.0, lower_ci=45.0, upper_ci=55.0)],
        benchmarks=[benchmark(2022, 40.0), benchmark(2022, 60.0, area_code=REGION)],
        metrics=[metric(polarity=polarity)]))
    assert (row["england_comparison"], row["region_comparison"]) == (england, region)


def test_no_comparison_without_confidence_intervals_or_benchmarks():
    row = only(summarise([year(2022, 50.0)], benchmarks=[benchmark(2022, 40.0)]))
    assert (row["england_value"], row["england_comparison"]) == (40.0, "Not compared")
    # No benchmark rows at all, and a partnership without a region.
    row = only(summarise([year(2022, 50.0, lower_ci=45.0, upper_ci=55.0)],
                         partnerships=[{"partnership_id": 1, "region_code": None}]))
    assert (row["england_value"], row["england_comparison"]) == (None, "Not compared")
    assert (row["region_code"], row["region_value"], row["region_comparison"]) == (
        "", None, "Not compared")


# --- The recent trend ----------------------------------------------------------------------------
# METHODS.md §3 worked example, set 1 (2014 to 2018), as in tests/outcomes/test_stats.py.
SET_1 = [(24.67, 23.16, 26.25, 994, 40299), (24.6, 23.15, 26.19, 1023, 41527),
         (28, 26.44, 29.64, 1199, 42811), (30.2, 28.63, 31.9, 1332, 44064),
         (30.6, 28.98, 32.25, 1367, 44701)]
SET_2 = [(20.5506, 18.1803, 23.1427, 209, 1017), (19.5952, 17.3444, 22.0602, 213, 1087),
         (19.0349, 16.8421, 21.4394, 213, 1119), (21.3966, 19.0918, 23.8975, 239, 1117),
         (18.4372, 16.2925, 20.7941, 210, 1139)]


def trend_rows(points, first_year: int = 2014) -> list[dict]:
    return [year(first_year + n, value, lower_ci=lower, upper_ci=upper, count=count,
                 denominator=denominator)
            for n, (value, lower, upper, count, denominator) in enumerate(points)]


@pytest.mark.parametrize(("unit", "polarity", "label"), [
    ("percentage", "higher_better", "Increasing and getting better"),  # test P
    ("percentage", "lower_better", "Increasing and getting worse"),
    ("rate_per_100000", "higher_better", "Increasing and getting better"),  # test W
    ("percentage", "no_judgement", "Increasing"),
])
def test_trend_of_the_worked_example(unit, polarity, label):
    row = only(summarise(trend_rows(SET_1),
                         metrics=[metric(unit=unit, polarity=polarity)]))
    assert (row["trend_marker"], row["trend_label"]) == ("Increasing", label)


def test_trend_without_significant_change():
    row = only(summarise(trend_rows(SET_2), metrics=[metric(unit="percentage")]))
    assert row["trend_marker"] == row["trend_label"] == "No significant change"


@pytest.mark.parametrize("frequency", ["quarterly", "monthly", "rolling_3y", "biennial",
                                       "ad_hoc"])
def test_no_trend_unless_the_periods_are_single_years(frequency):
    row = only(summarise(trend_rows(SET_1),
                         metrics=[metric(unit="percentage", frequency=frequency)]))
    assert row["trend_marker"] == row["trend_label"] == "Cannot be calculated"


def test_trend_uses_the_five_points_up_to_the_latest():
    # Older points before the five and a suppressed point after them change nothing.
    rows = [year(2012, 1.0), year(2013, 99.0), *trend_rows(SET_1),
            year(2019, value_note=SUPPRESSED)]
    row = only(summarise(rows, metrics=[metric(unit="percentage")]))
    assert row["period_label"] == "2018/19"
    assert row["trend_marker"] == "Increasing"
    # A gap among the five most recent points: no trend is invented across it.
    gap = trend_rows(SET_1)
    gap[2].update(value=NAN, count=NAN, value_note=SUPPRESSED)
    row = only(summarise(gap, metrics=[metric(unit="percentage")]))
    assert row["trend_marker"] == "Cannot be calculated"
    # A missing year among them breaks the series, and so does a three-year period.
    missing = [year(2012, 1.0, count=10, denominator=100), *trend_rows(SET_1)[1:]]
    row = only(summarise(missing, metrics=[metric(unit="percentage")]))
    assert row["trend_marker"] == "Cannot be calculated"
    rolling = trend_rows(SET_1)
    rolling[0].update(period_start=date(2012, 4, 1), period_label="2012/13 - 14/15")
    row = only(summarise(rolling, metrics=[metric(unit="percentage")]))
    assert row["trend_marker"] == "Cannot be calculated"
    # Four points are not enough.
    row = only(summarise(trend_rows(SET_1[1:]), metrics=[metric(unit="percentage")]))
    assert row["trend_marker"] == "Cannot be calculated"


# --- The breakdown -------------------------------------------------------------------------------
def test_only_all_persons_without_a_category_is_summarised():
    rows = [
        year(2022, 100.0, sex="Persons"), year(2022, 60.0, sex="Male"),
        year(2022, 40.0, sex="Female"),
        year(2022, 70.0, category_type="Substance", category="Opiates"),
        year(2022, 30.0, sex="Persons", category_type="Substance", category="Non-opiates"),
        year(2021, 90.0, sex="Persons"), year(2021, 50.0, sex="Male"),
        # A metric with sexes only: no summary at all.
        year(2022, 5.0, metric_id=2, sex="Male"), year(2022, 6.0, metric_id=2, sex="Female"),
    ]
    benchmarks = [benchmark(2022, 80.0, sex="Persons"), benchmark(2022, 1.0, sex="Male"),
                  benchmark(2022, 2.0, category_type="Substance", category="Opiates")]
    row = only(summarise(rows, benchmarks=benchmarks,
                         metrics=[metric(1), metric(2)]))
    assert (row["metric_id"], row["value"], row["previous_value"]) == (1, 100.0, 90.0)
    assert [p["value"] for p in series_points(row["series"])] == [90.0, 100.0]
    assert row["england_value"] == 80.0


def test_all_ages_is_kept_where_held_else_the_commonest_age_ties_to_the_first_sorted():
    rows = [year(2020, 1.0, age="18+"), year(2021, 2.0, age="18+"), year(2022, 3.0, age="18+"),
            year(2021, 20.0, age="All ages"), year(2022, 30.0, age="All ages"),
            # Metric 2: two ages with two rows each; "18-64" sorts before "65+".
            year(2021, 7.0, metric_id=2, age="65+"), year(2022, 8.0, metric_id=2, age="65+"),
            year(2021, 5.0, metric_id=2, age="18-64"),
            year(2022, 6.0, metric_id=2, age="18-64")]
    benchmarks = [benchmark(2022, 11.0, age=""), benchmark(2021, 12.0, age=""),
                  benchmark(2022, 13.0, age="18+"),
                  benchmark(2022, 14.0, metric_id=2, age="65+"),
                  benchmark(2022, 15.0, metric_id=2, age="18-64")]
    first, second = summarise(rows, benchmarks=benchmarks, metrics=[metric(1), metric(2)])
    # All ages, though 18+ has more rows; England's blank age is all ages too.
    assert [p["value"] for p in series_points(first["series"])] == [20.0, 30.0]
    assert [p["england"] for p in series_points(first["series"])] == [12.0, 11.0]
    assert [p["value"] for p in series_points(second["series"])] == [5.0, 6.0]
    assert second["england_value"] == 15.0  # England for the same age, not another one


def test_an_all_ages_figure_takes_englands_headline_age_when_england_has_no_all_ages():
    rows = [year(2021, 2.0), year(2022, 3.0)]  # no age stated
    benchmarks = [benchmark(2021, 13.0, age="18+ yrs"), benchmark(2022, 14.0, age="18+ yrs"),
                  benchmark(2022, 15.0, age="18+ yrs", area_code=REGION),
                  benchmark(2022, 99.0, age="65+ yrs")]
    row = only(summarise(rows, benchmarks=benchmarks))
    assert [p["england"] for p in series_points(row["series"])] == [13.0, 14.0]
    assert row["region_value"] == 15.0


def test_a_local_age_band_is_compared_with_england_for_that_band_only():
    rows = [year(2021, 2.0, age="18+"), year(2022, 3.0, age="18+")]
    benchmarks = [benchmark(2022, 11.0, age="All ages"), benchmark(2021, 13.0, age="18+")]
    row = only(summarise(rows, benchmarks=benchmarks))
    assert [p["england"] for p in series_points(row["series"])] == [13.0, None]
    assert row["england_value"] is None


def test_a_blank_sex_and_persons_for_one_period_make_one_point():
    rows = [year(2021, 10.0, sex=""), year(2022, 11.0, sex=""), year(2022, 12.0, sex="Persons"),
            year(2023, sex="Persons", value_note=SUPPRESSED), year(2023, 13.0, sex="")]
    row = only(summarise(rows))
    # Of two rows for a period: the one with a value, then "Persons".
    assert [p["value"] for p in series_points(row["series"])] == [10.0, 12.0, 13.0]


# --- Targets -------------------------------------------------------------------------------------
TARGET_IDS = itertools.count(1)


def target(description: str, value: float, due: int, *, baseline: float = NAN,
           baseline_year: int | None = None, partnership_id: int = 1, metric_id: int = 1
           ) -> dict:
    return {"target_id": next(TARGET_IDS),
            "partnership_id": partnership_id, "metric_id": metric_id,
            "description": description, "target_value": value,
            "due_period": f"{due}/{(due + 1) % 100:02d}", "due_end": date(due + 1, 3, 31),
            "baseline_value": baseline,
            "baseline_end": date(baseline_year + 1, 3, 31) if baseline_year else None}


@pytest.fixture
def on_day(monkeypatch):
    """Computes the summaries' target status as on the given day, not today."""

    original = aggregates._targets

    def pin(day: date) -> None:
        def on(*args, today=None, **kwargs):
            return original(*args, today=day, **kwargs)

        monkeypatch.setattr(aggregates, "_targets", on)
    return pin


def test_the_target_due_next_is_chosen_and_its_status_given(on_day):
    on_day(date(2024, 1, 15))  # before the chosen target is due
    rows = [year(2020, 100.0), year(2022, 130.0)]  # latest 2022/23, ends 31 March 2023
    targets = [
        target("Due before", 120.0, 2021, baseline=100.0, baseline_year=2020),
        target("Due later", 160.0, 2026, baseline=100.0, baseline_year=2020),
        target("Due next", 150.0, 2024, baseline=100.0, baseline_year=2020),
        target("Another partnership's", 1.0, 2023, partnership_id=2),
        target("Another metric's", 1.0, 2023, metric_id=2),
    ]
    row = only(summarise(rows, targets=targets))
    assert (row["target_description"], row["target_value"], row["target_due_period"]) == (
        "Due next", 150.0, "2024/25")
    assert row["target_id"] == targets[2]["target_id"]
    expected = target_trajectory(baseline_value=100.0, baseline_date=date(2021, 3, 31),
                                 target_value=150.0, due_date=date(2025, 3, 31),
                                 at=date(2023, 3, 31))
    assert 130.0 >= expected
    assert row["target_status"] == "on track"


def test_a_target_due_on_the_latest_period_end_counts_as_due_next():
    targets = [target("On the day", 200.0, 2022), target("Later", 300.0, 2023)]
    row = only(summarise([year(2022, 130.0)], targets=targets))
    assert (row["target_description"], row["target_status"]) == ("On the day", "off track")


def test_when_every_target_is_past_the_last_due_is_chosen():
    targets = [target("Old", 110.0, 2019), target("Last", 150.0, 2021)]
    row = only(summarise([year(2022, 125.0)], targets=targets))
    assert (row["target_description"], row["target_status"]) == ("Last", "off track")


def test_a_target_past_due_with_no_figure_for_its_due_period_is_not_on_track(on_day):
    """York: 6,860 in 2022/23 towards 15,000 by July 2024, from 0 before 2022/23. On the
    trajectory in 2023, but in November 2026, with no figure since, it is not known."""
    rows = [year(2022, 6860.0)]
    iba = target("15,000 digital IBA interventions", 15000.0, 2024, baseline=0.0,
                 baseline_year=2021)
    iba.update(due_period="Jul 2024", due_end=date(2024, 7, 31))
    on_day(date(2023, 6, 1))
    assert only(summarise(rows, targets=[iba]))["target_status"] == "on track"
    on_day(date(2026, 11, 24))
    assert only(summarise(rows, targets=[iba]))["target_status"] == "no data"
    # A figure for the due period decides it, and one that met the target stands.
    assert only(summarise([year(2024, 14000.0)], targets=[iba]))["target_status"] == (
        "off track")
    assert only(summarise([year(2022, 15500.0)], targets=[iba]))["target_status"] == (
        "achieved")


def test_target_status_by_default_is_as_of_today():
    past_due = target("Due in 2024/25", 150.0, 2024, baseline=100.0, baseline_year=2020)
    status = only(summarise([year(2022, 130.0)], targets=[past_due]))["target_status"]
    assert status == ("on track" if date.today() <= date(2025, 3, 31) else "no data")


def test_target_status_takes_its_direction_from_the_polarity_without_a_baseline():
    targets = [target("Fewer deaths", 20.0, 2024)]
    lower = [metric(polarity="lower_better")]
    assert only(summarise([year(2022, 18.0)], targets=targets, metrics=lower))[
        "target_status"] == "achieved"
    assert only(summarise([year(2022, 25.0)], targets=targets, metrics=lower))[
        "target_status"] == "no data"  # not met, not yet due, no trajectory


def test_no_target_and_no_value():
    row = only(summarise([year(2022, 18.0)]))
    assert (row["target_description"], row["target_value"], row["target_due_period"],
            row["target_status"]) == ("", None, "", "")
    row = only(summarise([year(2022, value_note=SUPPRESSED)],
                         targets=[target("Some", 20.0, 2024)]))
    assert row["target_status"] == "no data"


# --- Quintiles and ranks -------------------------------------------------------------------------
EXAMPLE = [12, 15, 15, 18, 20, 22, 25, 25, 30, 41]  # METHODS.md §5


def ranking_rows(values, period: int = 2022) -> list[dict]:
    return [year(period, float(v), partnership_id=n, area_code=f"E0800{n:04d}")
            for n, v in enumerate(values, start=1)]


def positions(rows: list[dict]) -> list[tuple]:
    return [(r["quintile"], r["rank"], r["rank_of"]) for r in rows]


def test_quintiles_and_ranks_when_low_is_good():
    rows = summarise(ranking_rows(EXAMPLE), metrics=[metric(polarity="lower_better")])
    assert [r["quintile"] for r in rows] == [1, 1, 1, 2, 3, 3, 4, 4, 5, 5]
    assert [r["rank"] for r in rows] == [1, 2, 2, 4, 5, 6, 7, 7, 9, 10]
    assert {r["rank_of"] for r in rows} == {10}
    assert all(type(r["rank"]) is int and type(r["quintile"]) is int for r in rows)


def test_quintiles_and_ranks_when_high_is_good_or_without_judgement():
    rows = summarise(ranking_rows(EXAMPLE), metrics=[metric(polarity="higher_better")])
    assert [r["quintile"] for r in rows] == [5, 5, 5, 4, 3, 3, 2, 2, 1, 1]
    assert [r["rank"] for r in rows] == [10, 8, 8, 7, 6, 5, 3, 3, 2, 1]
    rows = summarise(ranking_rows(EXAMPLE), metrics=[metric(polarity="no_judgement")])
    assert [r["quintile"] for r in rows] == [1, 1, 1, 2, 3, 3, 4, 4, 5, 5]
    assert [r["rank"] for r in rows] == [1, 2, 2, 4, 5, 6, 7, 7, 9, 10]


def test_ranking_is_within_one_metric_and_one_period():
    rows = ranking_rows(EXAMPLE)
    rows.append(year(2021, 1.0, partnership_id=11))  # latest a year earlier: alone
    rows.append(year(2022, 2.0, partnership_id=12, value_note="no"))
    rows.append(year(2023, partnership_id=12, value_note=SUPPRESSED))  # latest is 2022: ranked
    rows += [year(2022, float(v), partnership_id=n, metric_id=2)
             for n, v in enumerate([5, 4, 3], start=1)]
    summary = summarise(rows, metrics=[metric(1, polarity="lower_better"),
                                       metric(2, polarity="lower_better")])
    by_key = {(r["partnership_id"], r["metric_id"]): r for r in summary}
    assert positions([by_key[(11, 1)]]) == [(0, 1, 1)]  # too few for quintiles
    assert positions([by_key[(12, 1)]]) == [(1, 1, 11)]
    assert positions([by_key[(4, 1)]]) == [(2, 5, 11)]
    assert positions([by_key[(n, 2)] for n in (1, 2, 3)]) == [(0, 3, 3), (0, 2, 3), (0, 1, 3)]


def test_peers_stand_in_for_the_other_partnerships():
    others = ranking_rows(EXAMPLE)
    mine = others.pop(3)  # partnership 4, value 18
    peers = [{"partnership_id": r["partnership_id"], "metric_id": 1,
              "area_code": r["area_code"], "period_end": date(2023, 3, 31),
              "value": r["value"]} for r in others]
    peers += [
        # The partnership's own stored summary: its observations win.
        {"partnership_id": 4, "metric_id": 1, "area_code": mine["area_code"],
         "period_end": date(2023, 3, 31), "value": 1.0},
        # Another period, another metric and a missing value are not compared.
        {"partnership_id": 20, "metric_id": 1, "area_code": "E08000099",
         "period_end": date(2022, 3, 31), "value": 1.0},
        {"partnership_id": 21, "metric_id": 2, "area_code": "E08000098",
         "period_end": date(2023, 3, 31), "value": 1.0},
        {"partnership_id": 22, "metric_id": 1, "area_code": "E08000097",
         "period_end": date(2023, 3, 31), "value": None},
    ]
    row = only(summarise([mine], metrics=[metric(polarity="lower_better")], peers=peers))
    assert positions([row]) == [(2, 4, 10)]
    # Without peers it is ranked alone.
    row = only(summarise([mine], metrics=[metric(polarity="lower_better")]))
    assert positions([row]) == [(0, 1, 1)]


def test_values_on_counts_of_one_to_four_are_not_ranked_under_disclosure_control():
    rows = ranking_rows(EXAMPLE)
    for row in rows:
        row["count"] = 100.0
    rows[0]["count"] = 3.0  # partnership 1's 12 is built on 3 people
    peers = [{"partnership_id": 30, "metric_id": 1, "area_code": "E08000030",
              "period_end": date(2023, 3, 31), "value": 1.0, "count": 2.0}]
    controlled = summarise(rows, metrics=[metric(polarity="lower_better",
                                                 disclosure_control=True)], peers=peers)
    assert positions(controlled)[:2] == [(0, None, None), (1, 1, 9)]
    # Without disclosure control both small counts are ranked.
    plain = summarise(rows, metrics=[metric(polarity="lower_better")], peers=peers)
    assert positions(plain)[:2] == [(1, 2, 11), (1, 3, 11)]


# --- Empty inputs and records --------------------------------------------------------------------
def empty_frames() -> dict:
    return {"observations": frame([], OBSERVATION_COLUMNS),
            "benchmarks": frame([], VALUE_COLUMNS), "metrics": frame([], METRIC_COLUMNS),
            "targets": frame([], TARGET_COLUMNS),
            "partnerships": frame([], PARTNERSHIP_COLUMNS)}


def test_empty_inputs_give_an_empty_frame_with_the_output_columns():
    summary = metric_summaries(**empty_frames())
    assert list(summary.columns) == OUTPUT_COLUMNS and summary.empty
    assert records(summary) == []
    assert list(metric_summaries(**empty_frames(), peers=frame([], PEER_COLUMNS)).columns) == (
        OUTPUT_COLUMNS)
    # Observations of a breakdown only.
    frames = empty_frames()
    frames["observations"] = frame([year(2022, 1.0, sex="Male")], OBSERVATION_COLUMNS)
    assert metric_summaries(**frames).empty
    # Observations without anything else: still one row.
    frames["observations"] = frame([year(2022, 1.0)], OBSERVATION_COLUMNS)
    row = only(records(metric_summaries(**frames)))
    assert (row["value"], row["england_comparison"], row["trend_marker"], row["region_code"],
            row["quintile"], row["rank"], row["rank_of"]) == (
        1.0, "Not compared", "Cannot be calculated", "", 0, 1, 1)


def test_records_are_plain_python_ready_for_the_model():
    from outcomes.models import MetricSummary

    rows = ranking_rows(EXAMPLE[:3])
    rows[0].update(lower_ci=10.0, upper_ci=14.0)
    rows.append(year(2023, partnership_id=1, area_code=rows[0]["area_code"],
                     value_note=SUPPRESSED))
    summary = metric_summaries(
        observations=frame(rows, OBSERVATION_COLUMNS),
        benchmarks=frame([benchmark(2022, 13.0)], VALUE_COLUMNS),
        metrics=frame([metric()], METRIC_COLUMNS), targets=frame([], TARGET_COLUMNS),
        partnerships=frame([], PARTNERSHIP_COLUMNS))
    assert summary["period_end"].dtype.kind == "M"
    assert summary["value"].dtype == np.float64
    converted = records(summary)
    assert [list(r) for r in converted] == [OUTPUT_COLUMNS] * 3
    first = converted[0]
    assert type(first["partnership_id"]) is int and type(first["metric_id"]) is int
    assert type(first["period_end"]) is date and not isinstance(first["period_end"], datetime)
    assert type(first["value"]) is float and first["denominator"] is None
    assert first["previous_value"] is None and first["change"] is None
    assert type(first["quintile"]) is int and type(first["rank"]) is int
    assert first["england_value"] == 13.0 and type(first["england_value"]) is float
    assert first["england_comparison"] == "Similar"
    for row in converted:
        for name, value in row.items():
            assert not isinstance(value, np.generic | pd.Timestamp), name
            assert not (isinstance(value, float) and math.isnan(value)), name
        json.dumps(row["series"], allow_nan=False)
        assert tuple(row["series"]) == aggregates.SERIES_FIELDS
        assert all(type(end) is str for end in row["series"]["period_end"])
        assert {len(column) for column in row["series"].values()} == {
            len(row["series"]["period_label"])}
    assert json.loads(json.dumps(first["series"]))["value"][-1] is None
    from outcomes.spine import RANGE_COLUMNS

    # The model's fields: these columns, and England's range that outcomes.spine adds (the
    # writer adds the fingerprint and the computation time).
    fields = {f.attname for f in MetricSummary._meta.concrete_fields} - {
        "id", "computed_at", "fingerprint"}
    assert set(OUTPUT_COLUMNS) | set(RANGE_COLUMNS) == fields
    summary_row = MetricSummary(**first, computed_at=datetime(2024, 1, 1))
    assert summary_row.period_end == date(2023, 3, 31)


def test_inputs_in_other_shapes_are_read_alike():
    """datetime64 dates, None for missing numbers and text, and object columns as read from
    the database give the same summaries as the hand-built frames."""
    rows = [year(2020, 100.0, lower_ci=90.0, upper_ci=110.0), year(2021, 110.0),
            year(2022, value_note=SUPPRESSED)]
    expected = summarise(rows, benchmarks=[benchmark(2021, 105.0)])
    observations = frame(rows, OBSERVATION_COLUMNS).astype(object)
    observations = observations.where(observations.notna(), None)
    for column in ("period_start", "period_end"):
        observations[column] = pd.to_datetime(observations[column])
    observations["value_note"] = [None, None, SUPPRESSED]
    summary = metric_summaries(
        observations=observations, benchmarks=frame([benchmark(2021, 105.0)], VALUE_COLUMNS),
        metrics=frame([metric()], METRIC_COLUMNS), targets=frame([], TARGET_COLUMNS),
        partnerships=frame([{"partnership_id": 1, "region_code": REGION}],
                           PARTNERSHIP_COLUMNS))
    assert records(summary) == expected


def test_an_infinite_value_counts_as_missing():
    row = only(summarise([year(2021, 5.0), year(2022, float("inf"))]))
    assert (row["period_label"], row["value"]) == ("2021/22", 5.0)
    assert series_points(row["series"])[-1]["value"] is None


def test_the_inputs_are_left_as_they_were_and_so_is_the_garbage_collector():
    import gc

    frames = synthetic(12)
    frames["peers"] = frame([{"partnership_id": 99, "metric_id": 1, "area_code": "E08000099",
                              "period_end": date(2023, 3, 31), "value": 3.0}], PEER_COLUMNS)
    before = {name: table.copy(deep=True) for name, table in frames.items()}
    assert gc.isenabled()
    metric_summaries(**frames)
    assert gc.isenabled()
    for name, table in frames.items():
        pd.testing.assert_frame_equal(table, before[name])
    gc.disable()
    try:
        metric_summaries(**frames)
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()


# --- Against a plain per-group reference, and scaling -------------------------------------------
def synthetic(groups: int, years: int = 8, seed: int = 1) -> dict:
    """Random observations for `groups` partnership × metric × area groups, shuffled, with
    gaps, suppressed points and breakdown rows."""
    rng = random.Random(seed)
    rows = []
    for g in range(groups):
        partnership_id, metric_id = g // 6 + 1, g % 3 + 1
        area_code = f"E0800{g % 6 // 3:04d}"
        for y in range(2015, 2015 + years):
            if rng.random() < 0.1:
                continue
            value = rng.uniform(10, 90) if rng.random() > 0.15 else NAN
            count = round(value * 10) if value == value else NAN
            rows.append(year(y, value, partnership_id=partnership_id, metric_id=metric_id,
                             area_code=area_code, lower_ci=value - 2, upper_ci=value + 2,
                             count=count, denominator=1000.0,
                             value_note="" if value == value else SUPPRESSED))
            rows.append(year(y, 1.0, partnership_id=partnership_id, metric_id=metric_id,
                             area_code=area_code, sex="Male"))
    rng.shuffle(rows)
    benchmarks = [benchmark(y, 50.0 + y - 2015, metric_id=m, area_code=code)
                  for y in range(2015, 2015 + years) for m in (1, 2, 3)
                  for code in (ENGLAND, REGION)]
    return {
        "observations": frame(rows, OBSERVATION_COLUMNS),
        "benchmarks": frame(benchmarks, VALUE_COLUMNS),
        "metrics": frame([metric(1, unit="percentage"),
                          metric(2, polarity="lower_better", unit="rate_per_100000"),
                          metric(3, polarity="no_judgement", frequency="quarterly")],
                         METRIC_COLUMNS),
        "targets": frame([], TARGET_COLUMNS),
        "partnerships": frame([{"partnership_id": p, "region_code": REGION}
                               for p in range(1, groups // 6 + 2)], PARTNERSHIP_COLUMNS),
    }


def test_the_vectorised_rows_match_a_plain_per_group_reference():
    frames = synthetic(60)
    summary = records(metric_summaries(**frames))
    persons = frames["observations"].query("sex == ''").sort_values("period_end")
    reference = []
    for (partnership_id, metric_id, area_code), group in persons.groupby(
            ["partnership_id", "metric_id", "area_code"]):
        valued = group[group["value"].notna()]
        latest = valued.iloc[-1] if len(valued) else group.iloc[-1]
        before = valued[valued["period_end"] < latest["period_end"]]
        reference.append({
            "key": (partnership_id, metric_id, area_code),
            "period_label": latest["period_label"],
            "value": None if pd.isna(latest["value"]) else latest["value"],
            "previous_period_label": before.iloc[-1]["period_label"] if len(before) else "",
            "england_value": 50.0 + latest["period_end"].year - 2016,
            "series": group["period_label"].tolist(),
        })
    assert len(summary) == len(reference) == 60
    for row, expected in zip(summary, reference, strict=True):
        assert (row["partnership_id"], row["metric_id"], row["area_code"]) == expected["key"]
        assert row["period_label"] == expected["period_label"]
        assert row["value"] == expected["value"]
        assert row["previous_period_label"] == expected["previous_period_label"]
        assert row["england_value"] == row["region_value"] == expected["england_value"]
        assert [p["period_label"] for p in series_points(row["series"])] == expected["series"]


def test_time_grows_about_linearly_with_the_number_of_groups():
    """A loose check that nothing is quadratic (per-group filtering of the whole frame would
    be): ten times the groups must take well under thirty times as long."""
    small, large = synthetic(60, seed=2), synthetic(600, seed=3)

    def best_of_three(frames) -> float:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            metric_summaries(**frames)
            times.append(time.perf_counter() - started)
        return min(times)

    best_of_three(small)  # warm up
    assert best_of_three(large) < 30 * best_of_three(small)


def test_the_module_is_pure():
    """Importing it brings in neither Django nor the models."""
    check = ("import sys, outcomes.aggregates; "
             "sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", check], cwd=Path(aggregates.__file__).parents[1],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_counts_are_neither_compared_with_england_nor_trended():
    """METHODS §2.1 and §3.1: an area's count against England's total means nothing, and
    counts get no trend test."""
    rows = [year(y, 100.0 + y, lower_ci=90.0 + y, upper_ci=110.0 + y) for y in range(2015, 2022)]
    row = summarise(rows, benchmarks=[benchmark(2021, 50000.0)],
                    metrics=[metric(unit="count")])[0]
    assert (row["england_comparison"], row["trend_marker"]) == (
        "Not compared", "Cannot be calculated")


def test_the_series_is_stored_a_column_per_field_and_read_back_as_points():
    import importlib

    migration = importlib.import_module("outcomes.migrations.0008_summary_series_columns")
    points = [{"period_label": "2021/22", "period_end": "2022-03-31", "value": 1.5,
               "lower_ci": 1.0, "upper_ci": 2.0, "count": 3.0, "england": 1.2, "region": None,
               "value_note": ""},
              {"period_label": "2022/23", "period_end": "2023-03-31", "value": None,
               "lower_ci": None, "upper_ci": None, "count": None, "england": 1.1,
               "region": 1.4, "value_note": "Suppressed"}]
    columns = migration.columns(points)
    assert columns["value"] == [1.5, None] and columns["region"] == [None, 1.4]
    assert series_points(columns) == points == migration.points(columns)
    # Stored once already (a second run of the migration) or empty, it is left as it is.
    assert migration.columns(columns) is columns
    assert series_points({}) == [] == migration.points({}) and migration.columns([]) == {}
