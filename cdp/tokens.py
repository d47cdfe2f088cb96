"""Making, listing and revoking a user's API tokens (services and selectors in one: the
project's only model). Every function acts on one user's own tokens."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import ApiToken

EXPIRY_DAYS = (7, 30, 90, 365)  # what the tokens page offers


# "Last used" is written at most this often per token, so that a request made with a token
# used within the hour writes nothing.
LAST_USED_EVERY = timedelta(hours=1)


def name_taken_message(name: str) -> str:
    return (f"You already have a token named “{name}”. Give this one another name, so that "
            "you can tell them apart.")


def token_name_free(*, user, name: str) -> bool:
    """Whether the user has no token (that still works) of this name."""
    return not tokens_for(user=user).filter(name=name.strip()).exists()


def unique_name(*, user, name: str) -> str:
    """`name`, or "name 2", "name 3"… : the first the user has no token of."""
    taken = set(tokens_for(user=user).filter(name__startswith=name).values_list(
        "name", flat=True))
    candidates = (name if n == 1 else f"{name} {n}" for n in range(1, len(taken) + 2))
    return next(c for c in candidates if c not in taken)


@transaction.atomic
def token_create(*, user, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for the user, expiring after `days` (API_TOKEN_DAYS by default). Returns
    the stored token and the key, which is not kept and cannot be shown again. A name the
    user already has a working token of is refused (ValidationError on `name`); an expired
    token of that name, which no longer works, is removed."""
    days = settings.API_TOKEN_DAYS if days is None else days
    name = name.strip()
    if not token_name_free(user=user, name=name):
        raise ValidationError({"name": [name_taken_message(name)]})
    ApiToken.objects.filter(user=user, name=name, expiry__lte=timezone.now()).delete()
    try:
        with transaction.atomic():
            token, key = ApiToken.objects.create(user=user, expiry=timedelta(days=days),
                                                 name=name)
    except IntegrityError:  # the same name, made meanwhile by another request
        raise ValidationError({"name": [name_taken_message(name)]}) from None
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


def token_used(*, token: ApiToken) -> None:
    """Notes that a request came with `token`: at most once an hour, one UPDATE without a
    history row; within the hour of the last note, nothing is written."""
    now = timezone.now()
    if token.last_used is not None and now - token.last_used < LAST_USED_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used__isnull=True) | Q(last_used__lt=now - LAST_USED_EVERY)
    ).update(last_used=now)
    token.last_used = now
