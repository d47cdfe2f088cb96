"""actionplans/demo/builders.py: every seed is loaded through the services by its partnership's
lead, idempotent, and every invented status marked synthetic."""

import pytest

from actionplans.models import KeyAction, Milestone

from .conftest import counts

pytestmark = pytest.mark.django_db


def test_loading_twice_duplicates_nothing(loaded):
    assert counts() == loaded
    assert loaded["ActionPlan"] == 3


def test_invented_statuses_are_marked_synthetic(loaded):
    drinkcoach = Milestone.objects.get(partnership__slug="rotherham",
                                       title__startswith="Drinkcoach")
    assert drinkcoach.status == Milestone.Status.COMPLETE
    assert not drinkcoach.status_is_synthetic
    assert "April 2023" in drinkcoach.progress_note
    assert Milestone.objects.filter(status_is_synthetic=True).exists()
    # A status that is not invented is always backed by the seed's own words.
    assert not Milestone.objects.filter(status_is_synthetic=False, progress_note="").exists()
    # The history row of a synthetic milestone's creation says so too.
    synthetic = Milestone.objects.filter(status_is_synthetic=True).first()
    assert synthetic.history.count() == 1
    assert synthetic.history.get().status_is_synthetic


def test_loaded_by_each_partnerships_lead(loaded):
    for action in KeyAction.objects.select_related("lead", "partnership"):
        assert action.lead.username == f"{action.partnership.slug}.lead"
        assert all(o.partnership_id == action.partnership_id
                   for o in action.responsible_partners.all())
    users = set(Milestone.history.values_list("history_user__username", flat=True))
    assert users == {"rotherham.lead", "york.lead", "cambridgeshire-peterborough.lead"}


def test_dates_are_moved_by_whole_years_so_31_march_stays_31_march():
    from datetime import date

    from actionplans.demo.builders import shifted, year_shift

    assert year_shift(date(2024, 3, 31), date(2026, 12, 7)) == 2
    assert year_shift(date(2024, 3, 31), date(2026, 3, 30)) == 1  # not on or before yet
    assert year_shift(date(2023, 2, 1), date(2026, 12, 7)) == 3
    assert shifted(date(2024, 3, 31), 2) == date(2026, 3, 31)
    assert shifted(date(2024, 2, 29), 1) == date(2025, 2, 28)


def test_each_plan_runs_now_with_its_years_aligned_and_a_realistic_mix(loaded):
    """As on 7 December 2026: each plan moved by whole years, its plan years still ending on
    31 March, and its milestones a mix of complete, on track, at risk and overdue."""
    from collections import Counter

    from actionplans.demo.builders import demo_shift
    from actionplans.derived import progress_counts
    from actionplans.models import ActionPlan
    from tests.conftest import DEMO_TODAY

    plans = {p.partnership.slug: p for p in ActionPlan.objects.select_related("partnership")}
    assert {slug: p.first_year for slug, p in plans.items()} == {
        "rotherham": 2025, "york": 2025, "cambridgeshire-peterborough": 2026}
    assert {slug: demo_shift(slug, p.first_year) for slug, p in plans.items()} == {
        "rotherham": 2, "york": 3, "cambridgeshire-peterborough": 8}
    dated = Milestone.objects.filter(due_date__isnull=False)
    for milestone in dated.select_related("key_action__objective__plan"):
        plan = milestone.key_action.objective.plan
        assert milestone.plan_year == plan.plan_year_of(milestone.due_date)
    totals = Counter()
    for slug in plans:
        rows = progress_counts(Milestone.objects.filter(partnership__slug=slug),
                               DEMO_TODAY)["priority"]
        for row in rows:
            totals.update({k: row[k] for k in ("complete", "on_track", "at_risk", "overdue")})
    assert all(totals[k] > 0 for k in ("complete", "on_track", "at_risk", "overdue")), totals
    assert totals["overdue"] < totals["complete"] + totals["on_track"] + totals["at_risk"]
