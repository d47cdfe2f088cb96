"""Imports of observations: one service for the upload page, the API and
`manage.py import_observations`.

`submit` is the one way in: it stores the file and checks it now, or hands a large file to a
worker (BACKGROUND_BYTES), and says which. Step by step:

1. `import_start` checks the user may load data into the partnership, stores the file through
   `partnerships.files` under a random name and creates the batch.
2. `import_validate` reads every row, matches metrics and areas, compares with what is held
   and records the would-be counts and every bad row. It writes no observation.
3. `import_commit` applies the valid rows in one transaction: nothing partial is ever seen.
   A batch with rejected rows is only applied when the user accepts the valid ones.
   `import_apply` does it now, or hands a large batch to a worker (BACKGROUND_ROWS).
4. `import_cancel` drops a batch not applied; `import_rollback` undoes an applied one: its
   inserted rows go, updated rows get their old values.

A batch with no partnership (`partnership=None`) loads the national reference data: every
row of the file, for every area. Only national administrators (superusers) and the system
user of the Fingertips sync (`system_user()`, "fingertips-sync") create, apply or roll one
back. After one is applied or rolled back, the reference data's statistics are recomputed
for its metrics and every partnership that shows them is asked to recompute its summaries.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from partnerships import access, files
from partnerships.models import Partnership

from ..importers import MAX_FILE_BYTES, FileProblem
from ..models import (
    ImportBatch,
    ImportRowProblem,
    Metric,
    Observation,
    ObservationChange,
    ReferenceFigure,
)
from . import expiry, import_rows, reference
from .background import QUEUE_DOWN, task_send_or
from .summaries import summaries_request, summaries_request_for_batch

log = logging.getLogger(__name__)

# Larger files are checked, and larger batches applied, by a worker with a progress bar.
BACKGROUND_BYTES = 256 * 1024
BACKGROUND_ROWS = 5000


SYSTEM_USERNAME = "fingertips-sync"
assert SYSTEM_USERNAME in access.SYSTEM_USERNAMES


def system_user():
    """The user the Fingertips sync acts as, named in every batch and in the audit log. It
    cannot sign in (not active, no usable password) and may only load the national reference
    data (`access.require_national`). Made the first time it is asked for."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"is_active": False, "first_name": "Fingertips", "last_name": "sync"})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def require_load(user, partnership: Partnership | None) -> None:
    """Raises PermissionDenied unless `user` may load data into `partnership`, or, with no
    partnership, into the national reference data."""
    if partnership is None:
        access.require_national(user, "load the national reference data")
    else:
        access.require(user, partnership, access.LOAD_DATA)


@dataclass(frozen=True)
class Submitted:
    """A file handed in: its batch, and whether a worker is checking it (else it is done)."""

    batch: ImportBatch
    queued: bool


def submit(
    *,
    partnership: Partnership | None,
    user,
    file_name: str,
    data: bytes,
    format: str,
    create_missing_metrics: bool = False,
    dry_run: bool = False,
    accept_valid: bool = False,
    preview: bool = False,
    background: bool = True,
    metadata: dict | None = None,
) -> Submitted:
    """Stores the file and checks it: now, or on a worker when it is larger than
    BACKGROUND_BYTES (a queued batch stops at its preview, to be applied from its page or
    `imports/{id}/apply/`). Checked now, it is then applied (`import_file`) unless it is a
    dry run, has rejected rows not accepted, or `preview` asks to stop at the preview for
    the user to apply from the import's page. `background=False` (the command) always
    works now. `partnership=None` loads the national reference data. `metadata`: the
    Fingertips metadata of indicators it may create metrics for (by id, from
    `importers.metadata.read_metadata`), used instead of what the file suggests. Raises
    PermissionDenied or FileProblem."""
    if background and len(data) > BACKGROUND_BYTES:
        batch = import_start(partnership=partnership, user=user, file_name=file_name,
                             data=data, format=format,
                             create_missing_metrics=create_missing_metrics)
        _queue_check(batch)
        return Submitted(batch, queued=True)
    if preview:
        batch = import_start(partnership=partnership, user=user, file_name=file_name,
                             data=data, format=format,
                             create_missing_metrics=create_missing_metrics)
        return Submitted(import_validate(batch_id=batch.pk), queued=False)
    batch = import_file(partnership=partnership, user=user, file_name=file_name, data=data,
                        format=format, create_missing_metrics=create_missing_metrics,
                        dry_run=dry_run, accept_valid=accept_valid, metadata=metadata)
    return Submitted(batch, queued=False)


# --- Starting an import ---------------------------------------------------------------------
def import_start(
    *,
    partnership: Partnership | None,
    user,
    file_name: str,
    data: bytes,
    format: str,
    create_missing_metrics: bool = False,
) -> ImportBatch:
    """Stores the file and creates its batch. Raises PermissionDenied or FileProblem."""
    require_load(user, partnership)
    if format not in ImportBatch.Format.values:
        raise FileProblem(f"unknown format {format!r}: use fingertips or tidy")
    if len(data) > MAX_FILE_BYTES:
        raise FileProblem(
            f"the file is {len(data) / 1024 / 1024:.0f} MB; the largest accepted is "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB. Split it, or filter it to your areas."
        )
    if not data or data.isspace():  # not strip(): that would copy a 100 MB file
        raise FileProblem("the file is empty")
    try:
        stored = files.store("imports", file_name, data)
    except files.StoreFailed as error:  # the disk is full, or failing: nothing is kept
        raise FileProblem(f"the file could not be stored ({error.reason}). Nothing was "
                          f"imported: try again later, or tell your administrator") from None
    return ImportBatch.objects.create(
        partnership=partnership,
        created_by=user,
        file_name=Path(file_name).name[:255],
        stored_file=stored,
        format=format,
        create_missing_metrics=create_missing_metrics,
        # An estimate for the progress bar (a workbook's rows are counted as they are read).
        rows_total=0 if data[:2] == b"PK" else max(data.count(b"\n") - 1, 0),
    )


def _record(batch: ImportBatch, plan: import_rows.Plan) -> None:
    batch.inserted, batch.updated, batch.unchanged = plan.inserted, plan.updated, plan.unchanged
    batch.skipped, batch.rejected = plan.skipped, plan.rejected
    batch.rows_done = batch.rows_total


# --- Checking -------------------------------------------------------------------------------
def import_validate(*, batch_id: int, metadata: dict | None = None) -> ImportBatch:
    """Reads the whole file and records what an import would do. Writes no observation."""
    batch = ImportBatch.objects.select_related("partnership", "created_by").get(pk=batch_id)
    if batch.status not in (ImportBatch.Status.QUEUED, ImportBatch.Status.VALIDATING):
        return batch  # already done: a retried task changes nothing
    batch.status = ImportBatch.Status.VALIDATING
    batch.save(update_fields=["status"])
    ImportRowProblem.objects.filter(batch=batch).delete()
    try:
        plan = import_rows.run(batch, write=False, known=metadata)
    except FileProblem as error:
        ImportRowProblem.objects.filter(batch=batch).delete()
        return _fail(batch, str(error))
    except Exception:  # a stopped worker, a bug: never leave the batch "checking" for ever
        log.exception("checking import %s failed", batch.pk)
        ImportRowProblem.objects.filter(batch=batch).delete()
        _fail(batch, "Checking the file stopped with an unexpected error. Try again.")
        raise
    with transaction.atomic():
        _record(batch, plan)
        batch.status = ImportBatch.Status.PREVIEW
        batch.save()
    return batch


def _fail(batch: ImportBatch, reason: str) -> ImportBatch:
    batch.status = ImportBatch.Status.FAILED
    batch.failure = reason
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "failure", "finished_at"])
    return batch


def _queue_check(batch: ImportBatch) -> None:
    """Hands the check to a worker once the batch is committed. With the queue down, the
    batch fails with a message saying so, rather than wait for ever."""
    from .. import tasks  # cycle: the tasks call these services

    transaction.on_commit(lambda: task_send_or(
        lambda: tasks.validate_import.delay(batch.pk),
        lambda: _fail(batch, QUEUE_DOWN.format(what="Checking the file",
                                               then="Upload the file again"))))


def import_check(*, batch: ImportBatch, size: int) -> bool:
    """Checks a small file now, or queues a large one for a worker. True if queued."""
    if size > BACKGROUND_BYTES:
        _queue_check(batch)
        return True
    import_validate(batch_id=batch.pk)
    return False


# --- Applying -------------------------------------------------------------------------------
def _check_committable(batch: ImportBatch, accept_valid: bool) -> None:
    if batch.status == ImportBatch.Status.IMPORTING:
        raise ValidationError("This import is already being applied.")
    if batch.status != ImportBatch.Status.PREVIEW:
        raise ValidationError(expiry.expired_message() if batch.failure.startswith("Expired")
                              else f"This import is {batch.get_status_display().lower()}.")
    expiry.refuse_if_expired(batch.created_at)
    if batch.rejected and not accept_valid:
        raise ValidationError(
            f"{batch.rejected} row{'s' if batch.rejected != 1 else ''} cannot be imported. "
            "Fix the file, or accept importing only the valid rows."
        )


def _lock_batch(batch_id: int) -> ImportBatch:
    """The batch, locked for this transaction; a batch an import holds (it is being
    applied) is refused at once rather than waited for."""
    try:
        return ImportBatch.objects.select_for_update(nowait=True).get(pk=batch_id)
    except DatabaseError:
        raise ValidationError("This import is being applied. Wait for it to finish.") from None


@transaction.atomic
def import_queue_commit(*, batch: ImportBatch, user, accept_valid: bool) -> ImportBatch:
    """Marks a large batch as importing, for a worker to apply (`import_commit(queued=True)`)."""
    require_load(user, batch.partnership)
    batch = _lock_batch(batch.pk)
    _check_committable(batch, accept_valid)
    batch.status = ImportBatch.Status.IMPORTING
    batch._history_user = user
    batch.save(update_fields=["status"])
    return batch


def import_commit(
    *, batch_id: int, user, accept_valid: bool = False, queued: bool = False,
    metadata: dict | None = None,
) -> ImportBatch:
    """Applies the batch in one transaction, holding its row: a double click, or a task
    delivered twice, waits and then finds it done. Rejected rows must be accepted first.

    If the process dies midway, its transaction dies with it: none of the rows is visible,
    and the batch is as it was (checked, or queued for its worker, whose unacknowledged task
    is delivered again), to be applied again."""
    batch = ImportBatch.objects.select_related("partnership", "created_by").get(pk=batch_id)
    require_load(user, batch.partnership)
    try:
        with transaction.atomic():
            batch = (ImportBatch.objects.select_for_update(of=("self",))
                     .select_related("partnership", "created_by").get(pk=batch_id))
            if batch.status == ImportBatch.Status.COMPLETE:
                return batch  # applied by the click or the delivery before this one
            if not (queued and batch.status == ImportBatch.Status.IMPORTING):
                _check_committable(batch, accept_valid)
            batch.status = ImportBatch.Status.IMPORTING
            ImportRowProblem.objects.filter(batch=batch).delete()
            plan = import_rows.run(batch, write=True, known=metadata)
            _record(batch, plan)
            batch.status = ImportBatch.Status.COMPLETE
            batch.finished_at = timezone.now()
            batch._history_user = user
            batch.save()
            _changed(batch, plan.metric_ids, plan.area_codes)
    except ValidationError:
        raise  # not to be applied (any more): nothing was done
    except FileProblem as error:
        return _fail(batch, str(error))
    except Exception:
        log.exception("import %s failed", batch.pk)
        _fail(batch, "The import stopped with an unexpected error. Nothing was imported.")
        raise
    if batch.is_reference and plan.metric_ids:
        reference.reference_recompute(metric_ids=sorted(plan.metric_ids))
    return batch


def _changed(batch: ImportBatch, metric_ids: set[int], area_codes: set[str]) -> None:
    """Asks for the summaries a batch changed to be recomputed. A reference batch changes
    every partnership showing one of its metrics (all of them, for a national metric: each
    is ranked among every area) and every partnership with one of its areas."""
    if not batch.is_reference:
        summaries_request_for_batch(batch)
        return
    if not metric_ids:
        return
    partnerships = Partnership.objects.all()
    if not Metric.objects.filter(pk__in=metric_ids, owner__isnull=True).exists():
        partnerships = partnerships.filter(
            Q(local_metrics__in=metric_ids) | Q(local_authorities__code__in=area_codes))
    summaries_request(partnership_ids=partnerships.values_list("pk", flat=True).distinct())


def import_apply(*, batch: ImportBatch, user, accept_valid: bool) -> tuple[ImportBatch, bool]:
    """Applies a checked batch now, or hands a large one to a worker. Also says if queued.
    With the queue down, the batch goes back to checked and a ValidationError says why."""
    if batch.rows_total <= BACKGROUND_ROWS:
        return import_commit(batch_id=batch.pk, user=user, accept_valid=accept_valid), False
    from .. import tasks  # cycle: the tasks call these services

    batch = import_queue_commit(batch=batch, user=user, accept_valid=accept_valid)

    def unsent() -> None:
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.IMPORTING
                                   ).update(status=ImportBatch.Status.PREVIEW)
        raise ValidationError(QUEUE_DOWN.format(what="The import", then="Apply it again"))

    # At once, outside a transaction, so that the error reaches the user.
    transaction.on_commit(lambda: task_send_or(
        lambda: tasks.commit_import.delay(batch.pk, user.pk, accept_valid), unsent))
    return batch, True


def import_file(
    *,
    partnership: Partnership | None,
    user,
    file_name: str,
    data: bytes,
    format: str,
    create_missing_metrics: bool = False,
    dry_run: bool = False,
    accept_valid: bool = False,
    metadata: dict | None = None,
) -> ImportBatch:
    """Start, validate and (unless a dry run, or rows are rejected) apply, in process."""
    batch = import_start(
        partnership=partnership, user=user, file_name=file_name, data=data, format=format,
        create_missing_metrics=create_missing_metrics,
    )
    batch = import_validate(batch_id=batch.pk, metadata=metadata)
    if dry_run and batch.status == ImportBatch.Status.PREVIEW:
        # Checked only: it can be read but never applied.
        batch.status = ImportBatch.Status.DRY_RUN
        batch.save(update_fields=["status"])
        return batch
    if batch.status != ImportBatch.Status.PREVIEW:
        return batch
    if batch.rejected and not accept_valid:
        return batch
    return import_commit(batch_id=batch.pk, user=user, accept_valid=accept_valid,
                         metadata=metadata)


# --- Undoing --------------------------------------------------------------------------------
@transaction.atomic
def import_cancel(*, batch: ImportBatch, user) -> ImportBatch:
    require_load(user, batch.partnership)
    batch = _lock_batch(batch.pk)  # not while it is being applied: it would end up both
    if batch.status not in (ImportBatch.Status.PREVIEW, ImportBatch.Status.FAILED,
                            ImportBatch.Status.QUEUED):
        raise ValidationError("Only an import that has not been applied can be cancelled.")
    batch.status = ImportBatch.Status.CANCELLED
    batch.finished_at = timezone.now()
    batch._history_user = user
    batch.save(update_fields=["status", "finished_at"])
    return batch


@dataclass(frozen=True)
class Rollback:
    removed: int
    restored: int
    kept: int  # rows a later import has changed since: left as they are


@transaction.atomic
def import_rollback(*, batch: ImportBatch, user) -> Rollback:
    """Undoes an applied batch: rows it added go, rows it changed get their old values back.
    A reference batch's metrics then have their statistics recomputed."""
    require_load(user, batch.partnership)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.COMPLETE:
        raise ValidationError("Only an applied import can be rolled back.")
    undone = [_undo(batch, model, reference=flag)
              for flag, model in ((False, Observation), (True, ReferenceFigure))]
    metric_ids = set().union(*(u.metric_ids for u in undone))
    area_codes = set().union(*(u.area_codes for u in undone))
    batch.status = ImportBatch.Status.ROLLED_BACK
    batch.rolled_back_at = timezone.now()
    batch._history_user = user
    batch.save(update_fields=["status", "rolled_back_at"])
    _changed(batch, metric_ids, area_codes)
    if batch.is_reference and metric_ids:
        reference.reference_recompute(metric_ids=sorted(metric_ids))
    return Rollback(removed=sum(u.removed for u in undone),
                    restored=sum(u.restored for u in undone),
                    kept=sum(u.kept for u in undone))


@dataclass
class _Undone:
    removed: int
    restored: int
    kept: int
    metric_ids: set[int]
    area_codes: set[str]


def _undo(batch: ImportBatch, model, *, reference: bool) -> _Undone:
    """Removes the rows of `model` the batch inserted and restores those it updated, where
    no later batch has changed them since."""
    changes = ObservationChange.objects.filter(batch=batch, reference=reference)
    ours = model.objects.filter(pk__in=changes.values("row_id"), batch=batch)
    touched = set(ours.values_list("metric_id", "area_code").distinct())
    inserted = changes.filter(action=ObservationChange.Action.INSERTED).values_list(
        "row_id", flat=True)
    removed, _ = model.objects.filter(pk__in=inserted, batch=batch).delete()
    kept = inserted.count() - removed
    restores = []
    updated = changes.filter(action=ObservationChange.Action.UPDATED)
    still_ours = set(model.objects.filter(
        pk__in=updated.values("row_id"), batch=batch).values_list("pk", flat=True))
    for change in updated.iterator():
        if change.row_id not in still_ours:
            kept += 1
            continue
        restores.append(model(pk=change.row_id, **dict(change.previous)))
    if restores:
        model.objects.bulk_update(restores, [*model.VALUE_FIELDS, "batch"], batch_size=1000)
    return _Undone(removed=removed, restored=len(restores), kept=kept,
                   metric_ids={m for m, _ in touched}, area_codes={a for _, a in touched})
