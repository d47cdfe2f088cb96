"""England's and the region's value for each point of the summaries' series.

Pure: pandas and numpy only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .arrays import _codes, _combine
from .preparation import BENCHMARK_GROUP, _prepare

ENGLAND = "E92000001"


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
