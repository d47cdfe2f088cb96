"""The demo's illustrative reference series (outcomes.demo_reference): every framework metric,
every area, England the sum of its areas, intervals as outcomes.stats computes them, and
"Illustrative" on every row. Pure: no database."""

import json
from collections import defaultdict

import pytest

from outcomes import stats
from outcomes.catalogue import FRAMEWORK_FILE
from outcomes.demo_reference import (
    COLUMNS,
    ENGLAND,
    SHAPES,
    UTLA_AREA_TYPE,
    MetricSpec,
    illustrative_rows,
    period_labels,
)
from outcomes.periods import parse_period

GEOGRAPHY = json.loads((FRAMEWORK_FILE.parent / "geography.json").read_text())
METRICS = json.loads(FRAMEWORK_FILE.read_text())["metrics"]
COL = {name: i for i, name in enumerate(COLUMNS)}


def spec(code: str, pk: int = 1) -> MetricSpec:
    m = next(m for m in METRICS if m["code"] == code)
    return MetricSpec(pk, code, m["unit"], m["value_type"], m["frequency"], m["year_type"])


def rows_of(*codes: str) -> list[list]:
    return list(illustrative_rows([spec(code, n) for n, code in enumerate(codes, 1)],
                                  GEOGRAPHY))


def test_every_framework_metric_has_a_shape_but_the_real_one():
    codes = {m["code"] for m in METRICS}
    assert set(SHAPES) == codes - {"alcohol_specific_mortality"}


@pytest.mark.parametrize("frequency,year_type,count,first,last", [
    ("annual", "financial", 10, "2015/16", "2024/25"),
    ("annual", "calendar", 10, "2015", "2024"),
    ("quarterly", "financial", 40, "2015/16 Q1", "2024/25 Q4"),
    ("rolling_3y", "calendar", 10, "2013 - 15", "2022 - 24"),
    ("biennial", "calendar", 5, "2016", "2024"),
])
def test_ten_years_of_the_metrics_own_periods(frequency, year_type, count, first, last):
    labels = [label for label, _ in period_labels(frequency, year_type)]
    assert (len(labels), labels[0], labels[-1]) == (count, first, last)
    for label in labels:
        parse_period(label)


def test_every_area_region_and_england_every_period_marked_illustrative():
    rows = rows_of("continuity_of_care", "drug_misuse_deaths")
    areas = {row[COL["area_code"]] for row in rows}
    assert len(areas) == 153 + 9 + 1
    assert len(rows) == 163 * 40 + 163 * 10
    for row in rows:
        assert row[COL["value_note"]] == "Illustrative"
        assert row[COL["source"]] == "Illustrative (demo)"
    types = {row[COL["area_code"]]: row[COL["area_type"]] for row in rows}
    assert types[ENGLAND[0]] == "England" and types["E12000003"] == "Region"
    assert types["E08000018"] == UTLA_AREA_TYPE
    parents = {row[COL["area_code"]]: row[COL["parent_code"]] for row in rows}
    assert parents["E08000018"] == "E12000003" and parents["E12000003"] == ENGLAND[0]


def test_the_same_seed_gives_the_same_rows():
    assert rows_of("proven_reoffending") == rows_of("proven_reoffending")


def test_england_and_regions_are_the_sum_of_their_areas():
    rows = rows_of("successful_completion_opiate", "numbers_in_treatment")
    region_of = {a["code"]: a["region"] for a in GEOGRAPHY["local_authorities"]}
    sums = defaultdict(lambda: [0.0, 0.0])
    held = {}
    for row in rows:
        key = (row[COL["metric_id"]], row[COL["period_label"]])
        code = row[COL["area_code"]]
        held[(code, *key)] = row
        if code in region_of:
            for parent in (region_of[code], ENGLAND[0]):
                sums[(parent, *key)][0] += row[COL["count"]]
                sums[(parent, *key)][1] += row[COL["denominator"]] or 0
    assert len(sums) == 10 * 2 * 10
    for key, (count, denominator) in sums.items():
        row = held[key]
        assert row[COL["count"]] == count
        if row[COL["metric_id"]] == 1:  # a proportion: value from the sums
            assert row[COL["denominator"]] == denominator
            assert row[COL["value"]] == pytest.approx(100 * count / denominator, abs=1e-5)
        else:  # a count: the sum itself
            assert row[COL["value"]] == count


def test_proportions_have_wilson_intervals_from_their_counts():
    for row in rows_of("continuity_of_care")[::37]:
        count, denominator = row[COL["count"]], row[COL["denominator"]]
        value, lower, upper = stats.wilson_ci(count, denominator)
        _, lower998, upper998 = stats.wilson_ci(count, denominator, level=0.998)
        got = [row[COL[c]] for c in ("value", "lower_ci", "upper_ci", "lower_ci_998",
                                     "upper_ci_998")]
        assert got == pytest.approx([value, lower, upper, lower998, upper998], abs=1e-5)


def test_rates_have_exact_or_byars_intervals_from_their_counts():
    rows = rows_of("drug_misuse_deaths", "children_social_care_drugs")
    small = 0
    for row in rows[::11]:
        per = 100_000 if row[COL["metric_id"]] == 1 else 10_000
        count, population = row[COL["count"]], row[COL["denominator"]]
        small += count < 10
        expected = stats.crude_rate_ci(count, population, per=per)
        _, lower998, upper998 = stats.crude_rate_ci(count, population, per=per, level=0.998)
        got = [row[COL[c]] for c in ("value", "lower_ci", "upper_ci", "lower_ci_998",
                                     "upper_ci_998")]
        assert got == pytest.approx([*expected, lower998, upper998], rel=1e-6, abs=1e-6)
    assert small, "some areas are small enough for the exact method"


def test_three_year_periods_cover_three_years_of_population():
    rows = [r for r in rows_of("drug_misuse_deaths") if r[COL["area_code"]] == "E08000018"]
    assert {r[COL["denominator"]] for r in rows} == {3 * 267_000}


def test_deprived_areas_tend_to_do_worse():
    rows = rows_of("drug_misuse_deaths")
    latest = {r[COL["area_code"]]: r[COL["value"]] for r in rows
              if r[COL["period_label"]] == "2022 - 24"}
    # Yorkshire's deprived places against affluent ones (the demo's areas).
    assert latest["E08000017"] > latest["E10000003"]
    assert latest["E08000018"] > latest["E06000014"]
