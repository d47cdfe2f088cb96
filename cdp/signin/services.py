"""Resetting a person's second factor when they have lost it: audit-logged."""

from __future__ import annotations

import logging

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from partnerships import access

from ..models import SecondFactorReset

log = logging.getLogger("cdp.audit")


def second_factor_reset_check(*, user: AbstractBaseUser, by: AbstractBaseUser | None) -> None:
    """Raises PermissionDenied unless `by` is a national administrator, and ValidationError
    when it is their own: another one resets that. `by` None is the server's command."""
    if by is None:
        return
    access.require_national(by, "reset someone's second factor")
    if by.pk == user.pk:
        raise ValidationError({"username": "Another national administrator must reset your "
                                           "own second factor."})


@transaction.atomic
def second_factor_reset(*, user: AbstractBaseUser, by: AbstractBaseUser | None, reason: str,
                        operator: str = "") -> SecondFactorReset:
    """Removes every second factor of `user` (authenticator app, passkeys and security keys,
    recovery codes) and records who did it and why. Whoever must have a second factor sets
    up a new one at their next sign-in."""
    second_factor_reset_check(user=user, by=by)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the second factor is being reset."})
    authenticators = Authenticator.objects.select_for_update().filter(user=user)
    kinds = sorted({str(Authenticator.Type(a.type).label) for a in authenticators})
    if not kinds:
        raise ValidationError({"username": f"{user.get_username()} has no second factor."})
    authenticators.delete()
    via = SecondFactorReset.Via.PAGE if by is not None else SecondFactorReset.Via.COMMAND
    row = SecondFactorReset.objects.create(user=user, reset_by=by, operator=operator, via=via,
                                           reason=reason, removed=", ".join(kinds))
    log.warning("second factor reset: user=%s by=%s via=%s removed=%s reason=%r",
                user.get_username(), by.get_username() if by else operator or "command",
                via, row.removed, reason)
    return row
