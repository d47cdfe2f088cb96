"""One FilterSet per model, shared by list pages and the API."""

from __future__ import annotations

from datetime import date

import django_filters
from django import forms
from django.db.models import Q
from django_filters.widgets import BaseCSVWidget

from partnerships.api.filters import KnownValuesMixin, PartnershipFilter

from .models import (
    Annotation,
    FrameworkMetric,
    ImportBatch,
    Metric,
    MetricSummary,
    Observation,
    ReferenceFigure,
    Target,
)
from .periods import PeriodError, parse_period


class ImportBatchFilterSet(django_filters.FilterSet):
    partnership = PartnershipFilter()
    status = django_filters.ChoiceFilter(choices=ImportBatch.Status.choices)

    class Meta:
        model = ImportBatch
        fields = ["partnership", "status"]


class RepeatableCSVWidget(BaseCSVWidget, forms.TextInput):
    """Several values separated by commas, or the parameter repeated (`?metric=a&metric=b`),
    or both."""

    def value_from_datadict(self, data, files, name):
        if not hasattr(data, "getlist"):
            return super().value_from_datadict(data, files, name)
        given = data.getlist(name)
        if not given:
            return None
        return [part for text in given for part in text.split(",")]


class CodesFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    """One code, or several separated by commas or given as repeated parameters."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", RepeatableCSVWidget)
        super().__init__(*args, **kwargs)


class MetricCodesFilter(KnownValuesMixin, CodesFilter):
    """Metric codes, each one of a metric the user may see (a national one, or a local one
    of their partnerships): any other is a 400 naming it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, known=Metric, known_field="code", noun="metric", **kwargs)


class PeriodField(forms.CharField):
    """A period as Fingertips labels it (2022/23, 2022, 2023/24 Q1, Apr 2024) or a date
    (2023-03-31), read as the first or the last day it covers."""

    def __init__(self, *args, bound: str = "start", **kwargs):
        self.bound = bound
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        text = super().to_python(value).strip()
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        try:
            period = parse_period(text)
        except PeriodError:
            raise forms.ValidationError(
                f"“{text}” is not a period: give one like 2022/23, 2022, 2023/24 Q1, Apr 2024 "
                "or a date like 2023-03-31.") from None
        return period.start if self.bound == "start" else period.end


class PeriodFilter(django_filters.Filter):
    field_class = PeriodField


METRIC = {"field_name": "metric__code",
          "help_text": "Metric code, or several separated by commas"}
AREA = {"field_name": "area_code",
        "help_text": "ONS area code, e.g. E08000018, or several separated by commas"}


class ValuesFilterSet(django_filters.FilterSet):
    """Observations and benchmarks: by metric, area, period and breakdown."""

    metric = MetricCodesFilter(**METRIC)
    area = CodesFilter(**AREA)
    period_from = PeriodFilter(
        field_name="period_start", lookup_expr="gte", bound="start",
        help_text="Periods starting on or after this one starts: 2022/23, 2022, 2023/24 Q1, "
                  "Apr 2024 or a date")
    period_to = PeriodFilter(
        field_name="period_end", lookup_expr="lte", bound="end",
        help_text="Periods ending on or before this one ends (as period_from)")
    sex = django_filters.CharFilter(help_text="e.g. Persons, Male, Female")
    age = django_filters.CharFilter(help_text="e.g. All ages, 18+ yrs")
    category_type = django_filters.CharFilter(help_text="e.g. Deprivation quintile")
    category = django_filters.CharFilter()


class ObservationFilterSet(ValuesFilterSet):
    partnership = PartnershipFilter()

    class Meta:
        model = Observation
        fields = ["partnership", "metric", "area", "period_from", "period_to", "sex", "age",
                  "category_type", "category"]


class ReferenceFilterSet(ValuesFilterSet):
    """The national reference data: by metric, area, area type, region, period and breakdown."""

    area_type = django_filters.CharFilter(
        help_text="As published, e.g. England, Region, County & UA (pre 4/19)")
    parent = CodesFilter(field_name="parent_code",
                         help_text="The areas of a region (its ONS code, e.g. E12000003), "
                                   "or of several separated by commas")
    period = CodesFilter(field_name="period_label",
                         help_text="A period exactly as labelled, e.g. 2022/23 or 2016 - 18; "
                                   "several separated by commas or repeated")

    class Meta:
        model = ReferenceFigure
        fields = ["metric", "area", "area_type", "parent", "period", "period_from", "period_to",
                  "sex", "age", "category_type", "category"]


ENGLAND_AND_REGIONS = Q(area_code="E92000001") | Q(area_code__startswith="E12")


class BenchmarkFilterSet(ValuesFilterSet):
    """The deprecated benchmarks: England's and the regions' rows of the reference data."""

    class Meta:
        model = ReferenceFigure
        fields = ["metric", "area", "period_from", "period_to", "sex", "age", "category_type",
                  "category"]

    @property
    def qs(self):
        return super().qs.filter(ENGLAND_AND_REGIONS)


class MetricFilterSet(django_filters.FilterSet):
    code = MetricCodesFilter(field_name="code", help_text="Metric code, or several separated "
                                                          "by commas")
    tier = django_filters.ChoiceFilter(choices=Metric.Tier.choices)
    local = django_filters.BooleanFilter(field_name="owner", lookup_expr="isnull", exclude=True,
                                         help_text="true: local metrics only; false: national")

    class Meta:
        model = Metric
        fields = ["code", "tier", "local"]


class MetricSummaryFilterSet(django_filters.FilterSet):
    partnership = PartnershipFilter()
    metric = MetricCodesFilter(**METRIC)
    area = CodesFilter(**AREA)

    class Meta:
        model = MetricSummary
        fields = ["partnership", "metric", "area"]


class TargetFilterSet(django_filters.FilterSet):
    partnership = PartnershipFilter()
    metric = MetricCodesFilter(**METRIC)

    class Meta:
        model = Target
        fields = ["partnership", "metric"]


class AnnotationFilterSet(django_filters.FilterSet):
    partnership = PartnershipFilter()
    metric = MetricCodesFilter(**METRIC)
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte",
                                          help_text="Notes dated on or after, e.g. 2023-04-01")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte",
                                        help_text="Notes dated on or before, e.g. 2024-03-31")

    class Meta:
        model = Annotation
        fields = ["partnership", "metric", "date_from", "date_to"]


class CoverageFilterSet(django_filters.FilterSet):
    """The data coverage of partnerships' local frameworks (one row per framework metric)."""

    partnership = PartnershipFilter()
    metric = MetricCodesFilter(**METRIC)

    class Meta:
        model = FrameworkMetric
        fields = ["partnership", "metric"]
