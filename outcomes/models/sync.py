"""The scheduled Fingertips sync: which indicators it keeps fresh, and how each fared."""

from django.conf import settings
from django.db import models

from partnerships.access import SharedQuerySet

from .data import ImportBatch
from .framework import Metric

# Fingertips' area type ids (the API's `area_types`): 6 is the government office regions,
# 15 England. Each area's published parent is its region, so the sync asks for regions.
REGIONS = 6
ENGLAND = 15
COUNTIES_AND_UAS_FROM_2023 = 502


class FingertipsIndicator(models.Model):
    """One Fingertips indicator the sync keeps fresh, at one pinned area type.

    The catalogue's national metrics with a Fingertips id are added by the sync itself; a
    national admin may add any other. The state says how the last runs went: an indicator
    that fails FINGERTIPS_STOP_AFTER runs in a row is stopped until a national admin asks
    for a sync now."""

    class State(models.TextChoices):
        NEW = "new", "Not yet synced"
        OK = "ok", "Up to date"
        FAILING = "failing", "Failing"
        STOPPED = "stopped", "Stopped"

    indicator_id = models.PositiveIntegerField("Fingertips indicator id")
    child_area_type_id = models.PositiveSmallIntegerField(
        "area type id", default=COUNTIES_AND_UAS_FROM_2023,
        help_text="The area type fetched, pinned: 502 counties and unitary authorities from "
                  "April 2023; discontinued series exist only for older types (202, 302, 402).")
    parent_area_type_id = models.PositiveSmallIntegerField(
        "parent area type id", default=REGIONS,
        help_text="6: the regions, each area's published parent; 15: England only.")
    metric = models.ForeignKey(
        Metric, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The catalogue's metric for the indicator, if it has one.")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", help_text="The national admin who added it; empty: the catalogue.")
    created_at = models.DateTimeField(auto_now_add=True)

    state = models.CharField(max_length=10, choices=State.choices, default=State.NEW)
    last_checked_at = models.DateTimeField(
        null=True, blank=True, help_text="When the sync last asked Fingertips what changed.")
    published_uploaded_at = models.CharField(
        max_length=40, blank=True,
        help_text="Fingertips' DataChange.LastUploadedAt when last checked, as published.")
    synced_uploaded_at = models.CharField(
        max_length=40, blank=True,
        help_text="The LastUploadedAt whose data was last applied: a change fetches again.")
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_batch = models.ForeignKey(
        ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    consecutive_failures = models.PositiveIntegerField(default=0)
    failures_total = models.PositiveIntegerField(default=0)
    last_failure = models.CharField(max_length=500, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    stopped_reason = models.CharField(max_length=500, blank=True)

    objects = SharedQuerySet.as_manager()

    class Meta:
        ordering = ["indicator_id", "child_area_type_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_id", "child_area_type_id", "parent_area_type_id"],
                name="fingertips_indicator_key"),
        ]

    def __str__(self) -> str:
        return f"Fingertips {self.indicator_id} (area type {self.child_area_type_id})"
