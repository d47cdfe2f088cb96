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
    """Fingertips' PolarityId: 1 high is good, 0 low is good, 99 no judgement (blue/orange),
    -1 not applicable (METHODS §0, §2.3)."""

    HIGHER_IS_BETTER = "higher_better", "Higher is better"
    LOWER_IS_BETTER = "lower_better", "Lower is better"
    NO_JUDGEMENT = "no_judgement", "No judgement"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class ValueType(models.TextChoices):
    """What a figure is, as Fingertips' ValueTypeId says (METHODS §0): it decides how its
    confidence interval is made, whether areas can be combined and whether a trend is tested."""

    COUNT = "count", "Count"
    PROPORTION = "proportion", "Proportion"
    CRUDE_RATE = "crude_rate", "Crude rate"
    DSR = "dsr", "Directly standardised rate"
    ISR = "isr", "Indirectly standardised ratio"
    OTHER = "other", "Other (mean, ratio, score)"


class ComparatorMethod(models.TextChoices):
    """How an area is compared with England and its region (METHODS §2.1)."""

    CONFIDENCE_INTERVALS = "ci", "ReferenceFigure value against the area's confidence interval"
    NOT_COMPARED = "not_compared", "Not compared"


class ConfidenceLevel(models.TextChoices):
    """The level of the interval a comparison uses: one, or both as five bands (METHODS §2.2)."""

    CI95 = "95", "95%"
    CI998 = "99.8", "99.8%"
    BOTH = "both", "95% and 99.8%"


class YearType(models.TextChoices):
    """The year a period is counted in (METHODS §7)."""

    CALENDAR = "calendar", "Calendar year"
    FINANCIAL = "financial", "Financial year"
    ACADEMIC = "academic", "Academic year"


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
