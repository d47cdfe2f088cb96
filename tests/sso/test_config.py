"""OIDC_PROVIDERS: what it must say, and what allauth is given."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from cdp import config

ENTRY = {"id": "council", "name": "Rotherham Council", "client_id": "abc", "secret": "s3cret",
         "issuer": "https://login.microsoftonline.com/tenant/v2.0",
         "domains": ["Rotherham.gov.uk"], "enforces_mfa": True, "password_sign_in": False}


def test_an_issuer_becomes_an_allauth_app():
    assert config.oidc_providers("") == []
    (app,) = config.oidc_providers(json.dumps([ENTRY]))
    assert app == {"provider_id": "council", "name": "Rotherham Council", "client_id": "abc",
                   "secret": "s3cret", "settings": {
                       "server_url": "https://login.microsoftonline.com/tenant/v2.0",
                       "domains": ["rotherham.gov.uk"], "enforces_mfa": True,
                       "password_sign_in": False, "oauth_pkce_enabled": True}}
    (defaults,) = config.oidc_providers(json.dumps([
        {k: v for k, v in ENTRY.items() if k not in ("enforces_mfa", "password_sign_in")}]))
    assert defaults["settings"]["enforces_mfa"] is False
    assert defaults["settings"]["password_sign_in"] is True


@pytest.mark.parametrize("raw", [
    "not json", json.dumps(ENTRY), json.dumps([{**ENTRY, "secret": ""}]),
    json.dumps([{k: v for k, v in ENTRY.items() if k != "issuer"}]),
    json.dumps([ENTRY, ENTRY]),
])
def test_a_wrong_setting_stops_the_start(raw):
    with pytest.raises(ImproperlyConfigured):
        config.oidc_providers(raw)
