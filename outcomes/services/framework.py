"""A partnership's local outcomes framework: its aims, the metrics it tracks (national ones
and its own local ones) and its targets. Only those who load data change it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from partnerships import access
from partnerships.models import Partnership

from ..models import FrameworkMetric, LocalAim, Metric, Target
from ..periods import PeriodError, parse_period
from .summaries import summaries_request


@transaction.atomic
def local_aim_create(*, partnership: Partnership, user, name: str) -> LocalAim:
    access.require(user, partnership, access.LOAD_DATA)
    name = name.strip()
    if LocalAim.objects.filter(partnership=partnership, name__iexact=name).exists():
        raise ValidationError(f"There is already an aim called {name!r}.")
    order = LocalAim.objects.filter(partnership=partnership).count() + 1
    aim = LocalAim(partnership=partnership, name=name, order=order)
    aim._history_user = user
    aim.save()
    return aim


def usable_metric(partnership: Partnership, metric: Metric) -> None:
    """Refuses a metric that is another partnership's own."""
    if metric.owner_id not in (None, partnership.pk):
        raise ValidationError("That metric belongs to another partnership.")


@transaction.atomic
def framework_metric_add(
    *, partnership: Partnership, user, metric: Metric, aim
) -> FrameworkMetric:
    access.require(user, partnership, access.LOAD_DATA)
    usable_metric(partnership, metric)
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
    access.require(user, entry.partnership, access.LOAD_DATA)
    entry._history_user = user
    entry.delete()


@transaction.atomic
def local_metric_create(
    *, partnership: Partnership, user, code: str, name: str, unit: str, polarity: str,
    frequency: str, source: str = "", publication_lag_months: int | None = None,
    short_name: str = "",
) -> Metric:
    access.require(user, partnership, access.LOAD_DATA)
    usable = Metric.objects.for_user(user).filter(Q(owner__isnull=True) | Q(owner=partnership))
    if usable.filter(code=code).exists():
        raise ValidationError(f"A metric with the code {code!r} already exists.")
    metric = Metric(owner=partnership, code=code, name=name, short_name=short_name,
                    tier=Metric.Tier.LOCAL, unit=unit,
                    polarity=polarity, frequency=frequency, source=source,
                    publication_lag_months=publication_lag_months)
    metric.full_clean()
    metric._history_user = user
    metric.save()
    return metric


def _target_periods(due_period: str, baseline_value: float | None, baseline_period: str):
    """The target's due period and its baseline's (or None), read and checked."""
    try:
        due = parse_period(due_period)
    except PeriodError as error:
        raise ValidationError({"due_period": f"The due period cannot be read: {error}"}) from None
    if baseline_value is None and not baseline_period:
        return due, None
    if baseline_value is None or not baseline_period:
        raise ValidationError("Give both the baseline value and its period, or neither.")
    try:
        baseline = parse_period(baseline_period)
    except PeriodError as error:
        raise ValidationError(
            {"baseline_period": f"The baseline period cannot be read: {error}"}) from None
    if baseline.end >= due.end:
        raise ValidationError({"due_period": "The target must be due after its baseline."})
    return due, baseline


@transaction.atomic
def target_create(
    *, partnership: Partnership, user, metric: Metric, description: str,
    target_value: float, due_period: str, baseline_value: float | None = None,
    baseline_period: str = "", source: str = "",
) -> Target:
    access.require(user, partnership, access.LOAD_DATA)
    usable_metric(partnership, metric)
    due, baseline = _target_periods(due_period, baseline_value, baseline_period)
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
    access.require(user, target.partnership, access.LOAD_DATA)
    target._history_user = user
    target.delete()
    summaries_request(partnership_ids=[target.partnership_id])
