"""One pass over an import's file: read its rows, match them to metrics and areas, and
classify each as new, changed, unchanged, skipped or rejected; write them when asked.

`run(batch, write=False)` only counts (the check); `run(batch, write=True)` applies, within
the caller's transaction (the commit)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Q

from partnerships import access
from partnerships.files import open_stored

from ..importers import FileProblem, RowError, SourceRow, fingertips, tidy
from ..models import (
    ImportBatch,
    ImportRowProblem,
    Metric,
    Observation,
    ObservationChange,
    ReferenceFigure,
)
from ..selectors import import_progress_key
from .published import Published

log = logging.getLogger(__name__)

ENGLAND = "E92000001"
CHUNK = 2000
PROGRESS_TIMEOUT = 6 * 3600


def is_benchmark_area(code: str) -> bool:
    """England and the regions are benchmarks, shared by every partnership."""
    return code == ENGLAND or code.startswith("E12")


def read_rows(batch: ImportBatch) -> Iterator[SourceRow | RowError]:
    """The batch's rows, streamed from its stored file."""
    try:
        stream = open_stored(batch.stored_file)
    except OSError as error:
        raise FileProblem(f"the uploaded file is no longer available ({error.strerror})") from None
    with stream:
        raw = stream.file  # the storage's own binary file, which the readers seek and wrap
        if batch.format == ImportBatch.Format.FINGERTIPS:
            yield from fingertips.read(raw)
        elif batch.format == ImportBatch.Format.MANUAL:
            yield from tidy.read_csv(raw)
        else:
            yield from tidy.read(raw, batch.file_name)


def _report_progress(batch: ImportBatch, done: int, total: int) -> None:
    """How far the pass has got, for the page's progress bar (`selectors.import_progress`)."""
    try:
        cache.set(
            import_progress_key(batch.pk),
            {"status": batch.status, "done": done, "total": total},
            PROGRESS_TIMEOUT,
        )
    except Exception:  # noqa: BLE001 - a progress bar is not worth a failed import
        log.warning("import progress: the cache cannot be reached", exc_info=True)


# Only where nothing could be read (a file that fails): a metric is created with metadata
# from Fingertips or inferred from its file (`metadata.fields_for`).
PLACEHOLDER = {"unit": Metric.Unit.COUNT, "polarity": Metric.Polarity.NO_JUDGEMENT,
               "frequency": Metric.Frequency.ANNUAL}


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
    # The metadata of the metrics the import creates, by Fingertips id (`metadata`).
    metadata: dict[str, dict] = field(default_factory=dict)
    # What a write changed: for the reference data's statistics and the summaries.
    metric_ids: set[int] = field(default_factory=set)
    area_codes: set[str] = field(default_factory=set)

    def metadata_for(self, indicator: str) -> dict:
        return self.metadata.get(indicator, {})

    def add_problem(self, batch: ImportBatch, line: int, reason: str) -> None:
        """A row left out: skipped if `reason` starts 'skip:', else rejected."""
        skipped = reason.startswith("skip:")
        kind = ImportRowProblem.Kind.SKIPPED if skipped else ImportRowProblem.Kind.REJECTED
        if skipped:
            self.skipped += 1
        else:
            self.rejected += 1
        self.problems.append(ImportRowProblem(
            batch=batch, line=line, kind=kind, reason=reason.removeprefix("skip:")[:500]
        ))
        if len(self.problems) >= CHUNK:
            self.flush_problems()

    def flush_problems(self) -> None:
        """Saves the problems found so far, so a file of bad rows does not fill memory."""
        ImportRowProblem.objects.bulk_create(self.problems, batch_size=2000)
        self.problems.clear()


class _Context:
    """What rows are matched against: the partnership's areas and the metrics it can use; for
    a reference batch, every area and the national metrics."""

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self.partnership = batch.partnership
        if batch.is_reference:
            self.areas = None  # every area of England
            # National metrics are public: a system user reads them as everyone does.
            metrics = list(Metric.objects.filter(owner__isnull=True))
        else:
            self.areas = dict(self.partnership.local_authorities.values_list("code", "name"))
            metrics = list(
                Metric.objects.for_user(batch.created_by)
                .filter(Q(owner__isnull=True) | Q(owner=batch.partnership))
            )
        # A partnership's own local metric wins over a national one with the same code.
        metrics.sort(key=lambda m: m.owner_id is not None)
        self.by_code = {m.code: m for m in metrics}
        self.by_fingertips_id = {str(m.fingertips_id): m for m in metrics if m.fingertips_id}
        self.published = Published()

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
                plan.new_metrics[row.indicator] = self._new_metric(row, plan, write=write)
            return plan.new_metrics[row.indicator]
        metric = self.by_code.get(row.indicator)
        if metric is None:
            return f"unknown metric code {row.indicator!r}"
        return metric

    def _new_metric(self, row: SourceRow, plan: Plan, *, write: bool) -> Metric:
        metric = new_metric(self.batch, row.indicator, plan.metadata_for(row.indicator),
                            name=row.indicator_name)
        if write:
            # Made by the import, on behalf of whoever loaded the file: both are in history.
            metric._history_user = self.batch.created_by
            metric._change_reason = f"Created by import {self.batch.pk}"
            metric.save()
            self.by_fingertips_id[row.indicator] = metric
        return metric

    def area_problem(self, row: SourceRow, metric: Metric) -> str | None:
        """Why the row is not loaded here, if it is not: a partnership keeps its own areas;
        England's, the regions' and (from a Fingertips download) other areas' published
        figures are the national reference data's."""
        if self.areas is None or row.area_code in self.areas:
            return None
        if is_benchmark_area(row.area_code) and access.is_national(self.batch.created_by):
            return None  # a national admin's partnership file also fills England and regions
        fingertips_file = self.batch.format == ImportBatch.Format.FINGERTIPS
        if fingertips_file or is_benchmark_area(row.area_code):
            return "skip:" + self.published.reason(metric, row)
        name = f" ({row.area_name})" if row.area_name else ""
        return f"area {row.area_code}{name} is not in {self.partnership}"


def new_metric(batch: ImportBatch, indicator: str, fields: dict, *, name: str = "") -> Metric:
    """An unsaved metric for an unknown Fingertips indicator, with its metadata (`fields`,
    from `metadata`): national in a reference batch, the partnership's own otherwise."""
    return Metric(
        owner=batch.partnership,
        code=f"fingertips-{indicator}",
        name=(name or f"Fingertips indicator {indicator}")[:300],
        tier=Metric.Tier.RELATED if batch.is_reference else Metric.Tier.LOCAL,
        source="Fingertips (OHID)",
        fingertips_id=int(indicator),
        **{**PLACEHOLDER, **fields},
    )


def _values(row: SourceRow, *, reference: bool = False) -> dict:
    values = {
        "area_name": row.area_name,
        "period_label": row.period.label,
        "period_sortable": row.period.sortable,
        "value": row.value,
        "count": row.count,
        "denominator": row.denominator,
        "lower_ci": row.lower_ci,
        "upper_ci": row.upper_ci,
        "lower_ci_998": row.lower_ci_998,
        "upper_ci_998": row.upper_ci_998,
        "value_note": row.value_note,
        "source": row.source,
    }
    if reference:
        values.update(area_type=row.area_type[:60], parent_code=row.parent_code)
    return values


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


class _Matcher:
    """Reads the file and yields each row it can use with its metric; every other row goes
    on the plan as a problem."""

    def __init__(self, batch: ImportBatch, plan: Plan, *, write: bool):
        self.batch, self.plan, self.write = batch, plan, write
        self.context = _Context(batch)
        # A 128-bit digest of each key seen, with its first line and a hash of its values: a
        # fraction of the memory of the keys themselves on a 100,000-row file.
        self.seen: dict[bytes, tuple[int, int]] = {}
        self.done = 0

    def matched(self) -> Iterator[tuple[Metric, SourceRow]]:
        for item in read_rows(self.batch):
            self.done += 1
            if self.done % CHUNK == 0:
                _report_progress(self.batch, self.done, self.batch.rows_total)
            if isinstance(item, RowError):
                self.plan.add_problem(self.batch, item.line, item.reason)
                continue
            metric = self.context.metric_for(item, self.plan, write=self.write)
            reason = (metric if isinstance(metric, str)
                      else self.context.area_problem(item, metric) or self._repeated(item))
            if reason:
                self.plan.add_problem(self.batch, item.line, reason)
                continue
            yield metric, item

    def _repeated(self, item: SourceRow) -> str | None:
        """Why a row repeats an earlier one's key, if it does."""
        key = hashlib.blake2b(repr(item.key).encode(), digest_size=16).digest()
        values = hash(tuple(_values(item).values()))
        if key not in self.seen:
            self.seen[key] = (item.line, values)
            return None
        first_line, first_values = self.seen[key]
        if first_values == values:
            # All-area-type downloads list an area once per area type: harmless.
            return f"skip:the same figure as line {first_line}"
        return ("the same metric, area, period and breakdown as line "
                f"{first_line}, with a different value")


def run(batch: ImportBatch, *, write: bool, known: dict | None = None) -> Plan:
    """One pass over the file. With write=False it only counts; with True it applies.
    `known`: the Fingertips metadata of indicators it may create metrics for."""
    from . import metadata  # cycle: metadata reads the file through this module

    plan = Plan(metadata=metadata.fields_for(batch, known))
    matcher = _Matcher(batch, plan, write=write)
    for chunk in _chunks(matcher.matched(), CHUNK):
        if batch.is_reference:
            _apply(batch, ReferenceFigure, chunk, plan, write=write, benchmark=True)
            continue
        for benchmark, model in ((False, Observation), (True, ReferenceFigure)):
            rows = [(m, r) for m, r in chunk if is_benchmark_area(r.area_code) == benchmark]
            if rows:
                _apply(batch, model, rows, plan, write=write, benchmark=benchmark)
    plan.flush_problems()
    batch.rows_total = matcher.done
    _report_progress(batch, matcher.done, matcher.done)
    return plan


def _existing(batch, model, rows, scope: dict, *, benchmark: bool) -> dict[tuple, dict]:
    """The rows already held with the keys of `rows`, by key."""
    # Benchmarks are shared; a partnership's rows are read through its scope, as everywhere.
    held = (model.objects.all() if benchmark
            else model.objects.for_user(batch.created_by, access.LOAD_DATA))
    saved_metric_ids = {m.pk for m, _ in rows if m.pk}
    if not saved_metric_ids:
        return {}
    query = held.filter(
        **scope,
        metric_id__in=saved_metric_ids,
        area_code__in={r.area_code for _, r in rows},
        period_start__in={r.period.start for _, r in rows},
        sex__in={r.sex for _, r in rows},
        age__in={r.age for _, r in rows},
        category__in={r.category for _, r in rows},
    ).values("pk", "batch_id", *model.KEY_FIELDS, *model.VALUE_FIELDS)
    return {tuple(found[f] for f in model.KEY_FIELDS): found for found in query}


def _apply(batch, model, rows, plan: Plan, *, write: bool, benchmark: bool) -> None:
    """Classifies rows as new, changed or unchanged against the table; writes if asked."""
    scope = {} if benchmark else {"partnership": batch.partnership}
    existing = _existing(batch, model, rows, scope, benchmark=benchmark)
    inserts, updates, changes = [], [], []
    for metric, row in rows:
        values = _values(row, reference=benchmark)
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
                updates.append(model(pk=current["pk"], batch=batch, **values))
                changes.append(ObservationChange(
                    batch=batch, reference=benchmark, row_id=current["pk"],
                    action=ObservationChange.Action.UPDATED, previous=previous,
                ))
        else:
            plan.unchanged += 1
            continue
        if write:
            plan.metric_ids.add(metric.pk)
            plan.area_codes.add(row.area_code)
    if write:
        _write(batch, model, inserts, updates, changes, benchmark=benchmark)


def _write(batch, model, inserts, updates, changes, *, benchmark: bool) -> None:
    """Inserts and updates the rows, recording each change for a rollback."""
    created = model.objects.bulk_create(inserts, batch_size=1000)
    changes += [
        ObservationChange(batch=batch, reference=benchmark, row_id=row.pk,
                          action=ObservationChange.Action.INSERTED)
        for row in created
    ]
    if updates:
        model.objects.bulk_update(updates, [*model.VALUE_FIELDS, "batch"], batch_size=1000)
    ObservationChange.objects.bulk_create(changes, batch_size=1000)
