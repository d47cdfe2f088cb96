"""Writes of the outcomes app: imports of observations, manual entry, rollback.

One import service serves the upload page, `manage.py import_observations` and the API:

1. `import_start` checks the user may load data into the partnership, stores the file under
   MEDIA_ROOT with a random name and creates the batch.
2. `import_validate` reads every row, matches metrics and areas, compares with what is held
   and records the would-be counts and every bad row. It writes no observation.
3. `import_commit` applies the valid rows in one transaction: nothing partial is ever seen.
   A batch with rejected rows is only applied when the user accepts the valid ones.
4. `import_rollback` undoes a batch: its inserted rows go, updated rows get their old values.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from partnerships import access
from partnerships.models import LocalAuthority, Partnership

from .bulk import insert_rows
from .importers import MAX_FILE_BYTES, FileProblem, RowError, SourceRow, fingertips, tidy
from .models import (
    Annotation,
    Benchmark,
    FrameworkMetric,
    ImportBatch,
    ImportRowProblem,
    LocalAim,
    Metric,
    Observation,
    ObservationChange,
    Target,
)
from .periods import PeriodError, parse_period

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

ENGLAND = "E92000001"
CHUNK = 2000
# Larger files are checked, and larger batches applied, by a worker with a progress bar.
BACKGROUND_BYTES = 256 * 1024
BACKGROUND_ROWS = 5000
PROGRESS_TIMEOUT = 6 * 3600


def is_benchmark_area(code: str) -> bool:
    """England and the regions are benchmarks, shared by every partnership."""
    return code == ENGLAND or code.startswith("E12")


# --- Starting an import ---------------------------------------------------------------------
def import_start(
    *,
    partnership: Partnership,
    user,
    file_name: str,
    data: bytes,
    format: str,
    create_missing_metrics: bool = False,
) -> ImportBatch:
    """Stores the file and creates its batch. Raises PermissionDenied or FileProblem."""
    _require_load_data(user, partnership)
    if format not in ImportBatch.Format.values:
        raise FileProblem(f"unknown format {format!r}: use fingertips or tidy")
    if len(data) > MAX_FILE_BYTES:
        raise FileProblem(
            f"the file is {len(data) / 1024 / 1024:.0f} MB; the largest accepted is "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB. Split it, or filter it to your areas."
        )
    if not data or data.isspace():  # not strip(): that would copy a 100 MB file
        raise FileProblem("the file is empty")
    stored = f"imports/{uuid.uuid4().hex}{Path(file_name).suffix.lower()[:6]}"
    try:
        (Path(settings.MEDIA_ROOT) / "imports").mkdir(parents=True, exist_ok=True)
        (Path(settings.MEDIA_ROOT) / stored).write_bytes(data)
    except OSError as error:  # the disk is full, or failing: no part of the file is kept
        (Path(settings.MEDIA_ROOT) / stored).unlink(missing_ok=True)
        raise FileProblem(f"the file could not be stored ({error.strerror}). Nothing was "
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


def _require_load_data(user, partnership: Partnership) -> None:
    allowed = Partnership.objects.for_user(user, access.LOAD_DATA).filter(pk=partnership.pk)
    if not allowed.exists():
        raise PermissionDenied(f"You cannot load data into {partnership}.")


def _read(batch: ImportBatch) -> Iterator[SourceRow | RowError]:
    """The batch's rows, streamed from its stored file."""
    try:
        stream = open(Path(settings.MEDIA_ROOT) / batch.stored_file, "rb")  # noqa: SIM115
    except OSError as error:
        raise FileProblem(f"the uploaded file is no longer available ({error.strerror})") from None
    with stream:
        if batch.format == ImportBatch.Format.FINGERTIPS:
            yield from fingertips.read(stream)
        elif batch.format == ImportBatch.Format.MANUAL:
            yield from tidy.read_csv(stream)
        else:
            yield from tidy.read(stream, batch.file_name)


# --- Progress, readable by the page while a worker runs -------------------------------------
def _progress_key(batch_id: int) -> str:
    return f"import-progress:{batch_id}"


def import_progress(batch: ImportBatch) -> dict:
    """How far a batch has got, from the cache while it runs, else from the batch."""
    try:
        live = cache.get(_progress_key(batch.pk))
    except Exception:  # noqa: BLE001 - the cache is down: the batch's own counts will do
        log.warning("import progress: the cache cannot be reached", exc_info=True)
        live = None
    if live and batch.status in (ImportBatch.Status.VALIDATING, ImportBatch.Status.IMPORTING):
        return live
    return {"status": batch.status, "done": batch.rows_done, "total": batch.rows_total}


def _report_progress(batch: ImportBatch, done: int, total: int) -> None:
    try:
        cache.set(
            _progress_key(batch.pk),
            {"status": batch.status, "done": done, "total": total},
            PROGRESS_TIMEOUT,
        )
    except Exception:  # noqa: BLE001 - a progress bar is not worth a failed import
        log.warning("import progress: the cache cannot be reached", exc_info=True)


# --- Matching and classifying rows ----------------------------------------------------------
@dataclass
class Plan:
    """What a pass over the file found, or did."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    rejected: int = 0
    problems: list[ImportRowProblem] = field(default_factory=list)
    new_metrics: dict[str, Metric] = field(default_factory=dict)

    def flush_problems(self) -> None:
        """Saves the problems found so far, so a file of bad rows does not fill memory."""
        ImportRowProblem.objects.bulk_create(self.problems, batch_size=2000)
        self.problems.clear()


class _Context:
    """What rows are matched against: the partnership's areas and the metrics it can use."""

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self.partnership = batch.partnership
        self.areas = dict(self.partnership.local_authorities.values_list("code", "name"))
        metrics = list(
            Metric.objects.for_user(batch.created_by)
            .filter(Q(owner__isnull=True) | Q(owner=batch.partnership))
        )
        # A partnership's own local metric wins over a national one with the same code.
        self.by_code = {m.code: m for m in sorted(metrics, key=lambda m: m.owner_id is not None)}
        self.by_fingertips_id = {
            str(m.fingertips_id): m
            for m in sorted(metrics, key=lambda m: m.owner_id is not None)
            if m.fingertips_id
        }

    def metric_for(self, row: SourceRow, plan: Plan, *, write: bool) -> Metric | str:
        """The row's metric, or the reason it has none ('skip:' reasons are skipped)."""
        if self.batch.format == ImportBatch.Format.FINGERTIPS:
            metric = self.by_fingertips_id.get(row.indicator)
            if metric:
                return metric
            if not row.indicator.isdigit():
                return f"indicator id {row.indicator!r} is not a number"
            if not self.batch.create_missing_metrics:
                name = row.indicator_name or "no name"
                return (
                    f"skip:Fingertips indicator {row.indicator} ({name}) is not a metric here; "
                    "import with 'create missing metrics' to add it"
                )
            if row.indicator not in plan.new_metrics:
                plan.new_metrics[row.indicator] = self._new_metric(row, write=write)
            return plan.new_metrics[row.indicator]
        metric = self.by_code.get(row.indicator)
        if metric is None:
            return f"unknown metric code {row.indicator!r}"
        return metric

    def _new_metric(self, row: SourceRow, *, write: bool) -> Metric:
        metric = Metric(
            owner=self.partnership,
            code=f"fingertips-{row.indicator}",
            name=(row.indicator_name or f"Fingertips indicator {row.indicator}")[:300],
            tier=Metric.Tier.LOCAL,
            unit=Metric.Unit.COUNT,
            polarity=Metric.Polarity.NO_JUDGEMENT,
            frequency=Metric.Frequency.ANNUAL,
            source="Fingertips (OHID)",
            fingertips_id=int(row.indicator),
        )
        if write:
            # Made by the import, on behalf of whoever loaded the file: both are in history.
            metric._history_user = self.batch.created_by
            metric._change_reason = f"Created by import {self.batch.pk}"
            metric.save()
            self.by_fingertips_id[row.indicator] = metric
        return metric

    def area_problem(self, row: SourceRow) -> str | None:
        if is_benchmark_area(row.area_code):
            if self.batch.created_by.is_superuser:
                return None
            return ("skip:England and regional figures are shared benchmarks, loaded by the "
                    "national administrators")
        if row.area_code in self.areas:
            return None
        name = f" ({row.area_name})" if row.area_name else ""
        return f"area {row.area_code}{name} is not in {self.partnership}"


def _values(row: SourceRow) -> dict:
    return {
        "area_name": row.area_name,
        "period_label": row.period.label,
        "period_sortable": row.period.sortable,
        "value": row.value,
        "count": row.count,
        "denominator": row.denominator,
        "lower_ci": row.lower_ci,
        "upper_ci": row.upper_ci,
        "value_note": row.value_note,
        "source": row.source,
    }


def _key(metric_id, row: SourceRow) -> tuple:
    return (
        metric_id, row.area_code, row.period.start, row.period.end, row.period.year_type,
        row.sex, row.age, row.category_type, row.category,
    )


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _run(batch: ImportBatch, *, write: bool) -> Plan:
    """One pass over the file. With write=False it only counts; with True it applies."""
    context = _Context(batch)
    plan = Plan()
    # A 128-bit digest of each key seen, with its first line and a hash of its values: a
    # fraction of the memory of the keys themselves on a 100,000-row file.
    seen: dict[bytes, tuple[int, int]] = {}
    done = 0

    def problem(line: int, reason: str) -> None:
        kind = ImportRowProblem.Kind.SKIPPED if reason.startswith("skip:") else (
            ImportRowProblem.Kind.REJECTED
        )
        if kind == ImportRowProblem.Kind.SKIPPED:
            plan.skipped += 1
        else:
            plan.rejected += 1
        plan.problems.append(ImportRowProblem(
            batch=batch, line=line, kind=kind, reason=reason.removeprefix("skip:")[:500]
        ))
        if len(plan.problems) >= CHUNK:
            plan.flush_problems()

    def matched() -> Iterator[tuple[Metric, SourceRow]]:
        nonlocal done
        for item in _read(batch):
            done += 1
            if done % CHUNK == 0:
                _report_progress(batch, done, batch.rows_total)
            if isinstance(item, RowError):
                problem(item.line, item.reason)
                continue
            metric = context.metric_for(item, plan, write=write)
            if isinstance(metric, str):
                problem(item.line, metric)
                continue
            reason = context.area_problem(item)
            if reason:
                problem(item.line, reason)
                continue
            key = hashlib.blake2b(repr(item.key).encode(), digest_size=16).digest()
            values = hash(tuple(_values(item).values()))
            if key in seen:
                first_line, first_values = seen[key]
                if first_values == values:
                    # All-area-type downloads list an area once per area type: harmless.
                    problem(item.line, f"skip:the same figure as line {first_line}")
                else:
                    problem(item.line, "the same metric, area, period and breakdown as line "
                            f"{first_line}, with a different value")
                continue
            seen[key] = (item.line, values)
            yield metric, item

    for chunk in _chunks(matched(), CHUNK):
        for benchmark, model in ((False, Observation), (True, Benchmark)):
            rows = [(m, r) for m, r in chunk if is_benchmark_area(r.area_code) == benchmark]
            if rows:
                _apply(batch, model, rows, plan, write=write, benchmark=benchmark)
    plan.flush_problems()
    batch.rows_total = done
    _report_progress(batch, done, done)
    return plan


def _apply(batch, model, rows, plan: Plan, *, write: bool, benchmark: bool) -> None:
    """Classifies rows as new, changed or unchanged against the table; writes if asked."""
    scope = {} if benchmark else {"partnership": batch.partnership}
    # Benchmarks are shared; a partnership's rows are read through its scope, as everywhere.
    held = (model.objects.all() if benchmark
            else model.objects.for_user(batch.created_by, access.LOAD_DATA))
    existing = {}
    saved_metric_ids = {m.pk for m, _ in rows if m.pk}
    if saved_metric_ids:
        query = held.filter(
            **scope,
            metric_id__in=saved_metric_ids,
            area_code__in={r.area_code for _, r in rows},
            period_start__in={r.period.start for _, r in rows},
            sex__in={r.sex for _, r in rows},
            age__in={r.age for _, r in rows},
            category__in={r.category for _, r in rows},
        ).values("pk", "batch_id", *model.KEY_FIELDS, *model.VALUE_FIELDS)
        for found in query:
            existing[tuple(found[f] for f in model.KEY_FIELDS)] = found
    inserts, updates, changes = [], [], []
    for metric, row in rows:
        values = _values(row)
        current = existing.get(_key(metric.pk, row)) if metric.pk else None
        if current is None:
            plan.inserted += 1
            if write:
                inserts.append(model(
                    **scope, metric=metric, area_code=row.area_code,
                    period_start=row.period.start, period_end=row.period.end,
                    period_year_type=row.period.year_type, sex=row.sex, age=row.age,
                    category_type=row.category_type, category=row.category, batch=batch,
                    **values,
                ))
        elif any(current[name] != value for name, value in values.items()):
            plan.updated += 1
            if write:
                previous = {name: current[name] for name in (*model.VALUE_FIELDS, "batch_id")}
                instance = model(pk=current["pk"], batch=batch, **values)
                updates.append(instance)
                changes.append(ObservationChange(
                    batch=batch, benchmark=benchmark, row_id=current["pk"],
                    action=ObservationChange.Action.UPDATED, previous=previous,
                ))
        else:
            plan.unchanged += 1
    if write:
        created = model.objects.bulk_create(inserts, batch_size=1000)
        changes += [
            ObservationChange(batch=batch, benchmark=benchmark, row_id=row.pk,
                              action=ObservationChange.Action.INSERTED)
            for row in created
        ]
        if updates:
            model.objects.bulk_update(updates, [*model.VALUE_FIELDS, "batch"], batch_size=1000)
        ObservationChange.objects.bulk_create(changes, batch_size=1000)


def _record(batch: ImportBatch, plan: Plan) -> None:
    batch.inserted, batch.updated, batch.unchanged = plan.inserted, plan.updated, plan.unchanged
    batch.skipped, batch.rejected = plan.skipped, plan.rejected
    batch.rows_done = batch.rows_total


# --- Validating, committing, rolling back ---------------------------------------------------
def import_validate(*, batch_id: int) -> ImportBatch:
    """Reads the whole file and records what an import would do. Writes no observation."""
    batch = ImportBatch.objects.select_related("partnership", "created_by").get(pk=batch_id)
    if batch.status not in (ImportBatch.Status.QUEUED, ImportBatch.Status.VALIDATING):
        return batch  # already done: a retried task changes nothing
    batch.status = ImportBatch.Status.VALIDATING
    batch.save(update_fields=["status"])
    ImportRowProblem.objects.filter(batch=batch).delete()
    try:
        plan = _run(batch, write=False)
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


def _check_committable(batch: ImportBatch, accept_valid: bool) -> None:
    if batch.status == ImportBatch.Status.IMPORTING:
        raise ValidationError("This import is already being applied.")
    if batch.status != ImportBatch.Status.PREVIEW:
        raise ValidationError(f"This import is {batch.get_status_display().lower()}.")
    if batch.rejected and not accept_valid:
        raise ValidationError(
            f"{batch.rejected} row{'s' if batch.rejected != 1 else ''} cannot be imported. "
            "Fix the file, or accept importing only the valid rows."
        )


@transaction.atomic
def import_queue_commit(*, batch: ImportBatch, user, accept_valid: bool) -> ImportBatch:
    """Marks a large batch as importing, for a worker to apply (`import_commit(queued=True)`)."""
    _require_load_data(user, batch.partnership)
    batch = _lock_batch(batch.pk)
    _check_committable(batch, accept_valid)
    batch.status = ImportBatch.Status.IMPORTING
    batch._history_user = user
    batch.save(update_fields=["status"])
    return batch


def import_commit(
    *, batch_id: int, user, accept_valid: bool = False, queued: bool = False
) -> ImportBatch:
    """Applies the batch in one transaction, holding its row: a double click, or a task
    delivered twice, waits and then finds it done. Rejected rows must be accepted first.

    If the process dies midway, its transaction dies with it: none of the rows is visible,
    and the batch is as it was (checked, or queued for its worker, whose unacknowledged task
    is delivered again), to be applied again."""
    batch = ImportBatch.objects.select_related("partnership", "created_by").get(pk=batch_id)
    _require_load_data(user, batch.partnership)
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
            plan = _run(batch, write=True)
            _record(batch, plan)
            batch.status = ImportBatch.Status.COMPLETE
            batch.finished_at = timezone.now()
            batch._history_user = user
            batch.save()
            _request_summaries_for(batch)
    except ValidationError:
        raise  # not to be applied (any more): nothing was done
    except FileProblem as error:
        return _fail(batch, str(error))
    except Exception:
        log.exception("import %s failed", batch.pk)
        _fail(batch, "The import stopped with an unexpected error. Nothing was imported.")
        raise
    return batch


def _lock_batch(batch_id: int) -> ImportBatch:
    """The batch, locked for this transaction; a batch an import holds (it is being
    applied) is refused at once rather than waited for."""
    try:
        return ImportBatch.objects.select_for_update(nowait=True).get(pk=batch_id)
    except DatabaseError:
        raise ValidationError("This import is being applied. Wait for it to finish.") from None


@transaction.atomic
def import_cancel(*, batch: ImportBatch, user) -> ImportBatch:
    _require_load_data(user, batch.partnership)
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
    """Undoes an applied batch: rows it added go, rows it changed get their old values back."""
    _require_load_data(user, batch.partnership)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.COMPLETE:
        raise ValidationError("Only an applied import can be rolled back.")
    removed = restored = kept = 0
    for benchmark, model in ((False, Observation), (True, Benchmark)):
        changes = ObservationChange.objects.filter(batch=batch, benchmark=benchmark)
        inserted = changes.filter(action=ObservationChange.Action.INSERTED).values_list(
            "row_id", flat=True)
        deleted, _ = model.objects.filter(pk__in=inserted, batch=batch).delete()
        removed += deleted
        kept += inserted.count() - deleted
        restores = []
        updated = changes.filter(action=ObservationChange.Action.UPDATED)
        still_ours = set(model.objects.filter(
            pk__in=updated.values("row_id"), batch=batch).values_list("pk", flat=True))
        for change in updated.iterator():
            if change.row_id not in still_ours:
                kept += 1
                continue
            previous = dict(change.previous)
            restores.append(model(pk=change.row_id, **previous))
        if restores:
            model.objects.bulk_update(restores, [*model.VALUE_FIELDS, "batch"], batch_size=1000)
            restored += len(restores)
    batch.status = ImportBatch.Status.ROLLED_BACK
    batch.rolled_back_at = timezone.now()
    batch._history_user = user
    batch.save(update_fields=["status", "rolled_back_at"])
    _request_summaries_for(batch)
    return Rollback(removed=removed, restored=restored, kept=kept)


QUEUE_DOWN = ("{what} could not start: the service's task queue is not answering. Nothing "
              "was imported. {then} in a few minutes, or tell your administrator.")


def task_send_or(send: Callable[[], object], unsent: Callable[[], None]) -> None:
    """Sends a task; if the broker does not answer, logs it and calls `unsent`. Without a
    broker tasks run here, and their own errors are their own."""
    if _tasks_run_in_process():
        send()
        return
    try:
        send()
    except Exception:  # noqa: BLE001 - the broker is down
        log.exception("could not queue a task: the broker does not answer")
        unsent()


def import_check(*, batch: ImportBatch, size: int) -> bool:
    """Checks a small file now, or queues a large one for a worker. True if queued. With
    the queue down, the batch fails with a message saying so, rather than wait for ever."""
    if size > BACKGROUND_BYTES:
        from . import tasks

        transaction.on_commit(lambda: task_send_or(
            lambda: tasks.validate_import.delay(batch.pk),
            lambda: _fail(batch, QUEUE_DOWN.format(what="Checking the file",
                                                   then="Upload the file again"))))
        return True
    import_validate(batch_id=batch.pk)
    return False


def import_apply(*, batch: ImportBatch, user, accept_valid: bool) -> tuple[ImportBatch, bool]:
    """Applies a checked batch now, or hands a large one to a worker. Also says if queued.
    With the queue down, the batch goes back to checked and a ValidationError says why."""
    if batch.rows_total > BACKGROUND_ROWS:
        from . import tasks

        batch = import_queue_commit(batch=batch, user=user, accept_valid=accept_valid)

        def unsent() -> None:
            ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.IMPORTING
                                       ).update(status=ImportBatch.Status.PREVIEW)
            raise ValidationError(QUEUE_DOWN.format(what="The import", then="Apply it again"))

        # At once, outside a transaction, so that the error reaches the user.
        transaction.on_commit(lambda: task_send_or(
            lambda: tasks.commit_import.delay(batch.pk, user.pk, accept_valid), unsent))
        return batch, True
    return import_commit(batch_id=batch.pk, user=user, accept_valid=accept_valid), False


def import_file(
    *,
    partnership: Partnership,
    user,
    file_name: str,
    data: bytes,
    format: str,
    create_missing_metrics: bool = False,
    dry_run: bool = False,
    accept_valid: bool = False,
) -> ImportBatch:
    """Start, validate and (unless a dry run, or rows are rejected) apply, in process."""
    batch = import_start(
        partnership=partnership, user=user, file_name=file_name, data=data, format=format,
        create_missing_metrics=create_missing_metrics,
    )
    batch = import_validate(batch_id=batch.pk)
    if dry_run and batch.status == ImportBatch.Status.PREVIEW:
        # Checked only: it can be read but never applied.
        batch.status = ImportBatch.Status.DRY_RUN
        batch.save(update_fields=["status"])
        return batch
    if batch.status != ImportBatch.Status.PREVIEW:
        return batch
    if batch.rejected and not accept_valid:
        return batch
    return import_commit(batch_id=batch.pk, user=user, accept_valid=accept_valid)


def observation_enter(
    *,
    partnership: Partnership,
    user,
    metric: Metric,
    area_code: str,
    period: str,
    value: float | None,
    count: float | None = None,
    value_note: str = "",
    source: str = "",
) -> ImportBatch:
    """One value typed in by hand: checked and applied like a one-row file, and as undoable."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["metric", "area_code", "period", "value", "count", "value_note", "source"])
    writer.writerow([
        metric.code, area_code, period, "" if value is None else repr(float(value)),
        "" if count is None else repr(float(count)), value_note, source,
    ])
    batch = import_start(
        partnership=partnership, user=user, file_name=f"Entered by hand: {metric.code}",
        data=buffer.getvalue().encode(), format=ImportBatch.Format.MANUAL,
    )
    batch = import_validate(batch_id=batch.pk)
    if batch.status != ImportBatch.Status.PREVIEW:
        raise ValidationError(batch.failure)
    if batch.rejected or batch.skipped:
        reasons = [p.reason for p in batch.problems.all()]
        import_cancel(batch=batch, user=user)
        raise ValidationError([r[:1].upper() + r[1:] for r in reasons])
    return import_commit(batch_id=batch.pk, user=user)


# --- The local outcomes framework and targets -----------------------------------------------
@transaction.atomic
def local_aim_create(*, partnership: Partnership, user, name: str) -> LocalAim:
    _require_load_data(user, partnership)
    name = name.strip()
    if LocalAim.objects.filter(partnership=partnership, name__iexact=name).exists():
        raise ValidationError(f"There is already an aim called {name!r}.")
    order = LocalAim.objects.filter(partnership=partnership).count() + 1
    aim = LocalAim(partnership=partnership, name=name, order=order)
    aim._history_user = user
    aim.save()
    return aim


def _usable_metric(partnership: Partnership, metric: Metric) -> None:
    if metric.owner_id not in (None, partnership.pk):
        raise ValidationError("That metric belongs to another partnership.")


@transaction.atomic
def framework_metric_add(
    *, partnership: Partnership, user, metric: Metric, aim
) -> FrameworkMetric:
    _require_load_data(user, partnership)
    _usable_metric(partnership, metric)
    if aim is not None and aim.partnership_id != partnership.pk:
        raise ValidationError("That aim belongs to another partnership.")
    if FrameworkMetric.objects.filter(partnership=partnership, metric=metric).exists():
        raise ValidationError(f"{metric.name} is already in the framework.")
    order = FrameworkMetric.objects.filter(partnership=partnership).count() + 1
    entry = FrameworkMetric(partnership=partnership, metric=metric, aim=aim, order=order)
    entry._history_user = user
    entry.save()
    return entry


@transaction.atomic
def framework_metric_remove(*, entry, user) -> None:
    _require_load_data(user, entry.partnership)
    entry._history_user = user
    entry.delete()


@transaction.atomic
def local_metric_create(
    *, partnership: Partnership, user, code: str, name: str, unit: str, polarity: str,
    frequency: str, source: str = "", publication_lag_months: int | None = None,
) -> Metric:
    _require_load_data(user, partnership)
    usable = Metric.objects.for_user(user).filter(Q(owner__isnull=True) | Q(owner=partnership))
    if usable.filter(code=code).exists():
        raise ValidationError(f"A metric with the code {code!r} already exists.")
    metric = Metric(owner=partnership, code=code, name=name, tier=Metric.Tier.LOCAL, unit=unit,
                    polarity=polarity, frequency=frequency, source=source,
                    publication_lag_months=publication_lag_months)
    metric.full_clean()
    metric._history_user = user
    metric.save()
    return metric


@transaction.atomic
def target_create(
    *, partnership: Partnership, user, metric: Metric, description: str,
    target_value: float, due_period: str, baseline_value: float | None = None,
    baseline_period: str = "", source: str = "",
) -> Target:
    _require_load_data(user, partnership)
    _usable_metric(partnership, metric)
    try:
        due = parse_period(due_period)
    except PeriodError as error:
        raise ValidationError({"due_period": f"The due period cannot be read: {error}"}) from None
    baseline = None
    if baseline_value is not None or baseline_period:
        if baseline_value is None or not baseline_period:
            raise ValidationError("Give both the baseline value and its period, or neither.")
        try:
            baseline = parse_period(baseline_period)
        except PeriodError as error:
            raise ValidationError(
                {"baseline_period": f"The baseline period cannot be read: {error}"}) from None
        if baseline.end >= due.end:
            raise ValidationError({"due_period": "The target must be due after its baseline."})
    summaries_request(partnership_ids=[partnership.pk])
    target = Target(
        partnership=partnership, metric=metric, description=description,
        baseline_value=baseline_value, baseline_period=baseline.label if baseline else "",
        baseline_end=baseline.end if baseline else None, target_value=target_value,
        due_period=due.label, due_end=due.end, source=source,
    )
    target._history_user = user
    target.save()
    return target


@transaction.atomic
def target_delete(*, target, user) -> None:
    _require_load_data(user, target.partnership)
    target._history_user = user
    target.delete()
    summaries_request(partnership_ids=[target.partnership_id])


# --- Annotations: dated notes on a metric's charts ------------------------------------------
ANNOTATION_EARLIEST = date(2000, 1, 1)
ANNOTATION_YEARS_AHEAD = 5


def _require_annotate(user, partnership: Partnership) -> None:
    allowed = Partnership.objects.for_user(user, access.ANNOTATE).filter(pk=partnership.pk)
    if not allowed.exists():
        raise PermissionDenied(f"You cannot add notes to {partnership}'s metrics.")


def _annotation_values(*, on: date, text: str) -> tuple[date, str]:
    """The note's date and text, checked: the errors name the form's fields."""
    text = " ".join(text.split())
    errors = {}
    if not text:
        errors["text"] = "Enter the note"
    elif len(text) > Annotation.MAX_LENGTH:
        errors["text"] = f"The note must be {Annotation.MAX_LENGTH} characters or fewer"
    latest = date(timezone.localdate().year + ANNOTATION_YEARS_AHEAD, 12, 31)
    if not ANNOTATION_EARLIEST <= on <= latest:
        errors["date"] = (f"The date must be between {ANNOTATION_EARLIEST:%-d %B %Y} and "
                          f"{latest:%-d %B %Y}")
    if errors:
        raise ValidationError(errors)
    return on, text


@transaction.atomic
def annotation_create(*, partnership: Partnership, user, metric: Metric, on: date,
                      text: str) -> Annotation:
    """A note on `metric` for `partnership`, dated `on`, written by `user`."""
    _require_annotate(user, partnership)
    _usable_metric(partnership, metric)
    on, text = _annotation_values(on=on, text=text)
    annotation = Annotation(partnership=partnership, metric=metric, date=on, text=text,
                            created_by=user)
    annotation._history_user = user
    annotation.save()
    return annotation


@transaction.atomic
def annotation_update(*, annotation: Annotation, user, on: date, text: str) -> Annotation:
    """A note's date and text changed; its history keeps what it said before, and who changed
    it."""
    _require_annotate(user, annotation.partnership)
    annotation.date, annotation.text = _annotation_values(on=on, text=text)
    annotation._history_user = user
    annotation.save(update_fields=["date", "text"])
    return annotation


@transaction.atomic
def annotation_delete(*, annotation: Annotation, user) -> None:
    _require_annotate(user, annotation.partnership)
    annotation._history_user = user
    annotation.delete()


# --- The dashboard summaries -------------------------------------------------------------------
# Other apps add summaries of their own (the action plan's progress): each writer is called
# with (partnership_ids, computed_at) inside the transaction that replaces the metric summaries.
SUMMARY_WRITERS: list = []
OBSERVATION_COLUMNS = (
    "metric_id", "area_code", "area_name", "period_label", "period_start", "period_end",
    "period_year_type", "period_sortable", "sex", "age", "category_type", "category", "value",
    "count", "denominator", "lower_ci", "upper_ci", "value_note",
)


def _queued_key(partnership_id: int) -> str:
    return f"summaries-queued:{partnership_id}"


def _request_summaries_for(batch: ImportBatch) -> None:
    """A batch changes its partnership's summaries; one that changed England's or a region's
    figures changes every partnership's."""
    if ObservationChange.objects.filter(batch=batch, benchmark=True).exists():
        summaries_request(partnership_ids=Partnership.objects.values_list("pk", flat=True))
    else:
        summaries_request(partnership_ids=[batch.partnership_id])


_deferred: ContextVar[bool] = ContextVar("summaries_deferred", default=False)


@contextmanager
def summaries_deferred():
    """Within this block changes mark summaries dirty but queue no recompute: for bulk loads
    (the demo) that recompute everything once at the end."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def summaries_request(*, partnership_ids: Iterable[int]) -> None:
    """Marks the partnerships' summaries out of date and, once the transaction commits,
    queues one recompute per partnership. Requests within the debounce window share one
    recompute. If the broker cannot be reached the change stays marked and the sweep every
    ten minutes recomputes it."""
    from .models import SummaryState

    ids = sorted(set(partnership_ids))
    if not ids:
        return
    now = timezone.now()
    SummaryState.objects.bulk_create([SummaryState(partnership_id=pk) for pk in ids],
                                     ignore_conflicts=True)
    # Locked in the same order as a recompute locks them: never a deadlock between the two.
    locked = [s.pk for s in SummaryState.objects.select_for_update()
              .filter(partnership_id__in=ids).order_by("partnership_id")]
    SummaryState.objects.filter(pk__in=locked).update(dirty=True, changed_at=now)
    if _deferred.get():
        return
    _request_after_commit(ids)


def _request_after_commit(ids: list[int]) -> None:
    """Collects the partnerships a transaction changes; one callback after its commit sees
    to all of them. A rolled-back transaction's callback, and its ids, are dropped with it."""
    connection = transaction.get_connection()
    pending = getattr(connection, "_summaries_pending", None)
    live = pending is not None and any(
        getattr(callback, "pending", None) is pending
        for _, callback, *_ in connection.run_on_commit)
    if live:
        pending.update(ids)
        return
    pending = set(ids)
    connection._summaries_pending = pending

    # A function, not a functools.partial: Django names a robust callback that failed by its
    # __qualname__, which a partial lacks, and would turn the logged failure into a 500.
    def flush() -> None:
        _flush_pending(pending)

    flush.pending = pending
    transaction.on_commit(flush, robust=True)


def _flush_pending(pending: set[int]) -> None:
    """After commit: one recompute for every partnership the transaction changed. Without a
    broker (tasks in process) that is one run for all of them, not one per change."""
    ids = sorted(pending)
    pending.clear()
    if not ids:
        return
    if _tasks_run_in_process():
        summaries_recompute(partnership_ids=ids)
        return
    for partnership_id in ids:
        _queue_recompute(partnership_id)


def _tasks_run_in_process() -> bool:
    """True with no broker (the embedded default): tasks run eagerly, in this process."""
    from celery import current_app

    return bool(current_app.conf.task_always_eager)


def _queue_recompute(partnership_id: int) -> None:
    from .tasks import recompute_summaries

    delay = settings.SUMMARY_DEBOUNCE_SECONDS
    if cache.add(_queued_key(partnership_id), 1, timeout=delay * 6 + 60):
        try:
            recompute_summaries.apply_async((partnership_id,), countdown=delay)
        except Exception:
            # The broker is down: the change stays dirty for the sweep, and the next change
            # may try to queue again at once.
            cache.delete(_queued_key(partnership_id))
            raise


def _frame(queryset, columns) -> pd.DataFrame:
    """The queryset's columns as a DataFrame, read through a cursor.

    On PostgreSQL the rows stream as CSV (COPY … TO STDOUT) straight into pandas' C parser,
    several times quicker than building a Python tuple per row; text columns stay text, and
    NULL and "" both arrive as missing, which the aggregates read as blank. Elsewhere
    `values_list` in chunks."""
    import pandas as pd

    if connection.vendor != "postgresql":
        return pd.DataFrame.from_records(
            queryset.values_list(*columns).iterator(chunk_size=20000), columns=list(columns))
    values = queryset.values_list(*columns)
    try:
        sql, params = values.query.sql_with_params()
    except EmptyResultSet:  # filtered on an empty list: no query to run
        return pd.DataFrame({name: pd.Series([], dtype=object) for name in columns})
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        bound = cursor.mogrify(sql, params).decode()
        cursor.copy_expert(f"COPY ({bound}) TO STDOUT WITH (FORMAT csv)", buffer)
    buffer.seek(0)
    kinds = {name: values.model._meta.get_field(name.split("__")[0]).get_internal_type()
             for name in columns}
    text = {name: str for name, kind in kinds.items()
            if kind in ("CharField", "TextField", "SlugField") and "__" not in name}
    frame = pd.read_csv(buffer, header=None, names=list(columns), dtype=text,
                        keep_default_na=False, na_values={name: [""] for name in columns})
    for name, kind in kinds.items():
        if kind == "DateField":
            frame[name] = pd.to_datetime(frame[name])
        elif kind == "BooleanField":
            frame[name] = frame[name].map({"t": True, "f": False})
    return frame


@contextmanager
def _snapshot():
    """One consistent view of the database for several reads: on PostgreSQL a read-only
    REPEATABLE READ transaction, so that an import committing between two of the reads is
    seen by all of them or by none. Inside a transaction already (tests), the reads share
    that transaction and its isolation level, which may give each its own snapshot."""
    if connection.in_atomic_block or connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def summary_frames(*, partnership_ids: list[int] | None) -> dict:
    """The rows the recompute needs, read into pandas with one query per table, all from one
    snapshot of the database."""
    with _snapshot():
        return _summary_frames(partnership_ids)


def headline_rows(queryset):
    """The rows the summaries are built on: all persons, no category (aggregates._prepare).
    The sex and category breakdowns stay in the database."""
    from . import aggregates

    return queryset.filter(sex__in=aggregates.PERSONS, category_type="", category="")


def _summary_frames(partnership_ids: list[int] | None) -> dict:
    from .models import MetricSummary

    observations = headline_rows(Observation.objects.all())
    targets = Target.objects.all()
    partnerships = Partnership.objects.all()
    if partnership_ids is not None:
        observations = observations.filter(partnership_id__in=partnership_ids)
        targets = targets.filter(partnership_id__in=partnership_ids)
        partnerships = partnerships.filter(pk__in=partnership_ids)
    frames = {
        "observations": _frame(observations, ("partnership_id", *OBSERVATION_COLUMNS)),
        "benchmarks": _frame(headline_rows(Benchmark.objects.all()), OBSERVATION_COLUMNS),
        "metrics": _frame(Metric.objects.all(), ("id", "code", "unit", "polarity", "frequency",
                                                  "disclosure_control")
                          ).rename(columns={"id": "metric_id"}),
        "targets": _frame(targets, ("id", "partnership_id", "metric_id", "description",
                                    "target_value", "due_period", "due_end", "baseline_value",
                                    "baseline_end")).rename(columns={"id": "target_id"}),
        "partnerships": _frame(partnerships, ("id", "region__code")).rename(
            columns={"id": "partnership_id", "region__code": "region_code"}),
        "peers": None,
    }
    if partnership_ids is not None:
        # Ranks among every partnership: the others' latest values, from their summaries.
        frames["peers"] = _frame(
            MetricSummary.objects.exclude(partnership_id__in=partnership_ids),
            ("partnership_id", "metric_id", "area_code", "period_end", "period_label",
             "value", "count"))
    return frames


@dataclass(frozen=True)
class Recompute:
    partnerships: int
    rows: int
    seconds: float


def summaries_recompute(*, partnership_ids: list[int] | None = None) -> Recompute:
    """Recomputes the summaries of these partnerships (of all when None) and replaces each
    partnership's rows in one transaction: readers see the old rows or the new, never a mix.

    Safe to run twice at once: a partnership's rows are only replaced by figures read later
    than the ones they hold, so an overlapping run that read older data writes nothing."""
    import time
    from datetime import timedelta

    from . import aggregates, spine
    from .models import SummaryRun

    started = time.perf_counter()
    read_at = timezone.now()
    for partnership_id in partnership_ids or []:
        cache.delete(_queued_key(partnership_id))  # later changes queue a run of their own
    # A run whose worker was killed never finishes; past any task's time limit it is over.
    SummaryRun.objects.filter(
        status=SummaryRun.Status.RUNNING,
        started_at__lt=read_at - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT * 2),
    ).update(status=SummaryRun.Status.FAILED, finished_at=read_at)
    run = SummaryRun.objects.create(started_at=read_at)
    try:
        frames = summary_frames(partnership_ids=partnership_ids)
        summary = aggregates.metric_summaries(**frames, today=timezone.localdate())
        summary = spine.ranges(summary, frames["peers"],
                               *aggregates.disclosure_sets(frames["metrics"]))
        rows = aggregates.records(summary)
        # Figures loaded without an area name are named after their local authority.
        names = dict(LocalAuthority.objects.values_list("code", "name"))
        for row in rows:
            if not row["area_name"]:
                row["area_name"] = names.get(row["area_code"], "")
        targets = partnership_ids if partnership_ids is not None else list(
            Partnership.objects.values_list("pk", flat=True))
        by_partnership: dict[int, list[dict]] = {pk: [] for pk in targets}
        for row in rows:
            by_partnership.setdefault(row["partnership_id"], []).append(row)
        _replace_summaries(by_partnership, read_at)
    except Exception:
        run.status, run.finished_at = SummaryRun.Status.FAILED, timezone.now()
        run.save(update_fields=["status", "finished_at"])
        raise
    run.status, run.finished_at = SummaryRun.Status.SUCCEEDED, timezone.now()
    run.save(update_fields=["status", "finished_at"])
    log.info("summaries recomputed", extra={"partnerships": len(by_partnership),
                                            "rows": len(rows)})
    return Recompute(len(by_partnership), len(rows), time.perf_counter() - started)


@transaction.atomic
def _replace_summaries(by_partnership: dict[int, list[dict]], read_at) -> list[int]:
    """Replaces the partnerships' summaries in one transaction, except where newer ones are
    already there. Returns the partnerships replaced."""
    from .models import SummaryState

    # A partnership deleted since the run started is left out, not a reason to fail them all.
    ids = sorted(Partnership.objects.filter(pk__in=list(by_partnership))
                 .values_list("pk", flat=True))
    SummaryState.objects.bulk_create([SummaryState(partnership_id=pk) for pk in ids],
                                     ignore_conflicts=True)
    # Locked in a fixed order, so that overlapping runs wait for each other, not deadlock.
    states = list(SummaryState.objects.select_for_update()
                  .filter(partnership_id__in=ids).order_by("partnership_id"))
    fresh = [state for state in states
             if state.computed_at is None or state.computed_at <= read_at]
    replaced = [state.partnership_id for state in fresh]
    if not replaced:
        return []
    _write_summaries([row for pk in replaced for row in by_partnership[pk]], replaced,
                     read_at)
    for write in SUMMARY_WRITERS:
        write(replaced, read_at)
    for state in fresh:
        state.computed_at = read_at
        if state.changed_at is None or state.changed_at <= read_at:
            state.dirty = False
    SummaryState.objects.bulk_update(fresh, ["computed_at", "dirty"], batch_size=1000)
    return replaced


def _fingerprint(row: dict) -> str:
    text = orjson.dumps(row, default=str, option=orjson.OPT_SORT_KEYS)
    return hashlib.md5(text, usedforsecurity=False).hexdigest()


def _write_summaries(rows: list[dict], partnership_ids: list[int], read_at) -> None:
    """Makes the partnerships' stored summaries these rows, within the caller's transaction.

    Rows whose figures are unchanged (same fingerprint) stay where they are and only take the
    new computation time; the others are deleted and the new ones copied in. The nightly
    run, which mostly finds nothing changed, writes little."""
    from .models import MetricSummary

    stored = {(p, m, a): (pk, fingerprint) for p, m, a, pk, fingerprint in
              MetricSummary.objects.filter(partnership_id__in=partnership_ids).values_list(
                  "partnership_id", "metric_id", "area_code", "pk", "fingerprint")}
    kept, new = [], []
    for row in rows:
        fingerprint = _fingerprint(row)
        old = stored.get((row["partnership_id"], row["metric_id"], row["area_code"]))
        if old is not None and old[1] == fingerprint:
            kept.append(old[0])
        else:
            new.append([*row.values(), fingerprint, read_at])
    (MetricSummary.objects.filter(partnership_id__in=partnership_ids)
     .exclude(pk__in=kept).delete())
    MetricSummary.objects.filter(pk__in=kept).update(computed_at=read_at)
    if new:
        insert_rows(MetricSummary, [*rows[0], "fingerprint", "computed_at"], new)


def summaries_sweep() -> Recompute:
    """The nightly run: every partnership, which also clears anything left marked dirty."""
    return summaries_recompute(partnership_ids=None)


def summaries_recompute_dirty() -> int:
    """Recomputes the partnerships marked dirty for longer than the debounce window."""
    from datetime import timedelta

    from .models import SummaryState

    cutoff = timezone.now() - timedelta(seconds=settings.SUMMARY_DEBOUNCE_SECONDS * 3)
    ids = list(SummaryState.objects.filter(dirty=True, changed_at__lt=cutoff)
               .values_list("partnership_id", flat=True))
    if ids:
        summaries_recompute(partnership_ids=ids)
    return len(ids)
