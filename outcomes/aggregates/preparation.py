"""The rows the summaries are built on, and their groups.

`_prepare` keeps the all-persons, no-category rows, one age per group, ordered by group then
period, as numpy columns. `_groups` says where each group (partnership × metric × area) starts
and ends, which of its points are the latest and the one before, and what is known of its
metric and its partnership's region.

Pure: pandas and numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..stats import NO_JUDGEMENT
from .arrays import _blank_or, _codes, _combine, _days, _floats, _order, _starts, _text

PERSONS = ("", "Persons")  # the sexes of an all-persons figure
ALL_AGES = ("", "all ages")  # the ages of an all-ages figure, in lower case
GROUP = ["partnership_id", "metric_id", "area_code"]
BENCHMARK_GROUP = ["metric_id", "area_code"]
FLOATS = ("value", "count", "denominator", "lower_ci", "upper_ci")
# The 99.8% limits, for metrics compared at 99.8% or at both levels; NaN where not given.
FLOATS_998 = ("lower_ci_998", "upper_ci_998")


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
    rows, end = _kept_rows(frame)
    if len(rows) == 0:
        return {}, np.zeros(0, dtype=np.int64)

    def raw(name: str) -> np.ndarray:
        values = frame[name].to_numpy()
        return values if len(rows) == len(values) else values[rows]

    # First the columns that decide which rows are kept, and in which order.
    ages, everyone = _ages(raw("age"))
    age, age_span = _codes(ages)
    group_codes = [_codes(raw(key)) for key in keys]
    if not one_age:
        group_codes.append((age, age_span))
    group, _ = _codes(_combine(*group_codes))
    start = _days(raw("period_start")).view(np.int64)
    year_type, year_type_span = _codes(_text(raw("period_year_type")))
    sortable = np.nan_to_num(_floats(raw("period_sortable")))
    end_days = end.view(np.int64)
    order = _order([(group, int(group.max()) + 1), (age, age_span), _codes(end_days),
                    _codes(sortable), _codes(start), (year_type, year_type_span),
                    (_preference(raw("value"), raw("sex")), 4)])
    order, group = _one_age_per_group(order, group[order], age[order], everyone)
    periods = _starts(group, end_days[order], start[order], year_type[order])
    if len(periods) < len(order):  # one row per period: the preferred one comes first
        order, group = order[periods], group[periods]

    # Then every column, for the kept rows in their order.
    columns = _columns(frame, rows[order], keys)
    columns["age"] = ages[order]
    columns["period_start"] = start[order].view("datetime64[D]")
    columns["period_end"] = end[order]
    return columns, _starts(group)


def _kept_rows(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The positions of the all-persons, no-category rows with a period end, and those ends
    (datetime64[D])."""
    keep = (_blank_or(frame["sex"], PERSONS) & _blank_or(frame["category_type"])
            & _blank_or(frame["category"]))
    rows = np.flatnonzero(keep)
    end = _days(frame["period_end"].to_numpy()[rows])
    if np.isnat(end).any():
        rows, end = rows[~np.isnat(end)], end[~np.isnat(end)]
    return rows, end


def _ages(raw_ages: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ages as text, "" for all ages ("" or "All ages" in any case), and which rows are
    for all ages."""
    ages = _text(raw_ages)
    everyone = pd.Series(ages, dtype=object).str.lower().isin(ALL_AGES).to_numpy()
    return np.where(everyone, "", ages), everyone


def _preference(value: np.ndarray, sex: np.ndarray) -> np.ndarray:
    """Of duplicates for one period: the one with a value first, then "Persons"."""
    return (np.isnan(_floats(value)).astype(np.int64) * 2
            + (sex != "Persons").astype(np.int64))


def _one_age_per_group(order: np.ndarray, group: np.ndarray, age: np.ndarray,
                       everyone: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Of several ages in a group (`group` and `age` in `order`), only the rows of all ages,
    else of the commonest age (of equal counts, the first in order)."""
    runs = _starts(group, age)
    if len(runs) == len(_starts(group)):  # one age in each group already
        return order, group
    lengths = np.diff(np.append(runs, len(order)))
    run_group = group[runs]
    best = np.lexsort((np.arange(len(runs)), -lengths, ~everyone[order][runs], run_group))
    first = np.ones(len(best), dtype=bool)
    first[1:] = run_group[best][1:] != run_group[best][:-1]
    chosen = np.zeros(len(runs), dtype=bool)
    chosen[best[first]] = True
    kept = np.repeat(chosen, lengths)
    return order[kept], group[kept]


def _columns(frame: pd.DataFrame, rows: np.ndarray, keys: list[str]) -> dict[str, np.ndarray]:
    """The keys, text and number columns of `frame` at `rows`, in that order."""
    columns = {key: frame[key].to_numpy()[rows] for key in keys}
    for key in keys:
        if key != "area_code":
            columns[key] = columns[key].astype(np.int64)
    columns.update({name: _text(frame[name].to_numpy()[rows]) for name in (
        "area_code", "area_name", "period_label", "period_year_type", "value_note")})
    columns.update({name: _floats(frame[name].to_numpy()[rows]) for name in FLOATS})
    columns.update({name: _floats(frame[name].to_numpy()[rows]) if name in frame
                    else np.full(len(rows), np.nan) for name in FLOATS_998})
    return columns


# --- The groups ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Groups:
    """The groups (partnership × metric × area) of the prepared rows: where each starts and
    ends (exclusive), its latest point (the last with a value, else the last) and the valued
    point before it (-1: none), and its partnership, metric, area, the metric's polarity, unit
    and frequency, and the partnership's region."""

    starts: np.ndarray
    ends: np.ndarray
    latest: np.ndarray
    previous: np.ndarray
    partnership_id: np.ndarray
    metric_id: np.ndarray
    area_code: np.ndarray
    polarity: list[str]
    unit: list[str]
    frequency: list[str]
    region_code: np.ndarray

    @property
    def lengths(self) -> np.ndarray:
        return self.ends - self.starts


def _groups(rows: dict[str, np.ndarray], starts: np.ndarray, metrics: pd.DataFrame,
            partnerships: pd.DataFrame) -> Groups:
    ends = np.append(starts[1:], len(rows["value"]))
    latest, previous = _latest_and_previous(rows["value"], starts, ends)
    partnership_id = rows["partnership_id"][starts]
    metric_id = rows["metric_id"][starts]
    polarity, unit, frequency = _metric_attributes(metrics, metric_id)
    return Groups(starts=starts, ends=ends, latest=latest, previous=previous,
                  partnership_id=partnership_id, metric_id=metric_id,
                  area_code=rows["area_code"][starts], polarity=polarity, unit=unit,
                  frequency=frequency, region_code=_regions(partnerships, partnership_id))


def _latest_and_previous(value: np.ndarray, starts: np.ndarray, ends: np.ndarray
                         ) -> tuple[np.ndarray, np.ndarray]:
    """Latest: the last point with a value, else the last point. Previous: the valued point
    before it (-1: none)."""
    valued = ~np.isnan(value)
    positions = np.arange(len(value))
    last_valued = np.maximum.reduceat(np.where(valued, positions, -1), starts)
    latest = np.where(last_valued >= 0, last_valued, ends - 1)
    valued_positions = np.append(-1, np.flatnonzero(valued))  # -1: none before
    previous = valued_positions[np.searchsorted(valued_positions[1:], latest)]
    previous = np.where((last_valued >= 0) & (previous >= starts), previous, -1)
    return latest, previous


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
