"""The reference data's statistics (outcomes.aggregates.reference) on METHODS.md's worked
examples, and the vectorised rules (stats.compare_arrays, stats.trend_markers) against the
one-row functions they stand for."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from outcomes import stats
from outcomes.aggregates.reference import reference_statistics

ENGLAND, REGION, AREA = "E92000001", "E12000001", "E06000001"
FIELDS = ("value", "count", "denominator", "lower_ci", "upper_ci", "lower_ci_998",
          "upper_ci_998")


def figure(area_code=AREA, year=2018, *, years=1, parent=REGION, area_type="County & UA",
           value=None, count=None, denominator=None, lower_ci=None, upper_ci=None,
           lower_ci_998=None, upper_ci_998=None, sex="Persons", category_type="",
           category="", metric_id=1) -> dict:
    return {"metric_id": metric_id, "area_code": area_code, "area_type": area_type,
            "parent_code": parent, "period_start": date(year, 1, 1),
            "period_end": date(year + years - 1, 12, 31), "period_year_type": "calendar",
            "sex": sex, "age": "All ages", "category_type": category_type,
            "category": category, "value": value, "count": count, "denominator": denominator,
            "lower_ci": lower_ci, "upper_ci": upper_ci, "lower_ci_998": lower_ci_998,
            "upper_ci_998": upper_ci_998}


def metrics(**attributes) -> pd.DataFrame:
    return pd.DataFrame([{"metric_id": 1, "polarity": "higher_better",
                          "value_type": "proportion", "comparator_method": "ci",
                          "confidence_level": "95", "period_years": 1, **attributes}])


def computed(rows: list[dict], **attributes) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame.insert(0, "id", range(1, len(rows) + 1))
    return reference_statistics(frame, metrics(**attributes)).set_index("id")


# --- §2 comparisons ---------------------------------------------------------------------------
def worked_area(**options) -> dict:
    """METHODS §2 worked example: 45/120 = 37.5% with its Wilson limits (§1.1)."""
    value, l95, u95 = stats.wilson_ci(45, 120)
    _, l998, u998 = stats.wilson_ci(45, 120, level=0.998)
    return figure(value=value, count=45, denominator=120, lower_ci=l95, upper_ci=u95,
                  lower_ci_998=l998, upper_ci_998=u998, **options)


@pytest.mark.parametrize(("level", "polarity", "verdicts"), [
    ("95", "higher_better", ["Similar", "Worse", "Worse"]),
    ("both", "higher_better", ["Similar", "Worse 95%", "Worse 99.8%"]),
    ("both", "lower_better", ["Similar", "Better 95%", "Better 99.8%"]),
    ("both", "no_judgement", ["Similar", "Lower", "Lowest"]),
    ("95", "no_judgement", ["Similar", "Lower", "Lower"]),
    ("99.8", "higher_better", ["Similar", "Similar", "Worse"]),  # 48 within 25.25–51.60
])
def test_the_worked_example_at_each_confidence_level(level, polarity, verdicts):
    found = []
    for england in (40.0, 48.0, 52.0):
        out = computed([worked_area(), figure(ENGLAND, parent="", area_type="England",
                                              value=england)],
                       confidence_level=level, polarity=polarity)
        found.append(out.loc[1, "england_comparison"])
        assert out.loc[1, "england_value"] == england
    assert found == verdicts


@pytest.mark.parametrize("attributes", [
    {"comparator_method": "not_compared"}, {"polarity": "not_applicable"},
    {"value_type": "count"},
])
def test_what_fingertips_leaves_uncompared_is_not_compared(attributes):
    out = computed([worked_area(), figure(ENGLAND, parent="", value=52.0),
                    figure(REGION, parent=ENGLAND, value=52.0)], **attributes)
    assert out.loc[1, "england_comparison"] == "Not compared"
    assert out.loc[1, "region_comparison"] == "Not compared"


def test_who_is_compared_with_whom():
    rows = [
        worked_area(),
        figure(ENGLAND, parent="", area_type="England", value=52.0, lower_ci=51, upper_ci=53),
        figure(REGION, parent=ENGLAND, area_type="Region", value=48.0, lower_ci=47,
               upper_ci=49),
        # England's deprivation decile: compared with England's headline figure.
        figure(ENGLAND, parent="", value=60.0, lower_ci=58, upper_ci=62,
               category_type="Deprivation deciles", category="Most deprived decile"),
        # Another area's period: no England figure for it.
        worked_area(year=2017),
        # Missing value.
        figure(AREA, 2016, value=None),
        # Male: England's Persons figure is not its benchmark.
        worked_area(sex="Male"),
    ]
    out = computed(rows)
    assert out["england_comparison"].tolist() == [
        "Worse", "Not compared", "Worse", "Better", "Not compared", "Not compared",
        "Not compared"]
    assert out["region_comparison"].tolist() == [
        "Worse", "Not compared", "Not compared", "Not compared", "Not compared",
        "Not compared", "Not compared"]
    assert out.loc[1, "region_value"] == 48.0
    assert np.isnan(out.loc[3, "region_value"])  # a region's parent is England


# --- §3 recent trend --------------------------------------------------------------------------
SET_1 = [(24.67, 23.16, 26.25, 994, 40299), (24.6, 23.15, 26.19, 1023, 41527),
         (28, 26.44, 29.64, 1199, 42811), (30.2, 28.63, 31.9, 1332, 44064),
         (30.6, 28.98, 32.25, 1367, 44701)]
SET_2 = [(20.5506, 18.1803, 23.1427, 209, 1017), (19.5952, 17.3444, 22.0602, 213, 1087),
         (19.0349, 16.8421, 21.4394, 213, 1119), (21.3966, 19.0918, 23.8975, 239, 1117),
         (18.4372, 16.2925, 20.7941, 210, 1139)]


def series(points, first=2014, area_code=AREA, **options) -> list[dict]:
    return [figure(area_code, first + i, value=v, lower_ci=lo, upper_ci=up, count=c,
                   denominator=n, **options)
            for i, (v, lo, up, c, n) in enumerate(points)]


def trend_labels(rows, **attributes) -> list[str]:
    return computed(rows, **attributes)["trend_label"].tolist()


def test_set_1_is_increasing_on_the_latest_row_only():
    assert trend_labels(series(SET_1), value_type="dsr") == [
        "", "", "", "", "Increasing and getting better"]
    assert trend_labels(series(SET_1), polarity="lower_better")[-1] == \
        "Increasing and getting worse"
    assert trend_labels(series(SET_1), polarity="not_applicable")[-1] == "Increasing"
    assert computed(series(SET_1))["trend_marker"].tolist()[-1] == "Increasing"


def test_set_2_is_no_significant_change():
    assert trend_labels(series(SET_2), value_type="crude_rate")[-1] == "No significant change"


def test_a_trend_needs_five_unbroken_single_years_of_a_trend_value_type():
    cannot = "Cannot be calculated"
    assert trend_labels(series(SET_1[1:]))[-1] == cannot  # four points
    assert trend_labels(series(SET_1), value_type="count")[-1] == cannot
    assert trend_labels(series(SET_1), value_type="isr")[-1] == cannot
    assert trend_labels(series(SET_1), period_years=3)[-1] == cannot
    assert trend_labels(series(SET_1, years=3))[-1] == cannot  # rolling periods
    gap = series(SET_1[:2], first=2012) + series(SET_1[2:], first=2016)
    assert trend_labels(gap)[-1] == cannot  # 2014 and 2015 are missing
    no_counts = series([(v, lo, up, None, n) for v, lo, up, _, n in SET_1])
    assert trend_labels(no_counts)[-1] == cannot
    whole = series([*SET_1[:4], (100, 99, 100, 50, 50)])
    assert trend_labels(whole)[-1] == cannot  # count equal to denominator
    earlier = series([(20, 19, 21, 5, 25)], first=2013) + series(SET_1)
    assert trend_labels(earlier)[-1] == "Increasing and getting better"  # the last five


def test_a_series_that_stopped_before_the_latest_period_shows_no_trend():
    rows = series(SET_1) + series(SET_1, first=2013, area_code="E06000002")
    labels = trend_labels(rows)
    assert labels[4] == "Increasing and getting better"
    assert labels[5:] == [""] * 5  # ended in 2017: Fingertips shows it no trend


# --- §5 quintiles and ranks -------------------------------------------------------------------
VALUES = [12, 15, 15, 18, 20, 22, 25, 25, 30, 41]


def peers(values, **options) -> list[dict]:
    return [figure(f"E060000{i:02d}", value=v, **options) for i, v in enumerate(values)]


def test_the_quintile_example():
    out = computed(peers(VALUES), polarity="lower_better")
    assert out["quintile"].tolist() == [1, 1, 1, 2, 3, 3, 4, 4, 5, 5]
    assert out["rank"].tolist() == [1, 2, 2, 4, 5, 6, 7, 7, 9, 10]
    assert out["rank_of"].tolist() == [10] * 10
    best_high = computed(peers(VALUES), polarity="higher_better")
    assert best_high["quintile"].tolist() == [5, 5, 5, 4, 3, 3, 2, 2, 1, 1]
    assert best_high["rank"].tolist() == [10, 8, 8, 7, 6, 5, 3, 3, 2, 1]
    # Quintiles and ranks work without a judgement, low to high (§5).
    assert computed(peers(VALUES), polarity="not_applicable")["rank"].tolist()[0] == 1


def test_quintiles_need_five_values_and_ranks_a_value():
    out = computed(peers([3, 1, 2, 4]))
    assert out["quintile"].tolist() == [0, 0, 0, 0]
    assert out["rank"].tolist() == [2, 4, 3, 1]
    out = computed(peers([3, None, 2, 4, 5, 6]))
    assert out["rank"].isna().tolist() == [False, True, False, False, False, False]
    assert out["quintile"].tolist()[1] == 0 and set(out["rank_of"].dropna()) == {5}


def test_areas_are_placed_only_among_their_own_area_type_period_and_breakdown():
    rows = (peers(VALUES) + peers([1, 2, 3, 4, 5], area_type="Region")
            + peers(VALUES, sex="Male") + peers(VALUES, year=2017))
    out = computed(rows, polarity="lower_better")
    assert out["rank_of"].tolist() == [10] * 10 + [5] * 5 + [10] * 20


# --- The vectorised rules agree with the one-row ones -----------------------------------------
def test_compare_arrays_agrees_with_compare_to_benchmark():
    rng = np.random.default_rng(18)
    n = 4000
    value = rng.choice([np.nan, *range(20)], n).astype(float)
    width = rng.choice([0, 1, 2, 3], n)
    lower95, upper95 = value - width, value + width
    lower998, upper998 = lower95 - rng.choice([0, 1, 2], n), upper95 + rng.choice([0, 1, 2], n)
    lower998[rng.random(n) < 0.1] = np.nan
    benchmark = rng.choice([np.nan, *range(25)], n).astype(float)
    polarity = rng.choice(["higher_better", "lower_better", "no_judgement",
                           "not_applicable"], n).astype(object)
    level = rng.choice(["95", "99.8", "both"], n).astype(object)
    found = stats.compare_arrays(value, benchmark, lower95, upper95, lower998, upper998,
                                 polarity, level)

    def none(x):
        return None if np.isnan(x) else float(x)

    for i in range(n):
        low, high = (lower998[i], upper998[i]) if level[i] == "99.8" else (lower95[i],
                                                                          upper95[i])
        expected = stats.compare_to_benchmark(
            value=none(value[i]), benchmark=none(benchmark[i]), lower95=none(low),
            upper95=none(high), polarity=polarity[i], lower998=none(lower998[i]),
            upper998=none(upper998[i]), two_levels=level[i] == "both")
        assert found[i] == expected, i


def test_trend_markers_agree_with_recent_trend():
    rng = np.random.default_rng(3)
    m = 3000
    slope = rng.choice([-2, -0.5, 0, 0.5, 2], (m, 1))
    value = 20 + slope * np.arange(5) + rng.normal(0, 1, (m, 5))
    half = rng.uniform(0.2, 3, (m, 5))
    count = rng.choice([np.nan, 0, 40, 100], (m, 5), p=[0.02, 0.02, 0.48, 0.48])
    denominator = np.where(rng.random((m, 5)) < 0.02, 100, 1000).astype(float)
    value[rng.random((m, 5)) < 0.02] = np.nan
    eligible = rng.random(m) < 0.9
    markers, chi, _ = stats.trend_markers(value, value - half, value + half, count,
                                          denominator, eligible)

    def none(x):
        return None if np.isnan(x) else float(x)

    for i in range(m):
        points = [stats.TrendPoint(none(value[i, j]), none(value[i, j] - half[i, j]),
                                   none(value[i, j] + half[i, j]), none(count[i, j]),
                                   none(denominator[i, j])) for j in range(5)]
        trend = stats.recent_trend(points, polarity="no_judgement", value_type="dsr",
                                   single_year_periods=bool(eligible[i]))
        assert markers[i] == trend.marker, i
        if trend.chi_square is not None:
            assert chi[i] == pytest.approx(trend.chi_square, rel=1e-12)
    assert {"Increasing", "Decreasing", "No significant change",
            "Cannot be calculated"} <= set(markers)


def test_quintiles_agree_with_quintile_bounds():
    rng = np.random.default_rng(5)
    rows, expected = [], []
    for size in (5, 6, 7, 9, 13, 150):
        values = rng.choice([*rng.normal(50, 10, 8).round(1)], size).tolist()
        bounds = stats.quintile_bounds(values)
        expected += [stats.quintile(v, bounds, polarity="lower_better") for v in values]
        rows += peers(values, year=2000 + size)
    assert computed(rows, polarity="lower_better")["quintile"].tolist() == expected
