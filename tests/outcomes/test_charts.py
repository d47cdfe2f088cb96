"""outcomes/charts.py: figures from plain data, and the sentences beside them."""

from outcomes import charts


def test_the_sentence_a_board_member_reads():
    summary = {"value": 30, "period_label": "2015 - 17", "previous_value": 34,
               "previous_period_label": "2014 - 16", "england_comparison": "Worse"}
    assert charts.metric_sentence(name="Deaths related to drug misuse", unit="count",
                                  summary=summary) == (
        "Deaths related to drug misuse: 30 in 2015 - 17, down from 34; worse than England.")


def test_sentences_for_rates_percentages_and_missing_values():
    assert charts.metric_sentence(name="Continuity of care", unit="percentage", summary={
        "value": 41.5, "period_label": "2022/23", "previous_value": 41.5,
        "previous_period_label": "2021/22", "england_comparison": "Similar"}) == (
        "Continuity of care: 41.5% in 2022/23, the same as in 2021/22; similar to England.")
    assert charts.metric_sentence(name="Deaths", unit="rate_per_100000", summary={
        "value": 5.0, "period_label": "2015 - 17", "england_comparison": "Not compared"}) == (
        "Deaths: 5.0 per 100,000 in 2015 - 17.")
    assert charts.metric_sentence(name="Deaths", unit="count", summary={
        "value": None, "period_label": "2022", "value_note": "Value suppressed for "
        "disclosure control due to small count"}) == (
        "Deaths: no figure for 2022 (value suppressed for disclosure control due to small "
        "count).")


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


def test_the_progress_figure_stacks_statuses():
    rows = [{"label": "Pursue", "complete": 2, "on_track": 1, "at_risk": 0, "off_track": 1,
             "not_started": 0, "closed": 0}]
    figure = charts.plan_progress_figure(rows, title="By strand")
    assert figure["layout"]["barmode"] == "stack"
    assert [t["x"][0] for t in figure["data"]] == [2, 1, 0, 1, 0, 0]


def test_the_progress_sentence():
    rows = [{"label": "Break drug supply chains", "total": 5, "complete": 4, "at_risk": 1,
             "off_track": 0, "overdue": 1, "percent_complete": 80.0},
            {"label": "Deliver a world-class treatment and recovery system", "total": 41,
             "complete": 16, "at_risk": 2, "off_track": 0, "overdue": 25,
             "percent_complete": 39.0}]
    assert charts.progress_sentence(rows, by="national priority") == (
        "By national priority: 20 of 46 milestones complete (43%), 3 at risk or off track and "
        "26 overdue; most complete: Break drug supply chains (80%).")
    assert charts.progress_sentence([], by="4P strand") == "By 4P strand: no milestones yet."


def test_spine_rows_put_england_in_the_middle_and_better_to_the_right():
    lower_better = {"name": "Deaths", "polarity": "lower_better", "value": 6.0,
                    "england_value": 5.0, "range_min": 1.0, "range_q1": 3.0, "range_q3": 6.0,
                    "range_max": 9.0, "england_comparison": "Worse"}
    higher_better = {**lower_better, "name": "Completions", "polarity": "higher_better",
                     "england_comparison": "Better"}
    rows = charts.spine_rows([lower_better, higher_better,
                              {**lower_better, "name": "No data", "value": None}])
    assert [r["name"] for r in rows] == ["Deaths", "Completions"]
    deaths, completions = rows
    # Scale: the furthest area from England (9 - 5 = 4). Lower is better: flipped.
    assert (deaths["worst"], deaths["best"], deaths["position"]) == (-1.0, 1.0, -0.25)
    assert (deaths["q_low"], deaths["q_high"]) == (-0.25, 0.5)
    assert (completions["worst"], completions["best"], completions["position"]) == (-1, 1, 0.25)
    figure = charts.spine_figure(rows, title="Spine")
    assert figure["layout"]["xaxis"]["ticktext"] == ["Worst", "England", "Best"]
    assert charts.spine_sentence(rows, 3) == (
        "Of 3 metrics in the framework, compared with England: 1 better, 1 worse.")


def test_the_compare_figure_and_sentence():
    rows = [{"label": "Rotherham", "value": 52.0, "lower_ci": 49.0, "upper_ci": 55.0,
             "england_comparison": "Better"},
            {"label": "Darlington", "value": 40.0, "lower_ci": 36.0, "upper_ci": 44.0,
             "england_comparison": "Worse"},
            {"label": "Tiny place", "value": "*", "lower_ci": None, "upper_ci": None,
             "england_comparison": "Not compared"}]
    figure = charts.compare_figure(rows, name="Completions", unit="percentage", england=45.0)
    assert figure["data"][0]["x"] == ["Rotherham", "Darlington"]  # the suppressed one is out
    assert figure["layout"]["shapes"][0]["y0"] == 45.0
    assert charts.compare_sentence(rows, name="Completions", unit="percentage",
                                   period="2023") == (
        "Completions, 2023: 2 areas compared; 1 better and 1 worse than England; highest "
        "Rotherham (52.0%); 1 suppressed for disclosure control.")


# --- The figure says how to draw it: charts.js only fits it to its width ------------------
def test_the_progress_figure_names_only_the_statuses_a_bar_shows():
    rows = [{"label": "Pursue", "complete": 2, "on_track": 1, "at_risk": 0, "off_track": 1,
             "not_started": 0, "closed": 0},
            {"label": "Prevent", "complete": 0, "on_track": 3, "at_risk": 0, "off_track": 0,
             "not_started": 0, "closed": 0}]
    figure = charts.plan_progress_figure(rows, title="By strand")
    shown = {trace["name"]: trace["showlegend"] for trace in figure["data"]}
    assert shown == {"Complete": True, "On track": True, "At risk": False, "Off track": True,
                     "Not started": False, "Closed": False}
    layout = figure["layout"]
    # Top to bottom in the order of the rows (and of the table beside the chart).
    assert figure["data"][0]["y"] == ["Pursue", "Prevent"]
    assert layout["yaxis"]["autorange"] == "reversed"
    # The legend in the order of the bars' segments, below the chart from the left edge.
    assert layout["legend"]["traceorder"] == "normal"
    assert layout["legend"]["orientation"] == "h"
    assert (layout["legend"]["xref"], layout["legend"]["x"], layout["legend"]["xanchor"]) == (
        "container", 0, "left")
    assert (layout["legend"]["yref"], layout["legend"]["y"], layout["legend"]["yanchor"]) == (
        "container", 0, "bottom")
    # A few milestones: whole-number ticks, from zero.
    assert layout["xaxis"]["dtick"] == 1 and layout["xaxis"]["rangemode"] == "tozero"


def test_the_progress_figure_with_many_milestones_leaves_the_ticks_to_plotly():
    rows = [{"label": "Treatment", "complete": 16, "on_track": 20, "at_risk": 2,
             "off_track": 0, "not_started": 3, "closed": 0}]
    figure = charts.plan_progress_figure(rows, title="By priority")
    assert "dtick" not in figure["layout"]["xaxis"]
    assert [t["showlegend"] for t in figure["data"]] == [True, True, True, False, True, False]


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
