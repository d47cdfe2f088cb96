"""What the national reference data already holds, for the reasons a partnership's import
gives for the rows it leaves to it (other areas', England's and the regions' figures)."""

from __future__ import annotations

from ..importers import SourceRow
from ..models import Metric, ReferenceFigure

TAKEN = "published figures for other areas: taken from the national reference data"
NOT_YET = (
    "{taken}, which does not yet hold {metric} for {period}: national administrators load "
    "them (import_observations --reference, or the Fingertips sync)"
)


class Published:
    """The periods the reference data holds for each metric, read once per metric."""

    def __init__(self):
        self.periods: dict[int, set[tuple]] = {}

    def holds(self, metric: Metric, row: SourceRow) -> bool:
        if metric.pk is None:  # a metric this import would create: nothing is published yet
            return False
        if metric.pk not in self.periods:
            self.periods[metric.pk] = set(
                ReferenceFigure.objects.filter(metric_id=metric.pk)
                .values_list("period_start", "period_end").distinct())
        return (row.period.start, row.period.end) in self.periods[metric.pk]

    def reason(self, metric: Metric, row: SourceRow) -> str:
        """Why a row for another area is skipped, and whether the reference data has it."""
        if self.holds(metric, row):
            return TAKEN
        return NOT_YET.format(taken=TAKEN, metric=metric.name, period=row.period.label)
