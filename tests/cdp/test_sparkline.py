"""cdp/sparkline.py: a tile's small trend line and the sentence that says what it shows."""

import re

from cdp.sparkline import HEIGHT, PAD, POINTS, WIDTH, sparkline


def coordinates(d: str) -> list[tuple[str, float, float]]:
    return [(c, float(x), float(y)) for c, x, y in re.findall(r"([ML])([\d.]+) ([\d.]+)", d)]


def test_a_rising_series_says_where_it_started_and_ended():
    spark = sparkline([12.1, 12.8, 13.5, 14.3], ["2020/21", "2021/22", "2022/23", "2023/24"],
                      "percentage")
    assert spark["sentence"] == "Rising from 12.1% in 2020/21 to 14.3% in 2023/24"
    points = coordinates(spark["d"])
    assert [c for c, _, _ in points] == ["M", "L", "L", "L"]
    xs, ys = [x for _, x, _ in points], [y for _, _, y in points]
    assert xs[0] == PAD and xs[-1] == WIDTH - PAD and xs == sorted(xs)
    # Higher values are drawn higher (smaller y), from the bottom to the top of the box.
    assert ys[0] == HEIGHT - PAD and ys[-1] == PAD and ys == sorted(ys, reverse=True)
    assert spark["end"] == (xs[-1], ys[-1])


def test_a_falling_series_and_a_gap():
    spark = sparkline([30, None, 20, 10], ["2019", "2020", "2021", "2022"])
    assert spark["sentence"] == "Falling from 30 in 2019 to 10 in 2022"
    # The missing year breaks the line: the pen lifts and starts again.
    assert [c for c, _, _ in coordinates(spark["d"])] == ["M", "M", "L"]


def test_a_flat_series_is_a_line_across_the_middle():
    spark = sparkline([5, 5, 5], ["2021", "2022", "2023"])
    assert spark["sentence"] == "The same in 2021 and 2023: 5"
    assert {y for _, _, y in coordinates(spark["d"])} == {HEIGHT / 2}


def test_only_the_last_periods_are_drawn():
    values = list(range(30))
    spark = sparkline(values, [str(2000 + n) for n in values])
    assert len(coordinates(spark["d"])) == POINTS
    assert spark["sentence"] == "Rising from 20 in 2020 to 29 in 2029"


def test_nothing_to_draw_with_fewer_than_two_values():
    assert sparkline([], []) is None
    assert sparkline(None, None) is None
    assert sparkline([None, 4.0], ["2022", "2023"]) is None
    assert sparkline([1.0, 2.0], ["2023"]) is None  # lists that do not match
