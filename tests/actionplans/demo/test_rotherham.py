"""actionplans/demo/rotherham.py: Rotherham's signed-off plan by its four strands."""

from datetime import date

import pytest

from actionplans.models import ActionPlan, Objective

pytestmark = pytest.mark.django_db


def test_rotherham_has_the_thirteen_objectives_of_its_four_strands(loaded):
    plan = ActionPlan.objects.get(partnership__slug="rotherham")
    assert plan.title == "Rotherham Combating Drugs Partnership action plan"
    assert plan.status == ActionPlan.Status.SIGNED_OFF
    assert plan.signed_off_on == date(2026, 3, 31)  # 31 March 2024, moved by 2 years
    objectives = Objective.objects.filter(plan=plan)
    by_strand = {}
    for strand, title in objectives.values_list("strand", "title"):
        by_strand.setdefault(strand, []).append(title)
    assert {s: len(t) for s, t in by_strand.items()} == {"prepare": 3, "prevent": 3,
                                                         "protect": 4, "pursue": 3}
    assert "Facilitate improved information sharing including with IT systems" \
        in by_strand["prepare"]
    assert "Develop whole family approach" in by_strand["prevent"]
    assert "Implement dual diagnosis pathways and improved psychological support" \
        in by_strand["protect"]
    assert "Disrupt organised crime" in by_strand["pursue"]
    assert set(objectives.filter(strand="pursue").values_list("priority", flat=True)) \
        == {"supply"}
    assert not objectives.filter(priority="").exists()
