"""actionplans/views/plan.py: the plan page's grouping and filters; what every page shows
escaped."""

import pytest

from actionplans import services
from actionplans.models import Milestone

from .helpers import PLAN, add_milestones, milestone_url

pytestmark = pytest.mark.django_db


def test_the_plan_groups_by_priority_or_strand_with_counts(client, tenants):
    add_milestones(tenants)
    client.force_login(tenants.users["a_viewer"])
    by_priority = client.get(PLAN).content.decode()
    assert by_priority.index("Break drug supply chains") < by_priority.index(
        "Deliver a world-class treatment and recovery system")
    assert "3 milestones." in by_priority
    by_strand = client.get(PLAN + "?group=strand").content.decode()
    assert by_strand.index("<h2 class=\"govuk-heading-l\" id=\"group-1\">Prevent") < (
        by_strand.index("id=\"group-2\">Pursue"))


@pytest.mark.parametrize(("query", "titles"), [
    ("status=at_risk", {"County lines closures"}),
    ("status=at_risk&status=complete", {"County lines closures", "Tasking group set up"}),
    ("overdue=true", {"County lines closures", "Prison leavers seen within 3 weeks"}),
    ("year=3", {"Tasking group set up", "County lines closures"}),
    ("priority=supply&strand=pursue", {"Tasking group set up", "County lines closures"}),
])
def test_filters(client, tenants, query, titles):
    add_milestones(tenants)
    client.force_login(tenants.users["a_viewer"])
    response = client.get(f"{PLAN}?{query}")
    shown = {m.title for m in Milestone.objects.all() if f">{m.title}</a>" in
             response.content.decode()}
    assert shown == titles


def test_the_lead_and_partner_filters(client, tenants):
    add_milestones(tenants)
    client.force_login(tenants.users["a_viewer"])
    body = client.get(f"{PLAN}?lead={tenants.users['a_admin'].pk}").content.decode()
    assert "County lines closures" in body and "Prison leavers" not in body
    partner = tenants.a.organisations.get()
    body = client.get(f"{PLAN}?partner={partner.pk}").content.decode()
    assert "Prison leavers" in body and "County lines closures" not in body
    # Another partnership's organisation is not a choice: the filter shows nothing.
    other = tenants.b.organisations.get()
    assert "0 milestones" in client.get(f"{PLAN}?partner={other.pk}").content.decode()


def test_html_in_every_text_field_is_escaped(client, tenants):
    lead = tenants.users["a_lead"]
    milestone = tenants.milestones["a"]
    services.milestone_update(milestone=milestone, user=lead, version=milestone.version,
                              changes={"progress_note": "<script>alert('x')</script>"})
    services.risk_save(partnership=tenants.a, user=lead, risk=tenants.risks["a"],
                       mitigation="<img src=x onerror=alert(1)>")
    client.force_login(tenants.users["a_viewer"])
    for url in (PLAN, milestone_url(milestone), PLAN + "risks/", PLAN + "report/?year=1"):
        body = client.get(url).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body, url
