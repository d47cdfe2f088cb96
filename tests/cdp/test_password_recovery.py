"""A forgotten password, and an invited member's first one (OWASP ASVS 2.3.1, 2.4.3, 2.5.1
to 2.5.3, 2.5.6): an emailed link that is random, works once and expires; no password is ever
sent or shown; no hints or secret questions; and the second factor is still asked after."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "meadow kettle orbit lamp"


def emailed_link(client: Client, mailoutbox, email: str, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/password-reset/", {"email": email}).status_code == 302
    (sent,) = mailoutbox
    return sent, re.search(r"https?://\S+(/password-reset/\S+/)", sent.body).group(1)


def choose(client: Client, link: str, password: str = NEW_PASSWORD):
    page = client.get(link, follow=True)
    return client.post(page.redirect_chain[-1][0] if page.redirect_chain else link,
                       {"new_password1": password, "new_password2": password})


def test_2_3_1_the_link_is_random_works_once_and_expires(tenants, mailoutbox,
                                                        django_capture_on_commit_callbacks):
    """No password is made for anyone: an invitation or a reset sends a link to choose one.
    Its token is an HMAC-SHA256 of the account's state under the secret key (20 bytes shown),
    void once the password changes, and too old after PASSWORD_RESET_TIMEOUT (3 days)."""
    client = Client()
    sent, link = emailed_link(client, mailoutbox, "a.viewer@example.org",
                              django_capture_on_commit_callbacks)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert len(token.split("-")[1]) >= 32  # 128+ bits in hex
    assert choose(client, link).status_code == 302
    again = Client().get(link, follow=True)
    assert "This link has expired" in again.content.decode()  # once only
    user = tenants.users["a_viewer"]
    user.refresh_from_db()
    generator = default_token_generator
    assert settings.PASSWORD_RESET_TIMEOUT == 3 * 24 * 3600
    now = generator._num_seconds(generator._now())
    stale = generator._make_token_with_timestamp(
        user, now - settings.PASSWORD_RESET_TIMEOUT - 1, generator.secret)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    page = Client().get(f"/password-reset/{uid}/{stale}/", follow=True)
    assert "This link has expired" in page.content.decode()
    fresh = generator._make_token_with_timestamp(user, now - 60, generator.secret)
    page = Client().get(f"/password-reset/{uid}/{fresh}/", follow=True)
    assert "Choose a password" in page.content.decode()


def test_2_4_3_pbkdf2_only_checks_old_passwords_with_over_100000_iterations():
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from cdp import settings as project_settings

    hashers = project_settings.PASSWORD_HASHERS
    assert "PBKDF2" not in hashers[0]  # new passwords: Argon2id with the pepper
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in hashers
    assert PBKDF2PasswordHasher.iterations >= 100_000
    assert not any("bcrypt" in hasher.lower() for hasher in hashers)  # 2.4.4


def test_2_5_1_and_2_5_3_no_password_is_ever_sent_or_shown(
        tenants, mailoutbox, django_capture_on_commit_callbacks):
    """The reset email holds a link, never a password (the current one is not known: it is
    stored as a hash); an invitation likewise. Mail goes by STARTTLS unless turned off."""
    sent, _ = emailed_link(Client(), mailoutbox, "a.viewer@example.org",
                           django_capture_on_commit_callbacks)
    assert PASSWORD not in sent.body and "password is" not in sent.body.lower()
    user = tenants.users["a_viewer"]
    user.refresh_from_db()
    assert PASSWORD not in user.password
    from partnerships import services

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.member_invite(partnership=tenants.a, email="newcomer@example.org",
                               role="viewer", invited_by=tenants.users["a_admin"],
                               site_url="https://cdp.example.org")
    (invitation,) = mailoutbox
    assert "Choose a password to sign in" in invitation.body
    assert not re.search(r"password is|your password:", invitation.body, re.I)
    from cdp import settings as project_settings

    assert getattr(project_settings, "EMAIL_USE_TLS", True) is True


def test_2_5_2_no_hints_or_secret_questions(tenants):
    """Recovery asks for the account's email address and nothing else; accounts hold no
    password hint or secret answer to ask about."""
    from django.contrib.auth import get_user_model

    page = Client().get("/password-reset/").content.decode()
    assert re.findall(r'<input[^>]*name="([^"]+)"', page) == ["csrfmiddlewaretoken", "email"]
    fields = {f.name for f in get_user_model()._meta.get_fields()}
    assert not {name for name in fields if re.search(r"hint|question|answer|secret", name)}


def test_2_5_6_after_a_reset_the_second_factor_is_still_asked(
        tenants, mailoutbox, django_capture_on_commit_callbacks):
    """A reset link replaces the password only: whoever has a second factor gives it at the
    next sign-in as before (its loss is 2.5.7's)."""
    client = Client()
    _, link = emailed_link(client, mailoutbox, "a.admin@example.org",
                           django_capture_on_commit_callbacks)
    assert choose(client, link).status_code == 302
    signing_in = Client()
    answer = signing_in.post("/sign-in/", {"username": "a_admin", "password": NEW_PASSWORD})
    assert answer.status_code == 302 and answer["Location"] == "/sign-in/second-factor/"
    assert b"Signed in as" not in signing_in.get("/").content
