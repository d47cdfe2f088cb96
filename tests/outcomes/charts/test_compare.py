"""outcomes/charts/compare.py: comparing areas for a metric, and the grid's sentence."""


from outcomes import charts


def test_the_compare_figure_and_sentence():
    rows = [{"label": "Rotherham", "value": 52.0, "lower_ci": 49.0, "upper_ci": 55.0,
             "england_comparison": "Better"},
            {"label": "Darlington", "value": 40.0, "lower_ci": 36.0, "upper_ci": 44.0,
             "england_comparison": "Worse"},
            {"label": "Tiny place", "value": None, "lower_ci": None, "upper_ci": None,
             "england_comparison": "Not compared"}]
    figure = charts.compare_figure(rows, name="Completions", unit="percentage", england=45.0)
    bars = figure["data"][0]
    # Horizontal: the areas' names on the left, in the table's order top to bottom.
    assert bars["orientation"] == "h"
    assert bars["y"] == ["Rotherham", "Darlington"]  # the one without a figure is out
    assert bars["x"] == [52.0, 40.0]
    assert bars["error_x"]["array"] == [3.0, 4.0]
    layout = figure["layout"]
    assert layout["yaxis"]["autorange"] == "reversed" and layout["yaxis"]["automargin"]
    assert "tickangle" not in layout["xaxis"] and "tickangle" not in layout["yaxis"]
    assert (layout["shapes"][0]["x0"], layout["shapes"][0]["x1"]) == (45.0, 45.0)
    assert charts.compare_sentence(rows, name="Completions", unit="percentage",
                                   period="2023") == (
        "Completions, 2023: 2 areas; 2 compared with England (1 better, 1 worse); highest "
        "Rotherham (52.0%), lowest Darlington (40.0%); 1 area without a figure.")


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


def test_all_of_englands_areas_are_bars_of_readable_height():
    rows = [{"label": f"Area {n}", "value": float(n), "england_comparison": "Similar"}
            for n in range(1, 151)]
    figure = charts.compare_figure(rows, name="C", unit="count", england=None)
    assert figure["layout"]["height"] == 150 + 150 * 22


def test_compare_rows_are_best_first_by_polarity_with_words_for_blanks():
    rows = [{"area_code": code, "area_name": name, "value": value, "england_comparison": "",
             "region_comparison": "Worse"}
            for code, name, value in (("E1", "One", 3.0), ("E2", "", 9.0), ("E3", "Three",
                                                                            None))]
    lower = charts.compare_rows(rows, polarity="lower_better")
    assert [(r["label"], r["england_comparison"]) for r in lower] == [
        ("One", "Not compared"), ("E2", "Not compared"), ("Three", "Not compared")]
    assert [r["label"] for r in charts.compare_rows(rows, polarity="no_judgement")] == [
        "E2", "One", "Three"]


def test_the_grid_sentence_says_each_metrics_verdicts():
    class M:
        name = "Deaths"

    columns = [{"metric": M, "period": "2020 - 22", "words": "2 better, 1 worse", "held": True},
               {"metric": M, "period": "2023", "words": "no figures", "held": False}]
    assert charts.grid_sentence(columns, areas=3, where="England") == (
        "3 areas of England on 2 metrics, compared with England: Deaths (2020 - 22): 2 "
        "better, 1 worse; Deaths (2023): no figures.")
    assert charts.grid_sentence(columns, areas=0, where="North East region") == (
        "No figures to compare for the areas of North East region.")
