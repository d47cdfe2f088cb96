"""Each summary's target: the one due next after its latest figure, and its status
(METHODS.md §4).

Pure: pandas and numpy only, and `outcomes.stats`.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from ..stats import HIGHER_IS_BETTER, LOWER_IS_BETTER, target_status
from .arrays import _days, _floats, _text


def _targets(targets: pd.DataFrame, partnership_id: np.ndarray, metric_id: np.ndarray,
             latest_end: np.ndarray, latest_value: np.ndarray, polarity: list[str],
             today: date | None = None) -> dict:
    """The target due soonest on or after the latest period's end (else the one due last)
    for each group, and its status as it stands `today` (default: today in England): a
    target past due with no figure for its due period is "no data", not on or off track."""
    if today is None:
        today = datetime.now(ZoneInfo("Europe/London")).date()
    n = len(partnership_id)
    out = {"target_id": [None] * n, "target_description": [""] * n,
           "target_value": np.full(n, np.nan), "target_due_period": [""] * n,
           "target_status": [""] * n}
    if targets.empty or n == 0:
        return out
    due = _days(targets["due_end"])
    chosen = _chosen(targets, due, partnership_id, metric_id, latest_end)
    if chosen is None:
        return out
    _fill(out, chosen, _target_columns(targets, due), latest_value=latest_value,
          latest_end=latest_end, polarity=polarity, today=today)
    return out


def _chosen(targets: pd.DataFrame, due: np.ndarray, partnership_id: np.ndarray,
            metric_id: np.ndarray, latest_end: np.ndarray) -> pd.DataFrame | None:
    """For each group with a target for its partnership and metric, the chosen target's row
    in `targets` ("order"), with its "group"; None if no group has one."""
    candidates = pd.DataFrame({
        "partnership_id": targets["partnership_id"].astype(np.int64).to_numpy(),
        "metric_id": targets["metric_id"].astype(np.int64).to_numpy(),
        "due": due, "order": np.arange(len(targets)),
    })[~np.isnat(due)]
    groups = pd.DataFrame({"partnership_id": partnership_id.astype(np.int64),
                           "metric_id": metric_id.astype(np.int64),
                           "group": np.arange(len(partnership_id)), "end": latest_end})
    matched = groups.merge(candidates, on=["partnership_id", "metric_id"])
    if matched.empty:
        return None
    due_days = matched["due"].to_numpy().astype("datetime64[D]").view(np.int64)
    future = due_days >= matched["end"].to_numpy().astype("datetime64[D]").view(np.int64)
    # Due on or after the latest period first, soonest first; then the latest due.
    order = np.lexsort((matched["order"].to_numpy(), np.where(future, due_days, -due_days),
                        ~future, matched["group"].to_numpy()))
    return matched.iloc[order].drop_duplicates("group")


def _target_columns(targets: pd.DataFrame, due: np.ndarray) -> dict:
    """The targets' columns as plain lists and arrays (baseline_value None if not given)."""
    return {
        "id": (targets["target_id"].tolist() if "target_id" in targets
               else [None] * len(targets)),
        "description": _text(targets["description"]).tolist(),
        "target_value": _floats(targets["target_value"]),
        "due_period": _text(targets["due_period"]).tolist(),
        "due": due,
        "baseline_value": (_floats(targets["baseline_value"]) if "baseline_value" in targets
                           else None),
        "baseline_end": (_days(targets["baseline_end"]) if "baseline_end" in targets
                         else np.full(len(targets), np.datetime64("NaT"),
                                      dtype="datetime64[D]")),
    }


def _fill(out: dict, chosen: pd.DataFrame, columns: dict, *, latest_value: np.ndarray,
          latest_end: np.ndarray, polarity: list[str], today: date) -> None:
    """Puts each chosen target, and its status where it has a value, in `out`."""
    target_value, baseline_value = columns["target_value"], columns["baseline_value"]
    for group, row in zip(chosen["group"].tolist(), chosen["order"].tolist(), strict=True):
        goal = target_value[row]
        out["target_id"][group] = columns["id"][row]
        out["target_description"][group] = columns["description"][row]
        out["target_value"][group] = goal
        out["target_due_period"][group] = columns["due_period"][row]
        if math.isnan(goal):
            continue
        pol = polarity[group]
        status = target_status(
            target_value=float(goal),
            due_date=_python_date(columns["due"][row]),
            latest_value=_optional(latest_value[group]),
            latest_date=_python_date(latest_end[group]),
            baseline_value=None if baseline_value is None else _optional(baseline_value[row]),
            baseline_date=_python_date(columns["baseline_end"][row]),
            higher_is_better={HIGHER_IS_BETTER: True, LOWER_IS_BETTER: False}.get(pol),
            today=today,
        )
        out["target_status"][group] = str(status.value)


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
