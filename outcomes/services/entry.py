"""A value typed in by hand: checked and applied like a one-row file, and as undoable."""

from __future__ import annotations

import csv
import io

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from partnerships.models import Partnership

from ..models import ImportBatch, Metric
from ..periods import PeriodError, parse_period
from .imports import import_cancel, import_commit, import_start, import_validate


def _field_of_rejection(period: str) -> str:
    """The form field a one-row file's rejection is about: a row is refused at its first
    fault, so the period when it cannot be read, else the value as a whole."""
    try:
        parse_period(period)
    except PeriodError:
        return "period"
    return NON_FIELD_ERRORS


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
    """One value typed in by hand: checked and applied like a one-row file, and as undoable.
    Raises ValidationError keyed by field (`period`, or the whole value)."""
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
        raise ValidationError({_field_of_rejection(period): [r[:1].upper() + r[1:]
                                                            for r in reasons]})
    return import_commit(batch_id=batch.pk, user=user)
