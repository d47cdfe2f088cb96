"""outcomes/stats.py: target trajectory and status."""

from datetime import date

import pytest

from outcomes.stats import TargetStatus, target_status, target_trajectory

# Rotherham (seed 000): 440 more adults in treatment by the end of 2024/25.
ROTHERHAM = {"baseline_value": 2081, "baseline_date": date(2023, 3, 31),
             "target_value": 2521, "due_date": date(2025, 3, 31)}


def test_trajectory_is_linear_and_clamped():
    assert target_trajectory(**ROTHERHAM, at=date(2023, 3, 31)) == 2081
    assert target_trajectory(**ROTHERHAM, at=date(2025, 3, 31)) == 2521
    halfway = date(2024, 3, 31)  # 366 of 731 days
    assert target_trajectory(**ROTHERHAM, at=halfway) == pytest.approx(2081 + 440 * 366 / 731)
    assert target_trajectory(**ROTHERHAM, at=date(2020, 1, 1)) == 2081
    assert target_trajectory(**ROTHERHAM, at=date(2030, 1, 1)) == 2521


@pytest.mark.parametrize(
    ("value", "on", "status"),
    [
        (None, date(2023, 11, 30), TargetStatus.ON_TRACK),  # value set just above the line
        (2600, date(2024, 1, 1), TargetStatus.ACHIEVED),
        (2100, date(2024, 12, 31), TargetStatus.OFF_TRACK),
        (2500, date(2025, 3, 31), TargetStatus.OFF_TRACK),   # due and missed
        (None, date(2024, 1, 1), TargetStatus.NO_DATA),
    ],
)
def test_status_against_the_trajectory(value, on, status):
    expected = target_trajectory(**ROTHERHAM, at=on)
    if status == TargetStatus.ON_TRACK:
        value = expected + 1  # just above the line
    assert target_status(**ROTHERHAM, latest_value=value, latest_date=on) == status


def test_a_downward_target():
    kwargs = {"baseline_value": 6.0, "baseline_date": date(2022, 1, 1),
              "target_value": 4.0, "due_date": date(2026, 1, 1)}
    # Halfway in time the line stands at 5.0.
    assert target_status(**kwargs, latest_value=4.9, latest_date=date(2024, 1, 1)) == "on track"
    assert target_status(**kwargs, latest_value=5.1, latest_date=date(2024, 1, 1)) == "off track"
    assert target_status(**kwargs, latest_value=3.9, latest_date=date(2024, 1, 1)) == "achieved"


def test_without_a_baseline_only_achieved_or_missed_can_be_said():
    kwargs = {"target_value": 75.0, "due_date": date(2025, 3, 31), "higher_is_better": True}
    assert target_status(**kwargs, latest_value=76, latest_date=date(2024, 6, 30)) == "achieved"
    assert target_status(**kwargs, latest_value=60, latest_date=date(2024, 6, 30)) == "no data"
    assert target_status(**kwargs, latest_value=60, latest_date=date(2025, 3, 31)) == "off track"
