"""What the summaries come out as: the columns of `outcomes.models.MetricSummary` and their
dtypes, the series stored a list per field, and the frame turned into rows for the model.

Pure: pandas and numpy only.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..series import SERIES_FIELDS, series_points  # noqa: F401 - re-exported by the package
from .arrays import _nullable, _text, _without_cycle_collection

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
