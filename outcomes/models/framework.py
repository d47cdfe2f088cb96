"""The outcomes framework: outcomes, metrics with their Fingertips metadata, a partnership's
local aims and framework, targets and annotations."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from partnerships.access import ScopedQuerySet
from partnerships.models import Partnership
from partnerships.tenancy import PartnershipOwned, scoped_history

from ..choices import (
    ComparatorMethod,
    ConfidenceLevel,
    Frequency,
    OutcomeKind,
    Polarity,
    Tier,
    Unit,
    ValueType,
    YearType,
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


UNIT_MULTIPLIERS = {
    Unit.PERCENTAGE: 100, Unit.RATE_PER_1000: 1_000, Unit.RATE_PER_10000: 10_000,
    Unit.RATE_PER_100000: 100_000,
}


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
    ValueType = ValueType
    ComparatorMethod = ComparatorMethod
    ConfidenceLevel = ConfidenceLevel
    YearType = YearType

    code = models.SlugField(max_length=60, help_text="Stable code used in files and the API.")
    name = models.CharField(max_length=300)
    short_name = models.CharField(
        max_length=60, blank=True,
        help_text="A few words for a dashboard tile (\"Drug misuse deaths\"); the full name "
                  "is on the metric's page. Empty: the full name is used.")
    outcome = models.ForeignKey(
        Outcome, on_delete=models.PROTECT, null=True, blank=True, related_name="metrics"
    )
    tier = models.CharField(max_length=12, choices=Tier.choices)
    unit = models.CharField(max_length=20, choices=Unit.choices)
    polarity = models.CharField(max_length=15, choices=Polarity.choices)
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    # Metadata as Fingertips defines it (METHODS §0-§3, §7).
    value_type = models.CharField(
        max_length=12, choices=ValueType.choices, default=ValueType.COUNT,
        help_text="How the figure is made: it decides the interval, combining and trends.")
    comparator_method = models.CharField(
        max_length=12, choices=ComparatorMethod.choices,
        default=ComparatorMethod.CONFIDENCE_INTERVALS,
        help_text="How an area is compared with England and its region.")
    confidence_level = models.CharField(
        max_length=4, choices=ConfidenceLevel.choices, default=ConfidenceLevel.CI95,
        help_text="The interval the comparison uses; both gives five bands.")
    year_type = models.CharField(max_length=10, choices=YearType.choices,
                                 default=YearType.FINANCIAL)
    period_years = models.PositiveSmallIntegerField(
        "period length (years)", default=1,
        help_text="1 for single years (and quarters or months), 3 for three-year rolling.")
    area_types = models.JSONField(
        default=list, blank=True,
        help_text="The area types the figures are published at, as Fingertips names them.")
    fingertips_area_type_id = models.PositiveSmallIntegerField(
        "Fingertips area type id", null=True, blank=True,
        help_text="The area type the sync fetches, pinned per indicator (502: counties and "
                  "unitary authorities from April 2023).")
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
    def label(self) -> str:
        """What a tile calls the metric: its short name, or its name when it has none."""
        return self.short_name or self.name

    @property
    def is_local(self) -> bool:
        return self.owner_id is not None

    @property
    def multiplier(self) -> int:
        """What the statistic is multiplied by: 100 for %, 100,000 per 100,000, else 1."""
        return UNIT_MULTIPLIERS.get(self.unit, 1)


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

