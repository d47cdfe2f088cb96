"""The bar of issue 18: our statistics for the real Fingertips file agree with Fingertips' own.

The file (fixtures/alcohol_specific_mortality_91380.csv, provenance in fixtures/README.md) is
every English upper-tier authority, the regions and England, 2006-08 to 2016-18, by sex and
deprivation decile, with Fingertips' verdicts against England and the region and its recent
trend. Loaded into the reference data and recomputed, every one of our verdicts must be the
file's: 6,334 England verdicts and 4,777 region verdicts, and "Not compared" for its 263 and
1,820.
"""

from pathlib import Path

import pytest

from outcomes.bulk import insert_rows
from outcomes.importers import SourceRow, fingertips
from outcomes.models import Metric, ReferenceFigure
from outcomes.services.reference import reference_recompute

FILE = Path(__file__).resolve().parents[2] / "fixtures" / "alcohol_specific_mortality_91380.csv"
ENGLAND = "Compared to England value or percentiles"
REGION = "Compared to Region value or percentiles"
pytestmark = pytest.mark.django_db


def _metric() -> Metric:
    return Metric.objects.create(
        code="alcohol_specific_mortality", name="Alcohol-specific mortality",
        tier=Metric.Tier.RELATED, unit=Metric.Unit.RATE_PER_100000,
        polarity=Metric.Polarity.LOWER_IS_BETTER,
        frequency=Metric.Frequency.ROLLING_THREE_YEARS,
        value_type=Metric.ValueType.DSR,
        comparator_method=Metric.ComparatorMethod.CONFIDENCE_INTERVALS,
        confidence_level=Metric.ConfidenceLevel.CI95, period_years=3,
        year_type=Metric.YearType.CALENDAR, fingertips_id=91380,
        source="OHID Fingertips")


def _file():
    """The file's rows as the importer reads them, each with the columns it does not keep
    (parent code, 99.8% limits) and Fingertips' verdicts, read by pandas in the same order."""
    import pandas as pd  # the test's own reading of the file, beside the importer's

    published = pd.read_csv(FILE, dtype=str, keep_default_na=False)
    rows = list(fingertips.read(FILE.read_bytes()))
    assert all(isinstance(row, SourceRow) for row in rows)
    assert len(rows) == len(published) == 6597
    return rows, published


def _load(metric: Metric, rows: list[SourceRow], published) -> None:
    """A stand-in for `import_observations --reference` (being built alongside): the rows
    straight into the reference data."""
    def number(text: str) -> float | None:
        return float(text) if text.strip() else None

    columns = ["metric_id", "area_code", "area_name", "area_type", "parent_code",
               "period_label", "period_start", "period_end", "period_year_type",
               "period_sortable", "sex", "age", "category_type", "category", "value", "count",
               "denominator", "lower_ci", "upper_ci", "lower_ci_998", "upper_ci_998",
               "value_note", "source"]
    values = []
    for row, parent, low, high in zip(rows, published["Parent Code"],
                                      published["Lower CI 99.8 limit"],
                                      published["Upper CI 99.8 limit"], strict=True):
        p = row.period
        values.append([metric.pk, row.area_code, row.area_name, row.area_type, parent,
                       p.label, p.start, p.end, p.year_type, p.sortable, row.sex, row.age,
                       row.category_type, row.category, row.value, row.count,
                       row.denominator, row.lower_ci, row.upper_ci, number(low), number(high),
                       row.value_note, row.source])
    insert_rows(ReferenceFigure, columns, values)


def _key(area_code, start, end, sex, age, category_type, category) -> tuple:
    return (area_code, start, end, sex, age, category_type, category)


def test_every_verdict_and_trend_agrees_with_fingertips_own_file():
    metric = _metric()
    rows, published = _file()
    _load(metric, rows, published)

    assert reference_recompute(metric_ids=[metric.pk]) == 6597

    ours = {found[:7]: found[7:] for found in ReferenceFigure.objects.values_list(
        "area_code", "period_start", "period_end", "sex", "age", "category_type", "category",
        "england_comparison", "region_comparison", "trend_label")}
    agree = {"england": 0, "region": 0, "england_not": 0, "region_not": 0, "trend": 0}
    wrong = []
    for row, england, region, trend in zip(rows, published[ENGLAND], published[REGION],
                                           published["Recent Trend"], strict=True):
        key = _key(row.area_code, row.period.start, row.period.end, row.sex, row.age,
                   row.category_type, row.category)
        our_england, our_region, our_trend = ours[key]
        for name, theirs, mine in (("england", england, our_england),
                                   ("region", region, our_region)):
            if theirs != mine:
                wrong.append((row.line, name, theirs, mine))
            elif mine == "Not compared":
                agree[f"{name}_not"] += 1
            else:
                agree[name] += 1
        if trend != our_trend:
            wrong.append((row.line, "trend", trend, our_trend))
        else:
            agree["trend"] += 1
    print(f"\nAgreement with Fingertips' file: England {agree['england']:,} verdicts and "
          f"{agree['england_not']:,} 'Not compared'; region {agree['region']:,} verdicts "
          f"and {agree['region_not']:,} 'Not compared'; recent trend {agree['trend']:,} rows")
    assert wrong == []
    assert agree == {"england": 6334, "region": 4777, "england_not": 263, "region_not": 1820,
                     "trend": 6597}
    # 3-year rolling periods have no trend: Cannot be calculated on each series' latest row.
    latest = published[published["Recent Trend"] != ""]
    assert len(latest) == 537 and set(latest["Recent Trend"]) == {"Cannot be calculated"}


def test_a_second_recompute_changes_nothing():
    metric = _metric()
    rows, published = _file()
    _load(metric, rows, published)
    reference_recompute(metric_ids=[metric.pk])
    before = list(ReferenceFigure.objects.order_by("pk").values_list(
        "pk", *ReferenceFigure.STATISTIC_FIELDS))
    assert reference_recompute() == 6597
    after = list(ReferenceFigure.objects.order_by("pk").values_list(
        "pk", *ReferenceFigure.STATISTIC_FIELDS))
    assert after == before
