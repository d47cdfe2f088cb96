"""Step-up (ASVS 4.3.3, 3.7.1; cdp/signin/step_up.py): each sensitive change, attempted with
no sign-in or confirmation in the last 15 minutes, asks the person to confirm who they are
(with the second factor where they have one), keeps what the form held, and works after."""

import time
from urllib.parse import quote

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client

from cdp.models import ApiToken, PublicPage
from partnerships.models import Membership

from ..conftest import PASSWORD, TOTP_SECRET, sign_in_ago

pytestmark = pytest.mark.django_db

STALE = 16 * 60  # seconds: past the 15 minutes
CONFIRM_CODE, CONFIRM_PASSWORD = "/account/confirm/code/", "/account/confirm/"
MEMBERS = "/partnerships/rotherham/members/"


def stale(user) -> Client:
    """A client signed in as `user` more than 15 minutes ago."""
    client = Client()
    client.force_login(user)
    sign_in_ago(client, STALE)
    return client


def asks_to_confirm(response, back: str, how: str = CONFIRM_CODE) -> None:
    assert response.status_code == 302, response.status_code
    assert response["Location"] == f"{how}?next={quote(back, safe='')}", response["Location"]


def confirm(client: Client, back: str, how: str = CONFIRM_CODE):
    data = {"code": pyotp.TOTP(TOTP_SECRET).now()} if how == CONFIRM_CODE else {
        "password": PASSWORD}
    response = client.post(f"{how}?next={quote(back, safe='')}", data)
    assert response.status_code == 302 and response["Location"] == back, response
    return response


def held_back_notice(client: Client, url: str) -> str:
    return client.get(url).content.decode()


# --- Managing members ----------------------------------------------------------------------
def test_inviting_a_member_asks_to_confirm_and_keeps_the_form(tenants, mailoutbox):
    admin = stale(tenants.users["a_admin"])
    add = MEMBERS + "add/"
    asks_to_confirm(admin.get(add), add)  # before the form, so nothing typed is at risk
    sent = admin.post(add, {"email": "new.member@example.org", "role": "analyst",
                            "first_name": "Priya", "last_name": "Shah"})
    asks_to_confirm(sent, add)
    assert not Membership.objects.filter(user__email="new.member@example.org").exists()
    page = held_back_notice(admin, sent["Location"])
    assert "confirm it is you before this change. Nothing has been changed yet" in page
    confirm(admin, add)
    form = admin.get(add).content.decode()  # the form as it was sent, to send again
    assert 'value="new.member@example.org"' in form and 'value="Priya"' in form
    assert 'value="analyst" checked' in form or "checked" in form.split('value="analyst"')[1][:40]
    assert "govuk-error-summary" not in form
    assert 'value="new.member@example.org"' not in admin.get(add).content.decode()  # once
    done = admin.post(add, {"email": "new.member@example.org", "role": "analyst"})
    assert done.status_code == 302 and done["Location"] == MEMBERS
    assert Membership.objects.filter(user__email="new.member@example.org",
                                     role="analyst").exists()


def test_changing_a_role_asks_to_confirm(tenants):
    membership = tenants.memberships["a"]
    url = f"{MEMBERS}{membership.pk}/"
    admin = stale(tenants.users["a_admin"])
    asks_to_confirm(admin.get(url), url)
    asks_to_confirm(admin.post(url, {"role": "viewer"}), url)
    membership.refresh_from_db()
    assert membership.role == "lead"
    confirm(admin, url)
    assert admin.post(url, {"role": "viewer"}).status_code == 302
    membership.refresh_from_db()
    assert membership.role == "viewer"


def test_removing_a_member_asks_to_confirm(tenants):
    membership = tenants.memberships["a"]
    url = f"{MEMBERS}{membership.pk}/remove/"
    admin = stale(tenants.users["a_admin"])
    asks_to_confirm(admin.get(url), url)
    asks_to_confirm(admin.post(url), url)
    assert Membership.objects.filter(pk=membership.pk).exists()
    confirm(admin, url)
    assert admin.post(url).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_resending_an_invitation_asks_to_confirm_and_comes_back_to_the_list(
        tenants, mailoutbox, django_capture_on_commit_callbacks):
    membership = tenants.memberships["a"]  # the lead has never signed in
    url = f"{MEMBERS}{membership.pk}/resend-invitation/"
    admin = stale(tenants.users["a_admin"])
    # Sent from the members page: back there, the page with the button (the address itself
    # answers only a POST).
    asks_to_confirm(admin.post(url, HTTP_REFERER=f"http://testserver{MEMBERS}"), MEMBERS)
    # A Referer from elsewhere is not followed.
    asks_to_confirm(admin.post(url, HTTP_REFERER=f"http://evil.example{MEMBERS}"), url)
    assert mailoutbox == []
    confirm(admin, MEMBERS)
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(url).status_code == 302
    assert len(mailoutbox) == 1


def test_the_members_page_itself_needs_no_confirmation(tenants):
    assert stale(tenants.users["a_admin"]).get(MEMBERS).status_code == 200


def test_a_recent_sign_in_needs_no_confirmation_and_the_limit_is_15_minutes(tenants):
    admin = Client()
    admin.force_login(tenants.users["a_admin"])
    sign_in_ago(admin, 14 * 60)
    assert admin.get(MEMBERS + "add/").status_code == 200
    sign_in_ago(admin, 2 * 60)
    assert admin.get(MEMBERS + "add/").status_code == 302


def test_the_password_alone_does_not_do_for_someone_with_a_second_factor(tenants):
    """Whoever has a second factor confirms with it: a recent password (a sign-in left
    half-way, say) does not count, and the password page sends them to the code's."""
    admin = stale(tenants.users["a_admin"])
    session = admin.session
    session["account_authentication_methods"].append({"method": "password", "at": time.time()})
    session.save()
    asks_to_confirm(admin.get(MEMBERS + "add/"), MEMBERS + "add/")
    assert admin.get(CONFIRM_PASSWORD)["Location"].startswith(CONFIRM_CODE)
    assert admin.post(CONFIRM_PASSWORD, {"password": PASSWORD})["Location"].startswith(
        CONFIRM_CODE)
    asks_to_confirm(admin.get(MEMBERS + "add/"), MEMBERS + "add/")


def test_signed_out_the_pages_ask_to_sign_in_not_to_confirm(tenants):
    response = Client().get(MEMBERS + "add/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


# --- API tokens ----------------------------------------------------------------------------
def test_making_and_revoking_tokens_asks_to_confirm_by_password_without_a_second_factor(
        tenants):
    lead = stale(tenants.users["a_lead"])
    page = "/account/api-tokens/"
    assert lead.get(page).status_code == 200  # seeing them needs no confirmation
    made = lead.post(page, {"name": "Power BI", "days": "30"})
    asks_to_confirm(made, page, CONFIRM_PASSWORD)
    assert not ApiToken.objects.filter(user=tenants.users["a_lead"]).exists()
    confirm(lead, page, CONFIRM_PASSWORD)
    form = lead.get(page).content.decode()
    assert 'value="Power BI"' in form
    assert lead.post(page, {"name": "Power BI", "days": "30"}).status_code == 200
    token = ApiToken.objects.get(user=tenants.users["a_lead"])

    sign_in_ago(lead, STALE)
    asks_to_confirm(lead.post(page, {"revoke": token.digest}), page, CONFIRM_PASSWORD)
    assert ApiToken.objects.filter(pk=token.pk).exists()  # not revoked
    confirm(lead, page, CONFIRM_PASSWORD)
    assert lead.post(page, {"revoke": token.digest}).status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_the_apis_token_endpoint_is_unchanged(tenants):
    """POST /api/v1/auth/token/ authenticates with the credentials it is sent (and the code of
    whoever has a second factor), not a session: it neither asks nor needs a step-up."""
    client = stale(tenants.users["a_lead"])
    made = client.post("/api/v1/auth/token/", {"username": "a_lead", "password": PASSWORD})
    assert made.status_code in (200, 201) and "token" in made.json(), made.content
    admin = Client()
    refused = admin.post("/api/v1/auth/token/", {"username": "a_admin", "password": PASSWORD})
    assert refused.status_code in (400, 401, 403)
    made = admin.post("/api/v1/auth/token/", {"username": "a_admin", "password": PASSWORD,
                                              "otp": pyotp.TOTP(TOTP_SECRET).now()})
    assert made.status_code in (200, 201) and "token" in made.json(), made.content


# --- The public page -----------------------------------------------------------------------
def test_publishing_the_public_page_asks_to_confirm_and_keeps_the_choices(tenants):
    url = "/partnerships/rotherham/public-page/"
    admin = stale(tenants.users["a_admin"])
    assert admin.get(url).status_code == 200  # reading the settings needs no confirmation
    milestone = tenants.milestones["a"]
    sent = {"published": "on", "sections": ["show_plan"], "milestones": [milestone.pk]}
    asks_to_confirm(admin.post(url, sent), url)
    assert not PublicPage.objects.filter(partnership=tenants.a, published=True).exists()
    confirm(admin, url)
    form = admin.get(url).content.decode()
    assert 'name="published" type="checkbox" value="on" checked' in form or (
        'name="published"' in form and "checked" in form.split('name="published"')[1][:80])
    assert admin.post(url, sent).status_code == 302
    assert PublicPage.objects.get(partnership=tenants.a).published


# --- One's own sign-in settings (django-allauth's pages, the same rule) --------------------
@pytest.mark.parametrize("path", [
    "/account/two-factor/app/remove/",
    "/account/two-factor/keys/add/",
    "/account/two-factor/recovery-codes/",
    "/account/two-factor/recovery-codes/new/",
    "/account/two-factor/recovery-codes/download/",
])
def test_second_factor_settings_ask_to_confirm(tenants, path):
    RecoveryCodes.activate(tenants.users["a_admin"])
    admin = stale(tenants.users["a_admin"])
    asks_to_confirm(admin.get(path), path)
    confirm(admin, path)
    assert admin.get(path).status_code == 200


def test_removing_the_app_asks_to_confirm_and_keeps_the_second_factor(tenants):
    path = "/account/two-factor/app/remove/"
    admin = stale(tenants.users["a_admin"])
    asks_to_confirm(admin.post(path), path)
    assert Authenticator.objects.filter(user=tenants.users["a_admin"], type="totp").exists()


def test_setting_up_a_second_factor_asks_for_the_password_after_15_minutes(tenants):
    lead = stale(tenants.users["a_lead"])
    for path in ("/account/two-factor/app/", "/account/two-factor/keys/add/"):
        asks_to_confirm(lead.get(path), path, CONFIRM_PASSWORD)
    confirm(lead, "/account/two-factor/app/", CONFIRM_PASSWORD)
    assert lead.get("/account/two-factor/app/").status_code == 200


def test_the_way_to_confirm_is_one_function(tenants, monkeypatch):
    """Single sign-on changes where its users confirm who they are in one place:
    cdp.signin.step_up.confirm_url (the provider's sign-in, with prompt=login)."""
    from cdp.signin import step_up

    monkeypatch.setattr(step_up, "confirm_url",
                        lambda request, back: f"/sso/step-up/?next={back}")
    admin = stale(tenants.users["a_admin"])
    response = admin.get(MEMBERS + "add/")
    assert response["Location"].startswith("/sso/step-up/?next=")
    assert admin.get("/account/two-factor/keys/add/")["Location"].startswith("/sso/step-up/")
    # A recent sign-in by the provider counts, for someone with no second factor here.
    lead = stale(tenants.users["a_lead"])
    session = lead.session
    session["account_authentication_methods"].append(
        {"method": "socialaccount", "at": time.time(), "provider": "oidc"})
    session.save()
    assert lead.get("/account/two-factor/app/").status_code == 200
