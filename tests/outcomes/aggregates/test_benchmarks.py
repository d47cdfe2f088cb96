"""outcomes/aggregates/benchmarks.py: England's and the region's values for each point,
matched by metric, period and age."""



from outcomes.aggregates import series_points

from .frames import OTHER_REGION, REGION, benchmark, only, summarise, year


# --- England and the region ----------------------------------------------------------------------
def test_england_and_region_are_matched_by_metric_and_period():
    observations = [year(2021, 40.0, lower_ci=38.0, upper_ci=42.0),
                    year(2022, 50.0, lower_ci=45.0, upper_ci=55.0)]
    benchmarks = [
        benchmark(2021, 39.0), benchmark(2022, 40.0),       # England
        benchmark(2022, 52.0, area_code=REGION),             # the partnership's region
        benchmark(2022, 10.0, area_code=OTHER_REGION),       # someone else's region
        benchmark(2022, 99.0, metric_id=2),                  # another metric
        benchmark(2022, 98.0, period_year_type="calendar"),  # another kind of period
    ]
    row = only(summarise(observations, benchmarks=benchmarks))
    assert (row["england_value"], row["region_code"], row["region_value"]) == (
        40.0, REGION, 52.0)
    assert (row["england_comparison"], row["region_comparison"]) == ("Better", "Similar")
    assert [(p["england"], p["region"]) for p in series_points(row["series"])] == [
        (39.0, None), (40.0, 52.0)]


# --- Ages ----------------------------------------------------------------------------------------
def test_an_all_ages_figure_takes_englands_headline_age_when_england_has_no_all_ages():
    rows = [year(2021, 2.0), year(2022, 3.0)]  # no age stated
    benchmarks = [benchmark(2021, 13.0, age="18+ yrs"), benchmark(2022, 14.0, age="18+ yrs"),
                  benchmark(2022, 15.0, age="18+ yrs", area_code=REGION),
                  benchmark(2022, 99.0, age="65+ yrs")]
    row = only(summarise(rows, benchmarks=benchmarks))
    assert [p["england"] for p in series_points(row["series"])] == [13.0, 14.0]
    assert row["region_value"] == 15.0


def test_a_local_age_band_is_compared_with_england_for_that_band_only():
    rows = [year(2021, 2.0, age="18+"), year(2022, 3.0, age="18+")]
    benchmarks = [benchmark(2022, 11.0, age="All ages"), benchmark(2021, 13.0, age="18+")]
    row = only(summarise(rows, benchmarks=benchmarks))
    assert [p["england"] for p in series_points(row["series"])] == [13.0, None]
    assert row["england_value"] is None
