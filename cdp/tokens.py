"""Making, listing and revoking a user's API tokens (services and selectors in one: the
project's only model). Every function acts on one user's own tokens."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from .models import ApiToken

EXPIRY_DAYS = (7, 30, 90, 365)  # what the tokens page offers


def token_create(*, user, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for the user, expiring after `days` (API_TOKEN_DAYS by default). Returns
    the stored token and the key, which is not kept and cannot be shown again."""
    days = settings.API_TOKEN_DAYS if days is None else days
    token, key = ApiToken.objects.create(user=user, expiry=timedelta(days=days), name=name.strip())
    # Knox's manager makes the row, so the history cannot be told the user beforehand; and
    # `POST /api/v1/auth/token/` has no signed-in user for the history middleware to give.
    token.history.filter(history_type="+").update(history_user=user)
    return token, key


def tokens_for(*, user) -> QuerySet[ApiToken]:
    """The user's tokens that have not expired, newest first."""
    return ApiToken.objects.filter(user=user, expiry__gt=timezone.now())


def token_revoke(*, user, digest: str) -> str | None:
    """Revokes one of the user's own tokens, returning its name; None if they have no such
    token."""
    token = ApiToken.objects.filter(user=user, digest=digest).first()
    if token is None:
        return None
    token._history_user = user
    token.delete()
    return token.name
