"""Small vectorised helpers for the summaries: columns as numpy arrays (text, numbers,
dates), integer codes and stable orderings over them, where runs of equal values start, and a
pause of the cyclic garbage collector while many small objects are built.

Pure: pandas and numpy only.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd


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
