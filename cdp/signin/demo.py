"""The demo's administrators sign in with a second factor, as real ones must: each has an
authenticator app enrolled in advance with one published key. Demo only: anyone can read it."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model

from partnerships import access

# Illustrative: the demo's published authenticator key (base32), never for production. Add
# it to an authenticator app, or compute a code with `pyotp.TOTP(DEMO_TOTP_SECRET).now()`.
DEMO_TOTP_SECRET = "CDPDEMOSECRETFORADMINSNOTFORPROD"


def enrol_demo_admins(usernames: list[str]) -> set[str]:
    """Enrols the demo key for every one of `usernames` who must use a second factor and has
    none yet; returns the usernames that sign in with it."""
    enrolled = set()
    for user in get_user_model().objects.filter(username__in=usernames):
        if not access.must_use_second_factor(user):
            continue
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is None:
            TOTP.activate(user, DEMO_TOTP_SECRET)
            enrolled.add(user.username)
        elif _is_demo_key(totp):
            enrolled.add(user.username)
    return enrolled


def _is_demo_key(totp: Authenticator) -> bool:
    from allauth.mfa.utils import decrypt

    return decrypt(totp.data.get("secret", "")) == DEMO_TOTP_SECRET
