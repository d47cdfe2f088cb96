"""outcomes/charts/spine.py: the spine chart against England's range."""


from outcomes import charts


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
