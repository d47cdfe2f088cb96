"""django-allauth's hooks for single sign-on (the policy is cdp.signin.sso): the first link by
email and never again, no account without a membership, the issuer's second factor, and
signing out at the issuer too."""

from __future__ import annotations

import logging

from allauth.account.internal.decorators import login_not_required
from allauth.account.internal.flows.login import (
    AUTHENTICATION_METHODS_SESSION_KEY,
    record_authentication,
)
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.stages import AuthenticateStage
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.openid_connect import views as oidc_views
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import render

from . import sso

log = logging.getLogger("cdp.audit")


def refused(request, app, reason: str):
    log.warning("sso refused: issuer=%s reason=%r", getattr(app, "provider_id", app), reason)
    return render(request, "socialaccount/refused.html",
                  {"issuer": app, "reason": reason}, status=403)


class SingleSignOnAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        """Nobody's account is made by signing in: an invitation makes it."""
        return False

    def pre_social_login(self, request, sociallogin) -> None:
        """A returning person is found by issuer and subject (allauth's lookup, done before
        this); a first sign-in is linked by email, once, or refused."""
        app = sociallogin.provider.app
        if sociallogin.state.get("process", "login") != "login":
            # Only signing in: accounts are not linked from a signed-in page here.
            raise ImmediateHttpResponse(refused(request, app, "Start from the sign-in page."))
        if sociallogin.is_existing:
            if not sociallogin.user.is_active:
                raise ImmediateHttpResponse(refused(
                    request, app, "This account is switched off. Ask your partnership "
                                  "administrator."))
            return
        try:
            user = sso.account_to_link(app, sociallogin)
        except sso.Refused as reason:
            raise ImmediateHttpResponse(refused(request, app, str(reason))) from None
        sociallogin.connect(request, user)
        log.warning("sso linked: user=%s issuer=%s subject=%s invitation_accepted=%s",
                    user.get_username(), app.provider_id, sociallogin.account.uid,
                    user.last_login is None)

    def on_authentication_error(self, request, provider, error=None, exception=None,
                                extra_context=None) -> None:
        log.warning("sso error: issuer=%s error=%s exception=%r",
                    getattr(provider, "id", provider), error, exception)


class SecondFactorStage(AuthenticateStage):
    """allauth's second-factor step, which a single sign-on whose issuer did the second
    factor skips: that sign-in is recorded as the second factor. Otherwise whoever has a
    second factor here gives it, and whoever must have one and has none sets one up
    (cdp.signin.middleware)."""

    def handle(self) -> tuple:
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        if sociallogin is not None and self.login.user is not None:
            mfa = sso.did_mfa(sociallogin)
            _note_issuer_sign_in(self.request, sociallogin, mfa)
            if mfa:
                record_authentication(self.request, self.login.user, "mfa", type="sso",
                                      provider=sociallogin.account.provider)
                return None, True
        return super().handle()


def _note_issuer_sign_in(request, sociallogin, mfa: bool) -> None:
    """Adds to the session's record of this sign-in when the issuer says the person
    authenticated (`auth_time`), for step-up (sso.recently_confirmed_at_issuer)."""
    records = list(request.session.get(AUTHENTICATION_METHODS_SESSION_KEY, []))
    if records and records[-1].get("method") == "socialaccount":
        auth_time = sso.id_token_claims(sociallogin).get("auth_time")
        records[-1] = {**records[-1], "mfa": mfa, "origin": sso.origin(sociallogin.provider.app),
                       **({"auth_time": auth_time} if auth_time else {})}
        request.session[AUTHENTICATION_METHODS_SESSION_KEY] = records


class SignOutView(auth_views.LogoutView):
    """Ends the session here, then, for someone who signed in by single sign-on, at the
    issuer too where it supports that (RP-Initiated Logout), coming back to "You have signed
    out"."""

    def post(self, request, *args, **kwargs):
        at_issuer = sso.end_session_url(request)
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(at_issuer) if at_issuer else response


class SignOutFormActionMiddleware:
    """Every page's "Sign out" form leads, for someone who signed in by single sign-on, on to
    their issuer: the page's Content Security Policy lets it (form-action). Listed after
    django-csp's middleware, so that it adds to the policy before django-csp writes it. Reads
    no session without a session cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES and hasattr(request, "user"):
            record = sso.signed_in_with(request)
            if record and record.get("origin"):
                sso.allow_forms_to(response, [record["origin"]])
        return response


@login_not_required
def sso_sign_in(request, provider_id: str):
    """allauth's start of a single sign-on. A GET shows a "Continue to …" page (a link to
    step-up lands there) whose form leads on to the issuer: its policy lets it."""
    response = oidc_views.login(request, provider_id)
    if request.method == "GET":
        app = sso.issuer_by_id(request, provider_id)
        sso.allow_forms_to(response, [sso.origin(app)] if app else [])
    return response
