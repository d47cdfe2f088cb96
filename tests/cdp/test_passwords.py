"""Passwords as people choose, change and type them (OWASP ASVS 2.1): from 12 to 128
characters, every character counting, any character allowed, no rules about which, never
expiring; changed only with the current one; pasted from a password manager and shown on
request."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def project_hashers(settings):
    """The project's own hashing (Argon2id with the pepper), not the suite's fast one."""
    from cdp import settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def choose_password(user, password: str):
    """Through the page an emailed link (a reset or an invitation) leads to."""
    client = Client()
    user.refresh_from_db()  # the link is made from the password it has now
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    page = client.get(f"/password-reset/{uid}/{default_token_generator.make_token(user)}/",
                      follow=True)
    return client.post(page.redirect_chain[-1][0],
                       {"new_password1": password, "new_password2": password})


def signs_in(username: str, password: str) -> bool:
    return Client().post("/sign-in/", {"username": username, "password": password}
                         ).status_code == 302


def test_2_1_2_up_to_128_characters_and_no_more(tenants):
    user = tenants.users["a_viewer"]
    for length in (64, 128):
        password = ("kettle orbit lamp " * 8)[:length]
        assert choose_password(user, password).status_code == 302, length
        assert signs_in("a_viewer", password), length
    refused = choose_password(user, "kettle orbit lamp " * 7 + "kettle orbit")  # 138
    assert refused.status_code == 200
    assert "128 characters or fewer" in refused.content.decode()
    assert signs_in("a_viewer", ("kettle orbit lamp " * 8)[:128])


def test_2_1_3_every_character_counts(tenants, project_hashers):
    """Nothing is cut off: not at 72 bytes (bcrypt's limit), nor anywhere else; nor are
    runs of spaces squeezed."""
    password = "correct horse battery staple " * 3 + "and 1 more"  # 97 characters
    assert choose_password(tenants.users["a_viewer"], password).status_code == 302
    assert signs_in("a_viewer", password)
    for near in (password[:72], password[:-1], password[:-1] + "r",
                 password.replace("horse ", "horse  ", 1)):
        assert not signs_in("a_viewer", near), near


def test_2_1_4_any_printable_unicode_character_spaces_and_emoji(tenants, project_hashers):
    password = "  Café ☕ ключ 東京 🐈‍⬛ مرحبا  "  # leading and trailing spaces kept
    assert choose_password(tenants.users["a_viewer"], password).status_code == 302
    assert signs_in("a_viewer", password)
    assert not signs_in("a_viewer", password.strip())
    assert not signs_in("a_viewer", password.replace("🐈‍⬛", "🐈"))


def test_2_1_5_and_2_1_6_changing_the_password_needs_the_current_one(tenants):
    lead = tenants.users["a_lead"]
    client = Client()
    client.force_login(lead)
    page = client.get("/account/password/").content.decode()
    assert "Current password" in page and "New password again" in page
    new = "meadow kettle orbit lamp"
    wrong = client.post("/account/password/", {
        "oldpassword": "not the password", "password1": new, "password2": new})
    assert wrong.status_code == 200 and "govuk-error-summary" in wrong.content.decode()
    missing = client.post("/account/password/", {"password1": new, "password2": new})
    assert missing.status_code == 200
    assert signs_in("a_lead", PASSWORD)
    changed = client.post("/account/password/", {
        "oldpassword": PASSWORD, "password1": new, "password2": new})
    assert changed.status_code == 302 and changed["Location"] == "/sign-in/"
    # Signed out, here and in every other session; the old password no longer works.
    assert b"Signed in as" not in client.get("/").content
    assert not signs_in("a_lead", PASSWORD) and signs_in("a_lead", new)


def test_the_change_is_linked_from_the_sign_in_settings_and_says_so_without_a_password(
        tenants):
    lead = tenants.users["a_lead"]
    client = Client()
    client.force_login(lead)
    assert 'href="/account/password/"' in client.get("/account/two-factor/").content.decode()
    lead.set_unusable_password()  # signs in with their organisation's account
    lead.save()
    client.force_login(lead)
    page = client.get("/account/password/")
    assert page.status_code == 200
    assert "You do not have a password for the CDP Dashboard" in page.content.decode()
    assert client.post("/account/password/", {"password1": "x" * 20}).status_code == 200
    lead.refresh_from_db()
    assert not lead.has_usable_password()


def test_2_1_8_what_makes_a_good_password_and_why_one_is_refused(tenants):
    """Feedback on strength: the page says what makes a strong password, and a weak one is
    refused with the reason (too short, too common, too like the user's name, all digits)."""
    user = tenants.users["a_viewer"]
    client = Client()
    client.force_login(tenants.users["a_lead"])
    assert "three or four random words" in client.get("/account/password/").content.decode()
    reasons = {
        "kettle": "at least 12 characters",
        "password1234": "too common",
        "736254918273645": "entirely numeric",
        "a_viewer1234": "too similar",
    }
    for password, reason in reasons.items():
        page = choose_password(user, password).content.decode()
        assert reason in page and "three or four random words" in page, password


METER = re.compile(r'<div hidden data-password-strength="(\w+)" data-username="([^"]*)"'
                   r' data-email="([^"]*)"></div>')


def test_2_1_8_the_strength_meter_is_on_every_page_that_chooses_a_password_and_no_other(
        tenants):
    """The meter's marker (with the field and the person's username and email) and its
    scripts on the pages where a new password is chosen; tests/browser/test_password_strength.py
    types into it. The sign-in page and the dashboard do not load it."""
    viewer, lead = tenants.users["a_viewer"], tenants.users["a_lead"]
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(viewer.pk))
    link = client.get(f"/password-reset/{uid}/{default_token_generator.make_token(viewer)}/",
                      follow=True).content.decode()
    assert METER.findall(link) == [("id_new_password1", "a_viewer", "a.viewer@example.org")]
    client.force_login(lead)
    change = client.get("/account/password/").content.decode()
    assert METER.findall(change) == [("id_password1", "a_lead", "a.lead@example.org")]
    national = Client()
    national.force_login(tenants.users["superuser"])  # just now: no step-up asked
    admin = national.get(f"/admin/auth/user/{viewer.pk}/password/").content.decode()
    assert METER.findall(admin) == [("id_password1", "a_viewer", "a.viewer@example.org")]
    own = national.get("/admin/password_change/").content.decode()
    assert METER.findall(own) == [("id_new_password1", "national", "n@example.org")]
    for html in (link, change, admin, own):
        assert 'id="id_password1"' in html or 'id="id_new_password1"' in html
        assert re.findall(r'<script[^>]*src="[^"]*(zxcvbn-ts/[\w-]+|password-strength)', html) == [
            "zxcvbn-ts/core", "zxcvbn-ts/language-common", "zxcvbn-ts/language-en",
            "password-strength"]
    others = [Client().get("/sign-in/"), client.get("/partnerships/rotherham/"),
              client.get("/account/two-factor/")]
    for response in others:
        assert response.status_code == 200
        html = response.content.decode()
        assert "data-password-strength" not in html
        assert "zxcvbn" not in html and "password-strength" not in html


def test_2_1_9_no_rules_about_which_characters(tenants):
    """Lower-case letters alone, or symbols alone, will do when long and uncommon enough."""
    for password in ("kettleorbitlampmeadow", "meadow lamp orbit", "!#%&/()=?+*<>|;:"):
        assert choose_password(tenants.users["a_viewer"], password).status_code == 302, password
        assert signs_in("a_viewer", password)


def test_2_1_10_no_expiry_and_no_history(tenants):
    """A password never has to be changed, and choosing the one one had before is allowed
    (no history is kept to refuse it)."""
    from django.conf import settings

    names = " ".join(str(v) for v in settings.AUTH_PASSWORD_VALIDATORS).lower()
    assert not re.search(r"expir|history|age|rotat", names)
    user = tenants.users["a_viewer"]
    user.last_login = user.date_joined.replace(year=user.date_joined.year - 5)
    user.save(update_fields=["last_login"])
    client = Client()
    signed_in = client.post("/sign-in/", {"username": "a_viewer", "password": PASSWORD})
    assert signed_in.status_code == 302 and "password" not in signed_in["Location"]
    assert choose_password(user, PASSWORD).status_code == 302  # the same one again


PASSWORD_PAGES = {
    "/sign-in/": {"password": "current-password"},
    "/account/password/": {"oldpassword": "current-password", "password1": "new-password",
                           "password2": "new-password"},
    "/account/confirm/": {"password": "current-password"},
}


def password_inputs(html: str) -> dict[str, str]:
    return {m.group(1): m.group(0) for m in re.finditer(
        r'<input[^>]*name="([^"]+)"[^>]*type="password"[^>]*>', html)}


def test_2_1_11_password_managers_and_pasting_are_welcome(tenants):
    """Every password input names what it holds for password managers (`autocomplete`), and
    nothing stops pasting into it (no `onpaste`, no `autocomplete="off"`)."""
    client = Client()
    pages = {"/sign-in/": client.get("/sign-in/").content.decode()}
    client.force_login(tenants.users["a_lead"])
    for path in ("/account/password/", "/account/confirm/"):
        pages[path] = client.get(path).content.decode()
    uid = urlsafe_base64_encode(force_bytes(tenants.users["a_viewer"].pk))
    link = client.get(f"/password-reset/{uid}/"
                      f"{default_token_generator.make_token(tenants.users['a_viewer'])}/",
                      follow=True)
    pages["reset"] = link.content.decode()
    expected = {**PASSWORD_PAGES, "reset": {"new_password1": "new-password",
                                            "new_password2": "new-password"}}
    for path, fields in expected.items():
        inputs = password_inputs(pages[path])
        assert set(inputs) == set(fields), path
        for name, autocomplete in fields.items():
            assert f'autocomplete="{autocomplete}"' in inputs[name], (path, name)
        assert not re.search(r"onpaste|oncopy|autocomplete=\"off\"", pages[path]), path


def test_2_1_12_every_password_can_be_shown(tenants):
    """GOV.UK Frontend's password input: a "Show" button beside each password, which shows
    what was typed until pressed again (tests/browser/test_base_pages.py presses it)."""
    client = Client()
    html = client.get("/sign-in/").content.decode()
    client.force_login(tenants.users["a_lead"])
    html += client.get("/account/password/").content.decode()
    groups = re.findall(r'<div class="govuk-form-group govuk-password-input"'
                        r' data-module="govuk-password-input">.*?</div>\s*</div>', html, re.S)
    assert len(groups) == 4  # sign-in's one, and the change page's three
    for group in groups:
        field = re.search(r'<input[^>]*id="([^"]+)"[^>]*type="password"', group).group(1)
        assert re.search(r'<button type="button" class="[^"]*govuk-js-password-input-toggle'
                         rf'[^"]*"[^>]*aria-controls="{field}"[^>]*>Show</button>', group)
