"""The dashboard's metric summaries, computed from frames of observations and benchmarks
(pandas frames in, summary rows out; no ORM, no request).

`metric_summaries` (in `summaries`, which describes the whole) makes one row per partnership ×
metric × area; `records` turns them into dicts for `MetricSummary(**row)`. The steps are
modules of their own: `preparation`, `benchmarks`, `comparisons`, `targets`, `ranking` and
`output`, on the vectorised helpers of `arrays`.
"""

from .benchmarks import ENGLAND
from .comparisons import NOT_COMPARED, TREND_POINTS
from .output import (
    DATE_COLUMNS,
    OUTPUT_COLUMNS,
    OUTPUT_DTYPES,
    SERIES_FIELDS,
    TEXT_COLUMNS,
    empty_summaries,
    records,
    series_points,
)
from .preparation import ALL_AGES, BENCHMARK_GROUP, FLOATS, GROUP, PERSONS
from .ranking import disclosure_sets, small_counts
from .summaries import metric_summaries

__all__ = [
    "ALL_AGES",
    "BENCHMARK_GROUP",
    "DATE_COLUMNS",
    "ENGLAND",
    "FLOATS",
    "GROUP",
    "NOT_COMPARED",
    "OUTPUT_COLUMNS",
    "OUTPUT_DTYPES",
    "PERSONS",
    "SERIES_FIELDS",
    "TEXT_COLUMNS",
    "TREND_POINTS",
    "disclosure_sets",
    "empty_summaries",
    "metric_summaries",
    "records",
    "series_points",
    "small_counts",
]
