"""Two real OpenID Connect issuers (node's oidc-provider, tests/sso/provider.mjs) on
127.0.0.1, started once per test process, and a person's browser at them.

Django's test client is the browser at the dashboard; a requests session is the same browser
at the issuers. Redirects between the two are followed by hand, through real HTTP: the
dashboard's server side fetches the issuers' configuration, keys and tokens itself."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("provider.mjs")
RP = "http://testserver"

# Two partner organisations' tenants: a council's (passwords still allowed) and an NHS
# trust's, which enforces its own second factor and has passwords switched off.
ISSUERS = {
    "council": {"name": "Rotherham Council", "domains": ["example.org"],
                "enforces_mfa": False, "password_sign_in": True},
    "nhs": {"name": "NHS Trust", "domains": ["nhs.example"],
            "enforces_mfa": True, "password_sign_in": False},
}


@dataclass
class Issuer:
    id: str
    url: str
    client_id: str
    secret: str

    def set_account(self, sub: str, *, amr: list[str] | None = None, **claims) -> None:
        """What the issuer says of `sub` from now on."""
        answer = requests.put(f"{self.url}/test/accounts/{sub}", timeout=10,
                              json={"claims": claims, **({"amr": amr} if amr else {})})
        answer.raise_for_status()


@contextlib.contextmanager
def running_issuers(rp: str, keys) -> Iterator[dict[str, Issuer]]:
    """Starts tests/sso/provider.mjs with an issuer per key, each with one client whose
    addresses are under `rp` (the dashboard's base address)."""
    node = shutil.which("node")
    assert node, "The single sign-on tests need Node.js (`node`)."
    assert (ROOT / "node_modules" / "oidc-provider").is_dir(), (
        "The single sign-on tests need oidc-provider: run `make assets` (npm ci).")
    clients = [{"id": key, "client_id": f"dashboard-{key}",
                "client_secret": f"secret-{key}-0123456789abcdef0123456789abcdef",
                "redirect_uri": f"{rp}/sign-in/sso/{key}/callback/",
                "post_logout_redirect_uri": f"{rp}/signed-out/"} for key in keys]
    process = subprocess.Popen([node, str(SCRIPT), json.dumps(clients)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline()
        assert line, "tests/sso/provider.mjs did not start"
        urls = json.loads(line)
        yield {c["id"]: Issuer(c["id"], urls[c["id"]], c["client_id"], c["client_secret"])
               for c in clients}
    finally:
        process.terminate()
        process.wait(timeout=10)


def configure(settings, running: dict[str, Issuer]) -> None:
    """The dashboard configured with these issuers, as OIDC_PROVIDERS would."""
    from cdp import config

    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": (
        config.oidc_providers(json.dumps([
            {"id": key, "issuer": issuer.url, "client_id": issuer.client_id,
             "secret": issuer.secret, **ISSUERS[key]}
            for key, issuer in running.items()])))}}


@pytest.fixture(scope="session")
def oidc_issuers() -> Iterator[dict[str, Issuer]]:
    with running_issuers(RP, ISSUERS) as running:
        yield running


@pytest.fixture
def issuers(oidc_issuers, settings) -> dict[str, Issuer]:
    configure(settings, oidc_issuers)
    return oidc_issuers


class Person:
    """One person's browser: `client` at the dashboard, `at_issuers` at the issuers."""

    def __init__(self):
        self.client = Client()
        self.at_issuers = requests.Session()

    def follow_at_issuer(self, url: str, *, sub: str | None = None, data: dict | None = None):
        """Follows the issuer's redirects from `url`, signing in as `sub` when it asks, until
        it sends the browser back to the dashboard; returns the dashboard's answer."""
        answer = (self.at_issuers.post(url, data=data, allow_redirects=False, timeout=10)
                  if data is not None else
                  self.at_issuers.get(url, allow_redirects=False, timeout=10))
        for _ in range(10):
            if answer.is_redirect:
                target = requests.compat.urljoin(answer.url, answer.headers["Location"])
                if target.startswith(RP):
                    parts = urlsplit(target)
                    return self.client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
                answer = self.at_issuers.get(target, allow_redirects=False, timeout=10)
            elif "/interaction/" in answer.url and sub is not None:
                action = answer.text.split('action="', 1)[1].split('"', 1)[0]
                answer = self.at_issuers.post(requests.compat.urljoin(answer.url, action),
                                              data={"sub": sub}, allow_redirects=False,
                                              timeout=10)
                sub = None
            else:
                return answer
        raise AssertionError("too many redirects at the issuer")

    def sign_in(self, issuer: Issuer, sub: str, *, next_url: str = "/", query: str = ""):
        """Presses "Sign in with …" and signs in at the issuer as `sub`."""
        start = self.client.post(f"/sign-in/sso/{issuer.id}/?process=login&next={next_url}"
                                 + query)
        assert start.status_code == 302, start
        assert start["Location"].startswith(issuer.url)
        return self.follow_at_issuer(start["Location"], sub=sub)


@pytest.fixture
def person() -> Person:
    return Person()
