"""The outcomes framework, targets, observations and the imports that bring them in.

Changes to the framework, metrics, aims, targets and import batches are kept by
django-simple-history with the user who made them. Observations and benchmarks are not
copied row by row: each row names the ImportBatch that last wrote it, the batch names who
loaded it (and its history who applied, cancelled or rolled it back), and ObservationChange
keeps what each batch replaced, so that a batch can be undone.
"""

from .data import (
    ImportBatch,
    ImportRowProblem,
    Observation,
    ObservationChange,
    ObservationValues,
    ReferenceFigure,
)
from .framework import (
    UNIT_MULTIPLIERS,
    Annotation,
    FrameworkMetric,
    LocalAim,
    Metric,
    MetricQuerySet,
    Outcome,
    Target,
)
from .summaries import MetricSummary, SummaryRun, SummaryState
from .sync import FingertipsIndicator

__all__ = [
    "UNIT_MULTIPLIERS", "Annotation", "FingertipsIndicator", "FrameworkMetric", "ImportBatch",
    "ImportRowProblem", "LocalAim", "Metric", "MetricQuerySet", "MetricSummary", "Observation",
    "ObservationChange", "ObservationValues", "Outcome", "ReferenceFigure", "SummaryRun",
    "SummaryState", "Target",
]
