"""Single sign-on with OpenID Connect, several issuers at once (django-allauth's
`openid_connect` provider): each partner organisation's own tenant.

An issuer is an allauth SocialApp of provider `openid_connect`, from OIDC_PROVIDERS
(cdp.config.oidc_providers) or made in the Django admin. Its `settings` say, besides
`server_url`:
- `domains`: the email domains it may link by email. An email on them counts as verified
  (Entra ID often sends no `email_verified`); any other email is refused, verified or not.
- `enforces_mfa`: the issuer's own sign-in always asks for a second factor (for example an
  Entra ID Conditional Access policy), so its sign-ins count as the second factor here.
- `password_sign_in`: false switches password sign-in off for emails on its domains, and for
  everyone linked to it.

This module is the policy: who may link, what counts as the second factor, who may not use a
password, where signing out and step-up go. cdp.signin.sso_flow is allauth's hooks.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode, urlsplit

from allauth.account.authentication import get_authentication_records
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialLogin
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse

log = logging.getLogger("cdp.audit")

PROVIDER = "openid_connect"
# RFC 8176 methods that mean more than a password was used: "mfa" says so outright; a
# one-time code, a hardware or software key or a smart card is a second factor beside it.
MFA_METHODS = frozenset({"mfa", "otp", "hwk", "swk", "sc"})
DISCOVERY_SECONDS = 3600


class Refused(Exception):
    """A sign-in that may not link to, or make, an account: the reason is for the person."""


def issuers(request: HttpRequest | None = None) -> list[SocialApp]:
    """Every configured issuer, from the environment and the admin: one query a request,
    however often the sign-in page, its form and its hooks ask."""
    found = getattr(request, "_cdp_issuers", None)
    if found is None:
        found = [app for app in get_adapter().list_apps(request, provider=PROVIDER)
                 if not app.settings.get("hidden")]
        if request is not None:
            request._cdp_issuers = found
    return found


def issuer_domains(app: SocialApp) -> set[str]:
    return {domain.strip().lower().lstrip("@") for domain in app.settings.get("domains", [])
            if domain.strip()}


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower() if "@" in email else ""


def id_token_claims(sociallogin: SocialLogin) -> dict:
    return sociallogin.account.extra_data.get("id_token") or {}


def claims(sociallogin: SocialLogin) -> dict:
    """What the issuer says of the person: userinfo, falling back on the ID token."""
    extra = sociallogin.account.extra_data
    return {**id_token_claims(sociallogin), **(extra.get("userinfo") or {})}


# --- The first link, by email ---------------------------------------------------------------
def linkable_email(app: SocialApp, found: dict) -> str:
    """The email this sign-in may be linked by, or Refused. Only an email on the issuer's
    own domains: any tenant's administrator can give their users any email address, verified
    by the tenant's say-so, so `email_verified` alone proves nothing about another domain."""
    email = (found.get("email") or "").strip()
    if not email:
        raise Refused(f"{app.name} did not say your email address, so your account here "
                      "cannot be found.")
    if email_domain(email) not in issuer_domains(app):
        raise Refused(f"{email} is not an address that {app.name} may sign in with here. "
                      "Sign in with your organisation's own button, or ask your partnership "
                      "administrator.")
    verified = found.get("email_verified")
    if verified is False or str(verified).lower() == "false":
        raise Refused(f"{app.name} says {email} is not verified. Ask your IT service to "
                      "verify it, then try again.")
    return email


def has_access(user) -> bool:
    """A membership of a partnership (a pending invitation is one), a region's, or a national
    role: nobody signs in to an account that can see nothing."""
    return bool(user.is_superuser or user.is_staff or user.memberships.exists()
                or user.regional_memberships.exists())


def account_to_link(app: SocialApp, sociallogin: SocialLogin):
    """The one active account this first sign-in links to, or Refused. No account is ever
    made here: a partnership administrator's invitation makes it, with its membership."""
    email = linkable_email(app, claims(sociallogin))
    users = list(get_user_model().objects.filter(email__iexact=email, is_active=True)[:2])
    if not users:
        raise Refused(f"There is no account for {email}. Ask your partnership administrator "
                      "to invite you.")
    if len(users) > 1:
        raise Refused(f"More than one account has the address {email}. Ask a national "
                      "administrator to sort it out.")
    user = users[0]
    if not has_access(user):
        raise Refused(f"The account for {email} is not a member of any partnership. Ask "
                      "your partnership administrator to invite you.")
    if SocialAccount.objects.filter(user=user, provider=sociallogin.account.provider).exists():
        raise Refused(f"The account for {email} is already linked to another {app.name} "
                      "account. Ask a national administrator.")
    return user


# --- The second factor -----------------------------------------------------------------------
def did_mfa(sociallogin: SocialLogin) -> bool:
    """Whether the issuer says this sign-in used more than a password: the ID token's `amr`
    (signed by the issuer; userinfo's is not trusted for this), or the issuer's setting."""
    if sociallogin.provider.app.settings.get("enforces_mfa"):
        return True
    amr = id_token_claims(sociallogin).get("amr") or []
    return bool(MFA_METHODS & {str(method).lower() for method in amr})


# --- Password sign-in switched off --------------------------------------------------------
def sso_only_issuer(request: HttpRequest | None, *, email: str = "",
                    user=None) -> SocialApp | None:
    """The issuer whose people may not sign in with a password, for this email or user:
    one with `password_sign_in` false whose domains hold the email, or to which the user is
    linked. None when a password is allowed."""
    off = [app for app in issuers(request) if app.settings.get("password_sign_in") is False]
    if not off:
        return None
    emails = {email_domain(email)} if email else set()
    if user is not None and user.email:
        emails.add(email_domain(user.email))
    for app in off:
        if emails & issuer_domains(app):
            return app
    if user is not None and user.pk:
        linked = set(SocialAccount.objects.filter(user=user).values_list("provider", flat=True))
        for app in off:
            if (app.provider_id or app.provider) in linked:
                return app
    return None


# --- Sessions signed in by single sign-on --------------------------------------------------
def signed_in_with(request: HttpRequest) -> dict | None:
    """The last single sign-on record of this session (provider, uid, at), if it signed in
    that way."""
    if not request.user.is_authenticated:
        return None
    records = [record for record in get_authentication_records(request, request.user)
               if record.get("method") == "socialaccount"]
    return records[-1] if records else None


def issuer_by_id(request: HttpRequest, provider_id: str) -> SocialApp | None:
    for app in issuers(request):
        if (app.provider_id or app.provider) == provider_id:
            return app
    return None


def discovery(request: HttpRequest, app: SocialApp) -> dict:
    """The issuer's OpenID configuration (kept an hour), with the app's overrides."""
    from allauth.socialaccount.providers.openid_connect.views import (
        OpenIDConnectOAuth2Adapter,
    )

    key = f"cdp.sso.discovery:{app.provider_id}:{app.settings.get('server_url')}"
    config = cache.get(key)
    if config is None:
        config = OpenIDConnectOAuth2Adapter(request, app.provider_id).openid_config
        cache.set(key, config, DISCOVERY_SECONDS)
    return config


def end_session_url(request: HttpRequest) -> str | None:
    """Where to send someone signing out who signed in by single sign-on: the issuer's
    end_session_endpoint (OpenID Connect RP-Initiated Logout), coming back to "You have
    signed out". None when they did not, or the issuer has no such endpoint. Read before the
    local session ends."""
    record = signed_in_with(request)
    app = record and issuer_by_id(request, record.get("provider", ""))
    if not app:
        return None
    try:
        endpoint = discovery(request, app).get("end_session_endpoint")
    except Exception:  # noqa: BLE001 - the local sign-out must not fail with the issuer
        log.warning("sso: could not read %s's configuration to sign out there", app.provider_id)
        return None
    if not endpoint:
        return None
    back = request.build_absolute_uri(reverse("signed_out"))
    query = urlencode({"client_id": app.client_id, "post_logout_redirect_uri": back})
    return f"{endpoint}{'&' if urlsplit(endpoint).query else '?'}{query}"


def step_up_url(request: HttpRequest, next_url: str) -> str | None:
    """For step-up (re-authentication before a sensitive action): someone who signed in by
    single sign-on confirms it is them at their issuer, which is made to ask again
    (`prompt=login`, `max_age=0`); the issuer's own second factor applies. Returns the page
    that starts it (a button that POSTs to the issuer's sign-in), or None for a session that
    did not sign in by single sign-on (it steps up with its password or second factor).
    Whether it was done recently: `recently_confirmed_at_issuer`."""
    record = signed_in_with(request)
    if not record or not issuer_by_id(request, record.get("provider", "")):
        return None
    query = urlencode({"process": "login", "next": next_url,
                       "auth_params": urlencode({"prompt": "login", "max_age": "0"})})
    return reverse("openid_connect_login", kwargs={"provider_id": record["provider"]}) + (
        "?" + query)


def recently_confirmed_at_issuer(request: HttpRequest, seconds: int | None = None) -> bool:
    """Whether this session's person signed in at their issuer within `seconds` (by default
    ACCOUNT_REAUTHENTICATION_TIMEOUT): the ID token's `auth_time`, which the issuer sets when
    the person actually authenticates (so `prompt=login` renews it and a remembered issuer
    session does not)."""
    import time

    record = signed_in_with(request)
    if not record or not record.get("auth_time"):
        return False
    limit = settings.ACCOUNT_REAUTHENTICATION_TIMEOUT if seconds is None else seconds
    return time.time() - float(record["auth_time"]) < limit



def origin(app: SocialApp) -> str:
    """The issuer's web origin: its sign-in and sign-out pages are there."""
    parts = urlsplit(app.settings.get("server_url", ""))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def allow_forms_to(response, origins) -> None:
    """Lets this page's forms lead to these origins (the Content Security Policy's
    form-action, which Chromium applies to a form's redirects too)."""
    origins = [o for o in origins if o]
    if origins:
        update = dict(getattr(response, "_csp_update", None) or {})
        update["form-action"] = [*update.get("form-action", []), *origins]
        response._csp_update = update
