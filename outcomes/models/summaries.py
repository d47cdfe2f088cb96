"""The dashboard aggregates the recompute writes."""

from django.db import models

from partnerships.access import ScopedQuerySet
from partnerships.models import Partnership
from partnerships.tenancy import PartnershipOwned

from ..choices import SummaryRunStatus
from ..series import series_points
from .framework import Metric


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
    # Where the figure is the published one and the partnership loaded a different figure of
    # its own for the same point: its own, shown beside the published one.
    local_value = models.FloatField(null=True, blank=True)
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
