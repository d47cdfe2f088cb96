from django.db import models


class SummaryRun(models.Model):
    """One recompute of the dashboard summaries: when it ran and how it ended."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["status", "-finished_at"], name="summaryrun_status_finished")
        ]

    def __str__(self) -> str:
        return f"Summary run {self.started_at:%Y-%m-%d %H:%M} ({self.status})"
