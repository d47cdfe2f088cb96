"""The statistics of the national reference data, for every row, as Fingertips computes them.

`reference_statistics(figures, metrics)` gives each published figure (`ReferenceFigure`) its
STATISTIC_FIELDS:

- england_value, england_comparison: against England's (E92000001) figure for the same
  metric, period (start, end, year type), sex and age, with no category (METHODS §2). A
  category row (a deprivation decile) is compared with that headline figure; England's own
  headline row is not compared with itself.
- region_value, region_comparison: against the figure of the area's published parent when
  the parent is a region (E12…), matched the same way. England, the regions (whose parent is
  England) and rows whose parent is not a region are "Not compared".
- trend_marker, trend_label: the recent trend (METHODS §3, test W for every value type with
  the eligibility of §3.6) of each series (metric × area × sex × age × category type ×
  category), on the series' latest row only, as Fingertips' "Recent Trend" column; blank on
  the others.
- quintile, rank, rank_of: among every area of the same area type with a value for the same
  metric, period, sex, age and category (METHODS §5).

The comparison follows the metric: comparator method "not_compared", polarity
"not_applicable" or a count (an area's count is not comparable with England's total, §2.1)
give "Not compared"; confidence level "95" or "99.8" tests that interval, "both" gives the
five bands (§2.2–2.3). The rules are those of `outcomes.stats`, applied to whole columns
(`compare_arrays`, `trend_markers`, the same percentiles as `quintile_bounds`).

Pure: pandas and numpy in, a DataFrame out. No ORM, no request.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import stats

ENGLAND = "E92000001"
REGION_PREFIX = "E12"
NOT_COMPARED = "Not compared"
STATISTIC_FIELDS = (
    "england_value", "england_comparison", "region_value", "region_comparison",
    "trend_marker", "trend_label", "quintile", "rank", "rank_of",
)
TEXT = ("area_code", "area_type", "parent_code", "period_year_type", "sex", "age",
        "category_type", "category")
NUMBERS = ("value", "count", "denominator", "lower_ci", "upper_ci", "lower_ci_998",
           "upper_ci_998")
PERIOD = ["metric_id", "period_start", "period_end", "period_year_type", "sex", "age"]
SERIES = ["metric_id", "area_code", "sex", "age", "category_type", "category"]
PEERS = ["area_type", *PERIOD, "category_type", "category"]
# What a metric is taken to be when the metrics frame does not say (METHODS §2.1: CIs at 95%).
METRIC_DEFAULTS = {"polarity": stats.NO_JUDGEMENT, "value_type": "", "comparator_method": "ci",
                   "confidence_level": "95", "period_years": 1}
UNIT_VALUE_TYPES = {"percentage": "proportion", "count": "count", "rate_per_1000": "crude_rate",
                    "rate_per_10000": "crude_rate", "rate_per_100000": "crude_rate"}


def reference_statistics(figures: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """STATISTIC_FIELDS for each row of `figures`, in its order, with its "id".

    figures: id, metric_id, area_code, area_type, parent_code, period_start, period_end,
    period_year_type, sex, age, category_type, category, value, count, denominator,
    lower_ci, upper_ci, lower_ci_998, upper_ci_998 (missing text "" or None, missing
    numbers NaN or None, dates as dates, datetime64 or ISO text).
    metrics: metric_id and any of polarity, value_type (else from unit), comparator_method,
    confidence_level, period_years (METRIC_DEFAULTS where absent).
    """
    rows = _normalised(figures)
    out = pd.DataFrame({"id": figures["id"].to_numpy() if "id" in figures
                        else np.arange(len(figures))})
    if not len(out):
        for name in STATISTIC_FIELDS:
            out[name] = pd.Series(dtype=object)
        return out
    metric = metric_attributes(metrics, rows["metric_id"])
    headline = rows.blank("category_type") & rows.blank("category")
    england_rows = rows.area_is(lambda code: code == ENGLAND)
    period = _combined(rows[name] for name in PERIOD)
    england = _benchmark(rows["value"], period, england_rows & headline, period)
    regions = rows.area_is(lambda code: code.startswith(REGION_PREFIX))
    areas = len(rows.areas)
    parent_is_region = np.isin(rows["parent_code"], np.flatnonzero(
        [code.startswith(REGION_PREFIX) for code in rows.areas]))
    region = _benchmark(rows["value"], period * areas + rows["area_code"], regions & headline,
                        np.where(parent_is_region, period * areas + rows["parent_code"], -1))
    out["england_value"] = england
    out["england_comparison"] = _compared(rows, england, metric, england_rows & headline)
    out["region_value"] = region
    out["region_comparison"] = _compared(rows, region, metric,
                                         rows["area_code"] == rows["parent_code"])
    out["trend_marker"], out["trend_label"] = _trends(rows, metric)
    out["quintile"], out["rank"], out["rank_of"] = _placing(rows, metric["polarity"])
    return out


def metric_attributes(metrics: pd.DataFrame, metric_id: np.ndarray) -> dict[str, np.ndarray]:
    """Each row's metric's polarity, value_type, comparator_method, confidence_level and
    period_years (METRIC_DEFAULTS for an unknown metric or a column the frame lacks; the
    value type from the unit where only that is known, as before value types were kept)."""
    metrics = metrics.drop_duplicates("metric_id")
    where = pd.Index(metrics["metric_id"].astype(np.int64)).get_indexer(
        np.asarray(metric_id, dtype=np.int64))
    found = where >= 0
    columns = {}
    for name, default in METRIC_DEFAULTS.items():
        if name == "value_type" and name not in metrics and "unit" in metrics:
            known = metrics["unit"].map(UNIT_VALUE_TYPES).fillna("").to_numpy(dtype=object)
        elif name in metrics:
            known = metrics[name].to_numpy(dtype=object)
        else:
            known = np.full(len(metrics), default, dtype=object)
        known = np.array([default if _blank(v) else v for v in known], dtype=object)
        picked = known[np.maximum(where, 0)] if len(known) else np.full(len(where), default)
        columns[name] = np.where(found, picked, default).astype(object)
    columns["period_years"] = pd.to_numeric(columns["period_years"]).astype(float)
    return columns


def _blank(value) -> bool:
    return value is None or value == "" or (isinstance(value, float) and np.isnan(value))


class Rows(dict):
    """The figures' columns as numpy arrays: text as codes (area_code and parent_code share
    `areas`; each other text column its `uniques`, "" for missing, stripped), dates as
    datetime64[D], numbers as floats with NaN for missing, metric_id as int64."""

    def __init__(self):
        super().__init__()
        self.uniques: dict[str, np.ndarray] = {}
        self.areas = np.zeros(0, dtype=object)

    def blank(self, name: str) -> np.ndarray:
        return ~np.isin(self[name], np.flatnonzero(self.uniques[name] != ""))

    def area_is(self, test) -> np.ndarray:
        return np.isin(self["area_code"], [i for i, code in enumerate(self.areas) if test(code)])


def _normalised(figures: pd.DataFrame) -> Rows:
    """The columns the statistics need, typed (`Rows`), in the row order. Text is cleaned
    once per distinct value, not once per row."""
    rows, n = Rows(), len(figures)
    rows["metric_id"] = figures["metric_id"].to_numpy(dtype=np.int64)

    def text(name: str) -> np.ndarray:
        column = figures[name] if name in figures else pd.Series([""] * n, dtype=object)
        return column.to_numpy(dtype=object)

    codes, rows.areas = _clean_codes(np.concatenate([text("area_code"), text("parent_code")]))
    rows["area_code"], rows["parent_code"] = codes[:n], codes[n:]
    for name in TEXT:
        if name not in ("area_code", "parent_code"):
            rows[name], rows.uniques[name] = _clean_codes(text(name))
    for name in ("period_start", "period_end"):
        rows[name] = pd.to_datetime(figures[name]).to_numpy().astype("datetime64[D]")
    for name in NUMBERS:
        column = figures[name] if name in figures else pd.Series([np.nan] * n)
        rows[name] = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    return rows


def _clean_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the values stripped, "" for missing, and the distinct cleaned values."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    cleaned = np.array([*("" if _blank(u) else str(u).strip() for u in uniques), ""],
                       dtype=object)
    merged, distinct = pd.factorize(cleaned)
    return merged[codes], np.asarray(distinct, dtype=object)


def _combined(columns) -> np.ndarray:
    """One int64 code per distinct combination of the columns' values, 0 to n - 1."""
    key, span = None, 1
    for column in columns:
        if column.dtype.kind in "iu" and len(column) and column.min() >= 0:
            code, size = column.astype(np.int64), int(column.max()) + 1  # codes already
        else:
            code, uniques = pd.factorize(column)
            size = len(uniques)
        if key is None:
            key, span = code, size
            continue
        if span * size >= 2**62:  # compact before the product could overflow
            key, uniques = pd.factorize(key)
            span = len(uniques)
        key, span = key * size + code, span * size
    return pd.factorize(key)[0].astype(np.int64)


def _benchmark(value: np.ndarray, key: np.ndarray, benchmarks: np.ndarray,
               wanted: np.ndarray) -> np.ndarray:
    """Each row's benchmark value (NaN: none): the value of the first of the `benchmarks`
    rows whose `key` is the row's `wanted` key (-1: none)."""
    positions = np.flatnonzero(benchmarks)
    keys = pd.Index(key[positions])
    first = ~keys.duplicated()
    found = keys[first].get_indexer(wanted)
    return np.where(found >= 0, value[positions[first]][np.maximum(found, 0)]
                    if first.any() else np.nan, np.nan)


def _compared(rows: Rows, benchmark: np.ndarray, metric: dict[str, np.ndarray],
              itself: np.ndarray) -> np.ndarray:
    """The verdict of each row against its benchmark, as the metric asks (§2)."""
    words = stats.compare_arrays(
        rows["value"], benchmark, rows["lower_ci"], rows["upper_ci"], rows["lower_ci_998"],
        rows["upper_ci_998"], metric["polarity"], metric["confidence_level"])
    uncompared = ((metric["comparator_method"] == "not_compared")
                  | (metric["value_type"] == "count") | itself)
    words[uncompared] = NOT_COMPARED
    return words


def _trends(rows: Rows, metric: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The recent trend of each series that runs to its metric's latest period, on that
    row; "" on the others (§3)."""
    at, picked, unbroken = _latest_windows(rows)
    eligible = (unbroken & np.isin(metric["value_type"][at], stats.TREND_VALUE_TYPES)
                & (metric["period_years"][at] == 1))

    def points(name: str) -> np.ndarray:
        return rows[name][picked]

    markers, _, _ = stats.trend_markers(points("value"), points("lower_ci"), points("upper_ci"),
                                        points("count"), points("denominator"), eligible)
    marker = np.full(len(rows["value"]), "", dtype=object)
    label = np.full(len(rows["value"]), "", dtype=object)
    marker[at] = markers
    label[at] = [stats.trend_label(m, p) for m, p in zip(markers, metric["polarity"][at],
                                                          strict=True)]
    return marker, label


def _latest_windows(rows: Rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each series with a row for its metric's latest period: that row, the rows of its
    five most recent points (oldest first; (m, 5)), and whether those are five of the
    series running unbroken in single years (365 or 366 days, each starting the day after
    the one before ends; METHODS §3.1). Fingertips tests the trend for the metric's latest
    period: a series that stopped before it (an abolished area, an older deprivation
    measure) shows none."""
    series = _combined(rows[name] for name in SERIES)
    start, end = rows["period_start"], rows["period_end"]
    order = np.lexsort((start, end, series))
    code = series[order]
    last = np.ones(len(order), dtype=bool)
    last[:-1] = code[1:] != code[:-1]
    latest = np.flatnonzero(last)  # positions in `order`
    newest = pd.Series(end).groupby(rows["metric_id"]).transform("max").to_numpy()
    latest = latest[end[order[latest]] == newest[order[latest]]]
    window = latest[:, None] + np.arange(-4, 1)  # the five points up to the latest
    inside = (window >= 0) & (code[np.maximum(window, 0)] == code[latest][:, None])
    picked = order[np.maximum(window, 0)]
    days = (end[picked] - start[picked]).astype(np.int64) + 1
    single = ((days >= 365) & (days <= 366)).all(axis=1)
    linked = (start[picked][:, 1:] == end[picked][:, :-1] + np.timedelta64(1, "D")).all(axis=1)
    return order[latest], picked, inside.all(axis=1) & single & linked


def _placing(rows: Rows, polarity: np.ndarray
             ) -> tuple[np.ndarray, pd.array, pd.array]:
    """Quintile (0: not placed), rank and rank_of among the areas of one area type with a
    value for the same metric, period, sex, age and category (§5)."""
    value = rows["value"]
    valid = ~np.isnan(value)
    group = _combined(rows[name] for name in PEERS)
    higher = polarity == stats.HIGHER_IS_BETTER
    ranked = pd.Series(np.where(higher, -value, value)).groupby(group).rank(method="min")
    sizes = np.bincount(group[valid], minlength=group.max() + 1)
    rank = pd.array(np.where(valid, ranked.to_numpy(), np.nan), dtype="Int64")
    rank_of = pd.array(np.where(valid, sizes[group], np.nan), dtype="Int64")
    quintile = _quintiles(value, valid, group, sizes)
    quintile = np.where(higher & (quintile > 0), 6 - quintile, quintile)
    return quintile, rank, rank_of


def _quintiles(value: np.ndarray, valid: np.ndarray, group: np.ndarray, sizes: np.ndarray
               ) -> np.ndarray:
    """1–5 from the low end (0: not placed): the first of P20, P40, P60, P80, max the value
    is not above, with the bounds of `stats.quintile_bounds` (numpy's percentiles, then
    Python's round to 10 places) from groups of five or more values."""
    quintile = np.zeros(len(value), dtype=np.int64)
    placed = valid & (sizes[group] >= 5)
    if not placed.any():
        return quintile
    rows = np.flatnonzero(placed)
    rows = rows[np.lexsort((value[rows], group[rows]))]
    groups, first, counts = np.unique(group[rows], return_index=True, return_counts=True)
    bounds = np.empty((len(groups), 4))
    for size in np.unique(counts):  # the groups of one size as a block: one call each
        these = np.flatnonzero(counts == size)
        block = value[rows[first[these][:, None] + np.arange(size)]]
        found = np.percentile(block, [20, 40, 60, 80], axis=1, method="linear").T
        bounds[these] = [[round(float(b), 10) for b in line] for line in found]
    row_bounds = bounds[np.searchsorted(groups, group[rows])]
    quintile[rows] = 1 + (value[rows][:, None] > row_bounds).sum(axis=1)
    return quintile
