"""outcomes/charts/annotations.py: a partnership's dated notes on the series chart, its
table and its summary."""

from datetime import date

from outcomes import charts


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
