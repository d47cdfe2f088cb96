"""Single sign-on end to end against two real OpenID Connect issuers (tests/sso/conftest.py):
the first link by email and then by subject only, refusals, invitations, the issuer's second
factor, passwords switched off, and signing out at the issuer."""

from __future__ import annotations

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from cdp.signin import sso
from partnerships import services
from partnerships.models import Membership

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in_as(client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id).username if user_id else None


def test_the_sign_in_page_has_a_button_per_issuer(issuers, client):
    page = client.get("/sign-in/").content.decode()
    for name in ("Rotherham Council", "NHS Trust"):
        assert f"Sign in with {name}</button>" in page
    assert 'action="/sign-in/sso/council/?process=login&amp;next=%2F"' in page


def test_the_first_sign_in_links_by_email_and_later_ones_by_subject(issuers, tenants, person):
    council = issuers["council"]
    # Entra ID often sends no email_verified: an address on the issuer's domain counts.
    council.set_account("sub-lead", email="A.Lead@example.org", name="A Lead")
    answer = person.sign_in(council, "sub-lead")
    assert answer.status_code == 302 and answer["Location"] == "/"
    assert signed_in_as(person.client) == "a_lead"
    link = SocialAccount.objects.get(provider="council", uid="sub-lead")
    assert link.user == tenants.users["a_lead"]

    # The address changes at the issuer, even to someone else's: still the same person.
    person.client.post("/sign-out/")
    council.set_account("sub-lead", email="b.lead@example.org")
    again = person.sign_in(council, "sub-lead")
    assert again.status_code == 302 and signed_in_as(person.client) == "a_lead"
    assert SocialAccount.objects.filter(user=tenants.users["b_lead"]).count() == 0

    # Another subject with the first one's address is not linked to the same account.
    council.set_account("sub-impostor", email="a.lead@example.org")
    other = type(person)()
    refused = other.sign_in(council, "sub-impostor")
    assert refused.status_code == 403 and "already linked" in refused.content.decode()
    assert signed_in_as(other.client) is None

    # A linked account that is switched off signs nobody in.
    get_user_model().objects.filter(pk=link.user_id).update(is_active=False)
    third = type(person)()
    off = third.sign_in(council, "sub-lead")
    assert off.status_code == 403 and "switched off" in off.content.decode()
    assert signed_in_as(third.client) is None


@pytest.mark.parametrize("claims, why", [
    ({"email": "someone@elsewhere.test", "email_verified": True}, "not an address"),
    ({"email": "a.viewer@example.org", "email_verified": False}, "not verified"),
    ({"name": "No Email"}, "did not say your email"),
])
def test_an_email_the_issuer_may_not_vouch_for_is_refused(issuers, tenants, person, claims, why):
    issuers["council"].set_account("sub-x", **claims)
    answer = person.sign_in(issuers["council"], "sub-x")
    assert answer.status_code == 403 and why in answer.content.decode()
    assert signed_in_as(person.client) is None
    assert not SocialAccount.objects.exists()


def test_no_account_without_a_membership(issuers, tenants, person):
    council = issuers["council"]
    users_before = get_user_model().objects.count()
    council.set_account("sub-stranger", email="stranger@example.org")
    answer = person.sign_in(council, "sub-stranger")
    assert answer.status_code == 403 and "no account for" in answer.content.decode()
    council.set_account("sub-outsider", email="o@example.org")  # an account, no membership
    answer = type(person)().sign_in(council, "sub-outsider")
    assert answer.status_code == 403 and "not a member" in answer.content.decode()
    assert get_user_model().objects.count() == users_before
    assert signed_in_as(person.client) is None


def test_a_pending_invitation_is_accepted_at_sign_in(issuers, tenants, person, settings):
    invitation = services.member_invite(
        partnership=tenants.a, email="new.analyst@nhs.example", role="analyst",
        invited_by=tenants.users["a_admin"], site_url="http://testserver")
    assert invitation.membership.pending
    issuers["nhs"].set_account("nhs-1", email="new.analyst@nhs.example")
    answer = person.sign_in(issuers["nhs"], "nhs-1", next_url="/partnerships/rotherham/")
    assert answer.status_code == 302 and answer["Location"] == "/partnerships/rotherham/"
    assert signed_in_as(person.client) == invitation.membership.user.username
    assert not Membership.objects.get(pk=invitation.membership.pk).pending
    assert person.client.get("/partnerships/rotherham/").status_code == 200


def test_an_invitation_offers_the_organisations_sign_in_where_passwords_are_off(
        issuers, tenants, person, mailoutbox, django_capture_on_commit_callbacks):
    """To an address on a domain whose issuer switched passwords off, the invitation (and
    the invitation sent again) names the issuer's button and offers no password; to any
    other, the link to choose a password."""
    admin = tenants.users["a_admin"]
    with django_capture_on_commit_callbacks(execute=True):
        nhs = services.member_invite(
            partnership=tenants.a, email="new.analyst@nhs.example", role="analyst",
            invited_by=admin, site_url="https://cdp.example.org")
        services.member_invite_resend(membership=nhs.membership, invited_by=admin,
                                      site_url="https://cdp.example.org")
        services.member_invite(
            partnership=tenants.a, email="new.lead@example.org", role="lead",
            invited_by=admin, site_url="https://cdp.example.org")
    first, again, council = mailoutbox
    for sent in (first, again):
        assert sent.to == ["new.analyst@nhs.example"]
        assert "Sign in with your NHS Trust account" in sent.body
        assert "\u201cSign in with NHS Trust\u201d" in sent.body
        assert "https://cdp.example.org/sign-in/" in sent.body
        assert "password-reset" not in sent.body and "Choose a password" not in sent.body
    assert "sent you this invitation again" in again.body
    assert council.to == ["new.lead@example.org"]
    assert "Choose a password" in council.body
    assert "https://cdp.example.org/password-reset/" in council.body
    assert "Rotherham Council" not in council.body
    # Signing in with the issuer links the account, and its owner is told.
    mailoutbox.clear()
    issuers["nhs"].set_account("nhs-1", email="new.analyst@nhs.example")
    assert person.sign_in(issuers["nhs"], "nhs-1").status_code == 302
    (linked,) = mailoutbox
    assert linked.to == ["new.analyst@nhs.example"]
    assert linked.subject == ("Your CDP Dashboard account is now linked to your "
                              "organisation's account")
    assert "You signed in to the CDP Dashboard with NHS Trust" in linked.body


def test_a_password_reset_where_passwords_are_off_names_the_issuer_and_sends_no_link(
        issuers, tenants, client, mailoutbox, django_capture_on_commit_callbacks):
    user = get_user_model().objects.create_user("nhsperson", "p@nhs.example")
    services.membership_create(partnership=tenants.a, user=user, role="viewer")
    with django_capture_on_commit_callbacks(execute=True):
        for email in ("p@nhs.example", "a.viewer@example.org"):
            assert client.post("/password-reset/", {"email": email}).status_code == 302
    nhs, council = mailoutbox
    assert nhs.to == ["p@nhs.example"]
    assert nhs.subject == "Sign in to the CDP Dashboard with your NHS Trust account"
    assert '"Sign in with NHS Trust"' in nhs.body and "/password-reset/" not in nhs.body
    assert council.to == ["a.viewer@example.org"] and "/password-reset/" in council.body
    # Nor is there a password to change, even one set before passwords were switched off.
    user.set_password(PASSWORD)
    user.save()
    client.force_login(user)
    page = client.get("/account/password/").content.decode()
    assert "you sign in with NHS Trust" in page and 'name="oldpassword"' not in page
    assert client.post("/account/password/", {
        "oldpassword": PASSWORD, "password1": "x" * 20, "password2": "x" * 20}).status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_issuers_mfa_counts_as_the_second_factor(issuers, tenants, person):
    council = issuers["council"]
    # An administrator with an authenticator app, whose issuer says only "password": they give
    # their code here too.
    council.set_account("sub-admin", email="a.admin@example.org", amr=["pwd"])
    answer = person.sign_in(council, "sub-admin")
    assert answer.status_code == 302 and answer["Location"] == "/sign-in/second-factor/"
    assert signed_in_as(person.client) is None

    # The issuer says it asked for a second factor (amr "mfa"): no code asked here.
    council.set_account("sub-admin", email="a.admin@example.org", amr=["pwd", "mfa"])
    again = type(person)()
    answer = again.sign_in(council, "sub-admin", next_url="/partnerships/rotherham/members/")
    assert answer.status_code == 302 and answer["Location"] == "/partnerships/rotherham/members/"
    assert again.client.get("/partnerships/rotherham/members/").status_code == 200


def test_an_issuer_that_enforces_mfa_needs_no_second_factor_here(issuers, tenants, person):
    invitation = services.member_invite(
        partnership=tenants.a, email="new.admin@nhs.example", role="admin",
        invited_by=tenants.users["a_admin"], site_url="http://testserver")
    issuers["nhs"].set_account("nhs-admin", email="new.admin@nhs.example")  # no amr at all
    answer = person.sign_in(issuers["nhs"], "nhs-admin",
                            next_url="/partnerships/rotherham/members/")
    assert answer.status_code == 302 and signed_in_as(person.client) == (
        invitation.membership.user.username)
    # Not sent to set up a second factor: the issuer's was used.
    assert person.client.get("/partnerships/rotherham/members/").status_code == 200


def test_passwords_switched_off_for_an_issuers_domain(issuers, tenants, client):
    typed = client.post("/sign-in/", {"username": "someone@nhs.example", "password": "x"})
    assert typed.status_code == 200
    assert "Sign in with NHS Trust" in typed.content.decode()
    assert "Passwords are switched off" in typed.content.decode()
    user = get_user_model().objects.create_user("nhsperson", "p@nhs.example", PASSWORD)
    services.membership_create(partnership=tenants.a, user=user, role="viewer")
    refused = client.post("/sign-in/", {"username": "nhsperson", "password": PASSWORD})
    assert refused.status_code == 200 and "Passwords are switched off" in refused.content.decode()
    assert signed_in_as(client) is None
    # Nor does the API's token endpoint take the password.
    token = client.post("/api/v1/auth/token/", {"username": "nhsperson", "password": PASSWORD})
    assert token.status_code == 400 and "NHS Trust" in token.json()["non_field_errors"][0]
    # The council's people still sign in with their passwords.
    assert client.post("/sign-in/", {"username": "a_lead", "password": PASSWORD}).status_code == 302


def test_signing_out_also_signs_out_at_the_issuer(issuers, tenants, person):
    council = issuers["council"]
    council.set_account("sub-viewer", email="a.viewer@example.org")
    person.sign_in(council, "sub-viewer")
    out = person.client.post("/sign-out/")
    assert out.status_code == 302
    assert out["Location"].startswith(f"{council.url}/session/end?")
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Fsigned-out%2F" in out["Location"]
    assert signed_in_as(person.client) is None
    # The issuer asks to confirm, then comes back to "You have signed out".
    page = person.at_issuers.get(out["Location"], timeout=10)
    action = page.text.split('action="', 1)[1].split('"', 1)[0]
    xsrf = page.text.split('name="xsrf" value="', 1)[1].split('"', 1)[0]
    back = person.follow_at_issuer(requests_join(page.url, action),
                                   data={"xsrf": xsrf, "logout": "yes"})
    assert back.status_code == 200 and "signed out" in back.content.decode().lower()
    # Signed out there too: the next sign-in asks who it is again.
    again = person.client.post("/sign-in/sso/council/?process=login&next=/")
    assert "/interaction/" in person.at_issuers.get(again["Location"], timeout=10).url

    # Someone who signed in with a password signs out here only.
    person.client.post("/sign-in/", {"username": "a_lead", "password": PASSWORD})
    assert person.client.post("/sign-out/")["Location"] == "/signed-out/"


def test_step_up_for_single_sign_on_asks_the_issuer_again(issuers, tenants, person):
    council = issuers["council"]
    council.set_account("sub-viewer", email="a.viewer@example.org")
    person.sign_in(council, "sub-viewer")
    request = RequestFactory().get("/")
    request.session, request.user = person.client.session, tenants.users["a_viewer"]
    url = sso.step_up_url(request, "/partnerships/rotherham/")
    assert url.startswith("/sign-in/sso/council/?")
    assert sso.recently_confirmed_at_issuer(request)
    assert not sso.recently_confirmed_at_issuer(request, seconds=0)
    # The link shows "Continue to …", whose form may lead on to the issuer.
    confirm = person.client.get(url)
    assert confirm.status_code == 200
    assert "Continue to Rotherham Council" in confirm.content.decode()
    form_action = confirm["Content-Security-Policy"].split("form-action", 1)[1].split(";")[0]
    assert council.url in form_action
    start = person.client.post(url)
    assert "prompt=login" in start["Location"] and "max_age=0" in start["Location"]
    # The issuer asks the person to sign in again although its session is still there.
    asked = person.at_issuers.get(start["Location"], timeout=10)
    assert "/interaction/" in asked.url and ">login<" in asked.text
    back = person.follow_at_issuer(start["Location"], sub="sub-viewer")
    assert back["Location"] == "/partnerships/rotherham/"
    assert signed_in_as(person.client) == "a_viewer"


def test_an_administrators_step_up_is_done_at_their_issuer(issuers, tenants, person):
    """Step-up (ASVS 4.3.3) for someone who signed in by single sign-on happens at their
    issuer, made to ask again, and its second factor counts: not a password or code here."""
    from ..conftest import sign_in_ago

    council = issuers["council"]
    council.set_account("sub-admin", email="a.admin@example.org", amr=["pwd", "mfa"])
    person.sign_in(council, "sub-admin")
    invite = "/partnerships/rotherham/members/add/"
    assert person.client.get(invite).status_code == 200  # signed in just now
    sign_in_ago(person.client, 16 * 60)
    asked = person.client.get(invite)
    assert asked.status_code == 302 and asked["Location"].startswith("/sign-in/sso/council/?")
    start = person.client.post(asked["Location"])
    assert "prompt=login" in start["Location"] and "max_age=0" in start["Location"]
    back = person.follow_at_issuer(start["Location"], sub="sub-admin")
    assert back["Location"] == invite
    assert person.client.get(invite).status_code == 200


def requests_join(base: str, path: str) -> str:
    return requests.compat.urljoin(base, path)
