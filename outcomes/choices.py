"""The choices of the outcomes models, for modules that need them without the ORM.

Each model keeps its own as before (`Metric.Unit`, `ImportBatch.Status`)."""

from django.db import models


class OutcomeKind(models.TextChoices):
    STRATEGIC = "strategic", "Strategic outcome"
    INTERMEDIATE = "intermediate", "Intermediate outcome"


class Tier(models.TextChoices):
    """A metric's place in the framework."""

    HEADLINE = "headline", "Headline metric"
    SUPPORTING = "supporting", "Supporting metric"
    RELATED = "related", "Related national indicator"
    LOCAL = "local", "Local metric"


class Unit(models.TextChoices):
    COUNT = "count", "Count"
    PERCENTAGE = "percentage", "Percentage"
    RATE_PER_1000 = "rate_per_1000", "Rate per 1,000"
    RATE_PER_10000 = "rate_per_10000", "Rate per 10,000"
    RATE_PER_100000 = "rate_per_100000", "Rate per 100,000"


class Polarity(models.TextChoices):
    HIGHER_IS_BETTER = "higher_better", "Higher is better"
    LOWER_IS_BETTER = "lower_better", "Lower is better"
    NO_JUDGEMENT = "no_judgement", "No judgement"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual"
    BIENNIAL = "biennial", "Every two years"
    ROLLING_THREE_YEARS = "rolling_3y", "Annual, three-year rolling"
    AD_HOC = "ad_hoc", "When reported"


class ImportFormat(models.TextChoices):
    FINGERTIPS = "fingertips", "Fingertips download (CSV)"
    TIDY = "tidy", "Tidy table (CSV or XLSX)"
    MANUAL = "manual", "Entered by hand"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    VALIDATING = "validating", "Checking"
    PREVIEW = "preview", "Ready to confirm"
    IMPORTING = "importing", "Importing"
    COMPLETE = "complete", "Imported"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    DRY_RUN = "dry_run", "Checked only (dry run)"
    ROLLED_BACK = "rolled_back", "Rolled back"


class ProblemKind(models.TextChoices):
    """What became of an import's row that was not loaded."""

    REJECTED = "rejected", "Rejected"
    SKIPPED = "skipped", "Skipped"


class ChangeAction(models.TextChoices):
    """What a batch did to a row."""

    INSERTED = "inserted", "Inserted"
    UPDATED = "updated", "Updated"


class SummaryRunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
