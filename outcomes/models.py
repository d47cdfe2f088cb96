"""The outcomes framework, targets, observations and the imports that bring them in.

Changes to the framework, metrics, aims, targets and import batches are kept by
django-simple-history with the user who made them. Observations and benchmarks are not
copied row by row: each row names the ImportBatch that last wrote it, the batch names who
loaded it (and its history who applied, cancelled or rolled it back), and ObservationChange
keeps what each batch replaced, so that a batch can be undone.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from partnerships.access import ScopedQuerySet, SharedQuerySet
from partnerships.models import Partnership
from partnerships.tenancy import PartnershipOwned, scoped_history

from .choices import (
    ChangeAction,
    Frequency,
    ImportFormat,
    ImportStatus,
    OutcomeKind,
    Polarity,
    ProblemKind,
    SummaryRunStatus,
    Tier,
    Unit,
)


class Outcome(models.Model):
    """A strategic or intermediate outcome of the National Combating Drugs Outcomes Framework."""

    Kind = OutcomeKind

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class MetricQuerySet(ScopedQuerySet):
    def for_user(self, user, action: str = "view"):
        """National metrics for every signed-in user; a local metric for its partnership's."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.is_superuser:
            return self.all()
        owned = Partnership.objects.for_user(user, action).values("pk")
        national = Q(owner__isnull=True) if action == "view" else Q(pk__in=[])
        return self.filter(national | Q(owner__in=owned))


class Metric(models.Model):
    """A measure a partnership tracks: national (no owner) or local to one partnership."""

    Tier = Tier
    Unit = Unit
    Polarity = Polarity
    Frequency = Frequency

    code = models.SlugField(max_length=60, help_text="Stable code used in files and the API.")
    name = models.CharField(max_length=300)
    outcome = models.ForeignKey(
        Outcome, on_delete=models.PROTECT, null=True, blank=True, related_name="metrics"
    )
    tier = models.CharField(max_length=12, choices=Tier.choices)
    unit = models.CharField(max_length=20, choices=Unit.choices)
    polarity = models.CharField(max_length=15, choices=Polarity.choices)
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    publication_lag_months = models.PositiveSmallIntegerField(
        "publication lag (months)", null=True, blank=True,
        help_text="How many months after a period ends its figures are normally published; "
                  "empty if not known (outcomes.coverage).")
    source = models.CharField(max_length=200, blank=True)
    fingertips_id = models.PositiveIntegerField("Fingertips indicator id", null=True, blank=True)
    disclosure_control = models.BooleanField(
        default=False, help_text="Counts of 1 to 4 are suppressed outside the partnership."
    )
    # Not PartnershipOwned's key: empty for a national metric (partnerships.tenancy).
    owner = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="local_metrics",
        help_text="The partnership a local metric belongs to; empty for national metrics.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    objects = MetricQuerySet.as_manager()
    partnership_field = "owner"

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(owner__isnull=True), name="metric_national_code"
            ),
            models.UniqueConstraint(fields=["owner", "code"], name="metric_local_code"),
            models.UniqueConstraint(
                fields=["fingertips_id"],
                condition=Q(owner__isnull=True, fingertips_id__isnull=False),
                name="metric_national_fingertips_id",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_local(self) -> bool:
        return self.owner_id is not None


class LocalAim(PartnershipOwned):
    """An aim of a partnership's local outcomes framework, grouping the metrics it tracks."""

    partnership_related_name = "local_aims"
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    history = scoped_history()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="local_aim_unique")
        ]

    def __str__(self) -> str:
        return self.name


class FrameworkMetric(PartnershipOwned):
    """A metric a partnership has chosen for its local outcomes framework."""

    partnership_related_name = "framework_metrics"
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="+")
    aim = models.ForeignKey(
        LocalAim, on_delete=models.SET_NULL, null=True, blank=True, related_name="metrics"
    )
    order = models.PositiveSmallIntegerField(default=0)

    history = scoped_history()

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "metric"], name="framework_metric_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partnership_id}: {self.metric}"


class Target(PartnershipOwned):
    """A partnership's target for a metric: from a baseline to a value by a due period."""

    partnership_related_name = "targets"
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="targets")
    description = models.CharField(max_length=300)
    baseline_value = models.FloatField(null=True, blank=True)
    baseline_period = models.CharField(max_length=40, blank=True)
    baseline_end = models.DateField(null=True, blank=True)
    target_value = models.FloatField()
    due_period = models.CharField(max_length=40)
    due_end = models.DateField()
    source = models.CharField(max_length=200, blank=True)

    history = scoped_history()

    class Meta:
        ordering = ["due_end", "metric__order"]

    def __str__(self) -> str:
        return self.description


class Annotation(PartnershipOwned):
    """A dated note a partnership adds to a metric, e.g. "New treatment provider from 1 April":
    shown on the metric's charts, in the tables beside them and in their summaries."""

    MAX_LENGTH = 200

    partnership_related_name = "annotations"
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="annotations")
    date = models.DateField(help_text="The day the note refers to.")
    text = models.CharField(max_length=MAX_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = scoped_history()

    class Meta:
        ordering = ["date", "pk"]
        indexes = [
            models.Index(fields=["partnership", "metric", "date"], name="annotation_metric_date")
        ]

    def __str__(self) -> str:
        return f"{self.date:%-d %B %Y}: {self.text}"


class ImportBatch(PartnershipOwned):
    """One file (or manual entry) loaded into a partnership, with what it did."""

    Format = ImportFormat
    Status = ImportStatus

    partnership_related_name = "import_batches"
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

    history = scoped_history()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

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
        "lower_ci", "upper_ci", "value_note", "source",
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


class Benchmark(ObservationValues):
    """England's or a region's figure, shared with every partnership for comparison."""

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
        indexes = [models.Index(fields=["batch"], name="benchmark_batch")]


class ObservationChange(models.Model):
    """What a batch did to a row, so that the batch can be rolled back."""

    Action = ChangeAction

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="changes")
    benchmark = models.BooleanField(default=False)
    row_id = models.BigIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    previous = models.JSONField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["batch", "benchmark"], name="change_batch")]

    def __str__(self) -> str:
        return f"{self.action} row {self.row_id}"


class SummaryRun(models.Model):
    """One recompute of the dashboard summaries: when it ran and how it ended."""

    Status = SummaryRunStatus

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["status", "-finished_at"], name="summaryrun_status_finished")
        ]

    def __str__(self) -> str:
        return f"Summary run {self.started_at:%Y-%m-%d %H:%M} ({self.status})"


class MetricSummary(PartnershipOwned):
    """What the dashboards show for one metric in one of a partnership's areas: computed by
    `outcomes.aggregates` from observations and benchmarks, and replaced whole, per
    partnership, in one transaction. Pages read these rows, never the observations."""

    partnership_related_name = "metric_summaries"
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="+")
    area_code = models.CharField(max_length=9)
    area_name = models.CharField(max_length=150, blank=True)
    # The latest figure (all persons, no category breakdown).
    period_label = models.CharField(max_length=40)
    period_end = models.DateField()
    value = models.FloatField(null=True)
    lower_ci = models.FloatField(null=True)
    upper_ci = models.FloatField(null=True)
    count = models.FloatField(null=True)
    denominator = models.FloatField(null=True)
    value_note = models.CharField(max_length=300, blank=True)
    # The figure before it, and the change.
    previous_period_label = models.CharField(max_length=40, blank=True)
    previous_value = models.FloatField(null=True)
    change = models.FloatField(null=True)
    # England and the partnership's region for the same period, and the comparison with each.
    england_value = models.FloatField(null=True)
    england_comparison = models.CharField(max_length=20, default="Not compared")
    region_code = models.CharField(max_length=9, blank=True)
    region_value = models.FloatField(null=True)
    region_comparison = models.CharField(max_length=20, default="Not compared")
    # The recent trend (METHODS.md §3): marker and its label.
    trend_marker = models.CharField(max_length=30, default="Cannot be calculated")
    trend_label = models.CharField(max_length=60, default="Cannot be calculated")
    # The partnership's target for the metric that is due next (or last), and its status.
    # Which target the figures were judged against: a pointer kept with the summary, not a
    # constraint, so that deleting a target never waits on (or deadlocks with) a recompute
    # rewriting these rows. Deleting a target queues a recompute, which clears it.
    target = models.ForeignKey("Target", on_delete=models.DO_NOTHING, null=True, blank=True,
                               related_name="+", db_constraint=False)
    target_description = models.CharField(max_length=300, blank=True)
    target_value = models.FloatField(null=True)
    target_due_period = models.CharField(max_length=40, blank=True)
    target_status = models.CharField(max_length=12, blank=True)
    # Among every partnership's areas with a value for the same metric and period.
    quintile = models.PositiveSmallIntegerField(default=0)
    rank = models.PositiveIntegerField(null=True)
    rank_of = models.PositiveIntegerField(null=True)
    # England's range for the spine chart: the spread of every partnership's areas' values for
    # the same metric and period (counts of 1 to 4 left out where disclosure control applies).
    range_min = models.FloatField(null=True)
    range_q1 = models.FloatField(null=True)
    range_median = models.FloatField(null=True)
    range_q3 = models.FloatField(null=True)
    range_max = models.FloatField(null=True)
    # Every point of the series, oldest first, column-wise: a list each of period_label,
    # period_end, value, lower_ci, upper_ci, count, england, region and value_note
    # (outcomes.aggregates.SERIES_FIELDS). `points` gives them as one dict per point.
    series = models.JSONField(default=dict)
    # A hash of every field above: a recompute that finds the same figures leaves the row be.
    fingerprint = models.CharField(max_length=32, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["metric__order", "area_code"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "metric", "area_code"],
                                    name="metric_summary_key")
        ]

    def __str__(self) -> str:
        return f"{self.metric_id} {self.area_code} {self.period_label}: {self.value}"

    @property
    def points(self) -> list[dict]:
        """The series as one dict per point, oldest first."""
        # Lazy, not a cycle: .aggregates imports pandas, which web start-up need not load.
        from .aggregates import series_points

        return series_points(self.series)


class SummaryState(models.Model):
    """Whether a partnership's summaries are up to date: set dirty when its data changes,
    cleared by the recompute that read the change. The nightly sweep recomputes what is left
    dirty (for instance because the broker was down when the change was made)."""

    # One per partnership: a one-to-one field, not PartnershipOwned's key (partnerships.tenancy).
    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="summary_state"
    )
    dirty = models.BooleanField(default=True)
    changed_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.partnership_id}: {'dirty' if self.dirty else 'clean'}"
