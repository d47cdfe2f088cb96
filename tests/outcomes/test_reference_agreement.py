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
    """The catalogue's metric for 91380, with its Fingertips metadata."""
    metric = Metric.objects.get(fingertips_id=91380, owner=None)
    assert (metric.value_type, metric.polarity, metric.confidence_level, metric.period_years,
            metric.year_type) == (Metric.ValueType.DSR, Metric.Polarity.LOWER_IS_BETTER,
                                  Metric.ConfidenceLevel.CI95, 3, Metric.YearType.CALENDAR)
    return metric


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
    """The rows straight into the reference data, for the statistics alone (the import
    command's path is tested below)."""
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


def test_through_the_import_command_and_the_api(tenants):
    """The bar as an analyst meets it: a national admin imports the real file with
    `import_observations --reference`, and `/api/v1/reference/` (as CSV, read by pandas) gives
    every row the verdicts of the file's own "Compared to England" and "Compared to Region"
    columns."""
    import io

    import pandas as pd
    from django.core.management import call_command
    from rest_framework.test import APIClient

    metric = Metric.objects.get(fingertips_id=91380, owner=None)  # the catalogue's
    call_command("import_observations", str(FILE), "--reference", "--user", "national",
                 stdout=io.StringIO())
    assert ReferenceFigure.objects.filter(metric=metric).count() == 6597

    client = APIClient()
    client.force_authenticate(tenants.users["a_viewer"])  # any signed-in user reads it
    response = client.get("/api/v1/reference/", {"metric": metric.code, "format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    ours = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    published = pd.read_csv(FILE, dtype=str, keep_default_na=False)
    assert len(ours) == len(published) == 6597

    key = ["area_code", "period_label", "sex", "age", "category_type", "category"]
    theirs = published.rename(columns={
        "Area Code": "area_code", "Time period": "period_label", "Sex": "sex", "Age": "age",
        "Category Type": "category_type", "Category": "category"})
    joined = theirs.merge(ours, on=key, how="left", validate="one_to_one", indicator=True)
    assert (joined["_merge"] == "both").all()
    england = joined[ENGLAND] == joined["england_comparison"]
    region = joined[REGION] == joined["region_comparison"]
    compared_e = joined[ENGLAND] != "Not compared"
    compared_r = joined[REGION] != "Not compared"
    print(f"\nThrough the API: England {int((england & compared_e).sum()):,} of "
          f"{int(compared_e.sum()):,} verdicts and {int((england & ~compared_e).sum()):,} of "
          f"{int((~compared_e).sum()):,} 'Not compared'; region "
          f"{int((region & compared_r).sum()):,} of {int(compared_r.sum()):,} and "
          f"{int((region & ~compared_r).sum()):,} of {int((~compared_r).sum()):,}")
    assert joined.loc[~england, key + [ENGLAND, "england_comparison"]].empty
    assert joined.loc[~region, key + [REGION, "region_comparison"]].empty
    assert (int(compared_e.sum()), int((~compared_e).sum())) == (6334, 263)
    assert (int(compared_r.sum()), int((~compared_r).sum())) == (4777, 1820)
