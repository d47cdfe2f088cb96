"""outcomes/spine.py: England's range for the spine chart, with disclosure control."""

from datetime import date

import pandas as pd

from outcomes.spine import ranges


def frame(rows):
    """Rows of (partnership, metric, area, period_end, value, count), labelled by year."""
    table = pd.DataFrame(rows, columns=["partnership_id", "metric_id", "area_code",
                                        "period_end", "value", "count"])
    table["period_label"] = [f"{d.year - 1}/{d.year % 100:02d}" for d in table["period_end"]]
    return table


def test_periods_with_one_end_but_different_labels_are_ranged_apart():
    day = date(2023, 3, 31)
    latest = frame([(1, 7, "E1", day, 10.0, 100), (2, 7, "E2", day, 20.0, 200)])
    latest.loc[1, "period_label"] = "2020/21 - 22/23"
    result = ranges(latest, None, disclosed=set())
    assert result["range_max"].tolist() == [10.0, 20.0]


def test_the_range_spans_every_partnerships_areas_for_the_same_period():
    day, earlier = date(2023, 3, 31), date(2022, 3, 31)
    latest = frame([(1, 7, "E1", day, 10.0, 100), (2, 7, "E2", day, 20.0, 200)])
    peers = frame([(3, 7, "E3", day, 30.0, 300), (4, 7, "E4", day, 40.0, 400),
                   (5, 7, "E5", earlier, 99.0, 1)])  # another period: not in this range
    result = ranges(latest, peers, disclosed=set())
    assert result[["range_min", "range_q1", "range_median", "range_q3", "range_max"]
                  ].iloc[0].tolist() == [10.0, 17.5, 25.0, 32.5, 40.0]
    assert result["period_end"].tolist() == [day, day]


def test_values_on_counts_of_one_to_four_are_left_out_under_disclosure_control():
    day = date(2023, 3, 31)
    latest = frame([(1, 7, "E1", day, 10.0, 3), (2, 7, "E2", day, 20.0, 200),
                    (3, 7, "E3", day, 30.0, 0)])
    assert ranges(latest, None, disclosed={7})["range_min"].iloc[0] == 20.0
    assert ranges(latest, None, disclosed=set())["range_min"].iloc[0] == 10.0
    # A partnership's own stored summary among the peers is replaced by its new row.
    peers = frame([(1, 7, "E1", day, 1.0, 100)])
    assert ranges(latest, peers, disclosed=set())["range_min"].iloc[0] == 10.0


def test_a_count_metrics_value_is_its_count():
    day = date(2023, 3, 31)
    latest = frame([(1, 7, "E1", day, 3.0, None), (2, 7, "E2", day, 20.0, None)])
    assert ranges(latest, None, disclosed={7}, counted={7})["range_min"].iloc[0] == 20.0
    assert ranges(latest, None, disclosed={7}, counted=set())["range_min"].iloc[0] == 3.0


def reference(rows):
    """Published figures: (area, area_type, period_end, value, count) of metric 7."""
    table = pd.DataFrame(rows, columns=["area_code", "area_type", "period_end", "value",
                                        "count"])
    table["metric_id"] = 7
    table["period_label"] = [f"{d.year - 1}/{d.year % 100:02d}" for d in table["period_end"]]
    return table


def test_the_range_spans_every_published_area_of_the_same_type_and_period():
    from outcomes.aggregates.ranking import reference_pool

    day, earlier = date(2023, 3, 31), date(2022, 3, 31)
    latest = frame([(1, 7, "E1", day, 10.0, 100),   # published: ranged among its type
                    (2, 9, "E9", day, 5.0, 50)])    # nothing published: among partnerships
    published = reference([
        ("E1", "UTLA", day, 10.0, 100), ("E2", "UTLA", day, 20.0, 200),
        ("E3", "UTLA", day, 30.0, 3),               # a small count: left out
        ("E4", "UTLA", day, 40.0, 400),
        ("E5", "UTLA", earlier, 99.0, 900),          # another period
        ("P1", "Police force", day, 1000.0, 900),    # another area type
    ])
    pool = reference_pool(latest, published, {7}, set())
    assert pool[0].tolist()[1] == -1
    result = ranges(latest, None, disclosed={7}, reference=pool)
    assert result[["range_min", "range_median", "range_max"]].iloc[0].tolist() == [
        10.0, 20.0, 40.0]
    assert result[["range_min", "range_max"]].iloc[1].tolist() == [5.0, 5.0]


def test_an_areas_own_newer_figure_joins_the_published_areas_of_its_type():
    from outcomes.aggregates.ranking import reference_pool

    day = date(2023, 3, 31)
    latest = frame([(1, 7, "E1", day, 25.0, 100)])  # E1's own: nothing published for it
    published = reference([("E1", "UTLA", date(2022, 3, 31), 12.0, 100),
                           ("E2", "UTLA", day, 20.0, 200), ("E4", "UTLA", day, 40.0, 400)])
    result = ranges(latest, None, disclosed=set(),
                    reference=reference_pool(latest, published, set(), set()))
    assert result[["range_min", "range_median", "range_max"]].iloc[0].tolist() == [
        20.0, 25.0, 40.0]
