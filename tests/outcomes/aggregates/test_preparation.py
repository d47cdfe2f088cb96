"""outcomes/aggregates/preparation.py: the rows the summaries are built on (all persons,
no category, one age, one row per period)."""



from outcomes.aggregates import series_points

from .frames import SUPPRESSED, benchmark, metric, only, summarise, year


# --- The breakdown -------------------------------------------------------------------------------
def test_only_all_persons_without_a_category_is_summarised():
    rows = [
        year(2022, 100.0, sex="Persons"), year(2022, 60.0, sex="Male"),
        year(2022, 40.0, sex="Female"),
        year(2022, 70.0, category_type="Substance", category="Opiates"),
        year(2022, 30.0, sex="Persons", category_type="Substance", category="Non-opiates"),
        year(2021, 90.0, sex="Persons"), year(2021, 50.0, sex="Male"),
        # A metric with sexes only: no summary at all.
        year(2022, 5.0, metric_id=2, sex="Male"), year(2022, 6.0, metric_id=2, sex="Female"),
    ]
    benchmarks = [benchmark(2022, 80.0, sex="Persons"), benchmark(2022, 1.0, sex="Male"),
                  benchmark(2022, 2.0, category_type="Substance", category="Opiates")]
    row = only(summarise(rows, benchmarks=benchmarks,
                         metrics=[metric(1), metric(2)]))
    assert (row["metric_id"], row["value"], row["previous_value"]) == (1, 100.0, 90.0)
    assert [p["value"] for p in series_points(row["series"])] == [90.0, 100.0]
    assert row["england_value"] == 80.0


def test_all_ages_is_kept_where_held_else_the_commonest_age_ties_to_the_first_sorted():
    rows = [year(2020, 1.0, age="18+"), year(2021, 2.0, age="18+"), year(2022, 3.0, age="18+"),
            year(2021, 20.0, age="All ages"), year(2022, 30.0, age="All ages"),
            # Metric 2: two ages with two rows each; "18-64" sorts before "65+".
            year(2021, 7.0, metric_id=2, age="65+"), year(2022, 8.0, metric_id=2, age="65+"),
            year(2021, 5.0, metric_id=2, age="18-64"),
            year(2022, 6.0, metric_id=2, age="18-64")]
    benchmarks = [benchmark(2022, 11.0, age=""), benchmark(2021, 12.0, age=""),
                  benchmark(2022, 13.0, age="18+"),
                  benchmark(2022, 14.0, metric_id=2, age="65+"),
                  benchmark(2022, 15.0, metric_id=2, age="18-64")]
    first, second = summarise(rows, benchmarks=benchmarks, metrics=[metric(1), metric(2)])
    # All ages, though 18+ has more rows; England's blank age is all ages too.
    assert [p["value"] for p in series_points(first["series"])] == [20.0, 30.0]
    assert [p["england"] for p in series_points(first["series"])] == [12.0, 11.0]
    assert [p["value"] for p in series_points(second["series"])] == [5.0, 6.0]
    assert second["england_value"] == 15.0  # England for the same age, not another one


def test_a_blank_sex_and_persons_for_one_period_make_one_point():
    rows = [year(2021, 10.0, sex=""), year(2022, 11.0, sex=""), year(2022, 12.0, sex="Persons"),
            year(2023, sex="Persons", value_note=SUPPRESSED), year(2023, 13.0, sex="")]
    row = only(summarise(rows))
    # Of two rows for a period: the one with a value, then "Persons".
    assert [p["value"] for p in series_points(row["series"])] == [10.0, 12.0, 13.0]
