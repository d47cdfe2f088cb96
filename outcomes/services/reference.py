"""The statistics of the national reference data, recomputed from its rows.

`reference_recompute(metric_ids=...)` reads every published figure of those metrics (of all
metrics when None) into pandas, computes each row's comparisons with England and its region,
recent trend, quintile and rank (`outcomes.aggregates.reference`, METHODS §2, §3, §5) and
writes them back in one transaction. Run after every reference batch is committed or rolled
back, and by the Celery task `outcomes.tasks.recompute_reference`.

Idempotent: the rows are read with the statistics they hold, and only those whose statistics
change are written, so a second run writes nothing. On PostgreSQL the changed rows'
statistics are copied into a temporary table and set with one UPDATE … FROM; elsewhere
(SQLite) with bulk_update.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import connection, transaction

from ..models import Metric, ReferenceFigure
from .summaries import _frame

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

FIGURE_COLUMNS = (
    "id", "metric_id", "area_code", "area_type", "parent_code", "period_start", "period_end",
    "period_year_type", "sex", "age", "category_type", "category", "value", "count",
    "denominator", "lower_ci", "upper_ci", "lower_ci_998", "upper_ci_998",
)
METRIC_COLUMNS = ("id", "polarity", "value_type", "comparator_method", "confidence_level",
                  "period_years")
TEMPORARY = "reference_statistics_new"
TEXT_FIELDS = ("england_comparison", "region_comparison", "trend_marker", "trend_label")


@transaction.atomic
def reference_recompute(*, metric_ids: Iterable[int] | None = None) -> int:
    """Recomputes the statistics of the reference rows of these metrics (all when None) and
    writes them in one transaction. Returns how many rows were computed."""
    from ..aggregates.reference import reference_statistics  # pandas: loaded with the run

    started = time.perf_counter()
    figures = ReferenceFigure.objects.all()
    metrics = Metric.objects.all()
    if metric_ids is not None:
        ids = sorted(set(metric_ids))
        figures, metrics = figures.filter(metric_id__in=ids), metrics.filter(pk__in=ids)
    # Rows of one metric are computed together, so every metric is read whole: peers,
    # England, regions and the whole series; with the statistics they hold now.
    frame = _frame(figures, (*FIGURE_COLUMNS, *ReferenceFigure.STATISTIC_FIELDS))
    if frame.empty:
        return 0
    statistics = reference_statistics(
        frame, _frame(metrics, METRIC_COLUMNS).rename(columns={"id": "metric_id"}))
    changed = statistics[_changed(frame, statistics)]
    if changed.empty:
        pass
    elif connection.vendor == "postgresql":
        _write_postgresql(changed)
    else:
        _write_orm(changed)
    log.info("reference statistics recomputed", extra={
        "rows": len(statistics), "changed": len(changed),
        "seconds": round(time.perf_counter() - started, 3)})
    return len(statistics)


def _changed(stored: pd.DataFrame, statistics: pd.DataFrame):
    """Which rows' new statistics differ from those they hold (a boolean array)."""
    import numpy as np  # pandas and numpy: loaded with the run

    changed = np.zeros(len(stored), dtype=bool)
    for name in ReferenceFigure.STATISTIC_FIELDS:
        old, new = stored[name], statistics[name]
        if name in TEXT_FIELDS:  # "" and missing are one
            changed |= (old.fillna("").astype(str).to_numpy(dtype=object)
                        != new.fillna("").astype(str).to_numpy(dtype=object))
        else:
            old, new = old.to_numpy(dtype=float), new.to_numpy(dtype=float, na_value=np.nan)
            changed |= ~((old == new) | (np.isnan(old) & np.isnan(new)))
    return changed


def _write_postgresql(statistics: pd.DataFrame) -> None:
    """COPY the statistics into a temporary table, then one UPDATE … FROM."""
    fields = ReferenceFigure.STATISTIC_FIELDS
    table = ReferenceFigure._meta.db_table
    buffer = io.StringIO()
    statistics[["id", *fields]].to_csv(buffer, index=False, header=False, na_rep=r"\N")
    buffer.seek(0)
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(name)} = new.{quote(name)}" for name in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {TEMPORARY} ON COMMIT DROP AS "
            f"SELECT id, {', '.join(quote(name) for name in fields)} FROM {quote(table)} "
            "WITH NO DATA")
        cursor.copy_expert(
            f"COPY {TEMPORARY} FROM STDIN WITH (FORMAT csv, NULL '\\N', "
            f"FORCE_NOT_NULL ({_not_null(fields)}))", buffer)
        cursor.execute(f"ANALYZE {TEMPORARY}")  # a hash join, not a guess at its size
        cursor.execute(
            f"UPDATE {quote(table)} AS r SET {assignments} FROM {TEMPORARY} AS new "
            "WHERE r.id = new.id")
        cursor.execute(f"DROP TABLE {TEMPORARY}")


def _not_null(fields: tuple[str, ...]) -> str:
    """The text columns: an empty text is "", never NULL."""
    quote = connection.ops.quote_name
    return ", ".join(quote(name) for name in fields
                     if ReferenceFigure._meta.get_field(name).get_internal_type() == "CharField")


def _write_orm(statistics: pd.DataFrame) -> None:
    """The portable way (SQLite): one prepared UPDATE for each changed row (executemany).
    bulk_update's CASE … WHEN statements took minutes and gigabytes for the demo's 100,000
    rows."""
    fields = ReferenceFigure.STATISTIC_FIELDS
    table = ReferenceFigure._meta.db_table
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(name)} = %s" for name in fields)
    rows = [[*(row[name] for name in fields), int(row["id"])]
            for row in _records(statistics[["id", *fields]])]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {quote(table)} SET {assignments} WHERE id = %s", rows)


def _records(statistics: pd.DataFrame) -> list[dict]:
    """Plain Python values: None for missing, ints for ranks and quintiles."""
    import pandas as pd  # pandas: loaded with the run

    rows = statistics.astype(object).where(pd.notna(statistics), None).to_dict("records")
    for row in rows:
        for name in ("id", "quintile", "rank", "rank_of"):
            if row[name] is not None:
                row[name] = int(row[name])
    return rows
