"""actionplans/views/plan.py: the plan page's grouping and filters; what every page shows
escaped."""

from datetime import date

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


# On 1 April 2024: "County lines closures" (at risk, due 30 June 2024) is not yet overdue;
# "Prison leavers seen within 3 weeks" (on track, due 31 March 2023) is, and is shown so.
@pytest.mark.parametrize(("query", "titles"), [
    ("status=at_risk", {"County lines closures"}),
    ("status=at_risk&status=complete", {"County lines closures", "Tasking group set up"}),
    ("status=overdue", {"Prison leavers seen within 3 weeks"}),
    # Recorded as on track, shown as overdue: not under "On track".
    ("status=on_track", set()),
    ("overdue=true", {"Prison leavers seen within 3 weeks"}),
    ("year=3", {"Tasking group set up", "County lines closures"}),
    ("priority=supply&strand=pursue", {"Tasking group set up", "County lines closures"}),
])
def test_filters(client, tenants, clock, query, titles):
    clock.set(date(2024, 4, 1))
    add_milestones(tenants)
    client.force_login(tenants.users["a_viewer"])
    assert shown_titles(client.get(f"{PLAN}?{query}")) == titles


def shown_titles(response) -> set[str]:
    body = response.content.decode()
    return {m.title for m in Milestone.objects.all() if f">{m.title}</a>" in body}


def shown_statuses(response) -> dict[str, str]:
    """Each milestone's title and the status tag the plan page shows beside it."""
    import re

    rows = re.findall(r'<tr class="govuk-table__row" role="row">(.*?)</tr>',
                      response.content.decode(), re.S)
    found = {}
    for row in rows:
        title = re.search(r'<a class="govuk-link" href="[^"]+">([^<]+)</a>', row)
        tag = re.search(r'<strong class="govuk-tag[^"]*">([^<]+)</strong>', row)
        if title and tag:
            found[title.group(1)] = tag.group(1)
    return found


def test_the_status_filter_finds_what_the_page_shows_as_the_clock_moves(client, tenants, clock):
    """Filtering on a status shows exactly the milestones the unfiltered page tags with it,
    on any day: the day after a due date passes, with no edit, the milestone moves from its
    recorded status to Overdue in the filter as on the page."""
    from actionplans.progress import DERIVED_STATUSES

    add_milestones(tenants)
    client.force_login(tenants.users["a_viewer"])
    for day, overdue in [(date(2024, 4, 1), {"Prison leavers seen within 3 weeks"}),
                         (date(2024, 7, 1), {"Prison leavers seen within 3 weeks",
                                             "County lines closures"})]:
        clock.set(day)
        everything = shown_statuses(client.get(PLAN))
        assert len(everything) == 3
        for value, label in DERIVED_STATUSES:
            filtered = shown_statuses(client.get(f"{PLAN}?status={value}"))
            assert set(filtered.values()) <= {label}, (day, value)
            assert set(filtered) == {t for t, shown in everything.items() if shown == label}
        assert set(shown_statuses(client.get(f"{PLAN}?status=overdue"))) == overdue


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
