"""actionplans/demo/york.py: York's plan under the national priorities."""

import pytest

from actionplans.models import KeyAction, Milestone

pytestmark = pytest.mark.django_db


def test_york_keeps_the_police_references_under_the_national_priorities(loaded):
    action = KeyAction.objects.get(partnership__slug="york", reference="Police – Purs 1")
    assert action.objective.priority == "supply"
    assert action.objective.strand == "pursue"
    assert list(action.responsible_partners.values_list("name", flat=True)) == ["Police"]
    assert action.lead.username == "york.lead"
    prep_9 = KeyAction.objects.get(partnership__slug="york", reference="Police – Prep 9")
    assert prep_9.objective.strand == "protect"


def test_york_year_one_progress_is_kept(loaded):
    iba = Milestone.objects.get(partnership__slug="york", progress_note__contains="6860")
    assert iba.plan_year == 1
    assert iba.status == Milestone.Status.AT_RISK
    assert iba.status_is_synthetic
    assert list(iba.metrics.values_list("code", flat=True)) == ["digital_iba"]
    in_post = Milestone.objects.get(partnership__slug="york",
                                    progress_note="DD Advocate in post since May 2022")
    assert (in_post.status, in_post.status_is_synthetic) == (Milestone.Status.COMPLETE, False)
    years = set(Milestone.objects.filter(partnership__slug="york")
                .values_list("plan_year", flat=True))
    assert years == {1, 2, 3}
