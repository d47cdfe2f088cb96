"""outcomes/aggregates/comparisons.py: each summary's comparisons with England and the
region, and its recent trend."""

from datetime import date

import pytest

from outcomes.aggregates import metric_summaries, records

from .frames import (
    METRIC_COLUMNS,
    NAN,
    OBSERVATION_COLUMNS,
    PARTNERSHIP_COLUMNS,
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


# --- Comparisons with England and the region ------------------------------------------------------
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
    ("percentage", "higher_better", "Increasing and getting better"),  # test W (§3.6)
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


def test_counts_are_neither_compared_with_england_nor_trended():
    """METHODS §2.1 and §3.1: an area's count against England's total means nothing, and
    counts get no trend test."""
    rows = [year(y, 100.0 + y, lower_ci=90.0 + y, upper_ci=110.0 + y) for y in range(2015, 2022)]
    row = summarise(rows, benchmarks=[benchmark(2021, 50000.0)],
                    metrics=[metric(unit="count")])[0]
    assert (row["england_comparison"], row["trend_marker"]) == (
        "Not compared", "Cannot be calculated")


# --- The metric's Fingertips metadata (METHODS §2.1-2.3, §3.6) ---------------------------------
FINGERTIPS = ["value_type", "comparator_method", "confidence_level", "period_years"]
LIMITS_998 = ["lower_ci_998", "upper_ci_998"]


def with_metadata(observations, benchmarks=(), **attributes) -> dict:
    """The summary of these rows for metric 1 with Fingertips metadata, and 99.8% limits."""
    described = {**metric(polarity=attributes.pop("polarity", "higher_better")),
                 "value_type": "proportion", "comparator_method": "ci",
                 "confidence_level": "95", "period_years": 1, **attributes}
    summary = metric_summaries(
        observations=frame(observations, [*OBSERVATION_COLUMNS, *LIMITS_998]),
        benchmarks=frame(list(benchmarks), VALUE_COLUMNS),
        metrics=frame([described], [*METRIC_COLUMNS, *FINGERTIPS]),
        targets=frame([], TARGET_COLUMNS),
        partnerships=frame([{"partnership_id": 1, "region_code": REGION}],
                           PARTNERSHIP_COLUMNS))
    return only(records(summary))


def worked(**limits) -> dict:
    """METHODS §2 worked example: 45/120 = 37.5%, 95% 29.35-46.42, 99.8% 25.25-51.60."""
    limits = {"lower_ci_998": 25.25, "upper_ci_998": 51.60, **limits}
    return year(2022, 37.5, lower_ci=29.35, upper_ci=46.42, count=45, denominator=120,
                **limits)


@pytest.mark.parametrize(("level", "england", "region"), [
    ("95", "Worse", "Worse"),
    ("99.8", "Similar", "Worse"),
    ("both", "Worse 95%", "Worse 99.8%"),
])
def test_comparisons_at_the_metrics_confidence_level(level, england, region):
    row = with_metadata([worked()], [benchmark(2022, 48.0),
                                     benchmark(2022, 52.0, area_code=REGION)],
                        confidence_level=level)
    assert (row["england_comparison"], row["region_comparison"]) == (england, region)


def test_both_levels_without_the_998_limits_is_not_compared_unless_similar():
    row = with_metadata([worked(lower_ci_998=NAN, upper_ci_998=NAN)],
                        [benchmark(2022, 48.0), benchmark(2022, 40.0, area_code=REGION)],
                        confidence_level="both")
    assert (row["england_comparison"], row["region_comparison"]) == (
        "Not compared", "Similar")


@pytest.mark.parametrize("attributes", [{"comparator_method": "not_compared"},
                                        {"polarity": "not_applicable"}])
def test_metrics_fingertips_leaves_uncompared(attributes):
    row = with_metadata([worked()], [benchmark(2022, 52.0)], **attributes)
    assert row["england_comparison"] == "Not compared"


def test_the_trend_follows_the_value_type_and_period_length():
    rows = [{**point, "lower_ci_998": NAN, "upper_ci_998": NAN}
            for point in trend_rows(SET_1)]
    assert with_metadata(rows, value_type="dsr")["trend_label"] == \
        "Increasing and getting better"
    assert with_metadata(rows, value_type="isr")["trend_marker"] == "Cannot be calculated"
    assert with_metadata(rows, period_years=3)["trend_marker"] == "Cannot be calculated"
    assert with_metadata(rows, polarity="not_applicable")["trend_label"] == "Increasing"
