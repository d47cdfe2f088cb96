"""Emails about changes to how someone signs in (OWASP ASVS 2.2.3, 2.5.5, 2.8.5;
cdp/signin/notifications.py): each goes to the account's own address, says what changed,
when and from where, and what to do if it was not them."""

import logging
from html.parser import HTMLParser

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ..conftest import PASSWORD, TOTP_SECRET

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "kettle orbit lamp meadow"


def signed_in(user) -> Client:
    client = Client(REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="Firefox/140.0")
    client.force_login(user)
    return client


def the_one_notice(mailoutbox, user, subject: str) -> str:
    """The one email sent, to `user`, with this subject: its body."""
    assert [(m.to, m.subject) for m in mailoutbox] == [([user.email], subject)]
    body = mailoutbox[0].body
    assert "IP address 192.0.2.7" in body and "Firefox/140.0" in body  # from where
    assert "(UK time)" in body
    return body


def test_changing_the_password_emails_its_owner(tenants, mailoutbox,
                                                django_capture_on_commit_callbacks):
    lead = tenants.users["a_lead"]
    client = signed_in(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/password/", {
            "oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    body = the_one_notice(mailoutbox, lead, "Your CDP Dashboard password was changed")
    assert "If it was not you" in body and "/password-reset/" in body


def reset_link(user) -> str:
    return (f"/password-reset/{urlsafe_base64_encode(force_bytes(user.pk))}/"
            f"{default_token_generator.make_token(user)}/")


def choose(client: Client, link: str):
    page = client.get(link, follow=True)
    return client.post(page.redirect_chain[-1][0],
                       {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_a_password_reset_by_link_emails_its_owner(tenants, mailoutbox,
                                                   django_capture_on_commit_callbacks):
    lead = tenants.users["a_lead"]
    client = Client(REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="Firefox/140.0")
    with django_capture_on_commit_callbacks(execute=True):
        assert choose(client, reset_link(lead)).status_code == 302
    the_one_notice(mailoutbox, lead, "Your CDP Dashboard password was reset")


def test_an_invited_member_choosing_their_first_password_is_told_so(
        tenants, mailoutbox, django_capture_on_commit_callbacks):
    newcomer = tenants.users["a_viewer"]
    newcomer.set_unusable_password()
    newcomer.save()
    client = Client(REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="Firefox/140.0")
    with django_capture_on_commit_callbacks(execute=True):
        assert choose(client, reset_link(newcomer)).status_code == 302
    body = the_one_notice(mailoutbox, newcomer, "You have set a password for the CDP Dashboard")
    assert "sign in as a_viewer" in body


def test_setting_up_and_removing_the_authenticator_app_email_its_owner(
        tenants, mailoutbox, django_capture_on_commit_callbacks):
    lead = tenants.users["a_lead"]
    client = signed_in(lead)
    client.get("/account/two-factor/app/")
    secret = client.session["mfa.totp.secret"]
    with django_capture_on_commit_callbacks(execute=True):
        added = client.post("/account/two-factor/app/", {"code": pyotp.TOTP(secret).now()})
    assert added.status_code == 302
    the_one_notice(mailoutbox, lead,
                   "You added an authenticator app to your CDP Dashboard account")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        removed = client.post("/account/two-factor/app/remove/")
    assert removed.status_code == 302
    assert not Authenticator.objects.filter(user=lead, type="totp").exists()
    the_one_notice(mailoutbox, lead,
                   "You removed the authenticator app from your CDP Dashboard account")


def test_new_recovery_codes_email_their_owner(tenants, mailoutbox,
                                              django_capture_on_commit_callbacks):
    admin = tenants.users["a_admin"]
    RecoveryCodes.activate(admin)
    client = signed_in(admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/account/two-factor/recovery-codes/new/").status_code == 302
    body = the_one_notice(mailoutbox, admin,
                          "You made new recovery codes for your CDP Dashboard account")
    assert "old recovery codes no longer work" in body


def test_removing_a_passkey_emails_its_owner(tenants, mailoutbox,
                                            django_capture_on_commit_callbacks):
    """(Adding one: tests/browser/test_second_factor_pages.py, with a virtual key.)"""
    lead = tenants.users["a_lead"]
    key = Authenticator.objects.create(user=lead, type="webauthn", data={
        "name": "Work laptop", "credential": {}, "passwordless": False})
    client = signed_in(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/account/two-factor/keys/{key.pk}/remove/")
    assert response.status_code == 302
    the_one_notice(mailoutbox, lead,
                   "You removed a passkey or security key from your CDP Dashboard account")


def test_a_new_api_token_emails_its_owner_from_the_page_and_the_api(
        tenants, mailoutbox, django_capture_on_commit_callbacks):
    analyst = tenants.users["a_analyst"]
    client = signed_in(analyst)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/account/api-tokens/", {"name": "Power BI", "days": "30"}
                           ).status_code == 200
    body = the_one_notice(mailoutbox, analyst,
                          "A new API token was made for your CDP Dashboard account")
    assert "\u201cPower BI\u201d" in body or '"Power BI"' in body
    assert "/account/api-tokens/" in body
    mailoutbox.clear()
    script = Client(REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="Firefox/140.0")
    with django_capture_on_commit_callbacks(execute=True):
        made = script.post("/api/v1/auth/token/", {"username": "a_analyst",
                                                   "password": PASSWORD, "name": "pandas"})
    assert made.status_code == 201
    assert '"pandas"' in the_one_notice(
        mailoutbox, analyst, "A new API token was made for your CDP Dashboard account")


def test_nothing_is_sent_for_a_refused_change(tenants, mailoutbox,
                                              django_capture_on_commit_callbacks):
    client = signed_in(tenants.users["a_lead"])
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post("/account/password/", {
            "oldpassword": "not my password", "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD})
    assert refused.status_code == 200
    assert mailoutbox == []


# --- A code used again (ASVS 2.8.5) ----------------------------------------------------------
def test_a_used_code_tried_again_is_refused_logged_and_its_holder_told(
        tenants, mailoutbox, django_capture_on_commit_callbacks, caplog):
    admin = tenants.users["a_admin"]
    code = pyotp.TOTP(TOTP_SECRET).now()
    first = Client()
    first.post("/sign-in/", {"username": "a_admin", "password": PASSWORD})
    assert first.post("/sign-in/second-factor/", {"code": code}).status_code == 302
    assert mailoutbox == []  # a code used once is nothing to report
    second = Client(REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="Firefox/140.0")
    second.post("/sign-in/", {"username": "a_admin", "password": PASSWORD})
    with caplog.at_level(logging.WARNING, logger="cdp.audit"), \
            django_capture_on_commit_callbacks(execute=True):
        again = second.post("/sign-in/second-factor/", {"code": code})
    assert again.status_code == 200 and "govuk-error-summary" in again.content.decode()
    assert b"Signed in as" not in second.get("/").content
    (record,) = [r for r in caplog.records if "used code" in r.getMessage()]
    assert record.levelno == logging.WARNING and "a_admin" in record.getMessage()
    assert "192.0.2.7" in record.getMessage()
    body = the_one_notice(mailoutbox, admin,
                          "Someone tried a code from your authenticator app again")
    assert "already been used" in body and "/account/password/" in body


def test_a_wrong_code_is_not_taken_for_a_used_one(tenants, mailoutbox, caplog,
                                                  django_capture_on_commit_callbacks):
    """Only a code that was right, and used, is reported: a mistyped one is just wrong."""
    client = Client()
    client.post("/sign-in/", {"username": "a_admin", "password": PASSWORD})
    wrong = f"{(int(pyotp.TOTP(TOTP_SECRET).now()) + 1) % 1_000_000:06d}"
    with caplog.at_level(logging.WARNING, logger="cdp.audit"), \
            django_capture_on_commit_callbacks(execute=True):
        assert client.post("/sign-in/second-factor/", {"code": wrong}).status_code == 200
    assert mailoutbox == [] and "used code" not in caplog.text


def test_the_token_endpoint_reports_a_used_code_too(tenants, mailoutbox, caplog,
                                                    django_capture_on_commit_callbacks):
    totp = TOTP(Authenticator.objects.get(user=tenants.users["a_admin"], type="totp"))
    code = pyotp.TOTP(TOTP_SECRET).now()
    assert totp.validate_code(code)
    with caplog.at_level(logging.WARNING, logger="cdp.audit"), \
            django_capture_on_commit_callbacks(execute=True):
        refused = Client().post("/api/v1/auth/token/", {
            "username": "a_admin", "password": PASSWORD, "otp": code})
    assert refused.status_code == 400 and "otp" in refused.json()
    assert "used code" in caplog.text
    assert [m.subject for m in mailoutbox] == [
        "Someone tried a code from your authenticator app again"]


# --- Changes a national administrator makes in the Django admin ----------------------------
class FormFields(HTMLParser):
    """The values a browser would send for the page's form (text, checked boxes, selects)."""

    def __init__(self):
        super().__init__()
        self.data, self._select = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") != "checkbox":
                self.data[name] = attrs.get("value", "")
            elif "checked" in attrs:
                self.data[name] = attrs.get("value", "on")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.data.setdefault(self._select, []).append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def admin_form(client: Client, path: str) -> dict:
    fields = FormFields()
    fields.feed(client.get(path).content.decode())
    return fields.data


def test_an_email_address_changed_by_an_administrator_is_told_to_both_addresses(
        tenants, mailoutbox, django_capture_on_commit_callbacks):
    viewer = tenants.users["a_viewer"]
    national = signed_in(tenants.users["superuser"])
    path = f"/admin/auth/user/{viewer.pk}/change/"
    data = {**admin_form(national, path), "email": "new.address@example.org"}
    with django_capture_on_commit_callbacks(execute=True):
        assert national.post(path, data).status_code == 302
    assert sorted(m.to[0] for m in mailoutbox) == ["a.viewer@example.org",
                                                   "new.address@example.org"]
    for sent in mailoutbox:
        assert sent.subject == "The email address of your CDP Dashboard account was changed"
        assert "from a.viewer@example.org to new.address@example.org" in sent.body
    mailoutbox.clear()
    data["first_name"] = "Avery"  # other changes tell nobody
    with django_capture_on_commit_callbacks(execute=True):
        assert national.post(path, data).status_code == 302
    assert mailoutbox == []


def test_a_password_set_by_an_administrator_is_told_to_its_owner(
        tenants, mailoutbox, django_capture_on_commit_callbacks):
    viewer = tenants.users["a_viewer"]
    national = signed_in(tenants.users["superuser"])
    path = f"/admin/auth/user/{viewer.pk}/password/"
    with django_capture_on_commit_callbacks(execute=True):
        answer = national.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                                      "usable_password": "true"})
    assert answer.status_code == 302
    body = the_one_notice(mailoutbox, viewer, "A password was set for your CDP Dashboard account")
    assert "national administrator" in body


def test_a_mail_server_that_fails_undoes_nothing_and_is_logged(tenants, settings, caplog):
    """The change is made, and the page answers as usual, when the notice cannot be sent:
    here, to an SMTP port where nothing listens."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free, and left closed
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    lead = tenants.users["a_lead"]
    client = signed_in(lead)
    with caplog.at_level(logging.ERROR, logger="cdp.audit"):
        changed = client.post("/account/password/", {
            "oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert changed.status_code == 302
    lead.refresh_from_db()
    assert lead.check_password(NEW_PASSWORD)
    assert "could not email a_lead the notice account/email/password_changed" in caplog.text
