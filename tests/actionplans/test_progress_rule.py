"""actionplans/progress.py: the one overdue rule, in its Python, database and pandas forms,
gives the same derived status for every milestone on every day."""

from datetime import date

import pandas as pd
import pytest

from actionplans import progress
from actionplans.aggregates import MILESTONE_COLUMNS
from actionplans.filtersets import overdue_q as filterset_overdue_q
from actionplans.models import KeyAction, Milestone, MilestoneStatus

pytestmark = pytest.mark.django_db

STATUSES = [value for value, _ in MilestoneStatus.choices]
# (due_date, plan_year): by date, by plan year only, both, and neither.
DUES = [(None, None), (None, 1), (None, 2), (None, 3), (date(2023, 3, 30), None),
        (date(2023, 3, 31), 1), (date(2023, 4, 1), 2), (date(2024, 2, 29), 2),
        (date(2025, 3, 31), 3), (date(2026, 12, 7), None)]
# Around 31 March, the day a plan year ends, and around a due date.
TODAYS = [date(2023, 3, 30), date(2023, 3, 31), date(2023, 4, 1), date(2024, 2, 29),
          date(2024, 3, 1), date(2024, 4, 1), date(2025, 3, 31), date(2025, 4, 1),
          date(2026, 12, 7), date(2026, 12, 8)]


def test_the_python_database_and_pandas_forms_agree_on_a_grid(tenants):
    action = KeyAction.objects.get(partnership=tenants.a)
    first_year = action.objective.plan.first_year
    Milestone.objects.filter(partnership=tenants.a).delete()
    Milestone.objects.bulk_create(
        Milestone(partnership=tenants.a, key_action=action, title=f"{status} {due} {year}",
                  status=status, due_date=due, plan_year=year)
        for status in STATUSES for due, year in DUES)
    milestones = Milestone.objects.filter(partnership=tenants.a)
    rows = list(milestones.values("pk", "status", "due_date", "plan_year"))
    frame = pd.DataFrame([(tenants.a.pk, r["status"], r["due_date"], r["plan_year"], "", "",
                           first_year) for r in rows], columns=MILESTONE_COLUMNS)
    seen = set()
    for today in TODAYS:
        python = [progress.derived_status(
            r["status"], progress.due_by(r["due_date"], r["plan_year"], first_year), today)
            for r in rows]
        database = dict(milestones.annotate(
            derived=progress.derived_status_expression(today)).values_list("pk", "derived"))
        late = set(milestones.filter(progress.overdue_q(today)).values_list("pk", flat=True))
        assert set(milestones.filter(filterset_overdue_q(today)).values_list(
            "pk", flat=True)) == late
        pandas = list(progress.derived_status_series(frame, today))
        assert python == [database[r["pk"]] for r in rows] == pandas, today
        assert late == {r["pk"] for r, d in zip(rows, python, strict=True)
                        if d == progress.OVERDUE}
        assert list(progress.overdue_series(frame, today)) == [
            d == progress.OVERDUE for d in python]
        seen.update(python)
    # The grid reaches every derived status, overdue and not.
    assert seen == {value for value, _ in progress.DERIVED_STATUSES}


def test_overdue_overrides_every_unfinished_status_and_no_finished_one():
    due, today = date(2024, 3, 31), date(2024, 4, 1)
    for status in STATUSES:
        expected = status if status in ("complete", "closed") else "overdue"
        assert progress.derived_status(status, due, today) == expected
        assert progress.derived_status(status, due, due) == status  # due today: not yet


def test_the_reason_says_when_it_was_due_and_the_status_recorded():
    assert progress.overdue_reason(due=date(2024, 3, 31), status_label="On track") == (
        "was due 31 March 2024; status recorded: On track")
