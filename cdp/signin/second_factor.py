"""Checking a second-factor code outside the sign-in pages: the API's token endpoint."""

from __future__ import annotations

from allauth.core import context
from allauth.mfa.base.forms import BaseAuthenticateForm
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

CODE_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES)


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
        form = BaseAuthenticateForm(user=user, data={"code": code})
        if not form.is_valid():
            return " ".join(form.errors.get("code", ["That code is not right."]))
        form.authenticator.record_usage()
    return None
