"""outcomes/aggregates/targets.py: the target due next after the latest figure, and its
status."""

import itertools
from datetime import date

import pytest

from outcomes.aggregates import summaries
from outcomes.stats import target_trajectory

from .frames import (
    NAN,
    SUPPRESSED,
    metric,
    only,
    summarise,
    year,
)

# --- Targets -------------------------------------------------------------------------------------
TARGET_IDS = itertools.count(1)


def target(description: str, value: float, due: int, *, baseline: float = NAN,
           baseline_year: int | None = None, partnership_id: int = 1, metric_id: int = 1
           ) -> dict:
    return {"target_id": next(TARGET_IDS),
            "partnership_id": partnership_id, "metric_id": metric_id,
            "description": description, "target_value": value,
            "due_period": f"{due}/{(due + 1) % 100:02d}", "due_end": date(due + 1, 3, 31),
            "baseline_value": baseline,
            "baseline_end": date(baseline_year + 1, 3, 31) if baseline_year else None}


@pytest.fixture
def on_day(monkeypatch):
    """Computes the summaries' target status as on the given day, not today."""

    original = summaries._targets  # looked up where the summaries call it

    def pin(day: date) -> None:
        def on(*args, today=None, **kwargs):
            return original(*args, today=day, **kwargs)

        monkeypatch.setattr(summaries, "_targets", on)
    return pin


def test_the_target_due_next_is_chosen_and_its_status_given(on_day):
    on_day(date(2024, 1, 15))  # before the chosen target is due
    rows = [year(2020, 100.0), year(2022, 130.0)]  # latest 2022/23, ends 31 March 2023
    targets = [
        target("Due before", 120.0, 2021, baseline=100.0, baseline_year=2020),
        target("Due later", 160.0, 2026, baseline=100.0, baseline_year=2020),
        target("Due next", 150.0, 2024, baseline=100.0, baseline_year=2020),
        target("Another partnership's", 1.0, 2023, partnership_id=2),
        target("Another metric's", 1.0, 2023, metric_id=2),
    ]
    row = only(summarise(rows, targets=targets))
    assert (row["target_description"], row["target_value"], row["target_due_period"]) == (
        "Due next", 150.0, "2024/25")
    assert row["target_id"] == targets[2]["target_id"]
    expected = target_trajectory(baseline_value=100.0, baseline_date=date(2021, 3, 31),
                                 target_value=150.0, due_date=date(2025, 3, 31),
                                 at=date(2023, 3, 31))
    assert 130.0 >= expected
    assert row["target_status"] == "on track"


def test_a_target_due_on_the_latest_period_end_counts_as_due_next():
    targets = [target("On the day", 200.0, 2022), target("Later", 300.0, 2023)]
    row = only(summarise([year(2022, 130.0)], targets=targets))
    assert (row["target_description"], row["target_status"]) == ("On the day", "off track")


def test_when_every_target_is_past_the_last_due_is_chosen():
    targets = [target("Old", 110.0, 2019), target("Last", 150.0, 2021)]
    row = only(summarise([year(2022, 125.0)], targets=targets))
    assert (row["target_description"], row["target_status"]) == ("Last", "off track")


def test_a_target_past_due_with_no_figure_for_its_due_period_is_not_on_track(on_day):
    """York: 6,860 in 2022/23 towards 15,000 by July 2024, from 0 before 2022/23. On the
    trajectory in 2023, but in November 2026, with no figure since, it is not known."""
    rows = [year(2022, 6860.0)]
    iba = target("15,000 digital IBA interventions", 15000.0, 2024, baseline=0.0,
                 baseline_year=2021)
    iba.update(due_period="Jul 2024", due_end=date(2024, 7, 31))
    on_day(date(2023, 6, 1))
    assert only(summarise(rows, targets=[iba]))["target_status"] == "on track"
    on_day(date(2026, 11, 24))
    assert only(summarise(rows, targets=[iba]))["target_status"] == "no data"
    # A figure for the due period decides it, and one that met the target stands.
    assert only(summarise([year(2024, 14000.0)], targets=[iba]))["target_status"] == (
        "off track")
    assert only(summarise([year(2022, 15500.0)], targets=[iba]))["target_status"] == (
        "achieved")


def test_target_status_by_default_is_as_of_today():
    past_due = target("Due in 2024/25", 150.0, 2024, baseline=100.0, baseline_year=2020)
    status = only(summarise([year(2022, 130.0)], targets=[past_due]))["target_status"]
    assert status == ("on track" if date.today() <= date(2025, 3, 31) else "no data")


def test_target_status_takes_its_direction_from_the_polarity_without_a_baseline():
    targets = [target("Fewer deaths", 20.0, 2024)]
    lower = [metric(polarity="lower_better")]
    assert only(summarise([year(2022, 18.0)], targets=targets, metrics=lower))[
        "target_status"] == "achieved"
    assert only(summarise([year(2022, 25.0)], targets=targets, metrics=lower))[
        "target_status"] == "no data"  # not met, not yet due, no trajectory


def test_no_target_and_no_value():
    row = only(summarise([year(2022, 18.0)]))
    assert (row["target_description"], row["target_value"], row["target_due_period"],
            row["target_status"]) == ("", None, "", "")
    row = only(summarise([year(2022, value_note=SUPPRESSED)],
                         targets=[target("Some", 20.0, 2024)]))
    assert row["target_status"] == "no data"
