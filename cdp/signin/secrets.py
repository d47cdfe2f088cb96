"""The second factor's secrets encrypted at rest: the authenticator app's TOTP key and the
recovery codes' seed, which django-allauth keeps in its Authenticator rows. They are encrypted
with Fernet (AES-128-CBC and HMAC-SHA256, from `cryptography`) under MFA_ENCRYPTION_KEY, an
environment secret kept apart from the database, through allauth's MFA adapter hooks
(cdp.signin.adapters.SecondFactorAdapter). A copy of the database alone gives nobody the
codes. MFA_ENCRYPTION_KEYS_OLD lets a rotated key still read what it encrypted."""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PREFIX = "fernet:"


@cache
def _fernet(key: str, old: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in (key, *old)])


def fernet() -> MultiFernet:
    return _fernet(settings.MFA_ENCRYPTION_KEY, tuple(settings.MFA_ENCRYPTION_KEYS_OLD))


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX)


def encrypt(text: str) -> str:
    return PREFIX + fernet().encrypt(text.encode()).decode()


def decrypt(value: str) -> str:
    """The text `encrypt` gave `value` for. A value stored before encryption (no prefix) is
    read as it is: the migration that encrypted them (cdp 0007) leaves none."""
    if not is_encrypted(value):
        return value
    try:
        return fernet().decrypt(value[len(PREFIX):].encode()).decode()
    except InvalidToken:
        raise ValueError("A second-factor secret cannot be decrypted: is MFA_ENCRYPTION_KEY "
                         "(or MFA_ENCRYPTION_KEYS_OLD) the key it was encrypted with?") from None


# --- The Authenticator rows' fields that hold secrets --------------------------------------
SECRET_FIELDS = {"totp": ("secret",), "recovery_codes": ("seed",)}


def transform(kind: str, data: dict, change) -> dict:
    """A copy of an Authenticator's `data` with its secrets passed through `change`."""
    data = dict(data)
    for field in SECRET_FIELDS.get(kind, ()):
        if isinstance(data.get(field), str):
            data[field] = change(data[field])
    if kind == "recovery_codes" and isinstance(data.get("migrated_codes"), list):
        data["migrated_codes"] = [change(code) for code in data["migrated_codes"]]
    return data
