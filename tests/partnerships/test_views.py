"""The partnership pages: chooser, overview, members."""

import re

import pytest
from django.urls import reverse

from partnerships import services
from partnerships.models import Membership

pytestmark = pytest.mark.django_db


def test_chooser_is_shown_only_to_people_with_several_partnerships(client, tenants):
    client.force_login(tenants.users["a_lead"])
    response = client.get("/partnerships/")
    assert response.status_code == 302
    assert response["Location"] == "/partnerships/rotherham/"

    services.membership_create(partnership=tenants.b, user=tenants.users["a_lead"], role="viewer")
    response = client.get("/partnerships/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/partnerships/rotherham/"' in html
    assert 'href="/partnerships/darlington/"' in html


def test_someone_with_no_partnership_is_told_what_to_do(client, tenants):
    client.force_login(tenants.users["outsider"])
    response = client.get("/", follow=True)
    assert b"You are not a member of any partnership yet" in response.content


def test_overview_shows_geography_governance_documents_and_members(client, tenants):
    client.force_login(tenants.users["a_viewer"])
    html = client.get("/partnerships/rotherham/about/").content.decode()
    assert "Rotherham" in html and "E08000018" in html
    assert "Yorkshire and The Humber" in html
    assert "Safer Rotherham Partnership" in html
    assert "Needs assessment" in html and "Completed" in html
    assert "Rotherham CDP Police" in html
    assert "Chair of a" in html
    assert "A Lead" in html  # a member's name
    assert "Darlington" not in html
    # Only administrators are offered member management.
    assert "Manage members" not in html
    client.force_login(tenants.users["a_admin"])
    assert "Manage members" in client.get("/partnerships/rotherham/about/").content.decode()


def test_overview_query_count_is_pinned(client, tenants, django_assert_num_queries):
    client.force_login(tenants.users["a_viewer"])
    client.get("/partnerships/rotherham/about/")  # warm caches (content types)
    # session, user, the partnership with the user's actions on it (one query), overview + 7
    # prefetches; the session is renewed at most once a minute (cdp/sessions.py), so not on
    # these.
    with django_assert_num_queries(11):
        response = client.get("/partnerships/rotherham/about/")
    assert response.status_code == 200
    # More members and documents do not add queries.
    for n in range(5):
        services.member_invite(partnership=tenants.a, email=f"p{n}@example.org", role="viewer",
                               invited_by=tenants.users["a_admin"], site_url="http://testserver")
    with django_assert_num_queries(11):
        client.get("/partnerships/rotherham/about/")


def test_admin_adds_a_member_by_email(
    client, tenants, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(tenants.users["a_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/partnerships/rotherham/members/add/",
            {"email": "board.member@example.org", "role": "viewer"},
            follow=True,
        )
    assert response.status_code == 200
    assert b"board.member@example.org added as board member" in response.content
    membership = Membership.objects.get(user__email="board.member@example.org")
    assert (membership.partnership, membership.role) == (tenants.a, "viewer")
    link = re.search(r"http://testserver(/password-reset/\S+/)", mailoutbox[0].body).group(1)

    # The new member chooses a password from the email's link, then signs in.
    client.logout()
    form = client.get(link, follow=True)
    assert b"Choose a password" in form.content
    response = client.post(form.redirect_chain[-1][0], {
        "new_password1": "brown-kettle-orbit-42", "new_password2": "brown-kettle-orbit-42"})
    assert response.status_code == 302
    signed_in = client.post("/sign-in/", {"username": membership.user.username,
                                          "password": "brown-kettle-orbit-42"})
    assert signed_in.status_code == 302


def test_adding_someone_twice_is_a_form_error(client, tenants):
    client.force_login(tenants.users["a_admin"])
    response = client.post(
        "/partnerships/rotherham/members/add/", {"email": "a.lead@example.org", "role": "viewer"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "a_lead is already a member of Rotherham CDP" in html
    assert Membership.objects.filter(user=tenants.users["a_lead"]).count() == 1


def test_bad_email_is_a_form_error(client, tenants):
    client.force_login(tenants.users["a_admin"])
    response = client.post("/partnerships/rotherham/members/add/", {"email": "not-an-email"})
    html = response.content.decode()
    assert "Enter an email address in the correct format" in html
    assert "Select the role they will have" in html


def test_admin_changes_a_role(client, tenants):
    client.force_login(tenants.users["a_admin"])
    url = reverse("partnerships:member_role", args=["rotherham", tenants.memberships["a"].pk])
    assert client.post(url, {"role": "analyst"}).status_code == 302
    assert Membership.objects.get(pk=tenants.memberships["a"].pk).role == "analyst"


def test_removing_the_last_admin_is_refused_with_a_message(client, tenants):
    client.force_login(tenants.users["a_admin"])
    admin = Membership.objects.get(user=tenants.users["a_admin"])
    url = reverse("partnerships:member_remove", args=["rotherham", admin.pk])
    response = client.post(url)
    assert response.status_code == 400
    assert b"is the only administrator of Rotherham CDP" in response.content
    assert Membership.objects.filter(pk=admin.pk).exists()

    demote = reverse("partnerships:member_role", args=["rotherham", admin.pk])
    response = client.post(demote, {"role": "viewer"})
    assert response.status_code == 200
    assert b"is the only administrator" in response.content
    assert Membership.objects.get(pk=admin.pk).role == "admin"


def test_admin_removes_a_member(client, tenants):
    client.force_login(tenants.users["a_admin"])
    url = reverse("partnerships:member_remove", args=["rotherham", tenants.memberships["a"].pk])
    response = client.post(url, follow=True)
    assert b"a_lead no longer has access to Rotherham CDP" in response.content
    assert not Membership.objects.filter(user=tenants.users["a_lead"]).exists()
