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
