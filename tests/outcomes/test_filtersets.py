"""outcomes/filtersets.py: each filter narrows its model's rows as its help text says (the
API's lists and the pages share them)."""

from datetime import date

import pytest
from django import forms

from outcomes.filtersets import (
    AnnotationFilterSet,
    BenchmarkFilterSet,
    CoverageFilterSet,
    ImportBatchFilterSet,
    MetricFilterSet,
    MetricSummaryFilterSet,
    ObservationFilterSet,
    PeriodField,
    TargetFilterSet,
)
from outcomes.models import (
    Annotation,
    FrameworkMetric,
    ImportBatch,
    Metric,
    MetricSummary,
    Observation,
    ReferenceFigure,
    Target,
)

pytestmark = pytest.mark.django_db


def filtered(filterset_class, model, **params) -> set:
    filterset = filterset_class(params, queryset=model.objects.all())
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs)


def in_treatment() -> Metric:
    return Metric.objects.get(code="numbers_in_treatment", owner=None)


def observe(t, side, *, metric=None, area=None, label="2023/24", start=date(2023, 4, 1),
            end=date(2024, 3, 31), **breakdown) -> Observation:
    return Observation.objects.create(
        partnership=t.partnership(side), metric=metric or in_treatment(),
        area_code=area or {"a": "E08000018", "b": "E06000005"}[side], period_label=label,
        period_start=start, period_end=end, period_year_type="financial",
        period_sortable=start.year * 10000 + start.month, value=1, batch=t.batches[side],
        **breakdown)


# --- Periods -------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "bound", "wanted"), [
    ("2022/23", "start", date(2022, 4, 1)),
    ("2022/23", "end", date(2023, 3, 31)),
    ("2023/24 Q1", "end", date(2023, 6, 30)),
    ("Apr 2024", "start", date(2024, 4, 1)),
    (" 2023-03-31 ", "start", date(2023, 3, 31)),
    ("", "start", None),
])
def test_a_period_is_read_as_its_first_or_last_day(text, bound, wanted):
    assert PeriodField(bound=bound, required=False).clean(text) == wanted


def test_a_period_that_cannot_be_read_says_what_to_give():
    with pytest.raises(forms.ValidationError) as error:
        PeriodField(required=False).clean("last year")
    assert error.value.messages == [
        "“last year” is not a period: give one like 2022/23, 2022, 2023/24 Q1, Apr 2024 or a "
        "date like 2023-03-31."]


# --- Observations and benchmarks -----------------------------------------------------------
def test_observations_by_partnership_metric_and_area(tenants):
    a_old = Observation.objects.get(partnership=tenants.a)
    b_old = Observation.objects.get(partnership=tenants.b)
    local = Metric.objects.get(owner=tenants.a)
    a_local = observe(tenants, "a", metric=local)
    assert filtered(ObservationFilterSet, Observation, partnership="rotherham") == {a_old,
                                                                                     a_local}
    assert filtered(ObservationFilterSet, Observation, metric="digital_iba") == {a_local}
    assert filtered(ObservationFilterSet, Observation,
                    metric="digital_iba,numbers_in_treatment") == {a_old, a_local, b_old}
    assert filtered(ObservationFilterSet, Observation, area="E06000005") == {b_old}
    assert filtered(ObservationFilterSet, Observation, area="E06000005,E08000018",
                    metric="numbers_in_treatment") == {a_old, b_old}
    assert filtered(ObservationFilterSet, Observation, partnership="york") == set()


def test_observations_by_period(tenants):
    old = Observation.objects.get(partnership=tenants.a)  # 2022/23
    new = observe(tenants, "a")  # 2023/24
    quarter = observe(tenants, "a", label="2024/25 Q1", start=date(2024, 4, 1),
                      end=date(2024, 6, 30))
    mine = {"partnership": "rotherham"}
    assert filtered(ObservationFilterSet, Observation, **mine, period_from="2023/24") == {
        new, quarter}
    assert filtered(ObservationFilterSet, Observation, **mine, period_to="2023/24") == {old, new}
    assert filtered(ObservationFilterSet, Observation, **mine, period_from="2023",
                    period_to="2023-12-31") == set()
    assert filtered(ObservationFilterSet, Observation, **mine, period_from="2024/25 Q1",
                    period_to="Jun 2024") == {quarter}
    bad = ObservationFilterSet({"period_to": "soon"}, queryset=Observation.objects.all())
    assert not bad.is_valid() and list(bad.errors) == ["period_to"]


def test_observations_by_breakdown(tenants):
    persons = Observation.objects.get(partnership=tenants.a)
    male = observe(tenants, "a", sex="Male", age="18+ yrs")
    quintile = observe(tenants, "a", label="2024/25", start=date(2024, 4, 1),
                       end=date(2025, 3, 31), category_type="Deprivation quintile",
                       category="Most deprived")
    mine = {"partnership": "rotherham"}
    assert filtered(ObservationFilterSet, Observation, **mine, sex="Male") == {male}
    assert filtered(ObservationFilterSet, Observation, **mine, age="18+ yrs") == {male}
    assert filtered(ObservationFilterSet, Observation, **mine,
                    category_type="Deprivation quintile") == {quintile}
    assert filtered(ObservationFilterSet, Observation, **mine,
                    category="Most deprived") == {quintile}
    assert filtered(ObservationFilterSet, Observation, **mine) == {persons, male, quintile}


def test_benchmarks_by_metric_area_and_period(tenants):
    def benchmark(area, start, end, label):
        return ReferenceFigure.objects.create(
            metric=in_treatment(), area_code=area, period_label=label, period_start=start,
            period_end=end, period_year_type="financial", period_sortable=start.year, value=1)

    england = benchmark("E92000001", date(2022, 4, 1), date(2023, 3, 31), "2022/23")
    region = benchmark("E12000003", date(2023, 4, 1), date(2024, 3, 31), "2023/24")
    assert filtered(BenchmarkFilterSet, ReferenceFigure, area="E92000001") == {england}
    assert filtered(BenchmarkFilterSet, ReferenceFigure, metric="numbers_in_treatment",
                    period_from="2023/24") == {region}
    assert filtered(BenchmarkFilterSet, ReferenceFigure, metric="digital_iba") == set()
    assert "partnership" not in BenchmarkFilterSet.base_filters  # shared, not a tenant's


# --- Metrics, summaries, targets, notes, coverage, imports ---------------------------------
def test_metrics_by_code_tier_and_whether_local(tenants):
    locals_ = set(Metric.objects.exclude(owner=None))
    assert len(locals_) == 2
    assert filtered(MetricFilterSet, Metric, local="true") == locals_
    assert filtered(MetricFilterSet, Metric, local="false") == set(
        Metric.objects.filter(owner=None))
    assert filtered(MetricFilterSet, Metric, code="numbers_in_treatment") == {in_treatment()}
    assert filtered(MetricFilterSet, Metric, tier="local") == locals_
    headline = filtered(MetricFilterSet, Metric, tier="headline")
    assert headline and {m.tier for m in headline} == {"headline"}


def test_summaries_by_partnership_metric_and_area(tenants):
    a_rows = set(MetricSummary.objects.filter(partnership=tenants.a))
    assert a_rows
    assert filtered(MetricSummaryFilterSet, MetricSummary, partnership="rotherham") == a_rows
    assert filtered(MetricSummaryFilterSet, MetricSummary, area="E08000018") == {
        row for row in a_rows if row.area_code == "E08000018"}
    assert filtered(MetricSummaryFilterSet, MetricSummary, partnership="rotherham",
                    metric="no_such_metric") == set()


def test_targets_and_coverage_by_partnership_and_metric(tenants):
    a_target = Target.objects.get(partnership=tenants.a)
    assert filtered(TargetFilterSet, Target, partnership="rotherham") == {a_target}
    assert filtered(TargetFilterSet, Target, metric="numbers_in_treatment") == set(
        Target.objects.all())
    assert filtered(TargetFilterSet, Target, metric="digital_iba") == set()
    b_entry = FrameworkMetric.objects.get(partnership=tenants.b)
    assert filtered(CoverageFilterSet, FrameworkMetric, partnership="darlington") == {b_entry}
    assert filtered(CoverageFilterSet, FrameworkMetric, partnership="darlington",
                    metric="numbers_in_treatment,digital_iba") == {b_entry}


def test_notes_by_partnership_metric_and_date(tenants):
    a_note = tenants.annotations["a"]  # dated 1 April 2023
    assert filtered(AnnotationFilterSet, Annotation, partnership="rotherham") == {a_note}
    assert filtered(AnnotationFilterSet, Annotation, partnership="rotherham",
                    date_from="2023-04-01", date_to="2023-04-01") == {a_note}
    assert filtered(AnnotationFilterSet, Annotation, date_from="2023-04-02") == set()
    assert filtered(AnnotationFilterSet, Annotation, date_to="2023-03-31") == set()
    assert filtered(AnnotationFilterSet, Annotation, metric="numbers_in_treatment") == set(
        tenants.annotations.values())


def test_imports_by_partnership_and_status(tenants):
    failed = ImportBatch.objects.create(
        partnership=tenants.a, created_by=tenants.users["a_analyst"], file_name="bad.csv",
        format=ImportBatch.Format.TIDY, status=ImportBatch.Status.FAILED)
    assert filtered(ImportBatchFilterSet, ImportBatch, partnership="rotherham") == {
        tenants.batches["a"], failed}
    assert filtered(ImportBatchFilterSet, ImportBatch, status="failed") == {failed}
    assert filtered(ImportBatchFilterSet, ImportBatch, status="complete") == {
        tenants.batches["a"], tenants.batches["b"]}
    wrong = ImportBatchFilterSet({"status": "lost"}, queryset=ImportBatch.objects.all())
    assert not wrong.is_valid() and list(wrong.errors) == ["status"]
