"""outcomes/charts.py: figures from plain data, and the sentences beside them."""

from datetime import date

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
    assert figure["layout"]["barmode"] == "overlay"
    # Complete, closed, on track, at risk, off track, not started: end to end, one bar.
    assert [t["x"][0] for t in figure["data"]] == [2, 0, 1, 0, 1, 0]
    assert [t["base"][0] for t in figure["data"]] == [0, 2, 2, 3, 3, 4]
    assert "Of which overdue" not in [t["name"] for t in figure["data"]]  # none overdue


def test_the_progress_figure_shows_overdue_as_a_part_of_the_statuses_not_another():
    """The reviewer's Rotherham row: 3 complete and 2 on track make 5, 2 of them overdue.
    The statuses' segments end at the total; overdue is its own marked (hatched) series,
    under the unfinished part of the bar, not an "On track" in green."""
    rows = [{"label": "Break drug supply chains", "total": 5, "complete": 3, "on_track": 2,
             "at_risk": 0, "off_track": 0, "not_started": 0, "closed": 0, "overdue": 2}]
    figure = charts.plan_progress_figure(rows, title="By priority")
    *statuses, overdue = figure["data"]
    assert [t["name"] for t in statuses] == ["Complete", "Closed", "On track", "At risk",
                                             "Off track", "Not started"]
    assert statuses[-1]["base"][0] + statuses[-1]["x"][0] == 5  # the bar ends at all 5
    assert overdue["name"] == "Of which overdue"
    assert (overdue["base"], overdue["x"]) == ([3], [2])  # from the finished ones' end
    assert overdue["marker"]["pattern"]["shape"] == "/"
    # Beside the status bar, not over it.
    status_band = (statuses[0]["offset"], statuses[0]["offset"] + statuses[0]["width"])
    assert overdue["offset"] >= status_band[1]


def test_the_progress_sentence():
    rows = [{"label": "Break drug supply chains", "total": 5, "complete": 4, "at_risk": 1,
             "off_track": 0, "overdue": 1, "percent_complete": 80.0},
            {"label": "Deliver a world-class treatment and recovery system", "total": 41,
             "complete": 16, "at_risk": 2, "off_track": 0, "overdue": 25,
             "percent_complete": 39.0}]
    assert charts.progress_sentence(rows, by="national priority") == (
        "By national priority: 20 of 46 milestones complete (43%), 3 at risk or off track and "
        "26 overdue (past due and not complete or closed, whatever status is recorded); most "
        "complete: Break drug supply chains (80%).")
    assert charts.progress_sentence([], by="4P strand") == "By 4P strand: no milestones yet."


def test_objectives_with_no_strand_are_never_the_most_complete():
    """York: 41 of its 46 milestones have no strand, 49% complete; the named strands none."""
    rows = [{"key": "prepare", "label": "Prepare", "total": 2, "complete": 0, "at_risk": 1,
             "off_track": 0, "overdue": 2, "percent_complete": 0.0},
            {"key": "pursue", "label": "Pursue", "total": 3, "complete": 1, "at_risk": 0,
             "off_track": 0, "overdue": 2, "percent_complete": 33.3},
            {"key": "", "label": "No strand given", "total": 41, "complete": 20, "at_risk": 2,
             "off_track": 0, "overdue": 21, "percent_complete": 48.8}]
    sentence = charts.progress_sentence(rows, by="4P strand")
    assert sentence.endswith("; most complete: Pursue (33%).")
    assert "None given" not in sentence and "No strand given" not in sentence
    # No named strand complete at all, or all alike: nothing is "most complete".
    for row in rows[:2]:
        row.update(complete=0, percent_complete=0.0)
    assert "most complete" not in charts.progress_sentence(rows, by="4P strand")


def test_spine_rows_put_england_in_the_middle_and_better_to_the_right():
    lower_better = {"name": "Deaths", "polarity": "lower_better", "value": 6.0,
                    "england_value": 5.0, "range_min": 1.0, "range_q1": 3.0, "range_q3": 6.0,
                    "range_max": 9.0, "england_comparison": "Worse"}
    higher_better = {**lower_better, "name": "Completions", "polarity": "higher_better",
                     "england_comparison": "Better"}
    rows = charts.spine_rows([lower_better, higher_better,
                              {**lower_better, "name": "No data", "value": None}])
    assert [(r["name"], r["placed"], r["reason"]) for r in rows] == [
        ("Deaths", True, ""), ("Completions", True, ""), ("No data", False, "no_value")]
    deaths, completions, _ = rows
    # Scale: the furthest area from England (9 - 5 = 4). Lower is better: flipped.
    assert (deaths["worst"], deaths["best"], deaths["position"]) == (-1.0, 1.0, -0.25)
    assert (deaths["q_low"], deaths["q_high"]) == (-0.25, 0.5)
    assert (completions["worst"], completions["best"], completions["position"]) == (-1, 1, 0.25)
    figure = charts.spine_figure(rows, title="Spine")
    assert figure["layout"]["xaxis"]["ticktext"] == ["Worst", "England", "Best"]
    assert charts.spine_sentence(rows, 3) == (
        "Of 3 metrics in the framework, 2 are placed against England's range; compared with "
        "England: 1 better, 1 worse. Not placed: 1 has no figure.")


def test_the_spine_is_drawn_even_when_nothing_can_be_placed_and_says_why():
    """Rotherham's demo: no England figure, and the 'range' is Rotherham's own value alone
    (min = max = value). The chart is still drawn, a row a metric, each saying why it is not
    placed; neither it nor the sentence implies a national range."""
    alone = {"name": "Drug offences (Rotherham)", "polarity": "lower_better", "value": 708.0,
             "england_value": None, "range_min": 708.0, "range_q1": 708.0,
             "range_q3": 708.0, "range_max": 708.0, "england_comparison": "Not compared",
             "period_label": "2020/21", "rank_of": 1}
    no_england = {**alone, "name": "Deaths (Rotherham)", "value": 6.0, "range_min": 3.0,
                  "range_q1": 4.0, "range_q3": 7.0, "range_max": 9.0, "rank_of": 8}
    rows = charts.spine_rows([alone, no_england])
    assert [(r["placed"], r["reason"]) for r in rows] == [(False, "one_area"),
                                                          (False, "no_england")]
    figure = charts.spine_figure(rows, title="Compared with England's range")
    assert figure["layout"]["yaxis"]["categoryarray"] == [
        "Drug offences (Rotherham)", "Deaths (Rotherham)"]
    assert all(x is None for trace in figure["data"] for x in trace["x"])
    assert [(a["y"], a["text"]) for a in figure["layout"]["annotations"]] == [
        ("Drug offences (Rotherham)", "Only this area: no range"),
        ("Deaths (Rotherham)", "No England figure")]
    sentence = charts.spine_sentence(rows, 2)
    assert sentence == (
        "Of 2 metrics in the framework, none can be placed against England's range: 1 has no "
        "figure from any other area for the same period, so no range to be placed in; 1 has "
        "no England figure for the same period.")
    # Several areas with one value between them are not "this area alone".
    assert charts.spine_rows([{**alone, "rank_of": 3}])[0]["reason"] == "same_value"


def test_the_compare_figure_and_sentence():
    rows = [{"label": "Rotherham", "value": 52.0, "lower_ci": 49.0, "upper_ci": 55.0,
             "england_comparison": "Better"},
            {"label": "Darlington", "value": 40.0, "lower_ci": 36.0, "upper_ci": 44.0,
             "england_comparison": "Worse"},
            {"label": "Tiny place", "value": "*", "lower_ci": None, "upper_ci": None,
             "england_comparison": "Not compared"}]
    figure = charts.compare_figure(rows, name="Completions", unit="percentage", england=45.0)
    bars = figure["data"][0]
    # Horizontal: the areas' names on the left, in the table's order top to bottom.
    assert bars["orientation"] == "h"
    assert bars["y"] == ["Rotherham", "Darlington"]  # the suppressed one is out
    assert bars["x"] == [52.0, 40.0]
    assert bars["error_x"]["array"] == [3.0, 4.0]
    layout = figure["layout"]
    assert layout["yaxis"]["autorange"] == "reversed" and layout["yaxis"]["automargin"]
    assert "tickangle" not in layout["xaxis"] and "tickangle" not in layout["yaxis"]
    assert (layout["shapes"][0]["x0"], layout["shapes"][0]["x1"]) == (45.0, 45.0)
    assert charts.compare_sentence(rows, name="Completions", unit="percentage",
                                   period="2023") == (
        "Completions, 2023: 2 areas; 2 compared with England (1 better, 1 worse); highest "
        "Rotherham (52.0%), lowest Darlington (40.0%); 1 suppressed for disclosure control.")


def test_the_compare_chart_grows_with_its_bars():
    rows = [{"label": f"Area {n}", "value": float(n), "england_comparison": "Similar"}
            for n in range(1, 31)]
    one = charts.compare_figure(rows[:1], name="C", unit="count", england=None)
    thirty = charts.compare_figure(rows, name="C", unit="count", england=None)
    assert thirty["layout"]["height"] - one["layout"]["height"] == 29 * 40


def test_the_compare_sentence_agrees_with_the_rows():
    """The reviewer's page: one area, not compared. No "1 area compared", no "0 better and
    0 worse", no "highest" of one."""
    rows = [{"label": "Rotherham", "value": 708.0, "lower_ci": None, "upper_ci": None,
             "england_comparison": "Not compared"}]
    sentence = charts.compare_sentence(rows, name="Drug offences", unit="count",
                                       period="2020/21")
    assert sentence == ("Drug offences, 2020/21: 1 area, Rotherham (708), not compared with "
                        "England.")
    rows[0]["england_comparison"] = "Worse"
    assert charts.compare_sentence(rows, name="D", unit="count", period="2020/21") == (
        "D, 2020/21: 1 area, Rotherham (708), worse than England.")
    # Of several areas, only those compared are counted; highest and lowest by value,
    # whatever the polarity's order of the rows (best first: for deaths, the lowest).
    rows = [{"label": "Low", "value": 3.0, "england_comparison": "Better"},
            {"label": "Mid", "value": 5.0, "england_comparison": "Not compared"},
            {"label": "High", "value": 9.0, "england_comparison": "Worse"}]
    assert charts.compare_sentence(rows, name="Deaths", unit="rate_per_100000",
                                   period="2021 - 23") == (
        "Deaths, 2021 - 23: 3 areas; 2 compared with England (1 better, 1 worse), 1 not "
        "compared; highest High (9.0 per 100,000), lowest Low (3.0 per 100,000).")


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
    # Complete, closed, on track, at risk, off track, not started.
    assert [t["showlegend"] for t in figure["data"]] == [True, False, True, True, False, True]


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


# --- Targets -----------------------------------------------------------------------------
YORK_IBA = {"target_description": "15,000 digital IBA interventions by July 2024",
            "target_value": 15000.0, "target_due_period": "Jul 2024", "value": 6860.0,
            "period_label": "2022/23", "period_end": date(2023, 3, 31)}


def test_a_target_past_due_with_no_figure_for_its_period_is_not_on_track():
    """York's tile said "Target on track" for 15,000 by July 2024 in November 2026, from a
    2022/23 figure: a summary computed before the due date, or a trajectory judged on an old
    figure. Once due with no figure since, it is not known."""
    today = date(2026, 11, 24)
    for stored in ("on track", "off track", "no data"):
        summary = {**YORK_IBA, "target_status": stored}
        assert charts.target_status_now(summary, today) == "no data"
        assert charts.target_label(summary, today) == "Target status not known"
        assert charts.target_sentence(summary, "count", today) == (
            "Target: 15,000 digital IBA interventions by July 2024 (15,000 by Jul 2024). "
            "Target due Jul 2024: no figures since 2022/23, so whether it was met is not "
            "known.")


def test_a_target_before_its_due_date_keeps_its_status():
    summary = {**YORK_IBA, "target_status": "on track"}
    today = date(2024, 1, 15)
    assert charts.target_label(summary, today) == "Target on track"
    assert charts.target_sentence(summary, "count", today).endswith(": on track.")
    # Achieved stands after the due date; a figure for the due period decides it.
    achieved = {**summary, "target_status": "achieved"}
    assert charts.target_label(achieved, date(2026, 11, 24)) == "Target achieved"
    missed = {**summary, "target_status": "off track", "period_label": "2024/25",
              "period_end": date(2025, 3, 31)}
    assert charts.target_label(missed, date(2026, 11, 24)) == "Target off track"


def test_a_target_with_no_baseline_not_yet_due_is_not_known_yet():
    summary = {**YORK_IBA, "target_status": "no data"}
    assert charts.target_sentence(summary, "count", date(2024, 1, 1)) == (
        "Target: 15,000 digital IBA interventions by July 2024 (15,000 by Jul 2024): not "
        "known yet. The latest figure is for 2022/23, with no baseline to measure progress "
        "from.")


# --- Annotations: a partnership's dated notes on the series chart, table and summary ------
def series_points(*labels: str) -> list[dict]:
    return [{"period_label": label, "value": 10.0 + n, "lower_ci": None, "upper_ci": None,
             "england": None, "region": None} for n, label in enumerate(labels)]


def note(number: int, day: date, text: str) -> dict:
    return {"number": number, "date": day, "text": text}


def test_notes_are_placed_as_far_through_their_period_as_their_date():
    placed = charts.annotation_places(
        ["2021/22", "2022/23", "2023/24"],
        [note(1, date(2022, 4, 1), "New provider"), note(2, date(2022, 10, 1), "Half way"),
         note(3, date(2019, 1, 1), "Before"), note(4, date(2025, 1, 1), "After")])
    assert [(n["index"], n["position"]) for n in placed] == [
        (1, 0.5), (1, round(0.5 + 183 / 365, 4)), (None, -0.5), (None, 2.5)]


def test_a_note_in_a_gap_between_periods_goes_between_them():
    placed = charts.annotation_places(["2019", "2021"], [note(1, date(2020, 6, 1), "Gap")])
    assert (placed[0]["index"], placed[0]["position"]) == (None, 0.5)


def test_notes_on_periods_that_cannot_be_read_are_not_placed():
    placed = charts.annotation_places(["Spring", "Summer"], [note(1, date(2020, 6, 1), "x")])
    assert (placed[0]["index"], placed[0]["position"]) == (None, None)


def test_the_series_figure_marks_each_note_with_a_dotted_line_and_its_text():
    points = series_points("2021/22", "2022/23")
    plain = charts.metric_series_figure(name="Adults in treatment", unit="count", points=points)
    figure = charts.metric_series_figure(
        name="Adults in treatment", unit="count", points=points,
        annotations=[note(1, date(2022, 4, 1), "New treatment provider from 1 April"),
                     note(2, date(2022, 5, 1), "Dual diagnosis pathway with RDaSH starts "
                                               "and runs for two years")])
    lines = figure["layout"]["shapes"]
    assert [(s["x0"], s["x1"], s["yref"], s["line"]["dash"]) for s in lines] == [
        (0.5, 0.5, "paper", "dot"), (0.5 + round(30 / 365, 4), 0.5 + round(30 / 365, 4),
                                     "paper", "dot")]
    labels = figure["layout"]["annotations"]
    assert [a["text"] for a in labels] == [
        "1. New treatment provider from…", "2. Dual diagnosis pathway with…"]
    assert labels[0]["hovertext"] == ("Note 1, 1 April 2022: New treatment provider from "
                                      "1 April")
    # Not by colour alone: the line is dotted and labelled; the labels sit above the plot on
    # two rows, in room the chart makes for them.
    assert [a["yshift"] for a in labels] == [2, 26]
    assert figure["layout"]["margin"]["t"] > plain["layout"]["margin"]["t"]
    assert figure["layout"]["height"] - plain["layout"]["height"] == (
        figure["layout"]["margin"]["t"] - plain["layout"]["margin"]["t"])
    assert figure["data"] == plain["data"]  # the series are untouched


def test_a_note_after_the_target_period_still_fits_on_the_axis():
    figure = charts.metric_series_figure(
        name="x", unit="count", points=series_points("2021/22"),
        target={"baseline_period": "2021/22", "baseline_value": 10, "due_period": "2024/25",
                "target_value": 20},
        annotations=[note(1, date(2024, 4, 1), "Inside the target's period"),
                     note(2, date(2030, 1, 1), "After everything")])
    assert figure["layout"]["xaxis"]["categoryarray"] == ["2021/22", "2024/25"]
    assert [s["x0"] for s in figure["layout"]["shapes"]] == [0.5, 1.5]
    # Each label reaches into the plot from its line: the last one to the left of it.
    assert [a["xanchor"] for a in figure["layout"]["annotations"]] == ["left", "right"]


def test_script_in_a_note_is_text_to_plotly():
    figure = charts.metric_series_figure(
        name="x", unit="count", points=series_points("2022"),
        annotations=[note(1, date(2022, 3, 1), "<script>alert(1)</script> & <b>bold</b>")])
    label = figure["layout"]["annotations"][0]
    assert "<" not in label["text"] and "<" not in label["hovertext"]
    assert label["hovertext"].endswith(
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;")


def test_the_table_rows_put_each_note_with_its_period_in_date_order():
    points = series_points("2019", "2021", "2022")
    notes = [note(1, date(2018, 5, 1), "Before"), note(2, date(2019, 2, 1), "In 2019"),
             note(3, date(2019, 3, 1), "Also 2019"), note(4, date(2020, 6, 1), "Gap"),
             note(5, date(2023, 1, 1), "After")]
    rows = charts.annotation_rows(points, notes)
    assert [(r["point"]["period_label"] if r["point"] else None,
             [n["number"] for n in r["notes"]]) for r in rows] == [
        (None, [1]), ("2019", [2, 3]), (None, [4]), ("2021", []), ("2022", []), (None, [5])]
    assert [r["point"] for r in charts.annotation_rows(points, [])] == points


def test_the_table_of_unreadable_periods_keeps_its_notes_at_the_end():
    points = series_points("Spring")
    rows = charts.annotation_rows(points, [note(1, date(2020, 1, 1), "x")])
    assert [(r["point"] is None, len(r["notes"])) for r in rows] == [(False, 0), (True, 1)]


def test_the_summary_says_what_the_dotted_lines_mark():
    assert charts.annotations_sentence([]) == ""
    assert charts.annotations_sentence([note(1, date(2023, 4, 1), "New provider.")]) == (
        "Note marked on the chart: 1. 1 April 2023: New provider.")
    assert charts.annotations_sentence(
        [note(1, date(2023, 4, 1), "New provider"), note(2, date(2023, 9, 1), "Pathway")]) == (
        "2 notes marked on the chart: 1. 1 April 2023: New provider; 2. 1 September 2023: "
        "Pathway.")
