"""The demo action plans, risks and asks from the seeds: loaded by `load_demo` through the
services, idempotent, and every invented status marked synthetic."""

import io
from datetime import date

import pytest
from django.core.management import call_command

from actionplans.models import ActionPlan, Ask, KeyAction, Milestone, Objective, Risk

pytestmark = pytest.mark.django_db
MODELS = (ActionPlan, Objective, KeyAction, Milestone, Risk, Ask)
COUNTY_LINES_RISKS = {
    "Increase in levels of adult and young people exploitation as county lines dealers are "
    "targeting vulnerable individuals to support their 'business arrangements'",
    "Increase in crime both drug related offences and violent crime",
    "Increased community visibility of drug use and discarded drug paraphernalia in streets and "
    "open spaces and associated ASB",
    "Impact on housing, dealers coming into the area and taking over vulnerable adults and YP "
    "accommodation for drug dealing purposes (referred to as Cuckooing)",
    "Increased harms and overdoses with new dealers coming into the area supplying drugs with "
    "different purity levels and contaminates",
    "Potential increase in the use of class A drugs in younger children",
    "Increased levels of presenting complexities, increasing pressure and demand on services",
}


def counts() -> dict[str, int]:
    rows = {model.__name__: model.objects.count() for model in MODELS}
    rows |= {f"history of {model.__name__}": model.history.count() for model in MODELS}
    return rows


@pytest.fixture
def loaded(settings) -> dict[str, int]:
    """Loads the demo twice; returns the counts after the first load."""
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    first = counts()
    call_command("load_demo", stdout=io.StringIO())
    return first


def test_loading_twice_duplicates_nothing(loaded):
    assert counts() == loaded
    assert loaded["ActionPlan"] == 3


def test_rotherham_has_the_thirteen_objectives_of_its_four_strands(loaded):
    plan = ActionPlan.objects.get(partnership__slug="rotherham")
    assert plan.title == "Rotherham Combating Drugs Partnership action plan"
    assert plan.status == ActionPlan.Status.SIGNED_OFF
    assert plan.signed_off_on == date(2024, 3, 31)
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


def test_cambridgeshire_risks_and_asks(loaded):
    risks = Risk.objects.filter(partnership__slug="cambridgeshire-peterborough")
    assert COUNTY_LINES_RISKS <= set(risks.values_list("title", flat=True))
    assert risks.count() == 9  # and housing issues A and B
    for risk in risks:
        assert risk.status_is_synthetic
        assert "(likelihood and impact are illustrative)" in risk.description
    asks = Ask.objects.filter(partnership__slug="cambridgeshire-peterborough")
    assert asks.count() == 5
    assert set(asks.values_list("status", "raised_on")) == {("open", date(2018, 10, 11))}
    assert asks.filter(directed_to="Responsible Authorities").exists()
    assert not Risk.objects.exclude(partnership__slug="cambridgeshire-peterborough").exists()
    assert KeyAction.objects.filter(partnership__slug="cambridgeshire-peterborough").count() >= 10


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
