"""The statistics of the national reference data, recomputed from its rows.

`reference_recompute(metric_ids=...)` reads every published figure of those metrics (of all
metrics when None) into pandas, computes each row's comparisons with England and its region,
recent trend, quintile and rank (`outcomes.aggregates.reference`, METHODS §2, §3, §5) and
writes them back in one transaction. Run after every reference batch is committed or rolled
back, and by the Celery task `outcomes.tasks.recompute_reference`.

Idempotent: a second run over the same rows computes the same figures and changes no row. On
PostgreSQL the statistics are copied into a temporary table and set with one UPDATE … FROM,
only on the rows whose statistics changed; elsewhere (SQLite) with bulk_update.
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
    # England, regions and the whole series.
    frame = _frame(figures, FIGURE_COLUMNS)
    if frame.empty:
        return 0
    statistics = reference_statistics(
        frame, _frame(metrics, METRIC_COLUMNS).rename(columns={"id": "metric_id"}))
    if connection.vendor == "postgresql":
        changed = _write_postgresql(statistics)
    else:
        changed = _write_orm(statistics)
    log.info("reference statistics recomputed", extra={
        "rows": len(statistics), "changed": changed,
        "seconds": round(time.perf_counter() - started, 3)})
    return len(statistics)


def _write_postgresql(statistics: pd.DataFrame) -> int:
    """COPY the statistics into a temporary table, then one UPDATE of the rows that differ.
    Returns how many rows changed."""
    fields = ReferenceFigure.STATISTIC_FIELDS
    table = ReferenceFigure._meta.db_table
    buffer = io.StringIO()
    statistics[["id", *fields]].to_csv(buffer, index=False, header=False, na_rep=r"\N")
    buffer.seek(0)
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(name)} = new.{quote(name)}" for name in fields)
    differs = " OR ".join(f"r.{quote(name)} IS DISTINCT FROM new.{quote(name)}"
                          for name in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {TEMPORARY} ON COMMIT DROP AS "
            f"SELECT id, {', '.join(quote(name) for name in fields)} FROM {quote(table)} "
            "WITH NO DATA")
        cursor.copy_expert(
            f"COPY {TEMPORARY} FROM STDIN WITH (FORMAT csv, NULL '\\N', "
            f"FORCE_NOT_NULL ({_not_null(fields)}))", buffer)
        cursor.execute(
            f"UPDATE {quote(table)} AS r SET {assignments} FROM {TEMPORARY} AS new "
            f"WHERE r.id = new.id AND ({differs})")
        changed = cursor.rowcount
        cursor.execute(f"DROP TABLE {TEMPORARY}")
    return changed


def _not_null(fields: tuple[str, ...]) -> str:
    """The text columns: an empty text is "", never NULL."""
    quote = connection.ops.quote_name
    return ", ".join(quote(name) for name in fields
                     if ReferenceFigure._meta.get_field(name).get_internal_type() == "CharField")


def _write_orm(statistics: pd.DataFrame) -> int:
    """The portable way (SQLite): one prepared UPDATE run for each row whose statistics
    changed (executemany). bulk_update's CASE … WHEN statements, and an IN list of every id,
    took minutes and gigabytes for the demo's 100,000 rows."""
    fields = ReferenceFigure.STATISTIC_FIELDS
    new = {int(row["id"]): row for row in _records(statistics)}
    table = ReferenceFigure._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {', '.join(quote(name) for name in fields)} "
                       f"FROM {quote(table)}")
        changed = [[*(new[pk][name] for name in fields), pk] for pk, *old in cursor.fetchall()
                   if pk in new and list(old) != [new[pk][name] for name in fields]]
        assignments = ", ".join(f"{quote(name)} = %s" for name in fields)
        cursor.executemany(f"UPDATE {quote(table)} SET {assignments} WHERE id = %s", changed)
    return len(changed)


def _records(statistics: pd.DataFrame) -> list[dict]:
    """Plain Python values: None for missing, ints for ranks and quintiles."""
    import pandas as pd  # pandas: loaded with the run

    rows = statistics.astype(object).where(pd.notna(statistics), None).to_dict("records")
    for row in rows:
        for name in ("quintile", "rank", "rank_of"):
            if row[name] is not None:
                row[name] = int(row[name])
    return rows
