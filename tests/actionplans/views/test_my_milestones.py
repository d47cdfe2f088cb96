"""/my-milestones/: a lead's own milestones across the partnerships they may see."""

from datetime import date

import pytest
from django.utils import timezone

from actionplans import services
from partnerships import services as partnership_services

pytestmark = pytest.mark.django_db

URL = "/my-milestones/"


def test_a_lead_sees_the_milestones_of_their_key_actions_overdue_first(client, tenants):
    lead = tenants.users["a_lead"]
    action = tenants.milestones["a"].key_action  # led by a_lead, due 31 March 2023: overdue
    later = date(timezone.localdate().year + 2, 6, 30)
    services.milestone_create(key_action=action, user=lead, title="Later milestone",
                              due_date=date(later.year, 3, 31), status="on_track")
    services.milestone_create(key_action=action, user=lead, title="Done milestone",
                              due_date=date(2023, 1, 31), status="complete")
    other = services.key_action_create(objective=action.objective, user=lead,
                                       title="Someone else's", lead=tenants.users["a_admin"])
    services.milestone_create(key_action=other, user=lead, title="Not mine", plan_year=1)
    client.force_login(lead)
    response = client.get(URL)
    assert response.status_code == 200
    titles = [m.title for m in response.context["milestones"]]
    assert titles == ["Prison leavers seen within 3 weeks", "Done milestone", "Later milestone"]
    assert response.context["overdue"] == 1
    page = response.content.decode()
    assert "1 overdue" in page and "Not mine" not in page
    # All in one partnership: named once, above the list, not in a column of its own.
    assert "you lead: 3 in Rotherham CDP, 1 overdue" in page
    assert ">Partnership</th>" not in page
    assert f"/partnerships/rotherham/plan/milestones/{tenants.milestones['a'].pk}/progress/" in (
        page)
    assert 'aria-current="page">My milestones' in page
    # The derived status and why, as on the plan page: overdue, and since when.
    first = response.context["milestones"][0]
    assert first.overdue_reason == (
        f"was due 31 March 2023; status recorded: {first.get_status_display()}")
    assert ('<strong class="govuk-tag govuk-tag--red">Overdue</strong><span '
            'class="govuk-visually-hidden">:</span> <span class="govuk-body-s '
            f'cdp-overdue-reason">{first.overdue_reason}</span>') in page
    assert response.context["milestones"][1].overdue_reason == ""


def test_milestones_come_from_every_partnership_the_lead_may_see_and_no_other(client, tenants):
    lead = tenants.users["a_lead"]
    b_action = tenants.milestones["b"].key_action
    b_action.lead = lead  # led by a_lead, but a_lead is not a member of Darlington
    b_action.save()
    client.force_login(lead)
    assert [m.pk for m in client.get(URL).context["milestones"]] == [tenants.milestones["a"].pk]
    partnership_services.membership_create(partnership=tenants.b, user=lead, role="viewer")
    response = client.get(URL)
    shown = {m.pk: m.can_update for m in response.context["milestones"]}
    # A viewer in Darlington sees the milestone but is not offered the progress form there.
    assert shown == {tenants.milestones["a"].pk: True, tenants.milestones["b"].pk: False}
    assert response.context["partnerships"] == 2
    page = response.content.decode()
    assert "2 in 2 partnerships" in page and ">Partnership</th>" in page
    assert "Partnership: </span>Darlington CDP" in page
    assert f"darlington/plan/milestones/{tenants.milestones['b'].pk}/progress/" not in (
        response.content.decode())


def test_someone_who_leads_nothing_is_told_so(client, tenants):
    client.force_login(tenants.users["a_viewer"])
    page = client.get(URL).content.decode()
    assert "You do not lead any key actions" in page


def test_signed_out_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/sign-in/" in response["Location"]
