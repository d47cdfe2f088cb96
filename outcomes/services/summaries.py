"""The dashboard summaries: requested when data changes, recomputed by a worker (debounced
per partnership), swept nightly and whenever a request was left undone.

- `summaries_request(partnership_ids=...)` marks partnerships dirty and, after the commit,
  queues one recompute each; `summaries_deferred()` holds the recompute back for bulk loads.
- `summaries_recompute(partnership_ids=...)` reads one snapshot into pandas, computes
  (`outcomes.aggregates`, `outcomes.spine`) and replaces each partnership's rows in one
  transaction; `summaries_sweep` and `summaries_recompute_dirty` are the beat's runs.

Other apps add summaries of their own (the action plan's progress) with
`register_writer(writer)`, from their AppConfig.ready(): each writer is called with
(partnership_ids, computed_at) inside the transaction that replaces the metric summaries,
so readers see the old figures of every kind, or the new.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta

import orjson
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from partnerships.models import LocalAuthority, Partnership

from ..bulk import insert_rows
from ..models import (
    ImportBatch,
    MetricSummary,
    Observation,
    ObservationChange,
    ReferenceFigure,
    SummaryRun,
    SummaryState,
)
from . import background
from .summary_reads import (  # noqa: F401 (re-exported: the services' public names)
    OBSERVATION_COLUMNS,
    _frame,
    headline_rows,
    summary_frames,
)

log = logging.getLogger(__name__)

SummaryWriter = Callable[[list[int], datetime], None]
SUMMARY_WRITERS: list[SummaryWriter] = []


def register_writer(writer: SummaryWriter) -> None:
    """Has `writer(partnership_ids, computed_at)` called in every transaction that replaces
    partnerships' summaries. Registering the same writer again changes nothing."""
    if writer not in SUMMARY_WRITERS:
        SUMMARY_WRITERS.append(writer)


# --- Requesting a recompute -----------------------------------------------------------------
def _queued_key(partnership_id: int) -> str:
    return f"summaries-queued:{partnership_id}"


def summaries_request_for_batch(batch: ImportBatch) -> None:
    """A batch changes its partnership's summaries. One that changed published figures
    changes those of every partnership that shows a changed metric: England's and the
    regions' values, and every area's rank, are read from them."""
    changes = ObservationChange.objects.filter(batch=batch, reference=True)
    if not changes.exists():
        if batch.partnership_id is not None:
            summaries_request(partnership_ids=[batch.partnership_id])
        return
    summaries_request(partnership_ids=_showing(_changed_metrics(changes)))


def _changed_metrics(changes) -> list[int] | None:
    """The metrics of the reference rows the changes touched; None when some of those rows
    are gone (a rolled-back insert), whose metric is no longer known."""
    rows = ReferenceFigure.objects.filter(pk__in=changes.values("row_id"))
    if rows.count() < changes.values("row_id").distinct().count():
        return None
    return sorted(set(rows.values_list("metric_id", flat=True).distinct()))


def _showing(metric_ids: list[int] | None):
    """The partnerships that show any of these metrics (all when None): those with a summary
    or an observation of one, or with an area that has a published figure for one."""
    partnerships = Partnership.objects.all()
    if metric_ids is None:
        return partnerships.values_list("pk", flat=True)
    published = ReferenceFigure.objects.filter(metric_id__in=metric_ids).values("area_code")
    authorities = LocalAuthority.objects.filter(partnerships=OuterRef("pk"),
                                                code__in=published)
    return partnerships.filter(
        Exists(MetricSummary.objects.filter(partnership=OuterRef("pk"),
                                            metric_id__in=metric_ids))
        | Exists(Observation.objects.filter(partnership=OuterRef("pk"),
                                            metric_id__in=metric_ids))
        | Exists(authorities)).values_list("pk", flat=True)


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
    if background.tasks_run_in_process():
        summaries_recompute(partnership_ids=ids)
        return
    for partnership_id in ids:
        _queue_recompute(partnership_id)


def _queue_recompute(partnership_id: int) -> None:
    from ..tasks import recompute_summaries  # cycle: the tasks call these services

    delay = settings.SUMMARY_DEBOUNCE_SECONDS
    if cache.add(_queued_key(partnership_id), 1, timeout=delay * 6 + 60):
        try:
            recompute_summaries.apply_async((partnership_id,), countdown=delay)
        except Exception:
            # The broker is down: the change stays dirty for the sweep, and the next change
            # may try to queue again at once.
            cache.delete(_queued_key(partnership_id))
            raise


# --- Recomputing ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Recompute:
    partnerships: int
    rows: int
    seconds: float


def _computed_rows(partnership_ids: list[int] | None) -> dict[int, list[dict]]:
    """The new summary rows, by partnership (every one asked for, with rows or none)."""
    from .. import aggregates  # not a cycle: pandas loads with the first recompute

    rows = aggregates.records(summary_table(summary_frames(partnership_ids=partnership_ids),
                                            today=timezone.localdate()))
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
    return by_partnership


def summary_table(frames: dict, today=None):
    """The summaries computed from `summary_frames`' frames (pure: no ORM), before `records`.

    Ranks, quintiles and ranges are among every area of the metric's area type where it is
    published (recomputed here from the published values, METHODS.md §5, as the reference
    data's own rank and quintile are: the same pool gives the same answer), and among the
    partnerships' areas where it is not."""
    from .. import aggregates, spine  # not a cycle: pandas loads with the first recompute
    from ..aggregates import ranking

    frames = dict(frames)
    local, reference = frames.pop("local"), frames.pop("reference")
    summary = aggregates.metric_summaries(**frames, today=today)
    disclosed, counted = aggregates.disclosure_sets(frames["metrics"])
    pool = ranking.reference_pool(summary, reference, disclosed, counted)
    summary = ranking.reference_ranks(summary, *pool, frames["metrics"])
    summary = spine.ranges(summary, frames["peers"], disclosed, counted, reference=pool)
    return with_local_values(summary, local)


def with_local_values(summary, local):
    """The summary with `local_value`: the partnership's own value for the latest point
    where a published figure that differs from it is shown."""
    import numpy as np  # not a cycle: numpy loads with the first recompute

    key = ["partnership_id", "metric_id", "area_code", "period_end", "period_label"]
    if local.empty or summary.empty:
        return summary.assign(local_value=np.nan)
    local = local.drop_duplicates(key).assign(
        period_end=lambda f: f["period_end"].astype(summary["period_end"].dtype),
        partnership_id=lambda f: f["partnership_id"].astype(np.int64),
        metric_id=lambda f: f["metric_id"].astype(np.int64))
    found = summary[key].merge(local[[*key, "local_value"]], how="left")
    return summary.assign(local_value=found["local_value"].to_numpy(dtype=float))


def summaries_recompute(*, partnership_ids: list[int] | None = None) -> Recompute:
    """Recomputes the summaries of these partnerships (of all when None) and replaces each
    partnership's rows in one transaction: readers see the old rows or the new, never a mix.

    Safe to run twice at once: a partnership's rows are only replaced by figures read later
    than the ones they hold, so an overlapping run that read older data writes nothing."""
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
        by_partnership = _computed_rows(partnership_ids)
        _replace_summaries(by_partnership, read_at)
    except Exception:
        run.status, run.finished_at = SummaryRun.Status.FAILED, timezone.now()
        run.save(update_fields=["status", "finished_at"])
        raise
    run.status, run.finished_at = SummaryRun.Status.SUCCEEDED, timezone.now()
    run.save(update_fields=["status", "finished_at"])
    rows = sum(len(found) for found in by_partnership.values())
    log.info("summaries recomputed", extra={"partnerships": len(by_partnership),
                                            "rows": rows})
    return Recompute(len(by_partnership), rows, time.perf_counter() - started)


@transaction.atomic
def _replace_summaries(by_partnership: dict[int, list[dict]], read_at) -> list[int]:
    """Replaces the partnerships' summaries in one transaction, except where newer ones are
    already there. Returns the partnerships replaced."""
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
    cutoff = timezone.now() - timedelta(seconds=settings.SUMMARY_DEBOUNCE_SECONDS * 3)
    ids = list(SummaryState.objects.filter(dirty=True, changed_at__lt=cutoff)
               .values_list("partnership_id", flat=True))
    if ids:
        summaries_recompute(partnership_ids=ids)
    return len(ids)
