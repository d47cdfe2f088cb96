"""The figures and the imports that bring them in: a partnership's observations, the national
reference data, and the batches that wrote them and can undo them."""

from django.conf import settings
from django.db import models

from partnerships.access import ScopedQuerySet, SharedQuerySet
from partnerships.models import Partnership
from partnerships.tenancy import PartnershipOwned, scoped_history

from ..choices import (
    ChangeAction,
    ImportFormat,
    ImportStatus,
    ProblemKind,
)
from .framework import Metric

# An all-persons figure with no category: the rows the summaries are built on
# (services.headline_rows); its sex and category breakdowns are never summarised.
HEADLINE = models.Q(sex__in=("", "Persons"), category_type="", category="")


class ImportBatch(models.Model):
    """One file (or manual entry, or Fingertips sync) loaded into a partnership, or into the
    national reference data (no partnership: only national admins see it), with what it did."""

    Format = ImportFormat
    Status = ImportStatus

    # Not PartnershipOwned's required key: empty for a reference batch (partnerships.tenancy).
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, null=True, blank=True,
        related_name="import_batches",
        help_text="The partnership loaded into; empty for the national reference data.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=255)
    stored_file = models.CharField(max_length=255, blank=True)
    format = models.CharField(max_length=12, choices=Format.choices)
    create_missing_metrics = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    failure = models.TextField(blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    inserted = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    rolled_back_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = scoped_history()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_reference(self) -> bool:
        """Loads published figures into the national reference data, for no partnership."""
        return self.partnership_id is None

    @property
    def progress_percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))


class ImportRowProblem(models.Model):
    """A row of an import that was rejected or skipped, with its line number and reason."""

    Kind = ProblemKind

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="problems")
    line = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.CharField(max_length=500)

    class Meta:
        ordering = ["line"]

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class ObservationValues(models.Model):
    """The columns an observation and a benchmark share: metric × area × period × breakdown."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="+")
    area_code = models.CharField(max_length=9)
    area_name = models.CharField(max_length=150, blank=True)
    period_label = models.CharField(max_length=40)
    period_start = models.DateField()
    period_end = models.DateField()
    period_year_type = models.CharField(max_length=10)
    period_sortable = models.PositiveIntegerField()
    sex = models.CharField(max_length=30, blank=True)
    age = models.CharField(max_length=50, blank=True)
    category_type = models.CharField(max_length=150, blank=True)
    category = models.CharField(max_length=150, blank=True)
    value = models.FloatField(null=True, blank=True)
    count = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    lower_ci = models.FloatField("lower 95% CI", null=True, blank=True)
    upper_ci = models.FloatField("upper 95% CI", null=True, blank=True)
    lower_ci_998 = models.FloatField("lower 99.8% CI", null=True, blank=True)
    upper_ci_998 = models.FloatField("upper 99.8% CI", null=True, blank=True)
    value_note = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=200, blank=True)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    KEY_FIELDS = (
        "metric_id", "area_code", "period_start", "period_end", "period_year_type",
        "sex", "age", "category_type", "category",
    )
    VALUE_FIELDS = (
        "area_name", "period_label", "period_sortable", "value", "count", "denominator",
        "lower_ci", "upper_ci", "lower_ci_998", "upper_ci_998", "value_note", "source",
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.metric_id} {self.area_code} {self.period_label}: {self.value}"


class Observation(ObservationValues, PartnershipOwned):
    """A partnership's figure for one of its areas."""

    partnership_related_name = "observations"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "partnership", "metric", "area_code", "period_start", "period_end",
                    "period_year_type", "sex", "age", "category_type", "category",
                ],
                name="observation_key",
            )
        ]
        indexes = [
            models.Index(fields=["partnership", "metric", "period_end"], name="observation_series"),
            models.Index(fields=["batch"], name="observation_batch"),
        ]


class ReferenceFigure(ObservationValues):
    """A published figure for any area of England (England, a region, an upper-tier local
    authority, a police force area): national reference data, shared by every partnership.

    Every signed-in user reads it; only national admins, the Fingertips sync and the demo write
    it. It keeps the area type and parent it was published with: ranks and ranges are
    computed among the areas of one area type and one period, never across versions.

    The statistics columns (comparisons, trend, rank, quintile) are computed for every row
    after each reference batch (`outcomes.services.reference`), as Fingertips computes them.
    """

    VALUE_FIELDS = (*ObservationValues.VALUE_FIELDS, "area_type", "parent_code")
    STATISTIC_FIELDS = (
        "england_value", "england_comparison", "region_value", "region_comparison",
        "trend_marker", "trend_label", "quintile", "rank", "rank_of",
    )

    area_type = models.CharField(
        max_length=60, blank=True,
        help_text="As published: England, Region, County & UA (pre 4/19), Police Force Area…")
    parent_code = models.CharField(
        max_length=9, blank=True,
        help_text="The area's parent as published (its region), compared as 'region'.")
    # Computed from the rows, never loaded.
    england_value = models.FloatField(null=True, blank=True)
    england_comparison = models.CharField(max_length=20, default="Not compared")
    region_value = models.FloatField(null=True, blank=True)
    region_comparison = models.CharField(max_length=20, default="Not compared")
    trend_marker = models.CharField(max_length=30, blank=True)
    trend_label = models.CharField(max_length=60, blank=True)
    quintile = models.PositiveSmallIntegerField(default=0)
    rank = models.PositiveIntegerField(null=True, blank=True)
    rank_of = models.PositiveIntegerField(null=True, blank=True)

    objects = SharedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "metric", "area_code", "period_start", "period_end", "period_year_type",
                    "sex", "age", "category_type", "category",
                ],
                name="benchmark_key",
            )
        ]
        indexes = [
            models.Index(fields=["batch"], name="benchmark_batch"),
            models.Index(fields=["metric", "area_type", "period_end"], name="reference_peers"),
            models.Index(fields=["area_code", "metric"], name="reference_area"),
            # The areas ranked against, for one partnership's recompute: every area's
            # all-persons figure for a metric's latest periods (summary_reads._reference_peers).
            models.Index(fields=["period_end", "metric"], name="reference_headline_period",
                         condition=HEADLINE),
        ]


class ObservationChange(models.Model):
    """What a batch did to a row, so that the batch can be rolled back."""

    Action = ChangeAction

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="changes")
    reference = models.BooleanField(default=False, help_text="A row of the reference data.")
    row_id = models.BigIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    previous = models.JSONField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["batch", "reference"], name="change_batch")]

    def __str__(self) -> str:
        return f"{self.action} row {self.row_id}"

