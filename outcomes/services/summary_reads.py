"""What the summaries recompute reads: one snapshot of the database into pandas frames.

A partnership's figures are the published figures for its own local authorities (the national
reference data) and, where nothing is published for the same metric, area, period and age,
its own observations (a newer period, a local figure). Where both exist the published one is
used, and the partnership's own value, when it differs, is read too ("local"), to be shown
beside it. Ranks, quintiles and spine ranges are taken among every area of the metric's area
type in the reference data ("reference"); England and the regions come from it too
("benchmarks").
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Q

from partnerships.models import Partnership, Region

from ..models import Metric, MetricSummary, Observation, ReferenceFigure, Target
from ..models.data import HEADLINE

if TYPE_CHECKING:
    import pandas as pd

ENGLAND = "E92000001"
OBSERVATION_COLUMNS = (
    "metric_id", "area_code", "area_name", "period_label", "period_start", "period_end",
    "period_year_type", "period_sortable", "sex", "age", "category_type", "category", "value",
    "count", "denominator", "lower_ci", "upper_ci", "lower_ci_998", "upper_ci_998",
    "value_note",
)
METRIC_COLUMNS = ("id", "code", "unit", "polarity", "frequency", "disclosure_control",
                  "value_type", "comparator_method", "confidence_level", "period_years")
REFERENCE_COLUMNS = ("metric_id", "area_code", "area_type", "period_end", "period_label",
                     "value", "count")
LOCAL_COLUMNS = ("partnership_id", "metric_id", "area_code", "period_end", "period_label",
                 "local_value")
TYPES = {"partnership_id": "int", "metric_id": "int", "period_start": "date",
         "period_end": "date", "period_sortable": "float", "value": "float", "count": "float",
         "denominator": "float", "lower_ci": "float", "upper_ci": "float",
         "lower_ci_998": "float", "upper_ci_998": "float",
         "local_value": "float"}


def _frame(queryset, columns) -> pd.DataFrame:
    """The queryset's columns as a DataFrame, read through a cursor.

    On PostgreSQL the rows stream as CSV (COPY … TO STDOUT) straight into pandas' C parser,
    several times quicker than building a Python tuple per row; text columns stay text, and
    NULL and "" both arrive as missing, which the aggregates read as blank. Elsewhere
    `values_list` in chunks."""
    import pandas as pd  # not a cycle: pandas loads with the first recompute, not every page

    if connection.vendor != "postgresql":
        return pd.DataFrame.from_records(
            queryset.values_list(*columns).iterator(chunk_size=20000), columns=list(columns))
    values = queryset.values_list(*columns)
    try:
        sql, params = values.query.sql_with_params()
    except EmptyResultSet:  # filtered on an empty list: no query to run
        return pd.DataFrame({name: pd.Series([], dtype=object) for name in columns})
    kinds = {name: values.model._meta.get_field(name.split("__")[0]).get_internal_type()
             for name in columns}
    text = [name for name, kind in kinds.items()
            if kind in ("CharField", "TextField", "SlugField") and "__" not in name]
    dates = [name for name, kind in kinds.items() if kind == "DateField"]
    booleans = [name for name, kind in kinds.items() if kind == "BooleanField"]
    return _copy(sql, params, columns, text=text, dates=dates, booleans=booleans)


def _copy(sql: str, params, columns, *, text, dates=(), booleans=()) -> pd.DataFrame:
    """The rows of a PostgreSQL query as a DataFrame, streamed with COPY as CSV."""
    import pandas as pd  # not a cycle: pandas loads with the first recompute

    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        bound = cursor.mogrify(sql, params).decode()
        cursor.copy_expert(f"COPY ({bound}) TO STDOUT WITH (FORMAT csv)", buffer)
    buffer.seek(0)
    frame = pd.read_csv(buffer, header=None, names=list(columns),
                        dtype={name: str for name in text}, keep_default_na=False,
                        na_values={name: [""] for name in columns})
    for name in dates:
        frame[name] = pd.to_datetime(frame[name])
    for name in booleans:
        frame[name] = frame[name].map({"t": True, "f": False})
    return frame


def _sql_frame(sql: str, params: list, columns) -> pd.DataFrame:
    """A raw query's rows as a DataFrame: COPY on PostgreSQL, a cursor elsewhere. Columns not
    in TYPES are text ("" for NULL)."""
    import pandas as pd  # not a cycle: pandas loads with the first recompute

    text = [name for name in columns if name not in TYPES]
    dates = [name for name in columns if TYPES.get(name) == "date"]
    if connection.vendor == "postgresql":
        frame = _copy(sql, params, columns, text=text, dates=dates)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            frame = pd.DataFrame.from_records(cursor.fetchall(), columns=list(columns))
        for name in dates:
            frame[name] = pd.to_datetime(frame[name])
    for name in text:
        frame[name] = frame[name].fillna("")
    return frame


@contextmanager
def _snapshot():
    """One consistent view of the database for several reads: on PostgreSQL a read-only
    REPEATABLE READ transaction, so that an import committing between two of the reads is
    seen by all of them or by none. Inside a transaction already (tests), the reads share
    that transaction and its isolation level, which may give each its own snapshot."""
    if connection.in_atomic_block or connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def summary_frames(*, partnership_ids: list[int] | None) -> dict:
    """The rows the recompute needs, read into pandas with one query per frame, all from one
    snapshot of the database. `local` (the partnership's own values where a differing figure
    is published) and `reference` (every area's published all-persons, all-ages figure, for
    ranks and ranges) are the recompute's; the others are `metric_summaries`' arguments."""
    with _snapshot():
        return _summary_frames(partnership_ids)


def headline_rows(queryset):
    """The rows the summaries are built on: all persons, no category (aggregates._prepare).
    The sex and category breakdowns stay in the database."""
    return queryset.filter(HEADLINE)


def _summary_frames(partnership_ids: list[int] | None) -> dict:
    targets = Target.objects.all()
    partnerships = Partnership.objects.all()
    if partnership_ids is not None:
        targets = targets.filter(partnership_id__in=partnership_ids)
        partnerships = partnerships.filter(pk__in=partnership_ids)
    figures = _sql_frame(*_figures_sql(partnership_ids),
                         ("partnership_id", *OBSERVATION_COLUMNS, "local_value"))
    frames = {
        "observations": figures,
        "local": figures.loc[figures["local_value"].notna(), list(LOCAL_COLUMNS)],
        "benchmarks": _frame(headline_rows(_comparators(partnership_ids)), OBSERVATION_COLUMNS),
        "reference": _frame(_reference_peers(figures), REFERENCE_COLUMNS),
        "metrics": _frame(Metric.objects.all(), METRIC_COLUMNS).rename(
            columns={"id": "metric_id"}),
        "targets": _frame(targets, ("id", "partnership_id", "metric_id", "description",
                                    "target_value", "due_period", "due_end", "baseline_value",
                                    "baseline_end")).rename(columns={"id": "target_id"}),
        "partnerships": _frame(partnerships, ("id", "region__code")).rename(
            columns={"id": "partnership_id", "region__code": "region_code"}),
        "peers": None,
    }
    if partnership_ids is not None:
        # Where nothing is published: ranks among every partnership, the others' latest
        # values from their summaries.
        frames["peers"] = _frame(
            MetricSummary.objects.exclude(partnership_id__in=partnership_ids),
            ("partnership_id", "metric_id", "area_code", "period_end", "period_label",
             "value", "count"))
    return frames


def _comparators(partnership_ids: list[int] | None = None):
    """England's and the regions' published figures (of the partnerships' regions only,
    when some partnerships are recomputed)."""
    if partnership_ids is not None:
        # The codes as a list, not a subquery: "England or a subquery" cannot use the area's
        # index, and would read every published figure to find a few thousand.
        regions = Region.objects.filter(partnerships__in=partnership_ids).values_list(
            "code", flat=True).distinct()
        return ReferenceFigure.objects.filter(area_code__in=[ENGLAND, *regions])
    regions = Region.objects.values("code")
    return ReferenceFigure.objects.filter(
        Q(area_code=ENGLAND) | Q(area_type__in=("England", "Region")) | Q(area_code__in=regions))


def _reference_peers(figures: pd.DataFrame):
    """Every other area's published figure for all persons, all ages, no category, with a
    value: the areas ranked against, by area type. England and the regions are not. Only
    for the metrics and periods that are the latest of some area in `figures`, the
    partnerships' (the rest would never be read)."""
    valued = figures[figures["value"].notna()]
    latest = valued.groupby(["partnership_id", "metric_id", "area_code"])["period_end"].max()
    metrics = sorted({int(metric) for _, metric, _ in latest.index})
    ends = sorted({end.date() for end in latest})
    regions = Region.objects.values("code")
    return (headline_rows(ReferenceFigure.objects.filter(metric_id__in=metrics,
                                                         period_end__in=ends))
            .filter(Q(age="") | Q(age__iexact="all ages"), value__isnull=False)
            .exclude(area_code=ENGLAND).exclude(area_type__in=("England", "Region"))
            .exclude(area_code__in=regions))


# --- The partnerships' figures: published ones for their areas, then their own -------------
def _figure_ctes(partnership_ids: list[int] | None) -> tuple[str, list]:
    """WITH published (the reference rows of the partnerships' local authorities, with the
    partnership's id) and own (the partnerships' observations): headline rows only, each
    with its age_key ("" for all ages)."""
    table = {model: model._meta.db_table for model in (ReferenceFigure, Observation)}
    link = Partnership.local_authorities.through._meta.db_table
    authority = Partnership.local_authorities.field.related_model._meta.db_table
    headline = ("{t}.sex IN ('', 'Persons') AND {t}.category_type = '' "
                "AND {t}.category = ''")
    age_key = "(CASE WHEN LOWER({t}.age) IN ('', 'all ages') THEN '' ELSE {t}.age END) AS age_key"
    columns = ", ".join([*(f"{{t}}.{name}" for name in OBSERVATION_COLUMNS), age_key])
    chosen_link, chosen_own, params = "", "", []
    if partnership_ids is not None:
        marks = ", ".join(["%s"] * len(partnership_ids)) or "NULL"
        chosen_link = f"WHERE l.partnership_id IN ({marks})"
        chosen_own = f"AND o.partnership_id IN ({marks})"
        params = [*partnership_ids, *partnership_ids]
    sql = (
        f"WITH areas AS (SELECT l.partnership_id, a.code FROM {link} l "
        f"JOIN {authority} a ON a.id = l.localauthority_id {chosen_link}), "
        f"published AS (SELECT areas.partnership_id, {columns.format(t='r')} "
        f"FROM {table[ReferenceFigure]} r JOIN areas ON areas.code = r.area_code "
        f"WHERE {headline.format(t='r')}), "
        f"own AS (SELECT o.partnership_id, {columns.format(t='o')} "
        f"FROM {table[Observation]} o WHERE {headline.format(t='o')} {chosen_own}) "
    )
    return sql, params


def _figures_sql(partnership_ids: list[int] | None) -> tuple[str, list]:
    """Every published figure for the partnerships' areas, and their own figures where
    nothing is published for the same partnership, metric, area, period and age (a blank
    sex and "Persons" are one; so are "" and "All ages"): one full join. Where both are
    there, `local_value` is the partnership's own all-ages value if it differs."""
    ctes, params = _figure_ctes(partnership_ids)
    pick = ", ".join(f"CASE WHEN p.partnership_id IS NULL THEN o.{name} ELSE p.{name} END"
                     for name in ("partnership_id", *OBSERVATION_COLUMNS))
    same = " AND ".join(f"p.{name} = o.{name}" for name in (
        "partnership_id", "metric_id", "area_code", "period_start", "period_end",
        "period_year_type", "age_key"))
    differs = ("p.partnership_id IS NOT NULL AND o.age_key = '' AND o.value IS NOT NULL "
               "AND (p.value IS NULL OR ABS(o.value - p.value) > 1e-9 * (ABS(p.value) + 1))")
    sql = (f"{ctes} SELECT {pick}, CASE WHEN {differs} THEN o.value END "
           f"FROM published p FULL JOIN own o ON {same}")
    return sql, params
