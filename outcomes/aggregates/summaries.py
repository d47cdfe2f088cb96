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
paused while the rows are built (see `arrays._without_cycle_collection`).

The steps, each in a module of its own: `preparation` (the rows kept, in order, and their
groups), `benchmarks` (England and the region for each point), `comparisons` (with England and
the region, and the recent trend), `targets`, `ranking` (and disclosure control), and `output`
(the columns, and the rows for the model).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .arrays import _nullable, _without_cycle_collection
from .benchmarks import _benchmark_values
from .comparisons import _comparisons_and_trends, _consecutive_years
from .output import OUTPUT_DTYPES, SERIES_FIELDS, _dtype, empty_summaries
from .preparation import GROUP, Groups, _groups, _prepare
from .ranking import _ranking, disclosure_sets, small_counts
from .reference import metric_attributes
from .targets import _targets


def metric_summaries(observations: pd.DataFrame, benchmarks: pd.DataFrame,
                     metrics: pd.DataFrame, targets: pd.DataFrame, partnerships: pd.DataFrame,
                     peers: pd.DataFrame | None = None, today: date | None = None
                     ) -> pd.DataFrame:
    """One summary row per partnership × metric × area with an all-persons observation.

    today: the day target statuses are judged on (a target past due with no figure for its
    due period has no status); the caller passes it, today in England if not.

    observations: partnership_id plus the ObservationValues columns (metric_id, area_code,
    area_name, period_label, period_start, period_end, period_year_type, period_sortable, sex,
    age, category_type, category, value, count, denominator, lower_ci, upper_ci, value_note).
    benchmarks: the same without partnership_id, for England (E92000001) and the regions.
    metrics: metric_id, unit, polarity, frequency, disclosure_control, and where known
    value_type, comparator_method, confidence_level, period_years
    (`reference.metric_attributes`). targets: target_id,
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
      a missing year or a period that is not a single year means no trend), with
      test W for every value type (METHODS §3.6), for "annual" single-year metrics only.
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
    groups = _groups(rows, starts, metrics, partnerships)
    # England and the region for every point, matched on metric and period.
    england, region = _benchmark_values(rows, benchmarks, groups.region_code, groups.lengths)
    points = _point_lists(rows, england, region)
    # The trend is tested only on consecutive single years: how many such points run
    # unbroken up to each row.
    unbroken = _consecutive_years(rows["period_start"], rows["period_end"], starts)
    judged = _comparisons_and_trends(points, groups, unbroken,
                                     metric_attributes(metrics, groups.metric_id))
    latest = groups.latest
    target = _targets(targets, groups.partnership_id, groups.metric_id,
                      rows["period_end"][latest], rows["value"][latest], groups.polarity,
                      today=today)
    target["target_id"] = pd.array(target["target_id"], dtype="Int64")
    ranking = _rank(rows, groups, metrics, peers,
                    pd.unique(observations["partnership_id"].to_numpy()))
    return _output(rows, groups, england=england, region=region, judged=judged,
                   target=target, ranking=ranking, series=_series(points, groups))


def _point_lists(rows: dict[str, np.ndarray], england: np.ndarray, region: np.ndarray
                 ) -> dict[str, list]:
    """Every point's fields as Python lists (None for NaN), by SERIES_FIELDS name, and its
    "denominator" and 99.8% limits: for the series, the comparisons and the trend."""
    end_codes, end_uniques = pd.factorize(rows["period_end"].view(np.int64))
    iso = np.array([d.isoformat() for d in np.asarray(end_uniques).view("datetime64[D]")
                    .astype(object)], dtype=object)
    return {
        "period_label": rows["period_label"].tolist(),
        "period_end": iso[end_codes].tolist() if len(iso) else [],
        "value": _nullable(rows["value"]),
        "lower_ci": _nullable(rows["lower_ci"]),
        "upper_ci": _nullable(rows["upper_ci"]),
        "count": _nullable(rows["count"]),
        "england": _nullable(england),
        "region": _nullable(region),
        "value_note": rows["value_note"].tolist(),
        "denominator": _nullable(rows["denominator"]),
        "lower_ci_998": _nullable(rows["lower_ci_998"]),
        "upper_ci_998": _nullable(rows["upper_ci_998"]),
    }


def _series(points: dict[str, list], groups: Groups) -> list[dict]:
    """Each group's series. Stored column-wise: a list per field, not a dict per point, which
    makes the JSON about half as long to write, store and read."""
    columns = [(name, points[name]) for name in SERIES_FIELDS]
    return [{name: column[s:e] for name, column in columns}
            for s, e in zip(groups.starts.tolist(), groups.ends.tolist(), strict=True)]


def _rank(rows: dict[str, np.ndarray], groups: Groups, metrics: pd.DataFrame,
          peers: pd.DataFrame | None, computed: np.ndarray) -> tuple[list[int], list, list]:
    """Quintile, rank and number ranked of each group's latest value (`_ranking`); a value
    built on a count of 1 to 4 under disclosure control is not ranked."""
    latest = groups.latest
    latest_value = rows["value"][latest]
    disclosed, counted = disclosure_sets(metrics)
    ranked = latest_value.copy()
    ranked[small_counts(groups.metric_id, latest_value, rows["count"][latest], disclosed,
                        counted)] = np.nan
    return _ranking(groups.metric_id, rows["period_end"][latest], rows["period_label"][latest],
                    ranked, groups.polarity, peers, computed, disclosed, counted)


def _output(rows: dict[str, np.ndarray], groups: Groups, *, england: np.ndarray,
            region: np.ndarray, judged: dict[str, list[str]], target: dict,
            ranking: tuple[list[int], list, list], series: list[dict]) -> pd.DataFrame:
    """The summaries as OUTPUT_COLUMNS: each group's latest point and what was found of it."""
    latest, previous = groups.latest, groups.previous
    latest_value = rows["value"][latest]
    previous_value = np.where(previous >= 0, rows["value"][np.maximum(previous, 0)], np.nan)
    previous_label = np.where(previous >= 0,
                              rows["period_label"][np.maximum(previous, 0)], "")
    quintiles, rank, rank_of = ranking
    output = pd.DataFrame({
        "partnership_id": groups.partnership_id.astype(np.int64),
        "metric_id": groups.metric_id.astype(np.int64),
        "area_code": groups.area_code,
        "area_name": _last_name(rows["area_name"], groups.starts, latest),
        "period_label": rows["period_label"][latest],
        "period_end": rows["period_end"][latest].astype("datetime64[s]"),
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
        "england_comparison": judged["england_comparison"],
        "region_code": groups.region_code,
        "region_value": region[latest],
        "region_comparison": judged["region_comparison"],
        "trend_marker": judged["trend_marker"],
        "trend_label": judged["trend_label"],
        **target,
        "quintile": quintiles,
        "rank": pd.array(rank, dtype="Int64"),
        "rank_of": pd.array(rank_of, dtype="Int64"),
        "series": pd.Series(series, dtype=object),
    })
    return output.astype({c: _dtype(t) for c, t in OUTPUT_DTYPES.items()
                          if c not in ("series", "rank", "rank_of", "target_id")})


def _last_name(names: np.ndarray, starts: np.ndarray, latest: np.ndarray) -> np.ndarray:
    """The latest point's area name, or the group's last non-blank one if that is blank."""
    named = names != ""
    positions = np.where(named, np.arange(len(names)), -1)
    last_named = np.maximum.reduceat(positions, starts) if len(names) else positions
    chosen = np.where(named[latest], latest, last_named)
    return np.where(chosen >= 0, names[np.maximum(chosen, 0)], "")
