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
