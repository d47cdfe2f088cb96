"""outcomes/charts/areas.py: a partnership's areas side by side, in a chart and in words."""

from outcomes import charts

ROWS = [{"label": "Barnsley", "period_label": "2019 - 21", "value": 6.0, "lower_ci": 4.0,
         "upper_ci": 8.0, "england_comparison": "Similar"},
        {"label": "Sheffield", "period_label": "2019 - 21", "value": 9.1, "lower_ci": 7.5,
         "upper_ci": 10.9, "england_comparison": "Worse"},
        {"label": "Doncaster", "period_label": "", "value": None,
         "england_comparison": "Not compared"}]
COMBINED = {"label": "All 3 areas combined", "period_label": "2019 - 21", "value": 7.2,
            "lower_ci": 6.5, "upper_ci": 8.0, "england_comparison": "Worse 95%"}


def test_the_sentence_names_the_highest_lowest_and_the_combined_figure():
    text = charts.areas_sentence(ROWS, name="Deaths", unit="rate_per_100000",
                                 combined=COMBINED)
    assert text == (
        "Deaths in the 3 areas: highest Sheffield (9.1 per 100,000, 2019 - 21), lowest "
        "Barnsley (6.0 per 100,000, 2019 - 21); 1 with no figure; combined, 7.2 per 100,000 "
        "in 2019 - 21 (95% confidence interval 6.5 per 100,000 to 8.0 per 100,000), worse "
        "than England (95%).")


def test_the_sentence_says_why_the_figures_cannot_be_combined():
    text = charts.areas_sentence(ROWS[:1], name="Deaths", unit="rate_per_100000",
                                 combined=None, reason="Directly standardised rates cannot "
                                 "be combined.")
    assert text == ("Deaths in the 1 area: only Barnsley (6.0 per 100,000, 2019 - 21) has a "
                    "figure. Directly standardised rates cannot be combined.")


def test_the_figure_has_a_bar_per_area_and_the_combined_one_with_england():
    figure = charts.areas_figure(ROWS + [COMBINED], name="Deaths", unit="rate_per_100000",
                                 england=8.5)
    bars = figure["data"][0]
    assert bars["y"] == ["Barnsley", "Sheffield", "All 3 areas combined"]  # no figure: no bar
    assert bars["x"] == [6.0, 9.1, 7.2]
    assert figure["layout"]["shapes"][0]["x0"] == 8.5
    assert figure["layout"]["title"]["text"] == "Latest figure by area"


def test_comparisons_in_words():
    assert charts.comparison_words("Similar") == "Similar to England"
    assert charts.comparison_words("Better 99.8%") == "Better than England (99.8%)"
    assert charts.comparison_words("Lowest") == "Lower than England (99.8%)"
    assert charts.comparison_words(None, "the region") == "Not compared with the region"
