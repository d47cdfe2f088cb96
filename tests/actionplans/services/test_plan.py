"""actionplans/services/plan.py against PostgreSQL: the plan, its objectives and key
actions."""

import pytest
from django.core.exceptions import ValidationError

from actionplans import selectors, services
from actionplans.models import Milestone
from outcomes.models import Metric

pytestmark = pytest.mark.django_db


def test_metrics_and_partners_must_be_the_partnerships_own(tenants):
    lead = tenants.users["a_lead"]
    b_metric = Metric.objects.get(owner=tenants.b, code="digital_iba")
    milestone = tenants.milestones["a"]
    with pytest.raises(ValidationError):
        services.milestone_update(milestone=milestone, user=lead, version=milestone.version,
                                  changes={}, metrics=[b_metric])
    objective = milestone.key_action.objective
    with pytest.raises(ValidationError):
        services.key_action_create(
            objective=objective, user=lead, title="Borrowed partner",
            responsible_partners=tenants.b.organisations.all())
    with pytest.raises(ValidationError):
        services.key_action_create(objective=objective, user=lead, title="Borrowed lead",
                                   lead=tenants.users["b_lead"])


def test_changing_the_plan_years_moves_dated_milestones_to_their_plan_year(tenants):
    lead = tenants.users["a_lead"]
    plan = tenants.plans["a"]
    milestone = tenants.milestones["a"]
    services.action_plan_save(partnership=tenants.a, user=lead, title=plan.title,
                              first_year=2021, years=3)
    moved = Milestone.objects.get(pk=milestone.pk)
    assert (moved.plan_year, moved.version) == (2, milestone.version + 1)
    entry = selectors.milestone_history(milestone=moved)[0]
    assert entry.reason == "The plan's years changed"
    assert entry.changes == [("Plan year", "1", "2")]


def test_shortening_the_plan_cannot_strand_milestones_set_by_year(tenants):
    lead = tenants.users["a_lead"]
    services.milestone_create(key_action=tenants.milestones["a"].key_action, user=lead,
                              title="Year 3 review", plan_year=3)
    with pytest.raises(ValidationError) as error:
        services.action_plan_save(partnership=tenants.a, user=lead, title="Plan",
                                  first_year=2022, years=2)
    assert error.value.message_dict["years"] == [
        "1 milestone is set for a year after year 2: give it an earlier year first"]


def test_signing_off_needs_a_date(tenants):
    with pytest.raises(ValidationError):
        services.action_plan_save(partnership=tenants.a, user=tenants.users["a_lead"],
                                  title="Plan", first_year=2022, status="signed_off")
