"""outcomes/stats.py: target trajectory and status."""

from datetime import date

import pytest

from outcomes.stats import TargetStatus, target_status, target_trajectory

# Rotherham (seed 000): 440 more adults in treatment by the end of 2024/25.
ROTHERHAM = {"baseline_value": 2081, "baseline_date": date(2023, 3, 31),
             "target_value": 2521, "due_date": date(2025, 3, 31)}


def test_trajectory_is_linear_and_clamped():
    assert target_trajectory(**ROTHERHAM, at=date(2023, 3, 31)) == 2081
    assert target_trajectory(**ROTHERHAM, at=date(2025, 3, 31)) == 2521
    halfway = date(2024, 3, 31)  # 366 of 731 days
    assert target_trajectory(**ROTHERHAM, at=halfway) == pytest.approx(2081 + 440 * 366 / 731)
    assert target_trajectory(**ROTHERHAM, at=date(2020, 1, 1)) == 2081
    assert target_trajectory(**ROTHERHAM, at=date(2030, 1, 1)) == 2521


@pytest.mark.parametrize(
    ("value", "on", "status"),
    [
        (None, date(2023, 11, 30), TargetStatus.ON_TRACK),  # value set just above the line
        (2600, date(2024, 1, 1), TargetStatus.ACHIEVED),
        (2100, date(2024, 12, 31), TargetStatus.OFF_TRACK),
        (2500, date(2025, 3, 31), TargetStatus.OFF_TRACK),   # due and missed
        (None, date(2024, 1, 1), TargetStatus.NO_DATA),
    ],
)
def test_status_against_the_trajectory(value, on, status):
    expected = target_trajectory(**ROTHERHAM, at=on)
    if status == TargetStatus.ON_TRACK:
        value = expected + 1  # just above the line
    assert target_status(**ROTHERHAM, latest_value=value, latest_date=on) == status


def test_a_downward_target():
    kwargs = {"baseline_value": 6.0, "baseline_date": date(2022, 1, 1),
              "target_value": 4.0, "due_date": date(2026, 1, 1)}
    # Halfway in time the line stands at 5.0.
    assert target_status(**kwargs, latest_value=4.9, latest_date=date(2024, 1, 1)) == "on track"
    assert target_status(**kwargs, latest_value=5.1, latest_date=date(2024, 1, 1)) == "off track"
    assert target_status(**kwargs, latest_value=3.9, latest_date=date(2024, 1, 1)) == "achieved"


def test_without_a_baseline_only_achieved_or_missed_can_be_said():
    kwargs = {"target_value": 75.0, "due_date": date(2025, 3, 31), "higher_is_better": True}
    assert target_status(**kwargs, latest_value=76, latest_date=date(2024, 6, 30)) == "achieved"
    assert target_status(**kwargs, latest_value=60, latest_date=date(2024, 6, 30)) == "no data"
    assert target_status(**kwargs, latest_value=60, latest_date=date(2025, 3, 31)) == "off track"


def test_once_due_with_no_figure_for_the_due_period_the_status_is_not_known():
    """METHODS.md §4 compares a figure with a goal and is silent on due dates: a trajectory
    judged on a figure from before the due date says nothing once it has passed."""
    on_the_line = target_trajectory(**ROTHERHAM, at=date(2023, 11, 30)) + 1
    kwargs = {**ROTHERHAM, "latest_value": on_the_line, "latest_date": date(2023, 11, 30)}
    assert target_status(**kwargs) == TargetStatus.ON_TRACK
    assert target_status(**kwargs, today=date(2025, 3, 31)) == TargetStatus.ON_TRACK  # due day
    assert target_status(**kwargs, today=date(2025, 4, 1)) == TargetStatus.NO_DATA
    below = {**kwargs, "latest_value": 2082}
    assert target_status(**below, today=date(2024, 1, 1)) == TargetStatus.OFF_TRACK
    assert target_status(**below, today=date(2026, 11, 24)) == TargetStatus.NO_DATA
    # Met before it was due: achieved, whenever asked. Missed on the due period: off track.
    assert target_status(**{**kwargs, "latest_value": 2600},
                         today=date(2026, 11, 24)) == TargetStatus.ACHIEVED
    assert target_status(**{**kwargs, "latest_value": 2500, "latest_date": date(2025, 3, 31)},
                         today=date(2026, 11, 24)) == TargetStatus.OFF_TRACK


# --- METHODS.md worked examples -------------------------------------------------------------
from outcomes import stats  # noqa: E402


def rounded(values, places=2):
    return tuple(round(v, places) for v in values)


def test_z_values():
    assert round(stats.Z95, 9) == 1.959963985
    assert round(stats.Z998, 9) == 3.090232306


def test_wilson_45_of_120():
    assert rounded(stats.wilson_ci(45, 120)) == (37.5, 29.35, 46.42)
    assert rounded(stats.wilson_ci(45, 120, level=0.998))[1:] == (25.25, 51.60)


def test_count_limits_exact_below_ten():
    assert rounded(stats.count_ci(6)) == (2.20, 13.06)
    assert rounded(stats.count_ci(6, level=0.998)) == (1.11, 18.06)
    lower, upper = stats.count_ci(0)
    assert lower == 0 and round(upper, 3) == 3.689


def test_crude_rates():
    assert rounded(stats.crude_rate_ci(27, 150_000)) == (18.0, 11.86, 26.19)
    assert rounded(stats.crude_rate_ci(27, 150_000, level=0.998))[1:] == (9.13, 31.51)
    assert rounded(stats.crude_rate_ci(6, 150_000)) == (4.0, 1.47, 8.71)
    assert rounded(stats.crude_rate_ci(6, 150_000, level=0.998))[1:] == (0.74, 12.04)


def test_dsr_toy_example():
    args = ([5, 12, 20], [40000, 50000, 30000], [20000, 30000, 20000])
    assert rounded(stats.dsr_ci(*args)) == (32.90, 23.12, 45.41)
    assert rounded(stats.dsr_ci(*args, level=0.998))[1:] == (18.60, 53.41)
    assert stats.dsr_ci([2, 3], [1000, 1000], [1, 1]) is None  # fewer than 10 events


@pytest.mark.parametrize(
    ("benchmark", "one_level", "two_levels", "no_judgement"),
    [(40.0, "Similar", "Similar", "Similar"),
     (48.0, "Worse", "Worse 95%", "Lower"),
     (52.0, "Worse", "Worse 99.8%", "Lowest")],
)
def test_benchmark_comparison_worked_example(benchmark, one_level, two_levels, no_judgement):
    value, l95, u95 = stats.wilson_ci(45, 120)
    _, l998, u998 = stats.wilson_ci(45, 120, level=0.998)
    common = {"value": value, "benchmark": benchmark, "lower95": l95, "upper95": u95}
    assert stats.compare_to_benchmark(**common, polarity="higher_better") == one_level
    assert stats.compare_to_benchmark(**common, polarity="higher_better", lower998=l998,
                                      upper998=u998, two_levels=True) == two_levels
    assert stats.compare_to_benchmark(**common, polarity="no_judgement", lower998=l998,
                                      upper998=u998, two_levels=True) == no_judgement


def test_benchmark_comparison_edges():
    assert stats.compare_to_benchmark(value=5, benchmark=4, lower95=4, upper95=6,
                                      polarity="lower_better") == "Similar"  # inclusive
    assert stats.compare_to_benchmark(value=5, benchmark=3, lower95=4, upper95=6,
                                      polarity="lower_better") == "Worse"
    assert stats.compare_to_benchmark(value=5, benchmark=3, lower95=None, upper95=6,
                                      polarity="lower_better") == "Not compared"
    assert stats.compare_to_benchmark(value=5, benchmark=3, lower95=4, upper95=6,
                                      polarity="n/a") == "Not compared"


SET_1 = [  # 2014 to 2018
    stats.TrendPoint(24.67, 23.16, 26.25, 994, 40299),
    stats.TrendPoint(24.6, 23.15, 26.19, 1023, 41527),
    stats.TrendPoint(28, 26.44, 29.64, 1199, 42811),
    stats.TrendPoint(30.2, 28.63, 31.9, 1332, 44064),
    stats.TrendPoint(30.6, 28.98, 32.25, 1367, 44701),
]
SET_2 = [
    stats.TrendPoint(20.5506, 18.1803, 23.1427, 209, 1017),
    stats.TrendPoint(19.5952, 17.3444, 22.0602, 213, 1087),
    stats.TrendPoint(19.0349, 16.8421, 21.4394, 213, 1119),
    stats.TrendPoint(21.3966, 19.0918, 23.8975, 239, 1117),
    stats.TrendPoint(18.4372, 16.2925, 20.7941, 210, 1139),
]


def test_trend_set_1_is_test_w_for_every_value_type():
    """METHODS §3.6 (settled against live Fingertips): test W for every value type. Set 1 as
    a proportion is no longer the Armitage test's χ² 47.90: it is test W's 46.77, as live
    Fingertips gives."""
    for value_type in ("proportion", "crude_rate", "dsr"):
        weighted = stats.recent_trend(SET_1, polarity="higher_better", value_type=value_type)
        assert round(weighted.chi_square, 2) == 46.77
        assert round(weighted.slope, 4) == 1.7516
        assert weighted.label == "Increasing and getting better"
    low_good = stats.recent_trend(SET_1, polarity="lower_better", value_type="proportion")
    assert low_good.label == "Increasing and getting worse"
    assert stats.recent_trend(SET_1, polarity="no_judgement", value_type="dsr").label == \
        "Increasing"
    assert stats.recent_trend(SET_1, polarity="not_applicable", value_type="dsr").label == \
        "Increasing"


def test_trend_set_2_is_no_significant_change():
    for value_type in ("proportion", "crude_rate"):
        weighted = stats.recent_trend(SET_2, polarity="higher_better", value_type=value_type)
        assert (round(weighted.chi_square, 2), weighted.label) == (0.46, "No significant change")


def test_trend_cannot_be_calculated():
    """The eligibility of METHODS §3.1 and §3.6, on test W."""
    def marker(points, value_type="proportion", **options):
        return stats.recent_trend(points, polarity="higher_better", value_type=value_type,
                                  **options).marker

    assert marker(SET_1[1:]) == "Cannot be calculated"  # four points
    gap = [*SET_1[:2], stats.TrendPoint(None), *SET_1[2:]]
    assert marker(gap) == "Cannot be calculated"  # the unbroken run is three
    assert marker([stats.TrendPoint(None), *SET_1]) == "Increasing"  # a gap before five
    no_counts = [stats.TrendPoint(p.value, p.lower95, p.upper95) for p in SET_1]
    assert marker(no_counts, "dsr") == "Cannot be calculated"  # every type needs counts
    no_denominator = [*SET_1[:4], stats.TrendPoint(30.6, 28.98, 32.25, 1367, 0)]
    assert marker(no_denominator) == "Cannot be calculated"  # a denominator above 0
    no_ci = [*SET_1[:4], stats.TrendPoint(30.6, None, None, 1367, 44701)]
    assert marker(no_ci) == "Cannot be calculated"  # live says no change: we do not guess
    all_cases = [stats.TrendPoint(100, 98, 100, 5, 5), *SET_1[1:]]
    assert marker([SET_1[0], *all_cases]) == "Cannot be calculated"  # count = denominator
    for value_type in ("count", "isr", "other", ""):
        assert marker(SET_1, value_type) == "Cannot be calculated"
    assert marker(SET_1, single_year_periods=False) == "Cannot be calculated"


def test_quintiles_and_ranks():
    values = [12, 15, 15, 18, 20, 22, 25, 25, 30, 41]
    bounds = stats.quintile_bounds(values)
    assert bounds == [12, 15, 19.2, 23.2, 26, 41]
    assert [stats.quintile(v, bounds, polarity="lower_better") for v in values] == [
        1, 1, 1, 2, 3, 3, 4, 4, 5, 5]
    assert stats.quintile(41, bounds, polarity="higher_better") == 1
    assert stats.quintile(None, bounds, polarity="higher_better") == 0
    assert stats.quintile_bounds([1, 2, 3, 4]) is None
    assert stats.ranks([10, 20, 20, None, 5], polarity="higher_better") == [3, 1, 1, None, 4]
    assert stats.ranks([10, 20, 20, None, 5], polarity="lower_better") == [2, 3, 3, None, 1]


def test_disclosure_control():
    assert [stats.disclose_count(c) for c in (0, 1, 4, 5, None)] == [0, "*", "*", 5, None]
    assert stats.disclose_value(33.3, 3) == "*"
    assert stats.disclose_value(33.3, 12) == 33.3
