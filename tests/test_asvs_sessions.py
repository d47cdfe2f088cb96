"""OWASP ASVS 4.0.3 V3 (session management): the requirements tests/test_asvs.py does not
walk, each proved here or where the README's table says."""

from __future__ import annotations

import inspect
import os
import re
import secrets
from importlib import import_module

import pyotp
import pytest
from django.conf import settings
from django.test import Client

from .conftest import PASSWORD, TOTP_SECRET

pytestmark = pytest.mark.django_db

# Pages a signed-in administrator opens: their own settings, a partnership's, the session's
# own status, the API's browsable answer.
SIGNED_IN_PAGES = ("/", "/partnerships/rotherham/", "/partnerships/rotherham/members/",
                   "/account/two-factor/", "/account/sessions/", "/account/api-tokens/",
                   "/session/", "/api/v1/partnerships/", "/partnerships/rotherham/plan/")


def sign_in_through_the_pages(client: Client, username: str) -> list[str]:
    """Signs in with the password and the authenticator app's code, following every
    redirect; returns every address the browser was sent to."""
    visited = []
    response = client.post("/sign-in/?next=/partnerships/rotherham/",
                           {"username": username, "password": PASSWORD}, follow=True)
    visited += [url for url, _ in response.redirect_chain]
    response = client.post("/sign-in/second-factor/", {"code": pyotp.TOTP(TOTP_SECRET).now()},
                           follow=True)
    visited += [url for url, _ in response.redirect_chain]
    assert response.status_code == 200 and b"Signed in as" in response.content
    return visited


def test_3_1_1_the_session_token_is_never_in_a_url(tenants):
    """ASVS 3.1.1: no address the service sends a browser to, or links to, carries the
    session token; and one put in an address signs nobody in."""
    client = Client()
    visited = sign_in_through_the_pages(client, "a_admin")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert visited and not any(key in url for url in visited)
    for path in SIGNED_IN_PAGES:
        page = client.get(path, HTTP_ACCEPT="text/html", follow=True)
        assert page.status_code == 200, path
        addresses = [url for url, _ in page.redirect_chain] + re.findall(
            r'(?:href|action|src)="([^"]*)"', page.content.decode())
        assert addresses or path in ("/session/",), path
        assert not any(key in address for address in addresses), path
    # In the address instead of the cookie, it is ignored.
    for name in (settings.SESSION_COOKIE_NAME, "sessionid", "session", "sid"):
        stranger = Client()
        page = stranger.get(f"/partnerships/rotherham/?{name}={key}")
        assert page.status_code == 302 and page["Location"].startswith("/sign-in/"), name
        assert stranger.get(f"/session/?{name}={key}").status_code == 401
    # Signing out goes to an address without it too.
    out = client.post("/sign-out/")
    assert key not in out["Location"]


def test_3_2_3_the_session_token_is_kept_only_in_an_httponly_cookie(tenants):
    """ASVS 3.2.3: the browser holds the session token only in its cookie, which scripts
    cannot read (HttpOnly; Secure and __Host- in production: test_asvs.py 3.4.x); no page,
    and no answer a script reads, carries it, so nothing can put it anywhere else."""
    client = Client()
    response = client.post("/sign-in/", {"username": "a_lead", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    key = cookie.value
    assert cookie["httponly"] is True
    for path in SIGNED_IN_PAGES + ("/partnerships/rotherham/plan/milestones/"
                                   f"{tenants.milestones['a'].pk}/progress/",):
        page = client.get(path, HTTP_ACCEPT="text/html", follow=True)
        if page.status_code != 200:  # the lead does not manage members
            continue
        assert key not in page.content.decode(), path
        assert all(key not in value for _, value in page.items()), path
    assert key not in client.post("/session/extend/").content.decode()


def test_3_2_4_session_and_api_tokens_come_from_a_cryptographically_secure_generator():
    """ASVS 3.2.4: session keys are drawn with Python's `secrets` (the operating system's
    CSPRNG): the session engine in use keeps Django's key maker, which draws each character
    with secrets.choice. API tokens are os.urandom's bytes (django-rest-knox)."""
    from django.contrib.sessions.backends.base import SessionBase
    from django.utils import crypto
    from knox import crypto as knox_crypto

    store = import_module(settings.SESSION_ENGINE).SessionStore
    assert store._get_new_session_key is SessionBase._get_new_session_key
    assert "get_random_string(32, VALID_KEY_CHARS)" in inspect.getsource(
        SessionBase._get_new_session_key)
    assert import_module(SessionBase.__module__).get_random_string is crypto.get_random_string
    assert crypto.secrets is secrets
    assert "secrets.choice(allowed_chars)" in inspect.getsource(crypto.get_random_string)
    assert knox_crypto.generate_bytes is os.urandom
    keys = {store()._get_new_session_key() for _ in range(200)}
    assert len(keys) == 200
    tokens = {knox_crypto.create_token_string() for _ in range(200)}
    assert len(tokens) == 200 and all(len(t) * 4 >= 256 for t in tokens)


def test_3_5_2_the_api_takes_each_persons_own_expiring_tokens_not_a_static_key(tenants):
    """ASVS 3.5.2: the API is read with a token made for one person, that expires (90 days
    unless chosen), can be revoked, and is stored only as a hash; no key set in the
    configuration opens it (METRICS_TOKEN opens /metrics only, and no figure)."""
    from cdp import tokens
    from cdp.models import ApiToken

    token, key = tokens.token_create(user=tenants.users["a_analyst"], name="R on my laptop")
    stored = ApiToken.objects.get(pk=token.pk)
    assert key not in {stored.digest, stored.token_key} and stored.expiry is not None
    answer = Client().get("/api/v1/partnerships/", HTTP_AUTHORIZATION=f"Token {key}")
    assert answer.status_code == 200
    assert [p["slug"] for p in answer.json()["results"]] == ["rotherham"]
    assert settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] == [
        "cdp.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication"]
    for header in (f"Bearer {settings.SECRET_KEY}", f"Token {settings.SECRET_KEY}",
                   f"Token {settings.METRICS_TOKEN or 'x'}"):
        assert Client().get("/api/v1/partnerships/",
                            HTTP_AUTHORIZATION=header).status_code in (401, 403), header
    tokens.token_revoke(user=tenants.users["a_analyst"], digest=stored.digest)
    assert Client().get("/api/v1/partnerships/",
                        HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_3_5_3_no_stateless_token_is_taken(tenants):
    """ASVS 3.5.3 does not apply: nothing the service takes is a stateless token (a JWT);
    sessions and API tokens are looked up on the server. A signed JWT, even one naming a
    real user, opens nothing."""
    import base64
    import hashlib
    import hmac
    import json

    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    claims = {"sub": str(tenants.users["a_analyst"].pk), "user_id": tenants.users["a_analyst"].pk,
              "username": "a_analyst"}
    for alg in ("none", "HS256"):
        unsigned = f"{part({'alg': alg, 'typ': 'JWT'})}.{part(claims)}"
        signature = base64.urlsafe_b64encode(hmac.new(
            settings.SECRET_KEY.encode(), unsigned.encode(), hashlib.sha256).digest()).rstrip(
            b"=").decode() if alg == "HS256" else ""
        jwt = f"{unsigned}.{signature}"
        for header in (f"Bearer {jwt}", f"JWT {jwt}", f"Token {jwt}"):
            assert Client().get("/api/v1/partnerships/",
                                HTTP_AUTHORIZATION=header).status_code in (401, 403), header
        stranger = Client()
        stranger.cookies[settings.SESSION_COOKIE_NAME] = jwt
        assert stranger.get("/partnerships/rotherham/").status_code == 302
