"""Two-factor sign-in (django-allauth, cdp/signin/): who must have a second factor, sign-in
with it, the forced set-up, the API's token endpoint, and resetting a lost one."""

import io
import logging
import time

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import CommandError, call_command
from django.test import Client

from cdp import tokens
from cdp.models import ApiToken, SecondFactorReset
from partnerships import access, services

from ..conftest import PASSWORD, TOTP_SECRET, sign_in_ago

pytestmark = pytest.mark.django_db


def code(offset: int = 0) -> str:
    return pyotp.TOTP(TOTP_SECRET).at(time.time() + offset)


def sign_in(client: Client, username: str):
    return client.post("/sign-in/", {"username": username, "password": PASSWORD})


def test_who_must_use_a_second_factor(tenants):
    users = tenants.users
    assert access.must_use_second_factor(users["superuser"])
    assert access.must_use_second_factor(users["a_admin"])
    for name in ("a_viewer", "a_lead", "a_analyst", "regional", "outsider"):
        assert not access.must_use_second_factor(users[name]), name
    users["outsider"].is_staff = True
    assert access.must_use_second_factor(users["outsider"])  # Django-admin staff


def test_an_admins_sign_in_is_refused_until_the_code_is_given(client, tenants):
    response = sign_in(client, "a_admin")
    assert response.status_code == 302 and response["Location"] == "/sign-in/second-factor/"
    # The password alone signs nobody in.
    assert b"Signed in as" not in client.get("/").content
    assert client.get("/partnerships/rotherham/").status_code == 302

    wrong = client.post("/sign-in/second-factor/", {"code": "000000"})
    assert wrong.status_code == 200
    assert b"govuk-error-summary" in wrong.content
    assert b"Signed in as" not in client.get("/").content

    right = client.post("/sign-in/second-factor/", {"code": code()})
    assert right.status_code == 302
    assert client.get("/partnerships/rotherham/").status_code == 200


def test_the_django_admin_signs_in_with_the_second_factor(client, tenants):
    """Its own sign-in page sends everyone to the service's, second factor included."""
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/?next=")
    assert sign_in(client, "national")["Location"] == "/sign-in/second-factor/"
    # The password alone does not open the admin: back to the second factor.
    chain = client.get("/admin/", follow=True).redirect_chain
    assert chain[-1][0].startswith("/sign-in/")
    client.post("/sign-in/second-factor/", {"code": code()})
    assert client.get("/admin/").status_code == 200
    # A national admin with no second factor sets one up before the admin.
    Authenticator.objects.filter(user=tenants.users["superuser"]).delete()
    other = Client()
    sign_in(other, "national")
    assert other.get("/admin/")["Location"] == "/account/two-factor/"


def test_someone_without_a_second_factor_signs_in_with_the_password(client, tenants):
    response = sign_in(client, "a_lead")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/partnerships/rotherham/").status_code == 200


def test_an_optional_second_factor_is_asked_for_once_set_up(client, tenants):
    TOTP.activate(tenants.users["a_viewer"], TOTP_SECRET)
    assert sign_in(client, "a_viewer")["Location"] == "/sign-in/second-factor/"
    page = client.get("/account/two-factor/")
    assert page.status_code == 302  # not signed in yet


def test_a_recovery_code_works_once(tenants):
    codes = RecoveryCodes.activate(tenants.users["a_admin"]).get_unused_codes()
    first = Client()
    sign_in(first, "a_admin")
    assert first.post("/sign-in/second-factor/", {"code": codes[0]}).status_code == 302
    assert first.get("/partnerships/rotherham/").status_code == 200
    again = Client()
    sign_in(again, "a_admin")
    refused = again.post("/sign-in/second-factor/", {"code": codes[0]})
    assert refused.status_code == 200 and b"govuk-error-summary" in refused.content
    assert again.get("/partnerships/rotherham/").status_code == 302


def test_an_admin_with_no_second_factor_sets_one_up_before_anything_else(client, tenants):
    Authenticator.objects.filter(user=tenants.users["a_admin"]).delete()
    response = sign_in(client, "a_admin")
    assert response.status_code == 302
    for path in ("/partnerships/rotherham/", "/partnerships/rotherham/members/",
                 "/account/api-tokens/", "/compare/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/account/two-factor/"
    assert client.post("/partnerships/rotherham/members/add/",
                       {"email": "x@example.org", "role": "viewer"}).status_code == 302
    assert not tenants.a.memberships.filter(user__email="x@example.org").exists()
    # The API with the session too; the set-up pages and signing out are open.
    assert client.get("/api/v1/partnerships/").status_code == 403
    assert client.get("/account/two-factor/").status_code == 200
    assert b"not set up a second factor" in client.get("/account/two-factor/").content
    assert client.post("/sign-out/").status_code == 302


def test_someone_made_an_admin_sets_one_up_before_their_first_admin_action(client, tenants):
    sign_in(client, "a_lead")
    assert client.get("/partnerships/rotherham/").status_code == 200
    services.membership_change_role(membership=tenants.memberships["a"], role="admin")
    response = client.get("/partnerships/rotherham/members/")
    assert response.status_code == 302 and response["Location"] == "/account/two-factor/"
    assert client.get("/partnerships/rotherham/").status_code == 302


def test_a_session_signed_in_with_a_second_factor_costs_no_query(client, tenants,
                                                                 django_assert_num_queries):
    from cdp.signin.middleware import needs_second_factor

    sign_in(client, "a_admin")
    client.post("/sign-in/second-factor/", {"code": code()})
    request = client.get("/partnerships/rotherham/").wsgi_request
    with django_assert_num_queries(0):
        assert not needs_second_factor(request)


def test_the_check_costs_no_query_for_anyone_else_either(client, tenants,
                                                         django_assert_num_queries):
    from cdp.signin.middleware import needs_second_factor

    for name in ("a_lead", "a_admin"):  # force_login: no record of a second factor
        client.force_login(tenants.users[name])
        request = client.get("/partnerships/rotherham/").wsgi_request
        with django_assert_num_queries(0):
            assert not needs_second_factor(request)


def test_a_password_sign_in_reads_the_sign_in_issuers_once(client, tenants):
    """The page, its form and the password-off check all ask for the issuers."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/sign-in/")
    with CaptureQueriesContext(connection) as done:
        assert sign_in(client, "a_lead").status_code == 302
    assert sum("socialaccount_socialapp" in q["sql"] for q in done.captured_queries) == 1


def test_axes_still_locks_out_an_admin_after_wrong_passwords(client, tenants, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/sign-in/", {"username": "a_admin", "password": "wrong"})
    locked = sign_in(client, "a_admin")
    assert locked.status_code == 429


def test_wrong_codes_are_limited_per_user(client, tenants):
    sign_in(client, "a_admin")
    for _ in range(5):
        client.post("/sign-in/second-factor/", {"code": "000000"})
    refused = client.post("/sign-in/second-factor/", {"code": code()})
    assert refused.status_code == 200
    assert b"Too many" in refused.content
    assert client.get("/partnerships/rotherham/").status_code == 302


# --- The API's token endpoint ---------------------------------------------------------------
def token_request(client: Client, username: str, **extra):
    return client.post("/api/v1/auth/token/", {"username": username, "password": PASSWORD,
                                               **extra}, content_type="application/json")


def test_the_token_endpoint_wants_the_code_of_someone_with_a_second_factor(client, tenants):
    missing = token_request(client, "a_admin")
    assert missing.status_code == 400 and "otp" in missing.json()
    wrong = token_request(client, "a_admin", otp="000000")
    assert wrong.status_code == 400 and "otp" in wrong.json()
    assert not ApiToken.objects.exists()
    right = token_request(client, "a_admin", otp=code())
    assert right.status_code == 201
    assert ApiToken.objects.filter(user=tenants.users["a_admin"]).count() == 1


def test_the_token_endpoint_takes_a_recovery_code_once(client, tenants):
    recovery = RecoveryCodes.activate(tenants.users["a_admin"]).get_unused_codes()[0]
    assert token_request(client, "a_admin", otp=recovery).status_code == 201
    assert token_request(client, "a_admin", otp=recovery).status_code == 400


def test_without_a_second_factor_the_password_is_enough(client, tenants):
    assert token_request(client, "a_analyst").status_code == 201


def test_tokens_made_before_a_second_factor_keep_working(tenants):
    user = tenants.users["a_analyst"]
    _, key = tokens.token_create(user=user, name="before")
    TOTP.activate(user, TOTP_SECRET)
    reader = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert reader.get("/api/v1/partnerships/").status_code == 200


# --- A lost second factor ----------------------------------------------------------------
def national(tenants) -> Client:
    client = Client()
    sign_in(client, "national")
    client.post("/sign-in/second-factor/", {"code": code()})
    return client


def test_a_national_admin_resets_a_lost_second_factor_and_it_is_logged(tenants, caplog):
    client = national(tenants)
    assert client.get("/account/two-factor/reset/").status_code == 200  # signed in just now
    sign_in_ago(client, 16 * 60)
    # Step-up after 15 minutes: the code again (never the password alone, for someone with
    # a code).
    response = client.get("/account/two-factor/reset/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/confirm/code/?next=")
    assert client.get("/account/confirm/")["Location"].startswith("/account/confirm/code/")
    assert client.get(response["Location"]).status_code == 200
    assert client.post(response["Location"], {"code": code(30)}).status_code == 302
    assert client.get("/account/two-factor/reset/").status_code == 200

    with caplog.at_level(logging.WARNING, logger="cdp.audit"):
        done = client.post("/account/two-factor/reset/",
                           {"username": "a_admin", "reason": "Phone lost; called back."})
    assert done.status_code == 302
    assert not Authenticator.objects.filter(user=tenants.users["a_admin"]).exists()
    row = SecondFactorReset.objects.get()
    assert (row.user, row.reset_by, row.via) == (tenants.users["a_admin"],
                                                 tenants.users["superuser"], "page")
    assert row.reason == "Phone lost; called back." and "TOTP" in row.removed
    assert "user=a_admin by=national" in caplog.text

    # The admin signs in with the password, then must set up a new second factor.
    admin = Client()
    assert sign_in(admin, "a_admin")["Location"] == "/"
    assert admin.get("/partnerships/rotherham/")["Location"] == "/account/two-factor/"


def test_a_reset_needs_a_reason_and_is_not_ones_own(tenants):
    client = national(tenants)
    session = client.session
    session["account_authentication_methods"].append(
        {"method": "mfa", "at": time.time(), "reauthenticated": True, "type": "totp"})
    session.save()
    blank = client.post("/account/two-factor/reset/", {"username": "a_admin", "reason": " "})
    assert blank.status_code == 400
    own = client.post("/account/two-factor/reset/", {"username": "national", "reason": "x"})
    assert own.status_code == 400 and b"Another national administrator" in own.content
    assert Authenticator.objects.filter(user=tenants.users["a_admin"]).exists()
    assert not SecondFactorReset.objects.exists()


def test_only_national_admins_reset(tenants):
    admin = Client()
    admin.force_login(tenants.users["a_admin"])
    response = admin.post("/account/two-factor/reset/", {"username": "a_lead", "reason": "x"})
    assert response.status_code == 403


def test_the_command_resets_a_national_admin_and_is_logged(tenants, caplog):
    with caplog.at_level(logging.WARNING, logger="cdp.audit"):
        call_command("reset_second_factor", "national", "--reason", "Both keys lost",
                     stdout=io.StringIO())
    assert not Authenticator.objects.filter(user=tenants.users["superuser"]).exists()
    row = SecondFactorReset.objects.get()
    assert row.via == "command" and row.reset_by is None and row.operator
    assert row.reason == "Both keys lost"
    assert "user=national" in caplog.text
    with pytest.raises(CommandError, match="no second factor"):
        call_command("reset_second_factor", "national", "--reason", "again",
                     stdout=io.StringIO())
