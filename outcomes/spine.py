"""England's range for the spine chart: the spread of every area's latest values for each
metric and period, among the areas of the metric's area type in the reference data (as
Fingertips draws it), else among every partnership's areas. Pure: pandas in, columns out, no
ORM."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .aggregates.ranking import small_counts

RANGE_COLUMNS = ["range_min", "range_q1", "range_median", "range_q3", "range_max"]


def ranges(latest: pd.DataFrame, peers: pd.DataFrame | None, disclosed: set[int],
           counted: set[int] = frozenset(),
           reference: tuple[np.ndarray, pd.DataFrame] | None = None) -> pd.DataFrame:
    """For each summary row (partnership, metric, area, period_end, period_label, value,
    count), the range of the values of every partnership's areas for the same metric and
    period (end and label).

    `peers` holds the other partnerships' latest rows (their stored summaries) when only some
    partnerships are recomputed. For metrics in `disclosed` (disclosure control on), values
    built on counts of 1 to 4 are left out; for count metrics (`counted`) the value is the
    count. `reference` (`aggregates.ranking.reference_pool`: each row's pool, -1 for none,
    and the pools' members) gives the rows that have a pool the range of its areas instead.
    Returns `latest` with the RANGE_COLUMNS added."""
    key = ["metric_id", "period_end", "period_label"]
    columns = ["partnership_id", "metric_id", "area_code", "period_end", "period_label",
               "value", "count"]
    pool = latest[columns]
    if peers is not None and not peers.empty:
        others = peers[~peers["partnership_id"].isin(latest["partnership_id"].unique())]
        pool = pd.concat([pool, others.reindex(columns=columns)], ignore_index=True)
    pool = pool[pool["value"].notna()].copy()
    pool["period_end"] = pd.to_datetime(pool["period_end"])
    pool["period_label"] = pool["period_label"].fillna("")
    pool = pool[~small_counts(pool["metric_id"], pool["value"], pool["count"], disclosed,
                              counted)]
    grouped = pool.groupby(key)["value"]
    stats = pd.DataFrame({
        "range_min": grouped.min(),
        "range_q1": grouped.quantile(0.25),
        "range_median": grouped.median(),
        "range_q3": grouped.quantile(0.75),
        "range_max": grouped.max(),
    }).reset_index()
    keyed = latest.assign(period_end=pd.to_datetime(latest["period_end"]))
    merged = keyed.merge(stats, on=key, how="left")
    merged["period_end"] = latest["period_end"].to_numpy()
    if reference is not None:
        _reference_ranges(merged, *reference)
    return merged


def _reference_ranges(merged: pd.DataFrame, pool: np.ndarray, members: pd.DataFrame) -> None:
    """Sets the RANGE_COLUMNS of the rows with a pool to the spread of its areas' values."""
    ranged = pool >= 0
    if not ranged.any() or members.empty:
        return
    grouped = members.groupby("pool")["value"]
    stats = pd.DataFrame({
        "range_min": grouped.min(),
        "range_q1": grouped.quantile(0.25),
        "range_median": grouped.median(),
        "range_q3": grouped.quantile(0.75),
        "range_max": grouped.max(),
    })
    found = stats.reindex(pool[ranged])
    for name in RANGE_COLUMNS:
        values = merged[name].to_numpy(dtype=float, copy=True)
        values[ranged] = found[name].to_numpy(dtype=float)
        merged[name] = values
