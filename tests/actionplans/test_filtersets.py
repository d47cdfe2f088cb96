"""actionplans/filtersets.py: each filter narrows the milestones as its help text says (the
plan page and the API share them)."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from actionplans import services
from actionplans.filtersets import ActionPlanFilterSet, MilestoneFilterSet, overdue_q
from actionplans.models import ActionPlan, Milestone
from partnerships.models import Organisation

pytestmark = pytest.mark.django_db


def filtered(params, queryset=None, **kwargs) -> set:
    filterset = MilestoneFilterSet(params, queryset=queryset or Milestone.objects.all(),
                                   **kwargs)
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs)


@pytest.fixture
def plan(tenants):
    """Partnership A's plan (first year 2022/23) with a second objective, on the supply
    priority and the pursue strand, led by the administrator with the police as partner."""
    lead, admin = tenants.users["a_lead"], tenants.users["a_admin"]
    police = Organisation.objects.get(partnership=tenants.a)
    objective = services.objective_create(plan=tenants.plans["a"], user=lead,
                                          title="Disrupt county lines", priority="supply",
                                          strand="pursue")
    action = services.key_action_create(objective=objective, user=lead, title="Closure orders",
                                        lead=admin, responsible_partners=[police])
    tenants.year_one = services.milestone_create(key_action=action, user=lead,
                                                 title="Year one", plan_year=1,
                                                 status="at_risk")
    tenants.year_two = services.milestone_create(key_action=action, user=lead,
                                                 title="Year two", plan_year=2,
                                                 status="complete")
    tenants.dated = tenants.milestones["a"]  # due 31 March 2023, on track, treatment/prevent
    return tenants


def test_milestones_by_partnership(plan):
    assert filtered({"partnership": "darlington"}) == {plan.milestones["b"]}
    assert filtered({"partnership": "rotherham"}) == {plan.dated, plan.year_one, plan.year_two}


def test_milestones_by_one_status_or_several(plan):
    mine = Milestone.objects.filter(partnership=plan.a)
    assert filtered({"status": ["at_risk"]}, mine) == {plan.year_one}
    assert filtered({"status": ["at_risk", "on_track"]}, mine) == {plan.year_one, plan.dated}
    wrong = MilestoneFilterSet({"status": ["late"]}, queryset=mine)
    assert not wrong.is_valid() and list(wrong.errors) == ["status"]


def test_milestones_by_plan_year_priority_and_strand(plan):
    mine = Milestone.objects.filter(partnership=plan.a)
    assert filtered({"year": "2"}, mine) == {plan.year_two}
    assert filtered({"priority": "supply"}, mine) == {plan.year_one, plan.year_two}
    assert filtered({"priority": "treatment"}, mine) == {plan.dated}
    assert filtered({"strand": "prevent"}, mine) == {plan.dated}
    assert filtered({"strand": "protect"}, mine) == set()


def test_milestones_by_lead_and_partner_among_those_offered(plan):
    mine = Milestone.objects.filter(partnership=plan.a)
    leads = get_user_model().objects.filter(pk__in=[plan.users["a_lead"].pk,
                                                    plan.users["a_admin"].pk])
    partners = Organisation.objects.filter(partnership=plan.a)
    offered = {"leads": leads, "partners": partners}
    assert filtered({"lead": plan.users["a_admin"].pk}, mine, **offered) == {plan.year_one,
                                                                             plan.year_two}
    assert filtered({"lead": plan.users["a_lead"].pk}, mine, **offered) == {plan.dated}
    police = partners.get()
    assert filtered({"partner": police.pk}, mine, **offered) == {plan.dated, plan.year_one,
                                                                 plan.year_two}
    # Without the choices, or with another partnership's, nobody is offered.
    unoffered = MilestoneFilterSet({"lead": plan.users["a_admin"].pk}, queryset=mine)
    assert not unoffered.is_valid() and list(unoffered.errors) == ["lead"]
    theirs = Organisation.objects.get(partnership=plan.b)
    other = MilestoneFilterSet({"partner": theirs.pk}, queryset=mine, **offered)
    assert not other.is_valid() and list(other.errors) == ["partner"]


def test_overdue_milestones_are_past_their_date_or_plan_year_and_not_finished(plan):
    mine = Milestone.objects.filter(partnership=plan.a)

    def overdue_on(day):
        return set(mine.filter(overdue_q(day)))

    # On 31 March 2023 the first plan year, and the dated milestone, are not over yet.
    assert overdue_on(date(2023, 3, 31)) == set()
    # The day after, both are late; the second year's is finished, so never overdue.
    assert overdue_on(date(2023, 4, 1)) == {plan.dated, plan.year_one}
    assert overdue_on(date(2030, 1, 1)) == {plan.dated, plan.year_one}
    # Today (the plan's years have all ended): the filter says the same, either way.
    assert filtered({"overdue": "true"}, mine) == {plan.dated, plan.year_one}
    assert filtered({"overdue": "false"}, mine) == {plan.year_two}
    assert filtered({"overdue": ""}, mine) == set(mine)


def test_plans_by_partnership(tenants):
    filterset = ActionPlanFilterSet({"partnership": "rotherham"},
                                    queryset=ActionPlan.objects.all())
    assert set(filterset.qs) == {tenants.plans["a"]}
