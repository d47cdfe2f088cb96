"""The plan page's milestones, filter form and tables, kept in the cache
(actionplans/plan_fragment.py): served from it while nothing they show has changed, never
after a change, whatever made it, and never to another partnership, role or query."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionplans import services
from actionplans.models import Milestone

from .helpers import PLAN, add_milestones

pytestmark = pytest.mark.django_db


def page(client) -> str:
    response = client.get(PLAN)
    assert response.status_code == 200
    return response.content.decode()


def milestones(body: str) -> str:
    """The cached part of the page."""
    start = body.index('<h2 class="govuk-heading-m">Milestones by status</h2>')
    return body[start:body.index("</main>")]


@pytest.fixture
def viewer(client, tenants):
    add_milestones(tenants)
    client.force_login(tenants.users["a_viewer"])
    return client


def test_a_hit_reads_no_milestones_and_serves_what_was_rendered(viewer, tenants):
    first = milestones(page(viewer))
    with CaptureQueriesContext(connection) as queries:
        assert milestones(page(viewer)) == first
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "actionplans_milestone\".\"title" not in read
    assert "actionplans_keyaction\".\"title" not in read
    # A row changed behind every record of change (no save, no history) is not seen.
    Milestone.objects.filter(title="County lines closures").update(title="Changed behind")
    assert "Changed behind" not in page(viewer)


def test_a_progress_update_shows_at_once(viewer, tenants):
    page(viewer)
    milestone = Milestone.objects.get(title="County lines closures")
    services.progress_update_add(milestone=milestone, user=tenants.users["a_lead"],
                                 version=milestone.version, status="off_track",
                                 text="Closures paused")
    body = page(viewer)
    assert "Closures paused" in body and "Off track" in body


def test_a_milestone_added_or_deleted_shows_at_once(viewer, tenants):
    assert "3 milestones." in page(viewer)
    action = Milestone.objects.get(title="County lines closures").key_action
    services.milestone_create(key_action=action, user=tenants.users["a_lead"],
                              title="Another closure", plan_year=3, status="on_track")
    assert "Another closure" in page(viewer)
    Milestone.objects.get(title="Another closure").delete()
    body = page(viewer)
    assert "Another closure" not in body and "3 milestones." in body


def test_a_change_to_an_objective_a_key_action_or_the_plan_shows_at_once(viewer, tenants):
    page(viewer)
    action = Milestone.objects.get(title="County lines closures").key_action
    action.title = "OCG disruption (renamed)"
    action.save()
    assert "OCG disruption (renamed)" in page(viewer)
    objective = action.objective
    objective.title = "Disrupt organised crime (renamed)"
    objective.save()
    assert "Disrupt organised crime (renamed)" in page(viewer)
    # The plan's years decide the year filter's choices and when a "year 3" milestone is due.
    plan = tenants.plans["a"]
    assert "Year 3 (2025/26)" not in page(viewer)
    services.action_plan_save(partnership=tenants.a, user=tenants.users["a_lead"],
                              title=plan.title, first_year=2023, years=3, status=plan.status,
                              signed_off_on=plan.signed_off_on, signed_off_by=plan.signed_off_by)
    assert "Year 3 (2025/26)" in page(viewer)


def test_a_lead_renamed_or_a_partner_renamed_or_unlinked_shows_at_once(viewer, tenants):
    """A person's name keeps no history, nor does a link a deletion empties: the version
    reads them as they are."""
    page(viewer)
    lead = tenants.users["a_admin"]
    lead.first_name, lead.last_name = "Renamed", "Lead"
    lead.save()
    assert "Renamed Lead" in page(viewer)
    partner = tenants.a.organisations.get()
    partner.name = "Renamed partner"
    partner.save()
    assert page(viewer).count("Renamed partner") >= 2  # the filter and a key action
    action = partner.key_actions.get()
    action.responsible_partners.remove(partner)
    assert page(viewer).count("Renamed partner") == 1  # the filter only


def test_each_role_query_and_partnership_has_its_own(client, tenants):
    """A lead is offered to re-date overdue milestones and a viewer is not, whoever asked
    first; a filtered page is not the unfiltered one; another partnership's is its own."""
    client.force_login(tenants.users["a_lead"])
    assert "Re-date or close overdue milestones" in page(client)
    client.force_login(tenants.users["a_viewer"])
    assert "Re-date or close overdue milestones" not in page(client)
    everything = page(client)
    filtered = client.get(f"{PLAN}?status=complete").content.decode()
    assert filtered != everything and "match the filters" in filtered
    client.force_login(tenants.users["b_viewer"])
    other = client.get("/partnerships/darlington/plan/").content.decode()
    assert "Darlington CDP Police" in other and "Rotherham CDP Police" not in other


def test_the_day_is_part_of_the_key(viewer, tenants, clock):
    """A milestone becomes overdue the day after it was due, with no edit."""
    clock.set(date(2024, 6, 30))
    assert "was due 30 June 2024" not in page(viewer)
    clock.set(date(2024, 7, 1))
    assert "was due 30 June 2024" in page(viewer)
