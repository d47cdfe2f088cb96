"""outcomes/charts/common.py: what every figure shares, and periods in time order."""


from outcomes import charts


def test_time_order_sorts_periods_and_keeps_labels_it_cannot_read_as_they_came():
    assert charts.time_ordered(["2021/22", "2022/23", "2015 - 17", "2021/22"]) == [
        "2015 - 17", "2021/22", "2022/23"]
    assert charts.time_ordered(["Apr 2024", "2023/24 Q1", "2023"]) == [
        "2023", "2023/24 Q1", "Apr 2024"]
    assert charts.time_ordered(["Latest", "2015"]) == ["Latest", "2015"]


def test_every_figure_carries_its_legend_and_axes_margins():
    rows = [{"label": "A", "value": 1.0, "england_comparison": "Better"}]
    spine = charts.spine_figure(charts.spine_rows([
        {"name": "Deaths", "polarity": "lower_better", "value": 6.0, "england_value": 5.0,
         "range_min": 1.0, "range_max": 9.0, "england_comparison": "Worse"}]), title="Spine")
    for figure in (charts.compare_figure(rows, name="C", unit="count", england=None), spine,
                   charts.metric_series_figure(name="N", unit="count", points=[])):
        layout = figure["layout"]
        assert layout["legend"]["traceorder"] == "normal"
        assert layout["legend"]["xref"] == layout["legend"]["yref"] == "container"
        assert layout["xaxis"]["automargin"] and layout["yaxis"]["automargin"]
