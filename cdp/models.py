"""API tokens: hashed (django-rest-knox keeps only a SHA-512 digest), expiring and revocable.

Making and revoking a token is kept by django-simple-history with who did it: the history
holds the digest and the first characters of the key (as knox keeps them), never the whole key.
"""

from django.db import models
from knox.models import AbstractAuthToken
from simple_history.models import HistoricalRecords


class ApiToken(AbstractAuthToken):
    """A user's token for the API, named so that they can tell their tokens apart (say "Power
    BI report" or "R on my laptop"). The token itself is shown once, when it is made."""

    name = models.CharField(max_length=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user_id})"
