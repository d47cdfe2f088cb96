"""The dashboard's metric summaries, computed from frames of observations and benchmarks.

`metric_summaries` turns a partnership's observations (and England's and the regions'
benchmarks, the metrics, the targets and, for ranking, the other partnerships' latest values)
into one row per partnership × metric × area: the latest figure and the one before it, England
and the region for the same period and the comparison with each, the recent trend, the target
due next and its status, the quintile and rank among every partnership, and the whole series.
The columns are the fields of `outcomes.models.MetricSummary`; `records` turns the frame into
dicts that can be passed straight to `MetricSummary(**row)`.

Pure: pandas and numpy in, a DataFrame out. No ORM, no request, no clock. The statistics are
those of `outcomes.stats` (METHODS.md §2–§5); this module only chooses the rows they are given.
Filtering, ordering, latest and previous points and the benchmark joins are vectorised; Python
loops run once per summary row (the comparisons, the trend on at most five points, the target)
and once per series point (making JSON-ready lists of numbers). Python's cyclic garbage collector is
paused while the rows are built (see `_without_cycle_collection`).
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

import numpy as np
import pandas as pd

from .stats import (
    CANNOT,
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER,
    NO_JUDGEMENT,
    TrendPoint,
    compare_to_benchmark,
    quintile,
    quintile_bounds,
    ranks,
    recent_trend,
    target_status,
)

NOT_COMPARED = "Not compared"

ENGLAND = "E92000001"
PERSONS = ("", "Persons")  # the sexes of an all-persons figure
ALL_AGES = ("", "all ages")  # the ages of an all-ages figure, in lower case
GROUP = ["partnership_id", "metric_id", "area_code"]
BENCHMARK_GROUP = ["metric_id", "area_code"]
FLOATS = ("value", "count", "denominator", "lower_ci", "upper_ci")
# A summary's series: a list per field, oldest first.
SERIES_FIELDS = ("period_label", "period_end", "value", "lower_ci", "upper_ci", "count",
                 "england", "region", "value_note")
TREND_POINTS = 5  # METHODS.md §3.2: the five most recent points

# The output columns (MetricSummary's fields but id and computed_at) and their dtypes.
OUTPUT_DTYPES: dict[str, str] = {
    "partnership_id": "int64",
    "metric_id": "int64",
    "area_code": "str",
    "area_name": "str",
    "period_label": "str",
    "period_end": "datetime64[s]",
    "value": "float64",
    "lower_ci": "float64",
    "upper_ci": "float64",
    "count": "float64",
    "denominator": "float64",
    "value_note": "str",
    "previous_period_label": "str",
    "previous_value": "float64",
    "change": "float64",
    "england_value": "float64",
    "england_comparison": "str",
    "region_code": "str",
    "region_value": "float64",
    "region_comparison": "str",
    "trend_marker": "str",
    "trend_label": "str",
    "target_id": "Int64",
    "target_description": "str",
    "target_value": "float64",
    "target_due_period": "str",
    "target_status": "str",
    "quintile": "int64",
    "rank": "Int64",
    "rank_of": "Int64",
    "series": "object",
}
OUTPUT_COLUMNS = list(OUTPUT_DTYPES)
TEXT_COLUMNS = [c for c, t in OUTPUT_DTYPES.items() if t == "str"]
DATE_COLUMNS = ["period_end"]


def empty_summaries() -> pd.DataFrame:
    """The output of `metric_summaries` with no rows."""
    return pd.DataFrame({c: pd.Series([], dtype=_dtype(t)) for c, t in OUTPUT_DTYPES.items()})


def _dtype(name: str):
    return str if name == "str" else name


# --- Small vectorised helpers --------------------------------------------------------------------
def _missing(values: np.ndarray) -> np.ndarray:
    """None or NaN in an object array: quicker than pd.isna, which it falls back on."""
    try:  # NaN is the only value unequal to itself
        return np.asarray((values != values) | np.equal(values, None), dtype=bool)
    except TypeError:  # pd.NA cannot be compared
        return pd.isna(values)


def _text(column: pd.Series | np.ndarray) -> np.ndarray:
    """A text column as an object array with "" for missing values."""
    values = column.to_numpy(dtype=object) if isinstance(column, pd.Series) else column
    values = values.astype(object, copy=False)
    if pd.api.types.infer_dtype(values, skipna=False) in ("string", "empty"):
        return values  # all text already: the common case, and a quick check
    missing = _missing(values)
    if missing.any():
        values = values.copy()
        values[missing] = ""
    return values


def _blank_or(column: pd.Series, allowed: tuple[str, ...] = ("",)) -> np.ndarray:
    """Whether each value is one of `allowed` or missing (which counts as blank)."""
    values = column.to_numpy(dtype=object)
    matches = values == allowed[0]
    for more in allowed[1:]:
        matches |= values == more
    others = np.flatnonzero(~matches)
    if len(others) and pd.api.types.infer_dtype(values[others], skipna=False) != "string":
        matches[others] = _missing(values[others])
    return matches


def _floats(column: pd.Series | np.ndarray) -> np.ndarray:
    """A float column with NaN for missing and for anything that is not a finite number."""
    values = pd.to_numeric(pd.Series(column), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan)
    infinite = np.isinf(values)
    if infinite.any():
        values = values.copy()
        values[infinite] = np.nan
    return values


def _days(column: pd.Series | np.ndarray) -> np.ndarray:
    """Dates (date objects, datetime64 or ISO strings) as numpy datetime64[D]; NaT if missing."""
    values = column.to_numpy() if isinstance(column, pd.Series) else np.asarray(column)
    if values.dtype.kind == "M":
        return values.astype("datetime64[D]")
    converted = pd.to_datetime(pd.Series(values, dtype=object), errors="coerce")
    if getattr(converted.dt, "tz", None) is not None:
        converted = converted.dt.tz_localize(None)
    return converted.to_numpy().astype("datetime64[D]")


def _codes(values, *, sort: bool = True) -> tuple[np.ndarray, int]:
    """Integer codes (in sorted order when `sort`) and their range; missing values share the
    last code."""
    codes, uniques = pd.factorize(values, sort=sort)
    codes, span = codes.astype(np.int64, copy=False), len(uniques)
    if len(codes) and codes.min() < 0:
        codes = np.where(codes < 0, span, codes)
        span += 1
    return codes, max(span, 1)


def _order(keys: list[tuple[np.ndarray, int]]) -> np.ndarray:
    """A stable ordering by integer codes (primary key first), each given with its range."""
    size = 1
    for _, span in keys:
        size *= span
    if size < 2**62:  # one composite key sorts far faster than np.lexsort
        composite = np.zeros(len(keys[0][0]), dtype=np.int64)
        for codes, span in keys:
            composite = composite * span + codes
        return np.argsort(composite, kind="stable")
    return np.lexsort([codes for codes, _ in reversed(keys)])


def _combine(*codes: tuple[np.ndarray, int]) -> np.ndarray:
    """One integer per distinct combination of the codes (which must not be negative)."""
    combined, span = codes[0]
    for more, more_span in codes[1:]:
        if span * more_span >= 2**62:
            combined, span = _codes(combined, sort=False)
        combined = combined * more_span + more
        span *= more_span
    return combined


def _starts(*columns: np.ndarray) -> np.ndarray:
    """Where each run of equal values (over all the columns together) starts."""
    n = len(columns[0])
    change = np.zeros(n, dtype=bool)
    if n:
        change[0] = True
    for column in columns:
        change[1:] |= column[1:] != column[:-1]
    return np.flatnonzero(change)


def _nullable(values: np.ndarray) -> list:
    """Python floats, with None for NaN: JSON-ready and fit for the model's fields."""
    objects = values.astype(object)
    objects[np.isnan(values)] = None
    return objects.tolist()


# --- The breakdown -------------------------------------------------------------------------------
def _prepare(frame: pd.DataFrame, keys: list[str], *, one_age: bool = True
             ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The all-persons, no-category rows, one age per group, ordered by group then period.

    Keeps rows with sex "" or "Persons" and a blank category type and category. Of several
    ages in one group: all ages ("" or "All ages") where the group has it, else the age with
    the most rows (of equal counts, the first in sort order). With `one_age` False every age is
    kept, each a group of its own (the benchmarks, which are matched on age).
    Within a group the rows run oldest first (period_end, then period_sortable); of two rows
    for one period (a blank sex and "Persons") the one with a value, then "Persons", is kept.

    Returns the rows as numpy columns (dates datetime64[D], numbers float with NaN for
    missing, text objects with "" for missing; "age" "" for all ages) and where each group
    starts.
    """
    keep = (_blank_or(frame["sex"], PERSONS) & _blank_or(frame["category_type"])
            & _blank_or(frame["category"]))
    rows = np.flatnonzero(keep)
    end = _days(frame["period_end"].to_numpy()[rows])
    if np.isnat(end).any():
        rows, end = rows[~np.isnat(end)], end[~np.isnat(end)]
    if len(rows) == 0:
        return {}, np.zeros(0, dtype=np.int64)

    def raw(name: str) -> np.ndarray:
        values = frame[name].to_numpy()
        return values if len(rows) == len(values) else values[rows]

    # First the columns that decide which rows are kept, and in which order.
    ages = _text(raw("age"))
    everyone = pd.Series(ages, dtype=object).str.lower().isin(ALL_AGES).to_numpy()
    ages = np.where(everyone, "", ages)
    age, age_span = _codes(ages)
    group_codes = [_codes(raw(key)) for key in keys]
    if not one_age:
        group_codes.append((age, age_span))
    group, _ = _codes(_combine(*group_codes))
    group_span = int(group.max()) + 1
    start = _days(raw("period_start")).view(np.int64)
    year_type, year_type_span = _codes(_text(raw("period_year_type")))
    sortable = np.nan_to_num(_floats(raw("period_sortable")))
    # Of duplicates for one period: the one with a value first, then "Persons".
    preference = (np.isnan(_floats(raw("value"))).astype(np.int64) * 2
                  + (raw("sex") != "Persons").astype(np.int64))
    end_days = end.view(np.int64)
    order = _order([(group, group_span), (age, age_span), _codes(end_days), _codes(sortable),
                    _codes(start), (year_type, year_type_span), (preference, 4)])
    group, age = group[order], age[order]

    runs = _starts(group, age)
    if len(runs) > len(_starts(group)):  # several ages in a group: all ages, else the commonest
        lengths = np.diff(np.append(runs, len(order)))
        run_group = group[runs]
        best = np.lexsort((np.arange(len(runs)), -lengths, ~everyone[order][runs], run_group))
        first = np.ones(len(best), dtype=bool)
        first[1:] = run_group[best][1:] != run_group[best][:-1]
        chosen = np.zeros(len(runs), dtype=bool)
        chosen[best[first]] = True
        kept = np.repeat(chosen, lengths)
        order, group = order[kept], group[kept]

    periods = _starts(group, end_days[order], start[order], year_type[order])
    if len(periods) < len(order):  # one row per period: the preferred one comes first
        order, group = order[periods], group[periods]

    # Then every column, for the kept rows in their order.
    rows = rows[order]
    columns = {key: frame[key].to_numpy()[rows] for key in keys}
    for key in keys:
        if key != "area_code":
            columns[key] = columns[key].astype(np.int64)
    columns.update({name: _text(frame[name].to_numpy()[rows]) for name in (
        "area_code", "area_name", "period_label", "period_year_type", "value_note")})
    columns.update({name: _floats(frame[name].to_numpy()[rows]) for name in FLOATS})
    columns["age"] = ages[order]
    columns["period_start"] = start[order].view("datetime64[D]")
    columns["period_end"] = end[order]
    return columns, _starts(group)


# --- The summaries -------------------------------------------------------------------------------
@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Pauses Python's cyclic garbage collector, restoring it afterwards.

    The series are hundreds of thousands of small dicts holding millions of floats. While
    they are built, each of the collector's periodic passes would walk all of them again,
    which more than doubles the run time at a million rows. Nothing built here forms a
    reference cycle (plain memory is still freed at once); the collector catches up with
    anything else when it resumes."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def metric_summaries(
    observations: pd.DataFrame,
    benchmarks: pd.DataFrame,
    metrics: pd.DataFrame,
    targets: pd.DataFrame,
    partnerships: pd.DataFrame,
    peers: pd.DataFrame | None = None,
    today: date | None = None,
) -> pd.DataFrame:
    """One summary row per partnership × metric × area with an all-persons observation.

    today: the day target statuses are judged on (a target past due with no figure for its
    due period has no status); the caller passes it, today in England if not.

    observations: partnership_id plus the ObservationValues columns (metric_id, area_code,
    area_name, period_label, period_start, period_end, period_year_type, period_sortable, sex,
    age, category_type, category, value, count, denominator, lower_ci, upper_ci, value_note).
    benchmarks: the same without partnership_id, for England (E92000001) and the regions.
    metrics: metric_id, unit, polarity, frequency, disclosure_control. targets: target_id,
    partnership_id, metric_id, description, target_value, due_period, due_end,
    baseline_value, baseline_end.
    partnerships: partnership_id, region_code. peers: partnership_id, metric_id, area_code,
    period_end, value of other partnerships, ranked with these (None: rank among these only).

    Every frame may be empty. Dates may be `date` objects, datetime64 or ISO strings; missing
    numbers NaN or None; missing text "" or None.

    - Breakdown: rows with sex "" or "Persons" and no category type or category; of several
      ages, all ages ("" or "All ages") where held, else the one with the most rows (ties: the
      first sorted). A blank-sex and a "Persons" row for one period make one point.
    - Series: every point, oldest first (period_end, then period_sortable), with England's and
      the region's value for the same metric, period (start, end and year type) and age
      (for an all-ages figure, else the benchmark's own headline age).
    - Latest: the last point with a value, else the last point; previous: the valued point
      before it. Comparisons, trend, target and rank are for the latest point.
    - Trend: `recent_trend` on the points up to the latest (at most five; a gap among them,
      a missing year or a period that is not a single year means no trend), proportions for
      percentages, for "annual" metrics only.
    - Target: the one due soonest on or after the latest period_end, else the one due last.
    - Rank and quintile: among every area (these partnerships' and the peers') with a value
      for the same metric and the same latest period_end.

    Returns OUTPUT_COLUMNS (OUTPUT_DTYPES: NaN for missing numbers, "" for missing text,
    period_end datetime64, target_id, rank and rank_of nullable Int64, series JSON-ready dicts
    of a list per SERIES_FIELDS field, oldest first, which `series_points` makes points of)
    ordered by partnership, metric and area. `records` makes model-ready dicts of them.
    """
    if observations.empty:
        return empty_summaries()
    with _without_cycle_collection():
        return _summaries(observations, benchmarks, metrics, targets, partnerships, peers,
                          today)


def _summaries(observations: pd.DataFrame, benchmarks: pd.DataFrame, metrics: pd.DataFrame,
               targets: pd.DataFrame, partnerships: pd.DataFrame, peers: pd.DataFrame | None,
               today: date | None = None) -> pd.DataFrame:
    rows, starts = _prepare(observations, GROUP)
    if len(starts) == 0:
        return empty_summaries()
    n_rows = len(rows["value"])
    ends = np.append(starts[1:], n_rows)
    lengths = ends - starts

    value = rows["value"]
    end_days = rows["period_end"]

    # Latest: the last point with a value, else the last point. Previous: the valued point
    # before it.
    valued = ~np.isnan(value)
    positions = np.arange(n_rows)
    last_valued = np.maximum.reduceat(np.where(valued, positions, -1), starts)
    latest = np.where(last_valued >= 0, last_valued, ends - 1)
    valued_positions = np.append(-1, np.flatnonzero(valued))  # -1: none before
    previous = valued_positions[np.searchsorted(valued_positions[1:], latest)]
    previous = np.where((last_valued >= 0) & (previous >= starts), previous, -1)

    # Per group: partnership, metric, area, the metric's attributes and the region.
    partnership_id = rows["partnership_id"][starts]
    metric_id = rows["metric_id"][starts]
    area_code = rows["area_code"][starts]
    polarity, unit, frequency = _metric_attributes(metrics, metric_id)
    region_code = _regions(partnerships, partnership_id)

    # England and the region for every point, matched on metric and period.
    england, region = _benchmark_values(rows, benchmarks, region_code, lengths)

    # Python lists (None for NaN) for the series, the comparisons and the trend.
    values = _nullable(value)
    lower = _nullable(rows["lower_ci"])
    upper = _nullable(rows["upper_ci"])
    counts = _nullable(rows["count"])
    denominators = _nullable(rows["denominator"])
    englands, regions = _nullable(england), _nullable(region)
    labels = rows["period_label"].tolist()
    notes = rows["value_note"].tolist()
    end_codes, end_uniques = pd.factorize(end_days.view(np.int64))
    iso = np.array([d.isoformat() for d in np.asarray(end_uniques).view("datetime64[D]")
                    .astype(object)], dtype=object)
    iso_ends = iso[end_codes].tolist() if len(iso) else []

    # Stored column-wise: a list per field, not a dict per point, which makes the JSON about
    # half as long to write, store and read.
    columns = dict(zip(SERIES_FIELDS, (labels, iso_ends, values, lower, upper, counts, englands,
                                       regions, notes), strict=True))
    series = [{name: column[s:e] for name, column in columns.items()}
              for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]

    # The trend is tested only on consecutive single years (METHODS.md §3.1: YearRange 1, no
    # breaks): how many such points run unbroken up to each row.
    unbroken = _consecutive_years(rows["period_start"], end_days, starts)

    # Comparisons and the trend, one call of outcomes.stats per summary row.
    england_comparison, region_comparison, trend_marker, trend_label = [], [], [], []
    for first, last, pol, un, freq in zip(starts.tolist(), latest.tolist(), polarity, unit,
                                          frequency, strict=True):
        v, lo, up = values[last], lower[last], upper[last]
        if un == "count":
            # METHODS §2.1 and §3.1: an area's count is not compared with England's total,
            # and counts get no trend test.
            england_comparison.append(NOT_COMPARED)
            region_comparison.append(NOT_COMPARED)
            trend_marker.append(CANNOT)
            trend_label.append(CANNOT)
            continue
        england_comparison.append(compare_to_benchmark(
            value=v, benchmark=englands[last], lower95=lo, upper95=up, polarity=pol))
        region_comparison.append(compare_to_benchmark(
            value=v, benchmark=regions[last], lower95=lo, upper95=up, polarity=pol))
        oldest = max(first, last + 1 - min(TREND_POINTS, unbroken[last]))
        trend = recent_trend(
            [TrendPoint(values[j], lower[j], upper[j], counts[j], denominators[j])
             for j in range(oldest, last + 1)],
            polarity=pol, proportion=un == "percentage", single_year_periods=freq == "annual")
        trend_marker.append(trend.marker)
        trend_label.append(trend.label)

    latest_value = value[latest]
    latest_end = end_days[latest]
    previous_value = np.where(previous >= 0, value[np.maximum(previous, 0)], np.nan)
    previous_label = np.where(previous >= 0,
                              rows["period_label"][np.maximum(previous, 0)], "")
    target = _targets(targets, partnership_id, metric_id, latest_end, latest_value, polarity,
                      today=today)
    target["target_id"] = pd.array(target["target_id"], dtype="Int64")
    disclosed, counted = disclosure_sets(metrics)
    ranked = latest_value.copy()  # a value built on a count of 1 to 4 is not ranked
    ranked[small_counts(metric_id, latest_value, rows["count"][latest], disclosed,
                        counted)] = np.nan
    quintiles, rank, rank_of = _ranking(
        metric_id, latest_end, rows["period_label"][latest], ranked, polarity, peers,
        pd.unique(observations["partnership_id"].to_numpy()), disclosed, counted)
    area_name = _last_name(rows["area_name"], starts, latest)
    output = pd.DataFrame({
        "partnership_id": partnership_id.astype(np.int64),
        "metric_id": metric_id.astype(np.int64),
        "area_code": area_code,
        "area_name": area_name,
        "period_label": rows["period_label"][latest],
        "period_end": latest_end.astype("datetime64[s]"),
        "value": latest_value,
        "lower_ci": rows["lower_ci"][latest],
        "upper_ci": rows["upper_ci"][latest],
        "count": rows["count"][latest],
        "denominator": rows["denominator"][latest],
        "value_note": rows["value_note"][latest],
        "previous_period_label": previous_label,
        "previous_value": previous_value,
        "change": latest_value - previous_value,
        "england_value": england[latest],
        "england_comparison": england_comparison,
        "region_code": region_code,
        "region_value": region[latest],
        "region_comparison": region_comparison,
        "trend_marker": trend_marker,
        "trend_label": trend_label,
        **target,
        "quintile": quintiles,
        "rank": pd.array(rank, dtype="Int64"),
        "rank_of": pd.array(rank_of, dtype="Int64"),
        "series": pd.Series(series, dtype=object),
    })
    return output.astype({c: _dtype(t) for c, t in OUTPUT_DTYPES.items()
                          if c not in ("series", "rank", "rank_of", "target_id")})


def series_points(series: dict) -> list[dict]:
    """A summary's series as one dict per point (SERIES_FIELDS), oldest first."""
    if not series:
        return []
    return [dict(zip(SERIES_FIELDS, values, strict=True))
            for values in zip(*(series[name] for name in SERIES_FIELDS), strict=True)]


def _consecutive_years(start: np.ndarray, end: np.ndarray, starts: np.ndarray) -> list[int]:
    """For each row, how many single-year periods (365 or 366 days) run up to it, each
    starting the day after the one before ends, within its group. 0 for a row that is not a
    single year."""
    n = len(start)
    days = (end - start).astype(np.int64) + 1
    single = (days >= 365) & (days <= 366)
    linked = np.zeros(n, dtype=bool)
    linked[1:] = (single[1:] & single[:-1]
                  & (start[1:] == end[:-1] + np.timedelta64(1, "D")))
    linked[starts] = False
    positions = np.arange(n)
    run_start = np.maximum.accumulate(np.where(linked, 0, positions)) if n else positions
    return np.where(single, positions - run_start + 1, 0).tolist()


def _metric_attributes(metrics: pd.DataFrame, metric_id: np.ndarray
                       ) -> tuple[list[str], list[str], list[str]]:
    """Each group's polarity, unit and frequency; an unknown metric has no judgement."""
    metrics = metrics.drop_duplicates("metric_id")
    where = pd.Index(metrics["metric_id"].astype(np.int64)).get_indexer(metric_id)
    found = where >= 0

    def column(name: str, default: str) -> list[str]:
        known = _text(metrics[name])
        return np.where(found, known[np.maximum(where, 0)] if len(known) else default,
                        default).tolist()

    return (column("polarity", NO_JUDGEMENT), column("unit", ""), column("frequency", ""))


def _regions(partnerships: pd.DataFrame, partnership_id: np.ndarray) -> np.ndarray:
    if partnerships.empty:
        return np.full(len(partnership_id), "", dtype=object)
    codes = pd.Series(_text(partnerships["region_code"]),
                      index=partnerships["partnership_id"].astype(np.int64))
    codes = codes[~codes.index.duplicated()]
    return codes.reindex(partnership_id).fillna("").to_numpy(dtype=object)


def _benchmark_values(rows: dict[str, np.ndarray], benchmarks: pd.DataFrame,
                      region_code: np.ndarray, lengths: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray]:
    """England's and the region's value for each row: same metric, period (start, end and
    year type) and age; NaN where there is none. A local figure for all ages (or none
    stated) with no all-ages benchmark takes the benchmark's own headline age for the metric
    (`_prepare`'s choice), as when England is published only for "18+ yrs". `region_code` is
    each group's, `lengths` the number of rows of each group."""
    n = len(rows["value"])
    nothing = np.full(n, np.nan)
    if benchmarks.empty:
        return nothing, nothing.copy()
    by_age, _ = _prepare(benchmarks, BENCHMARK_GROUP, one_age=False)
    if not by_age:
        return nothing, nothing.copy()
    period = ("metric_id", "period_start", "period_end", "period_year_type")
    england, region = _match(rows, by_age, (*period, "age"), region_code, lengths)
    unmatched = (rows["age"] == "") & (np.isnan(england) | np.isnan(region))
    if unmatched.any():
        headline, _ = _prepare(benchmarks, BENCHMARK_GROUP)
        other_england, other_region = _match(rows, headline, period, region_code, lengths)
        england = np.where(unmatched & np.isnan(england), other_england, england)
        region = np.where(unmatched & np.isnan(region), other_region, region)
    return england, region


def _match(rows: dict[str, np.ndarray], bench: dict[str, np.ndarray], key: tuple[str, ...],
           region_code: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """England's and the region's value for each row, matched on the `key` columns."""
    n = len(rows["value"])
    # One code space for both: the key, then the area.
    period, _ = _codes(_combine(*[
        _codes(np.concatenate([rows[name], bench[name]]), sort=False) for name in key
    ]), sort=False)
    groups = len(region_code)
    areas, area_span = _codes(np.concatenate([
        np.array([ENGLAND], dtype=object), np.asarray(region_code, dtype=object),
        bench["area_code"]]), sort=False)  # England's code is 0
    own_area = np.repeat(areas[1:1 + groups], lengths)
    index = pd.Index(period[n:] * area_span + areas[1 + groups:])
    value = bench["value"]
    if not index.is_unique:  # one row per key and area; the first kept
        unique = ~index.duplicated()
        index, value = index[unique], value[unique]
    england = _lookup(index, value, period[:n] * area_span)
    region = _lookup(index, value, period[:n] * area_span + own_area)
    no_region = np.repeat((np.asarray(region_code, dtype=object) == "")
                          | (areas[1:1 + groups] == 0), lengths)
    region[no_region] = np.nan
    return england, region


def _lookup(index: pd.Index, values: np.ndarray, keys: np.ndarray) -> np.ndarray:
    where = index.get_indexer(keys)
    return np.where(where >= 0, values[np.maximum(where, 0)], np.nan)


def _last_name(names: np.ndarray, starts: np.ndarray, latest: np.ndarray) -> np.ndarray:
    """The latest point's area name, or the group's last non-blank one if that is blank."""
    named = names != ""
    positions = np.where(named, np.arange(len(names)), -1)
    last_named = np.maximum.reduceat(positions, starts) if len(names) else positions
    chosen = np.where(named[latest], latest, last_named)
    return np.where(chosen >= 0, names[np.maximum(chosen, 0)], "")


def _python_date(day) -> date | None:
    if day is None or pd.isna(day):
        return None
    if isinstance(day, datetime):
        return day.date()
    if isinstance(day, date):
        return day
    return pd.Timestamp(day).date()


def _optional(number) -> float | None:
    if number is None:
        return None
    number = float(number)
    return None if math.isnan(number) else number


def _targets(targets: pd.DataFrame, partnership_id: np.ndarray, metric_id: np.ndarray,
             latest_end: np.ndarray, latest_value: np.ndarray, polarity: list[str],
             today: date | None = None) -> dict:
    """The target due soonest on or after the latest period's end (else the one due last)
    for each group, and its status as it stands `today` (default: today in England): a
    target past due with no figure for its due period is "no data", not on or off track."""
    if today is None:
        from zoneinfo import ZoneInfo

        today = datetime.now(ZoneInfo("Europe/London")).date()
    n = len(partnership_id)
    out = {"target_id": [None] * n, "target_description": [""] * n,
           "target_value": np.full(n, np.nan), "target_due_period": [""] * n,
           "target_status": [""] * n}
    if targets.empty or n == 0:
        return out
    due = _days(targets["due_end"])
    candidates = pd.DataFrame({
        "partnership_id": targets["partnership_id"].astype(np.int64).to_numpy(),
        "metric_id": targets["metric_id"].astype(np.int64).to_numpy(),
        "due": due, "order": np.arange(len(targets)),
    })[~np.isnat(due)]
    groups = pd.DataFrame({"partnership_id": partnership_id.astype(np.int64),
                           "metric_id": metric_id.astype(np.int64),
                           "group": np.arange(n), "end": latest_end})
    matched = groups.merge(candidates, on=["partnership_id", "metric_id"])
    if matched.empty:
        return out
    due_days = matched["due"].to_numpy().astype("datetime64[D]").view(np.int64)
    future = due_days >= matched["end"].to_numpy().astype("datetime64[D]").view(np.int64)
    # Due on or after the latest period first, soonest first; then the latest due.
    order = np.lexsort((matched["order"].to_numpy(), np.where(future, due_days, -due_days),
                        ~future, matched["group"].to_numpy()))
    chosen = matched.iloc[order].drop_duplicates("group")

    description = _text(targets["description"]).tolist()
    target_value = _floats(targets["target_value"])
    due_period = _text(targets["due_period"]).tolist()
    baseline_value = _floats(targets["baseline_value"]) if "baseline_value" in targets else None
    baseline_end = (_days(targets["baseline_end"]) if "baseline_end" in targets
                    else np.full(len(targets), np.datetime64("NaT"), dtype="datetime64[D]"))
    ids = (targets["target_id"].tolist() if "target_id" in targets
           else [None] * len(targets))
    for group, row in zip(chosen["group"].tolist(), chosen["order"].tolist(), strict=True):
        goal = target_value[row]
        out["target_id"][group] = ids[row]
        out["target_description"][group] = description[row]
        out["target_value"][group] = goal
        out["target_due_period"][group] = due_period[row]
        if math.isnan(goal):
            continue
        pol = polarity[group]
        status = target_status(
            target_value=float(goal),
            due_date=_python_date(due[row]),
            latest_value=_optional(latest_value[group]),
            latest_date=_python_date(latest_end[group]),
            baseline_value=None if baseline_value is None else _optional(baseline_value[row]),
            baseline_date=_python_date(baseline_end[row]),
            higher_is_better={HIGHER_IS_BETTER: True, LOWER_IS_BETTER: False}.get(pol),
            today=today,
        )
        out["target_status"][group] = str(status.value)
    return out


def disclosure_sets(metrics: pd.DataFrame) -> tuple[set[int], set[int]]:
    """The metrics under disclosure control, and the count metrics (whose figure is a count)."""
    if metrics.empty:
        return set(), set()
    ids = metrics["metric_id"].astype(np.int64).to_numpy()
    controlled = (metrics["disclosure_control"].fillna(False).astype(bool).to_numpy()
                  if "disclosure_control" in metrics else np.zeros(len(ids), dtype=bool))
    counts = _text(metrics["unit"]) == "count" if "unit" in metrics else np.zeros(len(ids), bool)
    return set(ids[controlled].tolist()), set(ids[counts].tolist())


def small_counts(metric_id, value, count, disclosed: set[int], counted: set[int]) -> np.ndarray:
    """Which figures disclosure control suppresses (METHODS.md §6): those of a `disclosed`
    metric built on a count of 1 to 4. A count metric's figure is its own count."""
    metric_id = np.asarray(metric_id, dtype=np.int64)
    value, count = _floats(value), _floats(count)
    figure = np.where(np.isnan(count) & np.isin(metric_id, list(counted)), value, count)
    return np.isin(metric_id, list(disclosed)) & (figure >= 1) & (figure <= 4)


def _ranking(metric_id: np.ndarray, latest_end: np.ndarray, latest_label: np.ndarray,
             latest_value: np.ndarray, polarity: list[str], peers: pd.DataFrame | None,
             computed: np.ndarray, disclosed: set[int], counted: set[int]
             ) -> tuple[list[int], list, list]:
    """Quintile, rank and number ranked among every partnership's areas with a value for the
    same metric and period (end and label) (METHODS.md §5); values that disclosure control
    suppresses (NaN here; small counts among the peers) take no part. Peers stand in for the
    partnerships not computed here; the `computed` partnerships (those with observations) are
    never taken from them."""
    n = len(metric_id)
    quintiles: list[int] = [0] * n
    rank: list[int | None] = [None] * n
    rank_of: list[int | None] = [None] * n
    own = ~np.isnan(latest_value)
    frames = [pd.DataFrame({
        "metric_id": metric_id[own].astype(np.int64), "end": latest_end[own],
        "label": latest_label[own], "value": latest_value[own], "group": np.flatnonzero(own),
    })]
    if peers is not None and not peers.empty:
        others = peers[~np.isin(peers["partnership_id"].to_numpy(), computed)]
        peer_metric = others["metric_id"].astype(np.int64).to_numpy()
        peer_value = _floats(others["value"])
        peer_end = _days(others["period_end"])
        peer_label = (_text(others["period_label"]) if "period_label" in others
                      else np.full(len(others), "", dtype=object))
        usable = (~np.isnan(peer_value) & ~np.isnat(peer_end)
                  & ~small_counts(peer_metric, peer_value,
                                  others["count"] if "count" in others else np.nan,
                                  disclosed, counted))
        frames.append(pd.DataFrame({
            "metric_id": peer_metric[usable], "end": peer_end[usable],
            "label": peer_label[usable], "value": peer_value[usable], "group": -1,
        }))
    pool = pd.concat(frames, ignore_index=True)
    if pool.empty:
        return quintiles, rank, rank_of
    pool = pool.sort_values(["metric_id", "end", "label"], kind="stable")
    metric_of = dict(zip(metric_id.tolist(), polarity, strict=True))
    for (metric, _, _), members in pool.groupby(["metric_id", "end", "label"], sort=False):
        groups = members["group"].to_numpy()
        if not (groups >= 0).any():
            continue
        numbers = members["value"].tolist()
        pol = metric_of.get(metric, NO_JUDGEMENT)
        bounds = quintile_bounds(numbers)
        positions = ranks(numbers, polarity=pol)
        for group, number, position in zip(groups.tolist(), numbers, positions, strict=True):
            if group >= 0:
                quintiles[group] = quintile(number, bounds, polarity=pol)
                rank[group] = position
                rank_of[group] = len(numbers)
    return quintiles, rank, rank_of


# --- Rows for the model --------------------------------------------------------------------------
def records(frame: pd.DataFrame) -> list[dict]:
    """The summary frame as dicts for `MetricSummary(**row)`: NaN and NA become None, numpy
    numbers Python ones, period_end a `date`, text columns "" when missing."""
    if frame.empty:
        return []
    columns = {}
    for name in frame.columns:
        column = frame[name]
        if name in DATE_COLUMNS:
            days = pd.to_datetime(column).to_numpy().astype("datetime64[D]")
            columns[name] = days.astype(object).tolist()  # dates, None for NaT
        elif name in TEXT_COLUMNS:
            columns[name] = [v if isinstance(v, str) else "" for v in _text(column).tolist()]
        elif name == "series":
            columns[name] = column.tolist()
        elif pd.api.types.is_float_dtype(column.dtype):
            columns[name] = _nullable(column.to_numpy(dtype=float, na_value=np.nan))
        elif isinstance(column.dtype, np.dtype) and column.dtype.kind in "iub":
            columns[name] = column.tolist()
        else:
            columns[name] = [_plain(v) for v in column.tolist()]
    names = list(columns)
    with _without_cycle_collection():
        return [dict(zip(names, values, strict=True))
                for values in zip(*columns.values(), strict=True)]


def _plain(value):
    """A value as a plain Python object, None when missing."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
