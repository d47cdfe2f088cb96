"""A partnership's action plan, its milestones and their history, its risks and its asks.

The plan follows the seeds: objectives under the three national priorities, each also tagged
with a 4P strand (York tags "Pursue (Police – Purs 1)" inside a priority); key actions with
responsible partners and a lead; milestones with a due date or plan year, a status, progress
and evidence. Whether a milestone is overdue is derived (`selectors`), never stored.

Every change is kept by django-simple-history: who, when, and what changed from what.
Milestones also carry a `version` that each save increments: an edit made from an older
version is refused (`services.StaleEdit`), never merged silently.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from outcomes.models import Metric
from partnerships.models import Organisation
from partnerships.tenancy import PartnershipOwned, ScopedHistory

from .choices import (
    FINISHED,
    RISK_SCALE,
    STATUS_TAG_CLASSES,
    AskStatus,
    DigestStatus,
    MilestoneStatus,
    PlanImportStatus,
    PlanStatus,
    Priority,
    ProgressAxis,
    RiskStatus,
    Strand,
    Weekday,
)

# Importable from here as before (`from actionplans.models import Priority`).
__all__ = [
    "FINISHED", "STATUS_TAG_CLASSES", "ActionPlan", "Ask", "DigestPreference", "DigestSent",
    "KeptHistory", "KeyAction", "Milestone", "MilestoneStatus", "Objective", "PlanImport",
    "PlanProgressSummary", "Priority", "ProgressEvidence", "ProgressUpdate", "Risk", "Strand",
    "Weekday", "evidence_path",
    "financial_year_label", "kept_history",
]


class KeptHistory(HistoricalRecords):
    """django-simple-history's records, reachable from the model as `_kept_history` so that
    a service can write one history row for a save and its many-to-many changes together."""

    def contribute_to_class(self, cls, name):
        super().contribute_to_class(cls, name)
        cls._kept_history = self


def kept_history(**kwargs) -> KeptHistory:
    return KeptHistory(bases=[ScopedHistory], **kwargs)


def financial_year_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


class ActionPlan(PartnershipOwned):
    """A partnership's multi-year plan, from draft to signed off."""

    Status = PlanStatus

    partnership_related_name = "action_plans"
    title = models.CharField(max_length=200)
    first_year = models.PositiveSmallIntegerField(
        help_text="The financial year the plan starts: 2022 for 2022/23.",
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    years = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="How many years it spans: 3 for 2022/23 to 2024/25.",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    signed_off_on = models.DateField(null=True, blank=True)
    signed_off_by = models.CharField(
        max_length=200, blank=True, help_text="The board that signed it off."
    )

    history = kept_history()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership"], name="one_action_plan_per_partnership")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def span(self) -> str:
        return f"{financial_year_label(self.first_year)} to {self.last_year_label}"

    @property
    def last_year_label(self) -> str:
        return financial_year_label(self.first_year + self.years - 1)

    def year_label(self, plan_year: int) -> str:
        """'Year 2 (2023/24)'."""
        return f"Year {plan_year} ({financial_year_label(self.first_year + plan_year - 1)})"

    def year_end(self, plan_year: int) -> date:
        """The last day of a plan year: 31 March of the following calendar year."""
        return date(self.first_year + plan_year, 3, 31)

    def plan_year_of(self, day: date) -> int | None:
        """The plan year a date falls in, or None if it is outside the plan."""
        financial_year = day.year if day.month >= 4 else day.year - 1
        plan_year = financial_year - self.first_year + 1
        return plan_year if 1 <= plan_year <= self.years else None


class Objective(PartnershipOwned):
    """What the partnership will do, under a national priority and a 4P strand."""

    partnership_related_name = "objectives"
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="objectives")
    priority = models.CharField(max_length=12, choices=Priority.choices, blank=True)
    strand = models.CharField(max_length=10, choices=Strand.choices, blank=True)
    title = models.CharField(max_length=300)
    order = models.PositiveIntegerField(default=0)

    history = kept_history()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "priority", "strand", "title"], name="objective_unique_in_plan"
            )
        ]

    def __str__(self) -> str:
        return self.title


class KeyAction(PartnershipOwned):
    """How an objective will be met: responsible partners and a lead."""

    partnership_related_name = "key_actions"
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    reference = models.CharField(
        max_length=40, blank=True, help_text="The partner's own reference, e.g. Police – Purs 1."
    )
    title = models.CharField(max_length=500)
    responsible_partners = models.ManyToManyField(
        Organisation, blank=True, related_name="key_actions"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="led_actions",
        help_text="The member who answers for it and updates its milestones.",
    )
    order = models.PositiveIntegerField(default=0)

    history = kept_history(m2m_fields=[responsible_partners])

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["objective", "title"], name="key_action_unique")
        ]

    def __str__(self) -> str:
        return self.title


def evidence_path(instance: Milestone, file_name: str) -> str:
    """Evidence is stored outside the web root under a random name; its own name is kept."""
    return f"evidence/{uuid.uuid4().hex}{Path(file_name).suffix.lower()[:8]}"


class Milestone(PartnershipOwned):
    """What will show a key action is done, by when, and how it is going."""

    Status = MilestoneStatus

    partnership_related_name = "milestones"
    key_action = models.ForeignKey(KeyAction, on_delete=models.CASCADE, related_name="milestones")
    title = models.TextField()
    due_date = models.DateField(null=True, blank=True)
    plan_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Year 1, 2 or 3 of the plan, for milestones set by year (York's plan).",
    )
    original_due_date = models.DateField(
        null=True, blank=True,
        help_text="When it was first due, before it was first re-dated (empty: never re-dated).")
    redate_reason = models.TextField(blank=True, help_text="Why it was last re-dated.")
    status = models.CharField(
        max_length=12, choices=MilestoneStatus.choices, default=MilestoneStatus.NOT_STARTED
    )
    status_is_synthetic = models.BooleanField(
        default=False, help_text="Demo data only: the status is invented, not from the source."
    )
    progress_note = models.TextField(blank=True)
    progress_on = models.DateField(
        null=True, blank=True, help_text="The date of the latest progress update."
    )
    evidence_link = models.URLField(max_length=500, blank=True)
    evidence_file = models.FileField(upload_to=evidence_path, blank=True, max_length=200)
    evidence_file_name = models.CharField(max_length=255, blank=True)
    metrics = models.ManyToManyField(
        Metric, blank=True, related_name="+", help_text="Its performance measures."
    )
    order = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    history = kept_history(excluded_fields=["version", "updated_at"], m2m_fields=[metrics])

    class Meta:
        ordering = ["order", "pk"]
        indexes = [models.Index(fields=["partnership", "status"], name="milestone_status")]

    def __str__(self) -> str:
        return self.title[:80]

    @property
    def status_tag_class(self) -> str:
        return STATUS_TAG_CLASSES.get(self.status, "govuk-tag--grey")

    @property
    def etag(self) -> str:
        return f'"milestone-{self.pk}-v{self.version}"'


class ProgressUpdate(PartnershipOwned):
    """One dated entry in a milestone's progress log: who, when, the status it recorded and
    what had happened since the last one. The milestone keeps the latest entry's status and
    text (`status`, `progress_note`, `progress_on`) for the pages that show only the latest.

    The log is itself the history of progress: entries are added, never changed, so they keep
    no audit history of their own."""

    partnership_related_name = "progress_updates"
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")
    created_at = models.DateTimeField()
    progress_on = models.DateField(help_text="The date the update is for.")
    status = models.CharField(max_length=12, choices=MilestoneStatus.choices)
    text = models.TextField(blank=True,
                            help_text="What has happened since the last update.")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["milestone", "-created_at"], name="progress_log")]

    def __str__(self) -> str:
        return f"{self.milestone_id} {self.progress_on}: {self.get_status_display()}"

    @property
    def status_tag_class(self) -> str:
        return STATUS_TAG_CLASSES.get(self.status, "govuk-tag--grey")

    @property
    def author_name(self) -> str:
        user = self.author
        return (user.get_full_name() or user.username) if user else "Unknown"


class ProgressEvidence(PartnershipOwned):
    """A file or a link given with a progress update, with the name it is shown by."""

    partnership_related_name = "progress_evidence"
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE,
                               related_name="evidence")
    link = models.URLField(max_length=500, blank=True)
    file = models.FileField(upload_to=evidence_path, blank=True, max_length=200)
    name = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(link="") & ~models.Q(file=""))
                | (~models.Q(link="") & models.Q(file="")),
                name="evidence_is_a_file_or_a_link")
        ]

    def __str__(self) -> str:
        return self.name or self.link or self.file.name

    @property
    def label(self) -> str:
        return self.name or self.link or "Evidence file"


class Risk(PartnershipOwned):
    """An entry in the partnership's risk register (seed 002: county lines, cuckooing)."""

    Status = RiskStatus
    SCALE = RISK_SCALE

    partnership_related_name = "risks"
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    likelihood = models.PositiveSmallIntegerField(choices=SCALE)
    impact = models.PositiveSmallIntegerField(choices=SCALE)
    owner = models.CharField(max_length=200, help_text="Who manages it: a person or a group.")
    mitigation = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    status_is_synthetic = models.BooleanField(default=False)
    raised_on = models.DateField(default=date.today)

    history = kept_history()

    class Meta:
        ordering = ["status", "-raised_on", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def rating(self) -> str:
        """High (15 and over), medium (8 to 14) or low, as on a 5 × 5 risk matrix."""
        return "High" if self.score >= 15 else "Medium" if self.score >= 8 else "Low"


class Ask(PartnershipOwned):
    """A request for assistance to responsible authorities (seed 002's "Assistance")."""

    Status = AskStatus

    partnership_related_name = "asks"
    title = models.CharField(max_length=300)
    request = models.TextField()
    directed_to = models.CharField(
        max_length=300, help_text="Who is asked: e.g. Responsible Authorities, schools."
    )
    raised_on = models.DateField(default=date.today)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    status_is_synthetic = models.BooleanField(default=False)
    response = models.TextField(blank=True)

    history = kept_history()

    class Meta:
        ordering = ["status", "-raised_on", "pk"]

    def __str__(self) -> str:
        return self.title


class PlanImport(PartnershipOwned):
    """A plan spreadsheet uploaded for a preview, then applied in one transaction or dropped."""

    Status = PlanImportStatus

    partnership_related_name = "plan_imports"
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=255)
    stored_file = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    failure = models.TextField(blank=True)
    # What the preview found, and (once applied) what was done: counts and row problems.
    summary = models.JSONField(default=dict)
    problems = models.JSONField(default=list)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class PlanProgressSummary(PartnershipOwned):
    """Milestone progress for one national priority or 4P strand of a partnership's plan:
    computed with the dashboard summaries and replaced with them, in one transaction."""

    Axis = ProgressAxis

    partnership_related_name = "plan_progress"
    axis = models.CharField(max_length=10, choices=Axis.choices)
    key = models.CharField(max_length=12, blank=True, help_text="Empty: none given.")
    label = models.CharField(max_length=100)
    total = models.PositiveIntegerField(default=0)
    not_started = models.PositiveIntegerField(default=0)
    on_track = models.PositiveIntegerField(default=0)
    at_risk = models.PositiveIntegerField(default=0)
    off_track = models.PositiveIntegerField(default=0)
    complete = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    percent_complete = models.FloatField(default=0)
    order = models.PositiveSmallIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["axis", "order"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "axis", "key"],
                                    name="plan_progress_key")
        ]

    def __str__(self) -> str:
        return f"{self.partnership_id} {self.axis} {self.key}: {self.complete}/{self.total}"


# --- The weekly digest ------------------------------------------------------------------------
class DigestPreference(PartnershipOwned):
    """A lead's choice for the weekly email of their milestones, in one partnership: on or
    off, and its day. A lead with no row gets it on Mondays."""

    DEFAULT_WEEKDAY = Weekday.MONDAY

    partnership_related_name = "digest_preferences"
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="digest_preferences")
    enabled = models.BooleanField(default=True)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices,
                                               default=Weekday.MONDAY)

    history = kept_history()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "user"],
                                    name="one_digest_preference_per_lead")
        ]

    def __str__(self) -> str:
        return (f"{self.user_id} in {self.partnership_id}: "
                f"{self.get_weekday_display() if self.enabled else 'off'}")


class DigestSent(PartnershipOwned):
    """One lead's weekly digest for one partnership in one ISO week: claimed (a row in
    `sending`) before the email goes, marked `sent` after. The unique constraint is what
    makes sending idempotent (`services.digest_send`)."""

    Status = DigestStatus

    partnership_related_name = "digests_sent"
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    iso_year = models.PositiveSmallIntegerField()
    iso_week = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(53)])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENDING)
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    milestone_count = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True)

    class Meta:
        ordering = ["-claimed_at"]
        constraints = [
            models.UniqueConstraint(fields=["lead", "partnership", "iso_year", "iso_week"],
                                    name="one_digest_per_lead_and_week")
        ]

    def __str__(self) -> str:
        return (f"{self.lead_id} in {self.partnership_id}, {self.iso_year}-W{self.iso_week:02d}:"
                f" {self.status}")
