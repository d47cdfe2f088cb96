from datetime import UTC, date, datetime, time

from django.db.models import BooleanField, Case, Q, Value, When
from django.db.models.functions import Concat
from django.utils.http import http_date
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from partnerships import access
from partnerships.api.base import ListMixin, ScopedViewSet
from partnerships.models import Partnership

from .. import selectors
from ..filtersets import (
    AnnotationFilterSet,
    BenchmarkFilterSet,
    CoverageFilterSet,
    ImportBatchFilterSet,
    MetricFilterSet,
    MetricSummaryFilterSet,
    ObservationFilterSet,
    ReferenceFilterSet,
    TargetFilterSet,
)
from ..importers import FileProblem
from ..models import (
    Annotation,
    FrameworkMetric,
    ImportBatch,
    Metric,
    MetricSummary,
    Observation,
    ReferenceFigure,
    Target,
)
from ..services import imports
from .serializers import (
    SUMMARY_FIGURES,
    AnnotationSerializer,
    BenchmarkSerializer,
    CoverageSerializer,
    ImportApplySerializer,
    ImportBatchSerializer,
    ImportCreateSerializer,
    ImportRowProblemSerializer,
    MetricSerializer,
    MetricSummarySerializer,
    ObservationSerializer,
    ReferenceSerializer,
    TargetSerializer,
)


class ImportBatchViewSet(
    ListMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    """Imports of observations into partnerships you load data for.

    POST a file to check it and, unless it is a dry run or has rejected rows you have not
    accepted, apply it. Files over 256 KB are checked in the background: the answer is 202,
    the batch's `status` moves from `queued` to `preview`, and `POST imports/{id}/apply/`
    applies it.
    """

    queryset = ImportBatch.objects.select_related("partnership", "created_by")
    serializer_class = ImportBatchSerializer
    filterset_class = ImportBatchFilterSet
    read_action = access.LOAD_DATA
    write_action = access.LOAD_DATA

    @extend_schema(request={"multipart/form-data": ImportCreateSerializer},
                   responses={201: ImportBatchSerializer, 202: ImportBatchSerializer})
    def create(self, request, *args, **kwargs):
        form = ImportCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        partnership = access.get_for_user(Partnership, request.user, access.LOAD_DATA,
                                          slug=data["partnership"])
        upload = data["file"]
        submitted = imports.submit(
            partnership=partnership, user=request.user, file_name=upload.name,
            data=upload.read(), format=data["format"],
            create_missing_metrics=data["create_missing_metrics"],
            dry_run=data["dry_run"], accept_valid=data["accept_valid"],
        )
        if submitted.batch.status == ImportBatch.Status.FAILED:
            raise FileProblem(submitted.batch.failure)
        body = ImportBatchSerializer(submitted.batch, context={"request": request}).data
        answer = status.HTTP_202_ACCEPTED if submitted.queued else status.HTTP_201_CREATED
        return Response(body, status=answer)

    @extend_schema(responses=ImportRowProblemSerializer(many=True))
    @action(detail=True, methods=["get"])
    def problems(self, request, pk=None):
        """Every row that was rejected or skipped, with its line number and reason."""
        batch = self.get_object()
        page = self.paginate_queryset(batch.problems.order_by("pk"))
        return self.get_paginated_response(ImportRowProblemSerializer(page, many=True).data)

    @extend_schema(request=ImportApplySerializer, responses={200: ImportBatchSerializer,
                                                              202: ImportBatchSerializer})
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        """Applies a checked import. Rejected rows must be accepted with `accept_valid`."""
        batch = self.get_object()
        form = ImportApplySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        batch, queued = imports.import_apply(batch=batch, user=request.user,
                                             accept_valid=form.validated_data["accept_valid"])
        return Response(ImportBatchSerializer(batch, context={"request": request}).data,
                        status=status.HTTP_202_ACCEPTED if queued else status.HTTP_200_OK)

    @extend_schema(request=None, responses=ImportBatchSerializer)
    @action(detail=True, methods=["post"], url_path="roll-back")
    def roll_back(self, request, pk=None):
        """Undoes an applied import: its new values go, changed ones get their old values."""
        batch = self.get_object()
        imports.import_rollback(batch=batch, user=request.user)
        batch.refresh_from_db()
        return Response(ImportBatchSerializer(batch, context={"request": request}).data)


class MetricViewSet(ListMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """National metrics, and the local metrics of your partnerships."""

    queryset = Metric.objects.select_related("outcome", "owner")
    serializer_class = MetricSerializer
    filterset_class = MetricFilterSet
    csv_columns = {"id": "pk", "code": "code", "name": "name", "short_name": "short_name",
                   "outcome": "outcome__name",
                   "tier": "tier", "unit": "unit", "polarity": "polarity",
                   "frequency": "frequency",
                   "publication_lag_months": "publication_lag_months", "source": "source",
                   "fingertips_id": "fingertips_id", "disclosure_control": "disclosure_control",
                   "local_to": "owner__slug"}


class TargetViewSet(ListMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Your partnerships' targets."""

    queryset = Target.objects.select_related("partnership", "metric")
    serializer_class = TargetSerializer
    filterset_class = TargetFilterSet
    csv_columns = {"id": "pk", "partnership": "partnership__slug", "metric": "metric__code",
                   "description": "description", "baseline_value": "baseline_value",
                   "baseline_period": "baseline_period", "baseline_end": "baseline_end",
                   "target_value": "target_value", "due_period": "due_period",
                   "due_end": "due_end", "source": "source"}


class AnnotationViewSet(ListMixin, ScopedViewSet):
    """Your partnerships' dated notes on metrics (for example "New treatment provider from 1
    April"), which their charts mark at their dates. They are written on the metric pages."""

    queryset = Annotation.objects.select_related("partnership", "metric")
    serializer_class = AnnotationSerializer
    filterset_class = AnnotationFilterSet
    csv_columns = {"id": "pk", "partnership": "partnership__slug", "metric": "metric__code",
                   "date": "date", "text": "text", "created_at": "created_at"}


class RowsViewSet(ListMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Rows read with values(): the serializer's `columns` are the JSON and CSV columns."""

    def filter_queryset(self, queryset):
        return self.rows(super().filter_queryset(queryset))

    def rows(self, queryset):
        return queryset.values(*dict.fromkeys(["pk", *self.serializer_class.columns.values()]))

    @property
    def csv_columns(self) -> dict[str, str]:
        return self.serializer_class.columns


class TidyRowsViewSet(RowsViewSet):
    """Rows of partnerships, with disclosure control outside your own partnerships
    (`selectors.tidy_rows`)."""

    hidden: dict[str, object] = {}

    def rows(self, queryset):
        return selectors.tidy_rows(queryset, user=self.request.user,
                                   columns=self.serializer_class.columns, hidden=self.hidden)


class ObservationViewSet(TidyRowsViewSet):
    """Tidy observations: one row per partnership × metric × area × period × breakdown, for
    your partnerships (every metric) and any others you can see (national metrics only,
    with disclosure control). Add `?format=csv` for every row as CSV."""

    queryset = Observation.objects.all()
    serializer_class = ObservationSerializer
    filterset_class = ObservationFilterSet
    hidden = {"value": None, "count": None, "denominator": None, "lower_ci": None,
              "upper_ci": None, "value_note": selectors.SUPPRESSED_NOTE}


class MetricSummaryViewSet(TidyRowsViewSet):
    """The dashboard's summaries, one per partnership × metric × area, as last computed."""

    queryset = MetricSummary.objects.all()
    serializer_class = MetricSummarySerializer
    filterset_class = MetricSummaryFilterSet
    hidden = {**dict.fromkeys(SUMMARY_FIGURES), "quintile": 0}


ILLUSTRATIVE = Q(value_note__icontains="illustrative")
OGL = "licensed under the Open Government Licence v3.0."
ILLUSTRATIVE_LICENCE = "Illustrative: invented for the demonstration, not a published figure."


def with_licence(queryset):
    """Each row's `illustrative` flag and its licence and credit, in the same query."""
    return queryset.annotate(
        illustrative=Case(When(ILLUSTRATIVE, then=Value(True)), default=Value(False),
                          output_field=BooleanField()),
        licence=Case(
            When(ILLUSTRATIVE, then=Value(ILLUSTRATIVE_LICENCE)),
            When(source="", then=Value(f"Contains public sector information {OGL}")),
            default=Concat(Value("Contains public sector information from "), "source",
                           Value(f", {OGL}"))))


class ReferenceViewSet(RowsViewSet):
    """The national reference data: published figures for every area of England (England,
    the regions, every upper-tier local authority…), the same for everyone signed in. Each
    row carries its comparison with England and with its region, its recent trend, and its
    rank and quintile among all the areas of its area type, as Fingertips computes them.

    Filter with `metric`, `area`, `area_type`, `parent` (a region's code: its areas),
    `period` (a label), `period_from`, `period_to`, `sex`, `age`, `category_type` and
    `category`; `metric`, `area`, `parent` and `period` take several values, separated by
    commas or repeated. Add `?format=csv` for every matching row as CSV.

    Published figures are Crown copyright, under the Open Government Licence v3.0 (each
    row's `licence` gives the credit); invented figures say "Illustrative"."""

    queryset = ReferenceFigure.objects.all()
    serializer_class = ReferenceSerializer
    filterset_class = ReferenceFilterSet

    def rows(self, queryset):
        return super().rows(with_licence(queryset))


# The benchmarks' last release: deprecated from this one, removed after the sunset.
BENCHMARKS_DEPRECATED = date(2026, 12, 7)
BENCHMARKS_SUNSET = date(2027, 6, 30)


def _at_midnight(day: date) -> float:
    return datetime.combine(day, time(), tzinfo=UTC).timestamp()


@extend_schema_view(list=extend_schema(deprecated=True), retrieve=extend_schema(deprecated=True))
class BenchmarkViewSet(RowsViewSet):
    """Deprecated: use `/api/v1/reference/`, which holds the same rows and every other area,
    with their comparisons, trends and ranks. This alias answers for one more release, with
    England's (E92000001) and the regions' rows only, as before, and says so in its headers
    (`Deprecation`, `Sunset`, and `Link` to its successor); it goes after 30 June 2027."""

    queryset = ReferenceFigure.objects.all()
    serializer_class = BenchmarkSerializer
    filterset_class = BenchmarkFilterSet

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # RFC 9745 (a structured date), RFC 8594 (an HTTP date) and RFC 8288 links.
        response["Deprecation"] = f"@{int(_at_midnight(BENCHMARKS_DEPRECATED))}"
        response["Sunset"] = http_date(_at_midnight(BENCHMARKS_SUNSET))
        response["Link"] = ('</api/v1/reference/>; rel="successor-version", '
                            '</api/v1/docs/#resource-reference>; rel="deprecation"; '
                            'type="text/html"')
        return response


class CoverageViewSet(ListMixin, ScopedViewSet):
    """Data coverage, as the data coverage page shows it: for each metric of your
    partnerships' local frameworks, the latest period held for the partnership's areas, the
    latest period that should be published by today (from the metric's frequency and
    publication lag) and how many periods behind that is. Filter with `?partnership=<slug>`."""

    queryset = FrameworkMetric.objects.select_related("partnership", "metric")
    serializer_class = CoverageSerializer
    filterset_class = CoverageFilterSet

    def filter_queryset(self, queryset):
        return selectors.with_latest_held(super().filter_queryset(queryset),
                                          user=self.request.user)
