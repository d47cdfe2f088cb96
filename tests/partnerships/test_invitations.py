"""Members' names, pending invitations and sending an invitation again."""

import re

import pytest

from partnerships import services
from partnerships.models import Membership

pytestmark = pytest.mark.django_db


def invite(client, **fields):
    return client.post("/partnerships/rotherham/members/add/", {
        "email": "board.member@example.org", "role": "viewer", **fields}, follow=True)


def test_a_member_is_added_with_their_name_and_shows_as_invited(
        client, tenants, mailoutbox, django_capture_on_commit_callbacks):
    admin = tenants.users["a_admin"]
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, first_name=" Priya ", last_name="Shah")
    membership = Membership.objects.get(user__email="board.member@example.org")
    assert membership.user.get_full_name() == "Priya Shah"
    assert (membership.invited_by, membership.pending) == (admin, True)
    assert len(mailoutbox) == 1
    page = client.get("/partnerships/rotherham/members/").content.decode()
    row = re.search(r"<tr class=\"govuk-table__row\"[^>]*>\s*<td class=\"govuk-table__cell"
                    r"[^>]*>Priya Shah</td>.*?</tr>", page, re.S).group(0)
    assert "Invited – not yet signed in" in row and "Resend invitation" in row
    # The admin has signed in: active, and nothing to send again.
    admin_row = re.search(r"<td class=\"govuk-table__cell[^>]*>"
                          + re.escape(admin.email) + r"</td>.*?</tr>", page, re.S).group(0)
    assert "Active" in admin_row and "Resend" not in admin_row


def test_the_name_is_optional_and_an_existing_name_is_kept(client, tenants):
    client.force_login(tenants.users["a_admin"])
    assert invite(client).status_code == 200
    membership = Membership.objects.get(user__email="board.member@example.org")
    assert membership.user.get_full_name() == ""
    # Added to another partnership with another name: the account's name is theirs now.
    membership.user.first_name, membership.user.last_name = "Priya", "Shah"
    membership.user.save()
    services.member_invite(partnership=tenants.b, email="board.member@example.org",
                           role="viewer", invited_by=tenants.users["superuser"],
                           site_url="http://testserver", first_name="P", last_name="S")
    membership.user.refresh_from_db()
    assert membership.user.get_full_name() == "Priya Shah"


def test_resend_emails_a_new_link_and_is_in_the_history(
        client, tenants, mailoutbox, django_capture_on_commit_callbacks):
    admin = tenants.users["a_admin"]
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, first_name="Priya", last_name="Shah")
    membership = Membership.objects.get(user__email="board.member@example.org")
    first_sent = membership.invited_at
    url = f"/partnerships/rotherham/members/{membership.pk}/resend-invitation/"
    assert client.get(url).status_code == 405  # a POST only
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "Invitation sent again to board.member@example.org." in response.content.decode()
    assert len(mailoutbox) == 2
    again = mailoutbox[1]
    assert again.to == ["board.member@example.org"]
    assert "has sent you this invitation again" in again.body
    assert re.search(r"http://testserver/password-reset/\S+/", again.body)
    membership.refresh_from_db()
    assert membership.invited_at > first_sent
    latest = Membership.history.filter(id=membership.pk).latest("history_id")
    assert (latest.history_type, latest.history_user, latest.invited_at) == (
        "~", admin, membership.invited_at)


def test_once_signed_in_there_is_nothing_to_resend(client, tenants, mailoutbox):
    client.force_login(tenants.users["a_admin"])
    membership = tenants.memberships["a"]
    client.force_login(membership.user)  # sets last_login
    client.force_login(tenants.users["a_admin"])
    response = client.post(
        f"/partnerships/rotherham/members/{membership.pk}/resend-invitation/", follow=True)
    assert "has already signed in: there is no invitation to send again." in (
        response.content.decode())
    assert mailoutbox == []


def test_only_administrators_resend_and_not_across_partnerships(client, tenants, mailoutbox):
    membership = tenants.memberships["a"]
    url = f"/partnerships/rotherham/members/{membership.pk}/resend-invitation/"
    client.force_login(tenants.users["a_lead"])
    assert client.post(url).status_code == 403
    client.force_login(tenants.users["b_admin"])
    assert client.post(url).status_code == 404
    other = f"/partnerships/darlington/members/{membership.pk}/resend-invitation/"
    assert client.post(other).status_code == 404
    assert mailoutbox == []
