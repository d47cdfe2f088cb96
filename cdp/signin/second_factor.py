"""Checking a second-factor code: django-allauth's forms (MFA_FORMS), which also catch a code
from the authenticator app used before (OWASP ASVS 2.8.5), and the API's token endpoint."""

from __future__ import annotations

import logging

from allauth.account.adapter import get_adapter
from allauth.core import context
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, validate_totp_code
from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.http import HttpRequest

from . import notifications, secrets

log = logging.getLogger("cdp.audit")
CODE_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES)


def code_was_used_before(user: AbstractBaseUser, code: str) -> bool:
    """Whether `code` is one of the user's authenticator app's codes for now (its period or
    the ones either side) that has already been taken: allauth refuses it as wrong, for it
    keeps the codes used for as long as they are valid."""
    code = "".join(code.split())
    for authenticator in Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP):
        totp = TOTP(authenticator)
        if (cache.get(totp._get_used_cache_key(code)) is not None
                and validate_totp_code(secrets.decrypt(authenticator.data["secret"]), code)):
            return True
    return False


class RefusesReusedCodes:
    """A code that was right but already used is refused like any wrong one, and also
    logged (cdp.audit, WARNING) and its holder emailed: someone may have seen it."""

    def clean_code(self) -> str:
        try:
            return super().clean_code()
        except forms.ValidationError:
            code = self.data.get(self.add_prefix("code"), "")
            if code and code_was_used_before(self.user, code):
                request = context.request
                log.warning("second factor: a used code from %s's authenticator app was tried "
                            "again (from %s)", self.user.get_username(),
                            get_adapter(request).get_client_ip(request))
                notifications.notify(request, self.user, notifications.CODE_REUSED)
            raise


class AuthenticateForm(RefusesReusedCodes, mfa_forms.AuthenticateForm):
    pass


class ReauthenticateForm(RefusesReusedCodes, mfa_forms.ReauthenticateForm):
    pass


class CodeForm(RefusesReusedCodes, mfa_forms.BaseAuthenticateForm):
    pass


def has_second_factor(user: AbstractBaseUser) -> bool:
    return Authenticator.objects.filter(user=user).exists()


def code_problem(request: HttpRequest, user: AbstractBaseUser, code: str) -> str | None:
    """None when `code` is a valid code from `user`'s authenticator app or an unused recovery
    code (which is then used up); otherwise what is wrong. Wrong codes count towards the
    same limit as on the sign-in page (5 per user in 5 minutes)."""
    if not code:
        return ("This account signs in with a second factor: send the code from the "
                "authenticator app, or a recovery code, as otp.")
    with context.request_context(request):
        form = CodeForm(user=user, data={"code": code})
        if not form.is_valid():
            return " ".join(form.errors.get("code", ["That code is not right."]))
        form.authenticator.record_usage()
    return None
