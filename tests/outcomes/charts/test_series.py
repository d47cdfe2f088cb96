"""outcomes/charts/series.py: a metric's series chart."""


from outcomes import charts


def test_the_series_figure_has_the_area_england_region_and_target():
    points = [{"period_label": "2021/22", "value": 2081, "lower_ci": 2000, "upper_ci": 2150,
               "england": 2100, "region": 2050},
              {"period_label": "2022/23", "value": 2153, "lower_ci": 2080, "upper_ci": 2230,
               "england": 2120, "region": None}]
    figure = charts.metric_series_figure(
        name="Numbers in treatment", unit="count", points=points, area_name="Rotherham",
        region_name="Yorkshire and The Humber",
        target={"baseline_period": "2021/22", "baseline_value": 2081,
                "due_period": "2024/25", "target_value": 2521})
    names = [trace["name"] for trace in figure["data"]]
    assert names == ["Rotherham", "England", "Yorkshire and The Humber", "Target"]
    area = figure["data"][0]
    assert area["y"] == [2081, 2153]
    assert area["error_y"]["array"] == [69, 77] and area["error_y"]["arrayminus"] == [81, 73]
    assert figure["layout"]["xaxis"]["categoryarray"] == ["2021/22", "2022/23", "2024/25"]


def test_the_series_figure_puts_its_periods_in_time_order():
    # A three-year baseline before the first financial year with figures.
    points = [{"period_label": "2021/22", "value": 30}, {"period_label": "2022/23", "value": 28}]
    figure = charts.metric_series_figure(
        name="Deaths", unit="count", points=points,
        target={"baseline_period": "2015 - 17", "baseline_value": 34,
                "due_period": "2024/25", "target_value": 25})
    xaxis = figure["layout"]["xaxis"]
    assert xaxis["categoryorder"] == "array"
    assert xaxis["categoryarray"] == ["2015 - 17", "2021/22", "2022/23", "2024/25"]
    assert xaxis["range"] == [-0.5, 3.5]  # half a period's room either side
    assert figure["layout"]["legend"]["traceorder"] == "normal"


def test_the_series_figure_without_a_target_still_orders_its_periods():
    points = [{"period_label": "2022", "value": 1}, {"period_label": "2023 Q1", "value": 2}]
    xaxis = charts.metric_series_figure(name="N", unit="count", points=points)["layout"]["xaxis"]
    assert xaxis["categoryarray"] == ["2022", "2023 Q1"] and xaxis["range"] == [-0.5, 1.5]


def test_england_and_the_region_are_drawn_when_they_have_one_point():
    """A line needs two points: with one, only a marker draws it. Each has a marker at every
    value, of its own shape and line style, so that colour never tells them apart alone."""
    points = [{"period_label": "2022/23", "value": 2153, "england": 2120, "region": 2050}]
    figure = charts.metric_series_figure(name="N", unit="count", points=points,
                                         area_name="Rotherham", region_name="Yorkshire")
    england, region = figure["data"][1], figure["data"][2]
    for trace, value in ((england, 2120), (region, 2050)):
        assert trace["y"] == [value] and trace["x"] == ["2022/23"]
        assert trace["mode"] == "lines+markers"
        assert trace["marker"]["size"] >= 8
    assert england["name"] == "England" and region["name"] == "Yorkshire"
    assert england["marker"]["symbol"] != region["marker"]["symbol"]
    assert england["line"]["dash"] != region["line"]["dash"]
    assert england["marker"]["color"] != region["marker"]["color"]


def test_a_comparator_value_between_gaps_is_still_marked():
    points = [{"period_label": "2020", "value": 1, "england": None},
              {"period_label": "2021", "value": 2, "england": 3},
              {"period_label": "2022", "value": 2, "england": None}]
    england = charts.metric_series_figure(name="N", unit="count", points=points)["data"][1]
    assert england["y"] == [None, 3, None] and "markers" in england["mode"]
    # The region has no value at all: it is not named in the legend for nothing.
    names = [t["name"] for t in charts.metric_series_figure(
        name="N", unit="count", points=points)["data"]]
    assert names == ["N", "England"]
