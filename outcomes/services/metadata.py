"""Metric metadata for the metrics an import creates, and updates from the Fingertips
metadata file.

A data file that creates a metric never silently defaults: its metadata is the Fingertips
metadata where known (`--metadata FILE`), else inferred from the file
(`outcomes.importers.metadata.Evidence`), and the upload preview shows it for the analyst to
confirm or change (`new_metrics_create`) before the import is applied."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q

from partnerships import access

from ..importers import FileProblem, SourceRow
from ..importers.metadata import Evidence, Known
from ..models import ImportBatch, Metric
from . import import_rows

log = logging.getLogger(__name__)

# What the preview's confirmation form may set on a new metric.
CONFIRMABLE = ("polarity", "value_type", "unit", "period_years")
METADATA_FIELDS = ("polarity", "value_type", "unit", "year_type", "period_years", "frequency")
CACHE_SECONDS = 6 * 3600


def evidence(batch: ImportBatch) -> dict[str, Evidence]:
    """Each Fingertips indicator's evidence, from one pass over the batch's file."""
    found: dict[str, Evidence] = {}
    for item in import_rows._read(batch):
        if isinstance(item, SourceRow):
            if item.indicator not in found:
                found[item.indicator] = Evidence(item.indicator, item.indicator_name)
            found[item.indicator].add(item)
    return found


def inferred(batch: ImportBatch, known: dict[str, Known] | None = None) -> dict[str, Known]:
    """Each indicator's metadata: the Fingertips metadata's fields where `known` has them,
    inferred from the file for the rest, with notes saying which. Kept for the preview."""
    key = f"import-metadata:{batch.pk}:{batch.stored_file}"  # the name is random: never stale
    if known is None:
        cached = _cache_get(key)
        if cached is not None:
            return cached
    result = {}
    for indicator, found in evidence(batch).items():
        guess = found.infer()
        supplied = (known or {}).get(indicator)
        if supplied:
            names = set(supplied.fields)
            guess.fields.update(supplied.fields)
            guess.notes = supplied.notes + [
                n for n in guess.notes if n.split(":")[0].replace(" ", "_") not in names]
        result[indicator] = guess
    _cache_set(key, result)
    return result


def _cache_get(key: str):
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - the file is read again instead
        log.warning("import metadata: the cache cannot be reached", exc_info=True)
        return None


def _cache_set(key: str, value) -> None:
    try:
        cache.set(key, value, CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        log.warning("import metadata: the cache cannot be reached", exc_info=True)


def fields_for(batch: ImportBatch, known: dict[str, Known] | None = None) -> dict[str, dict]:
    """The fields each new metric of the batch is created with (`import_rows.run`)."""
    if not (batch.create_missing_metrics and batch.format == ImportBatch.Format.FINGERTIPS):
        return {}
    try:
        return {indicator: dict(k.fields) for indicator, k in inferred(batch, known).items()}
    except FileProblem:
        return {}  # the pass itself says what is wrong with the file


def new_indicators(batch: ImportBatch) -> dict[str, Known]:
    """The batch's indicators no metric it can use matches yet, with their metadata."""
    if not batch.create_missing_metrics or batch.status != ImportBatch.Status.PREVIEW:
        return {}
    found = inferred(batch)
    usable = Q(owner__isnull=True)
    if not batch.is_reference:
        usable |= Q(owner=batch.partnership)
    held = {str(i) for i in Metric.objects.filter(
        usable, fingertips_id__in=[int(i) for i in found]).values_list("fingertips_id",
                                                                        flat=True)}
    return {i: k for i, k in found.items() if i not in held}


@transaction.atomic
def new_metrics_create(*, batch: ImportBatch, user, choices: dict[str, dict]) -> list[Metric]:
    """Creates the batch's new metrics with the metadata the analyst confirmed or changed on
    the preview, before the import is applied (which then finds them by their Fingertips id).
    `choices` maps an indicator id to CONFIRMABLE fields."""
    from .imports import require_load  # cycle: imports runs the pass that calls fields_for

    require_load(user, batch.partnership)
    new = new_indicators(batch)
    created = []
    for indicator, known in new.items():
        fields = {**known.fields, **{k: v for k, v in choices.get(indicator, {}).items()
                                      if k in CONFIRMABLE}}
        if "period_years" in choices.get(indicator, {}):
            fields["frequency"] = (Metric.Frequency.ROLLING_THREE_YEARS
                                   if int(fields["period_years"]) == 3 else
                                   Metric.Frequency.ANNUAL)
        metric = import_rows.new_metric(batch, indicator, fields, name=known.name)
        metric._history_user = user
        metric._change_reason = f"Created by import {batch.pk}, metadata confirmed"
        metric.save()
        created.append(metric)
    return created


@transaction.atomic
def metadata_update(*, user, known: dict[str, Known]) -> list[Metric]:
    """Sets the Fingertips metadata on the national metrics with these Fingertips ids
    (national administrators only). Returns the metrics changed."""
    access.require_national(user, "change the national metrics' metadata")
    changed = []
    for metric in Metric.objects.filter(owner__isnull=True,
                                        fingertips_id__in=[int(i) for i in known]):
        fields = {k: v for k, v in known[str(metric.fingertips_id)].fields.items()
                  if k in METADATA_FIELDS and getattr(metric, k) != v}
        if not fields:
            continue
        for name, value in fields.items():
            setattr(metric, name, value)
        metric._history_user = user
        metric._change_reason = "Fingertips metadata imported"
        metric.save()
        changed.append(metric)
    return changed
