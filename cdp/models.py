"""API tokens: hashed (django-rest-knox keeps only a SHA-512 digest), expiring and revocable.

Making and revoking a token is kept by django-simple-history with who did it: the history
holds the digest and the first characters of the key (as knox keeps them), never the whole key.
"""

from django.conf import settings
from django.db import models
from knox.models import AbstractAuthToken
from simple_history.models import HistoricalRecords

from actionplans.models import Milestone, Risk, kept_history
from outcomes.models import Metric
from partnerships.access import ScopedQuerySet
from partnerships.models import KeyDocument, Partnership
from partnerships.tenancy import PartnershipOwned, scoped_history

from .choices import BoardPackStatus


class ApiToken(AbstractAuthToken):
    """A user's token for the API, named so that they can tell their tokens apart (say "Power
    BI report" or "R on my laptop"). The token itself is shown once, when it is made."""

    name = models.CharField(max_length=100)
    # When a request last came with it, to the hour (cdp.api.auth.TokenAuthentication).
    last_used = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["last_used"])

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="api_token_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.user_id})"


class PublicPage(models.Model):
    """What a partnership publishes at /p/<slug>/ for residents, chosen by its administrator:
    whether the page is published, which sections it shows, and the rows marked public one
    by one. Nothing else of the partnership's ever reaches the page (cdp.public)."""

    # One per partnership: a one-to-one field, not PartnershipOwned's key (partnerships.tenancy).
    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="public_page"
    )
    published = models.BooleanField(default=False)
    # The sections.
    show_members = models.BooleanField(
        "member organisations and named roles (senior responsible owner, chair)", default=False
    )
    show_plan = models.BooleanField(
        "the action plan's priorities with progress counts", default=False
    )
    show_documents = models.BooleanField("published documents", default=False)
    show_metrics = models.BooleanField(
        "headline metrics of public framework data, with sentences and charts", default=False
    )
    # Marked public one by one.
    documents = models.ManyToManyField(KeyDocument, blank=True, related_name="+")
    milestones = models.ManyToManyField(
        Milestone, blank=True, related_name="+", help_text="Whose title and progress note show."
    )
    risks = models.ManyToManyField(Risk, blank=True, related_name="+")
    metrics = models.ManyToManyField(
        Metric, blank=True, related_name="+", help_text="Local metrics and police figures."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    history = kept_history(excluded_fields=["updated_at"],
                           m2m_fields=[documents, milestones, risks, metrics])

    def __str__(self) -> str:
        state = "published" if self.published else "not published"
        return f"Public page of {self.partnership_id} ({state})"


class BoardPack(PartnershipOwned):
    """The paper a partnership's board receives: a PDF of the dashboard's headline figures,
    the action plan's progress, the milestones at risk, the risks and the asks. Made by a
    task (cdp.board_packs.board_pack_generate), kept with its date and who asked for it, and
    downloadable again later. The file lives under MEDIA_ROOT with a random name."""

    Status = BoardPackStatus

    partnership_related_name = "board_packs"
    # Who asked for the pack as made (whoever last tried it again); kept if they leave.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    # When the latest attempt was asked for or began: one queued or being made for longer
    # than any task may run has been lost (cdp.board_packs.board_packs_fail_stale).
    attempted_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    # Progress while a worker makes it: steps done of the total (the total is known once the
    # figures have been read).
    steps_done = models.PositiveSmallIntegerField(default=0)
    steps_total = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=100, blank=True, help_text="What is being done now.")
    figures_computed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the dashboard figures in the pack were computed."
    )
    stored_file = models.CharField(max_length=255, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True)

    # Who asked, and who retried it; the progress steps are written by UPDATE, unrecorded.
    history = scoped_history(excluded_fields=["steps_done", "steps_total", "step"])

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"Board pack {self.requested_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        if not self.steps_total:
            return 0
        return min(100, round(100 * self.steps_done / self.steps_total))


class SecondFactorReset(models.Model):
    """A person's second factor removed because they lost it: by a national administrator on
    the reset page, or by a management command on the server. Rows are only ever added: this
    table is the audit log of resets (who, whose, when, why and what was removed)."""

    class Via(models.TextChoices):
        PAGE = "page", "The reset page"
        COMMAND = "command", "The reset_second_factor command"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="second_factor_resets")
    reset_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+")
    # The account on the server that ran the command, when it was the command.
    operator = models.CharField(max_length=150, blank=True)
    via = models.CharField(max_length=10, choices=Via.choices)
    reason = models.TextField(max_length=2000)
    removed = models.CharField(max_length=200, help_text="The kinds of second factor removed")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"Second factor of {self.user_id} reset at {self.at:%Y-%m-%d %H:%M}"
