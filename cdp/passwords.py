"""How passwords are stored.

Argon2id, the first choice of OWASP's Password Storage Cheat Sheet, at its recommended
configuration: 19 MiB of memory, 2 passes, 1 lane. Argon2id is memory-hard, so guessing on
graphics cards costs memory as well as time; PBKDF2 (Django's default) resists them only by
its iteration count, which makes every sign-in cost a fifth of a second of CPU. Here a check
costs about 20 ms, so a board's members signing in together before a meeting do not queue
behind each other's password checks. `PBKDF2PasswordHasher` stays second in
PASSWORD_HASHERS so that passwords stored before verify, and Django rehashes them with this
one at the next sign-in.
"""

import base64
import hashlib
import hmac

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.utils.translation import gettext_noop as _


class Argon2idPasswordHasher(Argon2PasswordHasher):
    # Django's own Argon2 hasher uses Argon2id; only its cost parameters change. The hashes
    # keep Django's "argon2" prefix, so they stay readable by Django's stock hasher.
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1


class PepperedArgon2idPasswordHasher(Argon2idPasswordHasher):
    """Argon2id of the password's HMAC-SHA256 under a pepper (OWASP ASVS 2.4.5).

    The pepper is a secret kept outside the database (PASSWORD_PEPPER, an environment
    secret), so a copy of the database alone is not enough to start guessing passwords.
    Each hash names the pepper it was made with by a short id (an HMAC of a fixed text under
    the pepper, which says nothing about the pepper itself): "argon2pep$<id>$argon2id$…", 121
    characters (Django's password column holds 128).
    To rotate, set the new PASSWORD_PEPPER and move the old one to PASSWORD_PEPPERS_OLD:
    hashes under an old pepper still verify, and are made again under the new one at the
    person's next sign-in. Hashes from before the pepper ("argon2$…", and PBKDF2's) verify
    with the hashers after this one in PASSWORD_HASHERS, and are upgraded the same way.
    """

    algorithm = "argon2pep"

    @staticmethod
    def pepper_id(pepper: str) -> str:
        return hmac.new(pepper.encode(), b"cdp password pepper id", hashlib.sha256).hexdigest()[:6]

    @staticmethod
    def peppered(password: str, pepper: str) -> str:
        digest = hmac.new(pepper.encode(), password.encode(), hashlib.sha256).digest()
        return base64.b64encode(digest).decode("ascii")

    def _peppers(self) -> dict[str, str]:
        peppers = [settings.PASSWORD_PEPPER, *settings.PASSWORD_PEPPERS_OLD]
        return {self.pepper_id(pepper): pepper for pepper in peppers}

    def _split(self, encoded: str) -> tuple[str, str]:
        """The pepper's id, and the hash as Django's Argon2 hasher writes it."""
        algorithm, pepper_id, rest = encoded.split("$", 2)
        assert algorithm == self.algorithm
        return pepper_id, f"{algorithm}${rest}"

    def encode(self, password, salt):
        pepper = settings.PASSWORD_PEPPER
        inner = super().encode(self.peppered(password, pepper), salt)
        algorithm, rest = inner.split("$", 1)
        return f"{algorithm}${self.pepper_id(pepper)}${rest}"

    def decode(self, encoded):
        pepper_id, inner = self._split(encoded)
        return {**super().decode(inner), "pepper_id": pepper_id}

    def verify(self, password, encoded):
        pepper_id, inner = self._split(encoded)
        pepper = self._peppers().get(pepper_id)
        if pepper is None:  # made with a pepper no longer configured
            return False
        return super().verify(self.peppered(password, pepper), inner)

    # Django's must_update and safe_summary read the hash through decode (above).
    def must_update(self, encoded):
        pepper_id, _inner = self._split(encoded)
        return pepper_id != self.pepper_id(settings.PASSWORD_PEPPER) or super().must_update(encoded)

    def safe_summary(self, encoded):
        return {**super().safe_summary(encoded), _("pepper"): self._split(encoded)[0]}


class MaximumLengthValidator:
    """Passwords of up to `max_length` characters (128: OWASP ASVS 2.1.2 asks for at least
    64 and no more than 128); every character counts, none is cut off (2.1.3)."""

    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password, user=None):
        from django.core.exceptions import ValidationError

        if len(password) > self.max_length:
            raise ValidationError(
                f"Your password must be {self.max_length} characters or fewer.",
                code="password_too_long", params={"max_length": self.max_length})

    def get_help_text(self):
        return f"Your password must be {self.max_length} characters or fewer."
