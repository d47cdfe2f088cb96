"""The choices of the project's own models, for modules that need them without the ORM.

`BoardPack.Status` is this as before."""

from django.db import models


class BoardPackStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    GENERATING = "generating", "Being made"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
