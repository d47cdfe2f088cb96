"""actionplans/views/digests.py: the weekly email's preview, and a test sent to oneself."""

import re

import pytest
from django.core.cache import cache
from django.utils.html import escape

from actionplans.models import ActionPlan, DigestSent
from actionplans.services.digests import digest_send, digest_test_key
from actionplans.views.base import date_today

from ..digest_helpers import sign_off
from .helpers import PLAN

pytestmark = pytest.mark.django_db

PREVIEW = PLAN + "weekly-email/preview/"
DRAFT = "Your plan is a draft, so no weekly email is sent until it is signed off."


@pytest.fixture
def lead(tenants):
    user = tenants.users["a_lead"]
    cache.delete(digest_test_key(partnership=tenants.a, user=user))
    yield user
    cache.delete(digest_test_key(partnership=tenants.a, user=user))


def email_body(html: str) -> str:
    [body] = re.findall(r"<body>\n(.*)</body>", html, re.S)
    return body.strip()


def test_the_preview_is_the_email_the_send_task_sends(client, tenants, lead, mailoutbox):
    sign_off(tenants)
    client.force_login(lead)
    page = client.get(PREVIEW).content.decode()
    assert DRAFT not in page
    assert digest_send(partnership=tenants.a, lead=lead, on=date_today()) == "sent"
    [email] = mailoutbox
    [(html, _)] = email.alternatives
    assert "1 overdue" in email.subject
    assert escape(email.subject) in page
    assert email_body(html) in page  # the HTML body, word for word
    assert escape(email.body) in page  # and the plain-text one
    assert "This is a test" not in page


def test_a_lead_sends_themselves_a_test_once_a_minute(client, tenants, lead, mailoutbox):
    sign_off(tenants)
    client.force_login(lead)
    response = client.post(PREVIEW, follow=True)
    assert f"A test of your weekly email was sent to {lead.email}." in response.content.decode()
    [email] = mailoutbox
    assert email.to == [lead.email] and not email.cc and not email.bcc
    assert email.subject.startswith("Test: Your milestones this week: 1 overdue")
    assert email.body.startswith("THIS IS A TEST")
    assert "<strong>This is a test</strong>" in email.alternatives[0][0]
    # A test is not this week's email: the real one still goes.
    assert not DigestSent.objects.filter(lead=lead).exists()

    response = client.post(PREVIEW, follow=True)
    assert "A test was sent to you less than a minute ago" in response.content.decode()
    assert len(mailoutbox) == 1


def test_a_test_of_an_empty_week_says_none_needs_you(client, tenants, lead, mailoutbox):
    from actionplans import services

    milestone = tenants.milestones["a"]
    services.milestone_update(milestone=milestone, user=lead, version=milestone.version,
                              changes={"status": "complete"})
    client.force_login(lead)
    page = client.get(PREVIEW).content.decode()
    assert "no email would be sent today" not in page  # a draft says why first
    assert DRAFT in page
    client.post(PREVIEW)
    [email] = mailoutbox
    assert "Your plan is a draft, so no weekly email is sent" in email.body
    assert "None of your milestones in Rotherham" in email.body


def test_a_draft_plan_says_why_nothing_is_sent_and_offers_sign_off(client, tenants, lead):
    client.force_login(lead)
    page = client.get(PREVIEW).content.decode()
    assert DRAFT in page
    assert f"{PLAN}details/?sign_off=1" in page
    plan_page = client.get(PLAN).content.decode()
    assert "Sign off the plan" in plan_page
    # The sign-off form comes with "Signed off" chosen and today's date, to check and save.
    form = client.get(f"{PLAN}details/?sign_off=1").content.decode()
    assert re.search(r'value="signed_off"[^>]*checked', form)
    assert f'value="{date_today().year}"' in form
    assert ActionPlan.objects.get(partnership=tenants.a).status == "draft"  # not yet

    sign_off(tenants)
    assert "Sign off the plan" not in client.get(PLAN).content.decode()
    assert DRAFT not in client.get(PREVIEW).content.decode()


def test_only_those_who_may_sign_off_are_offered_it(client, tenants):
    client.force_login(tenants.users["a_viewer"])
    assert "Sign off the plan" not in client.get(PLAN).content.decode()
    assert client.get(PREVIEW).status_code == 403
    client.force_login(tenants.users["a_analyst"])
    assert "Sign off the plan" not in client.get(PLAN).content.decode()
    assert client.post(PREVIEW).status_code == 403


def test_the_preview_says_why_a_signed_off_plans_email_would_not_go(client, tenants, lead):
    from actionplans import services

    sign_off(tenants)
    services.digest_preference_save(partnership=tenants.a, user=lead, enabled=False)
    client.force_login(lead)
    page = client.get(PREVIEW).content.decode()
    assert "You have switched the weekly email off, so it is not sent." in page
    assert DRAFT not in page


def test_a_milestone_title_is_shown_as_text_in_both_versions(client, tenants, lead):
    from actionplans import services

    milestone = tenants.milestones["a"]
    services.milestone_update(milestone=milestone, user=lead, version=milestone.version,
                              changes={"title": "<script>alert(1)</script> leavers"})
    client.force_login(lead)
    page = client.get(PREVIEW).content.decode()
    assert "<script>alert(1)" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt; leavers") == 2  # HTML and text
