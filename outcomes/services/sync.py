"""The scheduled Fingertips sync: keeps the national reference data as Fingertips publishes it.

For each configured indicator (the catalogue's national metrics with a Fingertips id, and
any a national admin adds, each at its pinned area type) one run:

1. asks `indicator_metadata/by_indicator_id` (≤100 ids a call) for DataChange.LastUploadedAt;
2. where that differs from the one last applied, streams `all_data/csv/by_indicator_id` to a
   temporary file and checks it whole (outcomes.fingertips.client);
3. applies it through the import service, as the system user "fingertips-sync": a reference
   batch (no partnership), validated, applied in one transaction, kept so that a national
   admin can roll it back; the import recomputes the reference statistics and asks every
   partnership showing the metric to recompute its summaries.

A fault (timeout, 5xx, a cut-short or wrong answer) is tried again by the client; a run that
still fails records it on the indicator and writes no figure. After FINGERTIPS_STOP_AFTER
failed runs in a row the indicator is stopped: the schedule leaves it alone until a national
admin asks for a sync now (`sync_restart`), and /healthz and /metrics say so meanwhile.
"""

from __future__ import annotations

import logging
import tempfile
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partnerships import access

from ..fingertips.client import FetchFailed, FingertipsClient
from ..importers import MAX_FILE_BYTES, FileProblem
from ..models import FingertipsIndicator, ImportBatch, Metric
from ..models.sync import COUNTIES_AND_UAS_FROM_2023, REGIONS

log = logging.getLogger(__name__)

LOCK_KEY = "fingertips-sync:running"
State = FingertipsIndicator.State


class SyncBusy(Exception):
    """Another sync is running."""


@dataclass
class Outcome:
    """What one run did for one indicator."""

    indicator_id: int
    area_type_id: int
    action: str  # unchanged, fetched, would fetch, failed, stopped
    detail: str = ""
    batch_id: int | None = None


@dataclass
class SyncReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)

    @property
    def failed(self) -> int:
        return self.count("failed")


# --- Which indicators -----------------------------------------------------------------------
def catalogue_unconfigured() -> list[FingertipsIndicator]:
    """The catalogue's national metrics with a Fingertips id that have no row yet (unsaved)."""
    held = set(FingertipsIndicator.objects.values_list("indicator_id", "child_area_type_id"))
    missing = []
    for metric in Metric.objects.filter(owner=None, fingertips_id__isnull=False).order_by("pk"):
        area_type = metric.fingertips_area_type_id or COUNTIES_AND_UAS_FROM_2023
        if (metric.fingertips_id, area_type) not in held:
            held.add((metric.fingertips_id, area_type))
            missing.append(FingertipsIndicator(
                indicator_id=metric.fingertips_id, child_area_type_id=area_type,
                parent_area_type_id=REGIONS, metric=metric))
    return missing


@transaction.atomic
def sync_configure() -> int:
    """Adds the catalogue's Fingertips indicators not configured yet. Returns how many."""
    missing = catalogue_unconfigured()
    FingertipsIndicator.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


@transaction.atomic
def sync_indicator_add(*, user, indicator_id: int, child_area_type_id: int,
                       parent_area_type_id: int = REGIONS) -> FingertipsIndicator:
    """A national admin adds an indicator for the sync to keep fresh."""
    access.require_national(user, "choose what the Fingertips sync fetches")
    if FingertipsIndicator.objects.filter(
            indicator_id=indicator_id, child_area_type_id=child_area_type_id,
            parent_area_type_id=parent_area_type_id).exists():
        raise ValidationError(f"Indicator {indicator_id} at area type {child_area_type_id} is "
                              f"already synced.")
    metric = Metric.objects.filter(owner=None, fingertips_id=indicator_id).first()
    return FingertipsIndicator.objects.create(
        indicator_id=indicator_id, child_area_type_id=child_area_type_id,
        parent_area_type_id=parent_area_type_id, metric=metric, added_by=user)


@transaction.atomic
def sync_restart(*, user, indicator: FingertipsIndicator | None = None) -> int:
    """A national admin restarts stopped indicators (one, or all): the next run fetches
    them again whatever Fingertips says changed. Returns how many were stopped."""
    access.require_national(user, "restart the Fingertips sync")
    stopped = FingertipsIndicator.objects.filter(state=State.STOPPED)
    if indicator is not None:
        stopped = stopped.filter(pk=indicator.pk)
    return stopped.update(state=State.FAILING, consecutive_failures=0, stopped_reason="",
                          synced_uploaded_at="")


# --- A run ----------------------------------------------------------------------------------
def sync_run(*, indicator_ids: list[int] | None = None, dry_run: bool = False,
             client: FingertipsClient | None = None) -> SyncReport:
    """One run over the configured indicators (or those with `indicator_ids`); a stopped one
    is left alone. A dry run asks what changed and writes nothing. Raises SyncBusy."""
    token = uuid.uuid4().hex
    if not cache.add(LOCK_KEY, token, timeout=max(3600, settings.FINGERTIPS_DOWNLOAD_TIMEOUT * 4)):
        raise SyncBusy("A Fingertips sync is already running.")
    try:
        return _run(indicator_ids, dry_run, client or FingertipsClient.from_settings())
    finally:
        if cache.get(LOCK_KEY) == token:
            cache.delete(LOCK_KEY)


def _run(indicator_ids, dry_run: bool, client: FingertipsClient) -> SyncReport:
    if dry_run:
        rows = [*FingertipsIndicator.objects.select_related("metric"), *catalogue_unconfigured()]
    else:
        sync_configure()
        rows = list(FingertipsIndicator.objects.select_related("metric"))
    if indicator_ids:
        rows = [r for r in rows if r.indicator_id in set(indicator_ids)]
    report = SyncReport()
    active = []
    for row in rows:
        if row.state == State.STOPPED:
            report.outcomes.append(Outcome(row.indicator_id, row.child_area_type_id, "stopped",
                                           row.stopped_reason))
        else:
            active.append(row)
    if not active:
        return report
    try:
        published = client.last_uploaded(r.indicator_id for r in active)
    except FetchFailed as error:
        for row in active:
            report.outcomes.append(_failed(row, error.reason, dry_run))
        return report
    for row in active:
        report.outcomes.append(_sync_one(row, published, dry_run, client))
    return report


def _sync_one(row: FingertipsIndicator, published: dict, dry_run: bool,
              client: FingertipsClient) -> Outcome:
    if row.indicator_id not in published:
        return _failed(row, f"Fingertips has no indicator {row.indicator_id}", dry_run)
    stamp = published[row.indicator_id]
    changed = not row.synced_uploaded_at or stamp != row.synced_uploaded_at
    if dry_run:
        action = "would fetch" if changed else "unchanged"
        return Outcome(row.indicator_id, row.child_area_type_id, action,
                       f"last uploaded {stamp or 'never'}")
    row.last_checked_at, row.published_uploaded_at = timezone.now(), stamp
    if not changed:
        if row.state != State.OK:
            row.state, row.consecutive_failures = State.OK, 0
        row.save()
        return Outcome(row.indicator_id, row.child_area_type_id, "unchanged",
                       f"nothing new since {stamp}")
    return _fetch_and_apply(row, stamp, client)


def _fetch_and_apply(row: FingertipsIndicator, stamp: str,
                     client: FingertipsClient) -> Outcome:
    with tempfile.TemporaryFile(prefix="fingertips-") as spool:
        try:
            download = client.download_csv(
                indicator_id=row.indicator_id, child_area_type_id=row.child_area_type_id,
                parent_area_type_id=row.parent_area_type_id, into=spool,
                max_bytes=MAX_FILE_BYTES)
            batch = _apply(row, stamp, spool.read())
        except FetchFailed as error:
            return _failed(row, error.reason)
        except (FileProblem, ValidationError) as error:
            return _failed(row, f"the import refused Fingertips' file: {error}")
    if batch.status != ImportBatch.Status.COMPLETE:
        why = batch.failure or (f"{batch.rejected} rows cannot be imported; batch {batch.pk} "
                                f"was checked, not applied")
        return _failed(row, f"the import did not apply Fingertips' file: {why}")
    _succeeded(row, stamp, batch)
    return Outcome(row.indicator_id, row.child_area_type_id, "fetched",
                   f"{download.rows} rows: {batch.inserted} new, {batch.updated} changed, "
                   f"{batch.unchanged} unchanged", batch.pk)


def _apply(row: FingertipsIndicator, stamp: str, data: bytes) -> ImportBatch:
    """Through the one import service, as the sync's system user, into the reference data."""
    from . import imports  # cycle: imports' tasks import this module's task

    name = f"fingertips-{row.indicator_id}-at-{row.child_area_type_id}.csv"
    submitted = imports.submit(
        partnership=None, user=imports.system_user(), file_name=name, data=data,
        format=ImportBatch.Format.FINGERTIPS, create_missing_metrics=row.metric_id is None,
        background=False)
    return submitted.batch


@transaction.atomic
def _succeeded(row: FingertipsIndicator, stamp: str, batch: ImportBatch) -> None:
    row.state, row.consecutive_failures, row.stopped_reason = State.OK, 0, ""
    row.synced_uploaded_at, row.last_synced_at, row.last_batch = stamp, timezone.now(), batch
    if row.metric_id is None:
        row.metric = Metric.objects.filter(owner=None, fingertips_id=row.indicator_id).first()
    row.save()


def _failed(row: FingertipsIndicator, reason: str, dry_run: bool = False) -> Outcome:
    """Records a failed run (not in a dry run); the FINGERTIPS_STOP_AFTER-th in a row stops
    the indicator until a national admin restarts it."""
    log.warning("Fingertips sync of indicator %s failed: %s", row.indicator_id, reason)
    if dry_run:
        return Outcome(row.indicator_id, row.child_area_type_id, "failed", reason)
    now = timezone.now()
    row.last_checked_at = now
    row.consecutive_failures += 1
    row.failures_total += 1
    row.last_failure, row.last_failure_at = reason[:500], now
    if row.consecutive_failures >= settings.FINGERTIPS_STOP_AFTER:
        row.state = State.STOPPED
        row.stopped_reason = (f"Stopped after {row.consecutive_failures} failed runs in a row; "
                              f"the last: {reason}")[:500]
    else:
        row.state = State.FAILING
    row.save()
    return Outcome(row.indicator_id, row.child_area_type_id,
                   "stopped" if row.state == State.STOPPED else "failed", reason)
