"""django-allauth's hooks: nobody signs up, and the authenticator app shows the service."""

from __future__ import annotations

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings

from . import secrets, step_up

log = logging.getLogger("cdp.audit")


class ClosedSignupAdapter(DefaultAccountAdapter):
    """Accounts are made by invitation only (a partnership administrator invites a member;
    national administrators make the rest): nobody signs up."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def pre_authenticate(self, request, **credentials) -> None:
        """Wrong passwords are counted by django-axes (its backend comes first), with one
        limit for the sign-in page and the API's token endpoint; allauth's own count of them
        would answer differently after as many tries."""

    def get_login_stages(self) -> list[str]:
        """allauth's, with its second-factor step aware of an issuer's second factor."""
        return [stage.replace("allauth.mfa.stages.AuthenticateStage",
                              "cdp.signin.sso_flow.SecondFactorStage")
                for stage in super().get_login_stages()]

    def send_notification_mail(self, template_prefix: str, user, context=None,
                               email=None) -> None:
        """allauth's notices of changes to how someone signs in (cdp.signin.notifications),
        with the person and the site's address for the templates."""
        context = {"user": user, "site_url": settings.SITE_URL.rstrip("/"), **(context or {})}
        request = getattr(self, "request", None)
        try:
            if allauth_context.request is None and request is not None:
                # Sent once the change is committed, after allauth's view may have finished.
                with allauth_context.request_context(request):
                    return super().send_notification_mail(template_prefix, user, context, email)
            return super().send_notification_mail(template_prefix, user, context, email)
        except Exception:  # noqa: BLE001 - the change is made: a mail server failing is logged
            log.exception("could not email %s the notice %s", user.get_username(), template_prefix)

    def get_password_change_redirect_url(self, request) -> str:
        """Changing the password signs the person out (ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE)."""
        from django.urls import reverse

        return reverse("login")

    def get_reauthentication_methods(self, user) -> list[dict]:
        return _second_factor_first(super().get_reauthentication_methods(user))

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Step-up, for our pages and allauth's alike (cdp.signin.step_up): a sign-in within
        the time limit counts as much as confirming again, each with the second factor
        where the person has one."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        return required and not step_up.recently_authenticated(
            getattr(self, "request", None) or allauth_context.request)


class SecondFactorAdapter(DefaultMFAAdapter):
    def get_totp_issuer(self) -> str:
        return settings.MFA_TOTP_ISSUER

    def encrypt(self, text: str) -> str:
        """The authenticator app's key and the recovery codes' seed, encrypted at rest under
        MFA_ENCRYPTION_KEY (cdp.signin.secrets)."""
        return secrets.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return secrets.decrypt(encrypted_text)


def _second_factor_first(methods: list[dict]) -> list[dict]:
    """Step-up asks for the second factor of whoever has one, never their password alone."""
    second = [method for method in methods if method["id"].startswith("mfa_")]
    return second or methods
