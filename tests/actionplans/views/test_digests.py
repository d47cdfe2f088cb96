"""actionplans/views/digests.py: a lead's weekly email page."""

import pytest

from .helpers import PLAN, milestone_url

pytestmark = pytest.mark.django_db


DIGEST_PAGE = PLAN + "weekly-email/"
DRAFT = "Your plan is a draft, so no weekly email is sent until it is signed off."


def checked(page: str) -> str:
    """The value of the radio button that is checked."""
    import re

    [value] = re.findall(r'value="([^"]*)"\s+checked', page)
    return value


def test_a_lead_chooses_the_day_of_their_weekly_email_or_switches_it_off(client, tenants):
    from actionplans.models import DigestPreference

    lead = tenants.users["a_lead"]
    client.force_login(lead)
    assert DIGEST_PAGE in client.get(PLAN).content.decode()  # reached from the plan
    page = client.get(DIGEST_PAGE).content.decode()
    assert checked(page) == "0"  # on, Mondays, by default
    assert DRAFT in page
    assert f"{PLAN}details/?sign_off=1" in page  # a lead may sign the plan off

    response = client.post(DIGEST_PAGE, {"send_on": "2"}, follow=True)
    # Not "will come on Wednesdays": the plan is a draft, so it will not.
    assert ("Your weekly email is set for Wednesdays. " + DRAFT) in response.content.decode()
    assert DigestPreference.objects.values_list("enabled", "weekday").get(user=lead) == (True, 2)
    response = client.post(DIGEST_PAGE, {"send_on": "off"}, follow=True)
    assert "You will not get the weekly email." in response.content.decode()
    assert DigestPreference.objects.values_list("enabled", "weekday").get(user=lead) == (
        False, 2)
    assert checked(client.get(DIGEST_PAGE).content.decode()) == "off"
    # Only in this partnership: the lead's preferences elsewhere are their own.
    assert not DigestPreference.objects.filter(partnership=tenants.b, user=lead).exists()


def test_the_digest_page_refuses_a_missing_or_made_up_choice(client, tenants):
    client.force_login(tenants.users["a_lead"])
    for data in ({}, {"send_on": "6"}, {"send_on": "sunday"}):
        response = client.post(DIGEST_PAGE, data)
        body = response.content.decode()
        assert response.status_code == 200
        assert "<title>Error: Your weekly email" in body
        assert "govuk-error-summary" in body
    from actionplans.models import DigestPreference

    assert not DigestPreference.objects.filter(user=tenants.users["a_lead"]).exists()


def test_the_digest_page_shows_what_this_weeks_email_would_list(client, tenants):
    from actionplans import services as plan_services

    from ..digest_helpers import sign_off

    sign_off(tenants)
    client.force_login(tenants.users["a_lead"])
    page = client.get(DIGEST_PAGE).content.decode()
    assert DRAFT not in page
    assert "1 overdue." in page
    assert milestone_url(tenants.milestones["a"], "progress/") in page
    milestone = tenants.milestones["a"]
    plan_services.milestone_update(milestone=milestone, user=tenants.users["a_lead"],
                                   version=milestone.version, changes={"status": "complete"})
    page = client.get(DIGEST_PAGE).content.decode()
    assert "Nothing: none of the milestones you lead here" in page


def test_viewers_have_no_weekly_email_to_set(client, tenants):
    client.force_login(tenants.users["a_viewer"])
    assert DIGEST_PAGE not in client.get(PLAN).content.decode()
    assert client.get(DIGEST_PAGE).status_code == 403
