"""Statistics for the dashboards. Pure functions: no ORM, no request (METHODS.md).

This module grows with the dashboards; it starts with targets, which the catalogue needs.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class TargetStatus(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on track"
    OFF_TRACK = "off track"
    NO_DATA = "no data"


def target_trajectory(
    *, baseline_value: float, baseline_date: date, target_value: float, due_date: date, at: date
) -> float:
    """Where a linear path from the baseline to the target stands on a date (clamped)."""
    if due_date <= baseline_date:
        return target_value
    share = (at - baseline_date).days / (due_date - baseline_date).days
    share = min(max(share, 0.0), 1.0)
    return baseline_value + share * (target_value - baseline_value)


def target_status(
    *,
    target_value: float,
    due_date: date,
    latest_value: float | None,
    latest_date: date | None,
    baseline_value: float | None = None,
    baseline_date: date | None = None,
    higher_is_better: bool | None = None,
) -> TargetStatus:
    """Achieved, on track or off track against a linear trajectory; or no data.

    The direction comes from the baseline and target (a target above its baseline is to be
    reached from below), else from `higher_is_better`. Without a baseline there is no
    trajectory: a target not yet met before it is due is "no data" rather than a guess.
    """
    if latest_value is None or latest_date is None:
        return TargetStatus.NO_DATA
    if baseline_value is not None and baseline_value != target_value:
        upward = target_value > baseline_value
    elif higher_is_better is not None:
        upward = higher_is_better
    else:
        upward = True

    def meets(value: float, mark: float) -> bool:
        return value >= mark if upward else value <= mark

    if meets(latest_value, target_value):
        return TargetStatus.ACHIEVED
    if latest_date >= due_date:
        return TargetStatus.OFF_TRACK
    if baseline_value is None or baseline_date is None:
        return TargetStatus.NO_DATA
    expected = target_trajectory(
        baseline_value=baseline_value, baseline_date=baseline_date,
        target_value=target_value, due_date=due_date, at=latest_date,
    )
    return TargetStatus.ON_TRACK if meets(latest_value, expected) else TargetStatus.OFF_TRACK
