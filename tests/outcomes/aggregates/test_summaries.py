"""outcomes/aggregates/summaries.py: the dashboard's summary rows from frames of
observations, end to end. Pure pandas, so no database: every frame is built here by hand."""

import random
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd

from outcomes import aggregates
from outcomes.aggregates import metric_summaries, records, series_points

from .frames import (
    ENGLAND,
    METRIC_COLUMNS,
    NAN,
    OBSERVATION_COLUMNS,
    PARTNERSHIP_COLUMNS,
    PEER_COLUMNS,
    REGION,
    SUPPRESSED,
    TARGET_COLUMNS,
    VALUE_COLUMNS,
    benchmark,
    frame,
    metric,
    only,
    summarise,
    year,
)


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


# --- Other inputs ------------------------------------------------------------------------------
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
    done = subprocess.run([sys.executable, "-c", check], cwd=Path(aggregates.__file__).parents[2],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
