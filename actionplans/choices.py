"""The choices of the action plan's models, for modules that need them without the ORM
(`aggregates`, `spreadsheet`). The models keep them as before (`Milestone.Status`,
`Risk.Status`, `from actionplans.models import Priority`)."""

from django.db import models


class Priority(models.TextChoices):
    """The three national priorities of From Harm to Hope."""

    SUPPLY = "supply", "Break drug supply chains"
    TREATMENT = "treatment", "Deliver a world-class treatment and recovery system"
    DEMAND = "demand", "Achieve a generational shift in demand for drugs"


class Strand(models.TextChoices):
    """The 4P strands (Prepare, Prevent, Protect, Pursue)."""

    PREPARE = "prepare", "Prepare"
    PREVENT = "prevent", "Prevent"
    PROTECT = "protect", "Protect"
    PURSUE = "pursue", "Pursue"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED_OFF = "signed_off", "Signed off"


class MilestoneStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    COMPLETE = "complete", "Complete"
    CLOSED = "closed", "Closed"


# Each status's GOV.UK tag colour: the words say it too, colour is never the only signal.
STATUS_TAG_CLASSES = {
    MilestoneStatus.NOT_STARTED: "govuk-tag--light-blue",
    MilestoneStatus.ON_TRACK: "govuk-tag--green",
    MilestoneStatus.AT_RISK: "govuk-tag--yellow",
    MilestoneStatus.OFF_TRACK: "govuk-tag--red",
    MilestoneStatus.COMPLETE: "govuk-tag--blue",
    MilestoneStatus.CLOSED: "govuk-tag--grey",
}

# A milestone in one of these is finished: it can no longer be overdue.
FINISHED = frozenset({MilestoneStatus.COMPLETE, MilestoneStatus.CLOSED})


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    MANAGED = "managed", "Being managed"
    CLOSED = "closed", "Closed"


# A risk's likelihood and impact, each on a five-point scale.
RISK_SCALE = [(1, "1 – Very low"), (2, "2 – Low"), (3, "3 – Medium"), (4, "4 – High"),
              (5, "5 – Very high")]


class AskStatus(models.TextChoices):
    OPEN = "open", "Awaiting a response"
    AGREED = "agreed", "Agreed"
    DONE = "done", "Done"
    DECLINED = "declined", "Declined"


class PlanImportStatus(models.TextChoices):
    PREVIEW = "preview", "Ready to confirm"
    APPLIED = "applied", "Imported"
    CANCELLED = "cancelled", "Not imported"
    FAILED = "failed", "Failed"


class ProgressAxis(models.TextChoices):
    """How milestone progress is grouped: by national priority or by 4P strand."""

    PRIORITY = "priority", "National priority"
    STRAND = "strand", "4P strand"


class Weekday(models.IntegerChoices):
    """The working days a digest can come on (date.weekday(): Monday is 0)."""

    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"


class DigestStatus(models.TextChoices):
    SENDING = "sending", "Claimed for sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed: may be sent again"
