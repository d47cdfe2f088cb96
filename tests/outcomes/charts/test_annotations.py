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


def test_the_series_figure_marks_each_note_with_a_dotted_line_and_its_number():
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
    # Each note's number over its line; its words are in the list under the chart, the
    # table and the summary (and on hover).
    assert [a["text"] for a in labels] == ["1", "2"]
    assert labels[0]["hovertext"] == ("Note 1, 1 April 2022: New treatment provider from "
                                      "1 April")
    # A month apart on a phone's plot: the second box goes on the row above the first.
    assert [a["yshift"] for a in labels] == [2, 2 + charts.NOTE_ROW_PIXELS]
    assert figure["layout"]["margin"]["t"] > plain["layout"]["margin"]["t"]
    assert figure["layout"]["height"] - plain["layout"]["height"] == (
        figure["layout"]["margin"]["t"] - plain["layout"]["margin"]["t"])
    assert figure["data"] == plain["data"]  # the series are untouched


def boxes_at(boxes: list[dict], positions: list[float], numbers: list[int],
             axis: tuple[float, float], pixels: float) -> list[tuple[int, float, float]]:
    """The boxes' rows as laid out, drawn across a plot `pixels` wide: (row, left, right)."""
    scale = pixels / (axis[1] - axis[0])
    drawn = []
    for box, x, number in zip(boxes, positions, numbers, strict=True):
        at, width = (x - axis[0]) * scale, charts.annotations.marker_width(number)
        left = {"left": at, "right": at - width, "center": at - width / 2}[box["xanchor"]]
        drawn.append((box["row"], left, left + width))
    return drawn


def assert_no_two_boxes_meet(drawn):
    for i, (row, left, right) in enumerate(drawn):
        for other_row, other_left, other_right in drawn[i + 1:]:
            assert row != other_row or right <= other_left or other_right <= left, drawn


def layout_and_check(labels: list[str], notes: list[dict]) -> list[dict]:
    placed = [n for n in charts.annotation_places(labels, notes) if n["position"] is not None]
    positions, numbers = [n["position"] for n in placed], [n["number"] for n in placed]
    axis = (-0.5, len(labels) - 0.5)
    boxes = charts.marker_boxes(positions, numbers, axis)
    # At the narrowest plot they are laid out for, at a laptop's and at a wide screen's.
    for pixels in (charts.annotations.NARROWEST_PLOT_PIXELS, 600, 1200):
        drawn = boxes_at(boxes, positions, numbers, axis, pixels)
        assert_no_two_boxes_meet(drawn)
        assert all(left >= 0 and right <= pixels for _, left, right in drawn)
    return boxes


def test_the_demo_notes_on_numbers_in_treatment_never_overlap():
    from outcomes.demo import ANNOTATIONS

    labels = [f"{y}/{(y + 1) % 100:02d}" for y in range(2015, 2025)]
    notes = [note(n, day, text) for n, (_, day, text) in enumerate(ANNOTATIONS["rotherham"], 1)]
    boxes = layout_and_check(labels, notes)
    assert [b["row"] for b in boxes] == [0, 1]  # five months apart: stacked


def test_a_crowded_chart_stacks_its_notes_and_makes_room_for_them():
    labels = [f"{y}" for y in range(2010, 2025)]
    # Twelve notes in one year, one a year at the ends, and one on each edge of the axis.
    notes = [note(n, date(2020, n, 1), f"Change {n}") for n in range(1, 13)]
    notes += [note(13, date(2010, 1, 1), "First day"), note(14, date(2024, 12, 31), "Last"),
              note(15, date(2016, 6, 1), "Alone")]
    boxes = layout_and_check(labels, notes)
    assert max(b["row"] for b in boxes) >= 3
    assert boxes[12]["xanchor"] == "left" and boxes[13]["xanchor"] == "right"
    assert boxes[14]["row"] == 0  # a note with room keeps the row over the plot
    figure = charts.metric_series_figure(name="x", unit="count",
                                         points=series_points(*labels), annotations=notes)
    shifts = {a["yshift"] for a in figure["layout"]["annotations"]}
    rows = max(b["row"] for b in boxes) + 1
    assert shifts == {2 + charts.NOTE_ROW_PIXELS * r for r in range(rows)}
    plain = charts.metric_series_figure(name="x", unit="count", points=series_points(*labels))
    assert figure["layout"]["margin"]["t"] - plain["layout"]["margin"]["t"] == (
        charts.NOTE_ROW_PIXELS * rows + 8)


def test_the_layout_is_the_same_whatever_order_the_notes_come_in():
    positions, numbers = [3.2, 1.0, 1.05, 3.25], [3, 1, 2, 4]
    boxes = charts.marker_boxes(positions, numbers, (-0.5, 5.5))
    again = charts.marker_boxes(positions[::-1], numbers[::-1], (-0.5, 5.5))
    assert boxes == again[::-1]


def test_a_note_after_the_target_period_still_fits_on_the_axis():
    figure = charts.metric_series_figure(
        name="x", unit="count", points=series_points("2021/22"),
        target={"baseline_period": "2021/22", "baseline_value": 10, "due_period": "2024/25",
                "target_value": 20},
        annotations=[note(1, date(2024, 4, 1), "Inside the target's period"),
                     note(2, date(2030, 1, 1), "After everything")])
    assert figure["layout"]["xaxis"]["categoryarray"] == ["2021/22", "2024/25"]
    assert [s["x0"] for s in figure["layout"]["shapes"]] == [0.5, 1.5]
    # A box on the edge of the axis reaches into the plot from its line: the last one to its
    # left.
    assert [a["xanchor"] for a in figure["layout"]["annotations"]] == ["center", "right"]


def test_script_in_a_note_is_text_to_plotly():
    figure = charts.metric_series_figure(
        name="x", unit="count", points=series_points("2022"),
        annotations=[note(1, date(2022, 3, 1), "<script>alert(1)</script> & <b>bold</b>")])
    label = figure["layout"]["annotations"][0]
    assert label["text"] == "1" and "<" not in label["hovertext"]
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
