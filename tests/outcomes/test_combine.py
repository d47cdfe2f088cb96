"""outcomes/combine.py: a partnership's areas combined, checked against METHODS.md's worked
examples (§1.1-§1.3 for the intervals, §2 for the comparison with England)."""

import pytest

from outcomes.combine import AreaFigure, combine


def areas(*figures, period="2022/23", england=None, region=None):
    return [AreaFigure(name=f"Area {n}", period_label=period, value=value, count=count,
                       denominator=denominator, england=england, region=region)
            for n, (value, count, denominator) in enumerate(figures, start=1)]


def close(a, b, places=2):
    return round(a, places) == pytest.approx(b, abs=10 ** -places)


def test_a_proportion_adds_up_counts_and_denominators_with_wilson_limits():
    # §1.1: 45 of 120 is 37.50%, 95% CI 29.35-46.42, 99.8% CI 25.25-51.60.
    result = combine(areas((40.0, 20, 50), (35.7, 25, 70), england=40.0), value_type="proportion",
                     multiplier=100, polarity="higher_better")
    assert result.combined and result.method == "Wilson score"
    assert (result.count, result.denominator, result.period_label) == (45, 120, "2022/23")
    assert result.value == pytest.approx(37.5)
    assert close(result.lower95, 29.35) and close(result.upper95, 46.42)
    assert close(result.lower998, 25.25) and close(result.upper998, 51.60)
    assert result.england == 40.0 and result.england_comparison == "Similar"


@pytest.mark.parametrize(("england", "level", "verdict"), [
    (40.0, "95", "Similar"), (48.0, "95", "Worse"), (48.0, "both", "Worse 95%"),
    (52.0, "both", "Worse 99.8%"), (48.0, "99.8", "Similar"), (52.0, "99.8", "Worse")])
def test_the_combined_proportion_is_compared_with_england_at_the_metrics_level(
        england, level, verdict):
    # §2's worked example: the area 45/120 against England at 40, 48 and 52%.
    result = combine(areas((40.0, 20, 50), (35.7, 25, 70), england=england, region=27.0),
                     value_type="proportion", multiplier=100, polarity="higher_better",
                     confidence_level=level)
    assert result.england_comparison == verdict
    # The region at 27%: below the 95% CI (29.35), within the 99.8% CI (25.25).
    assert result.region_comparison == {"95": "Better", "99.8": "Similar",
                                        "both": "Better 95%"}[level]


def test_without_judgement_or_when_not_compared():
    two = areas((40.0, 20, 50), (35.7, 25, 70), england=52.0)
    assert combine(two, value_type="proportion", multiplier=100, polarity="no_judgement",
                   confidence_level="both").england_comparison == "Lowest"
    assert combine(two, value_type="proportion", multiplier=100, polarity="not_applicable"
                   ).england_comparison == "Not compared"
    assert combine(two, value_type="proportion", multiplier=100, polarity="higher_better",
                   comparator_method="not_compared").england_comparison == "Not compared"


def test_a_crude_rate_with_byars_limits():
    # §1.3: 27 in 150,000 is 18.0 per 100,000, 95% CI 11.86-26.19, 99.8% CI 9.13-31.51.
    result = combine(areas((24.0, 12, 50_000), (15.0, 15, 100_000), england=30.0),
                     value_type="crude_rate", multiplier=100_000, polarity="lower_better")
    assert result.method == "Byar's" and result.value == pytest.approx(18.0)
    assert close(result.lower95, 11.86) and close(result.upper95, 26.19)
    assert close(result.lower998, 9.13) and close(result.upper998, 31.51)
    assert result.england_comparison == "Better"  # 30 above the 95% CI, low is good


def test_a_crude_rate_of_few_events_has_exact_limits():
    # §1.3: 6 in 150,000 is 4.0 per 100,000, 95% CI 1.47-8.71, 99.8% CI 0.74-12.04.
    result = combine(areas((2.9, 2, 70_000), (5.0, 4, 80_000)), value_type="crude_rate",
                     multiplier=100_000, polarity="lower_better")
    assert result.method == "exact Poisson" and result.value == pytest.approx(4.0)
    assert close(result.lower95, 1.47) and close(result.upper95, 8.71)
    assert close(result.lower998, 0.74) and close(result.upper998, 12.04)
    assert result.england_comparison == "Not compared"  # no England value


def test_counts_add_up_and_are_not_compared_with_englands_total():
    # §1.2: a count of 6 has 95% CI 2.20-13.06 and 99.8% CI 1.11-18.06.
    result = combine(areas((2, None, None), (4, 4, None), england=5000),
                     value_type="count", multiplier=1, polarity="lower_better")
    assert result.value == 6 and result.denominator is None
    assert close(result.lower95, 2.20) and close(result.upper95, 13.06)
    assert close(result.lower998, 1.11) and close(result.upper998, 18.06)
    assert result.method == "exact Poisson" and result.england_comparison == "Not compared"


@pytest.mark.parametrize("value_type", ["dsr", "isr", "other"])
def test_standardised_rates_and_other_statistics_cannot_be_combined(value_type):
    result = combine(areas((30.1, 40, 100_000), (25.0, 30, 90_000), england=20.0),
                     value_type=value_type, multiplier=100_000, polarity="lower_better")
    assert not result.combined and result.value is None
    assert "cannot be combined" in result.reason
    if value_type in ("dsr", "isr"):
        assert "age structure" in result.reason and "age band" in result.reason


def test_what_stops_a_combination_is_named():
    missing = areas((40.0, 20, 50), (None, None, None))
    assert combine(missing, value_type="proportion", multiplier=100, polarity="higher_better"
                   ).reason == "Cannot be combined: Area 2 has no figure."
    mixed = areas((40.0, 20, 50)) + areas((35.7, 25, 70), period="2021/22")
    reason = combine(mixed, value_type="proportion", multiplier=100,
                     polarity="higher_better").reason
    assert reason.startswith("Cannot be combined: the areas' latest figures are for "
                             "different periods") and "2021/22" in reason
    without = areas((40.0, 20, 50), (35.7, None, 70), (30.0, 3, None))
    assert combine(without, value_type="crude_rate", multiplier=100_000,
                   polarity="higher_better").reason == (
        "Cannot be combined: Area 2 and Area 3 have no count and denominator to add up.")
    assert not combine(areas((1, 1, 2)), value_type="count", multiplier=1,
                       polarity="lower_better").combined


def test_a_percentage_recorded_as_a_count_is_not_added_up():
    # The metadata contradicts itself: summing percentages would give nonsense.
    result = combine(areas((40.0, 20, 50), (35.7, 25, 70)), value_type="count",
                     multiplier=100, polarity="higher_better")
    assert not result.combined and "value type needs correcting" in result.reason
