"""A partnership's dashboard from the national reference data: the published figures for its
own areas, its own figures only where nothing is published, and ranks, quintiles and spine
ranges among every area of the metric's area type, as Fingertips computes them."""

from datetime import date

import pytest

from outcomes import stats
from outcomes.models import (
    FrameworkMetric,
    ImportBatch,
    Metric,
    MetricSummary,
    Observation,
    ObservationChange,
    ReferenceFigure,
    SummaryState,
)
from outcomes.services import summaries
from partnerships.models import LocalAuthority

pytestmark = pytest.mark.django_db

ROTHERHAM, YORKSHIRE, ENGLAND = "E08000018", "E12000003", "E92000001"
UPPER_TIER = "Counties & UAs (from Apr 2023)"
YEARS = range(2018, 2023)  # five financial years, 2018/19 to 2022/23
AREAS = 20  # the upper-tier areas published, Rotherham among them


def period(year: int) -> dict:
    return {"period_label": f"{year}/{(year + 1) % 100:02d}", "period_start": date(year, 4, 1),
            "period_end": date(year + 1, 3, 31), "period_year_type": "financial",
            "period_sortable": year * 10000}


def proportion(count: int, denominator: int) -> dict:
    value, low, high = stats.wilson_ci(count, denominator)
    return {"value": value, "count": count, "denominator": denominator, "lower_ci": low,
            "upper_ci": high}


@pytest.fixture
def metric():
    return Metric.objects.create(
        owner=None, code="reference_test_share", name="Share completing treatment (test)",
        tier=Metric.Tier.SUPPORTING, unit=Metric.Unit.PERCENTAGE,
        polarity=Metric.Polarity.HIGHER_IS_BETTER, frequency=Metric.Frequency.ANNUAL,
        value_type="proportion")


def areas() -> list[str]:
    """Rotherham and 19 other upper-tier authorities."""
    others = (LocalAuthority.objects.exclude(code=ROTHERHAM).order_by("code")
              .values_list("code", flat=True)[:AREAS - 1])
    return [ROTHERHAM, *others]


def publish(metric, *, years=YEARS) -> dict[str, float]:
    """Published figures for England, Yorkshire and 20 areas: Rotherham rises from 50% to 70%
    and ranks 9th in the last year; England and the region stay at 45%. Returns the last
    year's values by area."""
    rows, latest = [], {}
    codes = areas()
    for year in years:
        step = year - YEARS[0]
        for k, code in enumerate(codes):
            count = 500 + 50 * step if code == ROTHERHAM else 300 + 25 * k
            if code != ROTHERHAM and k >= 6:
                count += 112  # eight areas (k = 12 to 19) above Rotherham's 700 in 2022/23
            figure = proportion(count, 1000)
            latest[code] = figure["value"]
            rows.append(ReferenceFigure(metric=metric, area_code=code, area_type=UPPER_TIER,
                                        parent_code=YORKSHIRE, **period(year), **figure,
                                        sex="Persons", age="All ages"))
        for code, kind in ((ENGLAND, "England"), (YORKSHIRE, "Region")):
            rows.append(ReferenceFigure(metric=metric, area_code=code, area_type=kind,
                                        **period(year), **proportion(45_000, 100_000),
                                        sex="Persons", age="All ages"))
        # A breakdown that takes no part in ranks.
        rows.append(ReferenceFigure(metric=metric, area_code=codes[1], area_type=UPPER_TIER,
                                    **period(year), **proportion(990, 1000), sex="Male",
                                    age="All ages"))
    ReferenceFigure.objects.bulk_create(rows)
    return latest


def summary_of(tenants, metric) -> MetricSummary:
    summaries.summaries_recompute(partnership_ids=[tenants.a.pk])
    return MetricSummary.objects.get(partnership=tenants.a, metric=metric)


def own(tenants, metric, year: int, value: float) -> None:
    Observation.objects.create(partnership=tenants.a, metric=metric, area_code=ROTHERHAM,
                               **period(year), value=value, sex="", age="")


def test_a_partnership_with_only_published_figures_is_compared_trended_and_ranked(
        tenants, metric):
    latest = publish(metric)
    summary = summary_of(tenants, metric)
    assert (summary.area_code, summary.period_label) == (ROTHERHAM, "2022/23")
    assert summary.value == pytest.approx(70.0)
    assert (summary.previous_period_label, summary.previous_value) == ("2021/22",
                                                                       pytest.approx(65.0))
    assert summary.england_value == pytest.approx(45.0)
    assert summary.region_value == pytest.approx(45.0)
    assert summary.england_comparison == "Better"
    assert summary.region_comparison == "Better"
    assert summary.trend_marker == "Increasing"
    assert len(summary.points) == len(YEARS)
    # Ranked among every published area of its type (not England, the region, nor the
    # male breakdown): higher is better, so eight areas above it.
    values = list(latest.values())
    assert summary.rank_of == AREAS
    assert summary.rank == 9 == stats.ranks(values, polarity="higher_better")[0]
    assert summary.quintile == stats.quintile(latest[ROTHERHAM],
                                              stats.quintile_bounds(values),
                                              polarity="higher_better")
    # The spine's range is the spread of the same areas.
    assert summary.range_min == pytest.approx(min(values))
    assert summary.range_max == pytest.approx(max(values))
    assert summary.local_value is None


def test_a_partnership_of_two_areas_ranks_each_among_all_areas(tenants, metric):
    latest = publish(metric)
    tenants.a.local_authorities.add(LocalAuthority.objects.get(code=areas()[1]))
    summaries.summaries_recompute(partnership_ids=[tenants.a.pk])
    rows = MetricSummary.objects.filter(partnership=tenants.a, metric=metric)
    assert {row.area_code: row.rank_of for row in rows} == {ROTHERHAM: AREAS,
                                                            areas()[1]: AREAS}
    ranked = stats.ranks(list(latest.values()), polarity="higher_better")
    assert {row.area_code: row.rank for row in rows} == {ROTHERHAM: ranked[0],
                                                         areas()[1]: ranked[1]}


def test_the_partnerships_own_figure_is_used_for_a_newer_period(tenants, metric):
    publish(metric)
    own(tenants, metric, 2023, 72.5)
    summary = summary_of(tenants, metric)
    assert (summary.period_label, summary.value) == ("2023/24", 72.5)
    assert (summary.previous_period_label, summary.previous_value) == ("2022/23",
                                                                       pytest.approx(70.0))
    assert summary.local_value is None
    # Nothing is published for 2023/24: it is ranked among the partnerships' areas.
    assert summary.rank_of == 1


def test_the_published_figure_beats_the_partnerships_own_and_is_shown_beside_it(
        client, tenants, metric):
    publish(metric)
    own(tenants, metric, 2022, 68.0)  # the partnership's own 2022/23, not the published 70%
    own(tenants, metric, 2021, 65.0)  # the same as published: nothing to show beside it
    summary = summary_of(tenants, metric)
    assert summary.value == pytest.approx(70.0) and summary.local_value == 68.0
    assert summary.rank == 9 and summary.rank_of == AREAS
    assert summary.series["value"][-2] == pytest.approx(65.0)
    FrameworkMetric.objects.create(partnership=tenants.a, metric=metric)
    client.force_login(tenants.users["a_viewer"])
    page = client.get(f"/partnerships/rotherham/metrics/{metric.pk}/").content.decode()
    assert "Your loaded figure: 68" in page
    dashboard = client.get("/partnerships/rotherham/").content.decode()
    assert "Your loaded figure: 68" in dashboard


def test_without_published_figures_of_the_type_ranks_stay_among_partnerships(tenants):
    summary = MetricSummary.objects.get(partnership=tenants.a,
                                        metric__code="numbers_in_treatment")
    # Rotherham and Darlington, each with its own figure for 2022/23.
    assert (summary.rank, summary.rank_of) == (1, 2)


def reference_batch(tenants, rows) -> ImportBatch:
    batch = ImportBatch.objects.create(partnership=None, created_by=tenants.users["superuser"],
                                       file_name="national.csv", format="tidy",
                                       status=ImportBatch.Status.COMPLETE)
    ObservationChange.objects.bulk_create([
        ObservationChange(batch=batch, reference=True, row_id=row_id, action="inserted")
        for row_id in rows])
    return batch


def dirty() -> set[int]:
    return set(SummaryState.objects.filter(dirty=True).values_list("partnership_id",
                                                                    flat=True))


def test_a_reference_batch_recomputes_the_partnerships_that_show_a_changed_metric(
        tenants, metric):
    SummaryState.objects.update(dirty=False)
    darlington = ReferenceFigure.objects.create(
        metric=metric, area_code="E06000005", area_type=UPPER_TIER, **period(2022), value=5)
    with summaries.summaries_deferred():
        summaries.summaries_request_for_batch(reference_batch(tenants, [darlington.pk]))
    assert dirty() == {tenants.b.pk}  # Rotherham shows nothing of the metric

    SummaryState.objects.update(dirty=False)
    in_treatment = ReferenceFigure.objects.create(
        metric=Metric.objects.get(code="numbers_in_treatment", owner=None),
        area_code=ENGLAND, area_type="England", **period(2022), value=5)
    with summaries.summaries_deferred():
        summaries.summaries_request_for_batch(reference_batch(tenants, [in_treatment.pk]))
    assert dirty() == {tenants.a.pk, tenants.b.pk}  # England's figure: both show the metric


def test_a_rolled_back_reference_batch_whose_rows_are_gone_recomputes_everyone(tenants):
    SummaryState.objects.update(dirty=False)
    with summaries.summaries_deferred():
        summaries.summaries_request_for_batch(reference_batch(tenants, [987654321]))
    assert dirty() == {tenants.a.pk, tenants.b.pk}
