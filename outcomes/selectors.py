"""Reads of the outcomes app."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from .models import ImportBatch, ImportRowProblem, Metric, SummaryRun


def summary_run_last_finished_at() -> datetime | None:
    """When the most recent successful summary recompute finished, or None if none has."""
    return (
        SummaryRun.objects.filter(status=SummaryRun.Status.SUCCEEDED)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )


def import_batch_list(*, partnership, user) -> QuerySet[ImportBatch]:
    return (
        ImportBatch.objects.for_user(user, "load_data")
        .filter(partnership=partnership)
        .select_related("created_by")
        .order_by("-created_at")
    )


def import_problems(*, batch: ImportBatch, limit: int = 200) -> list[ImportRowProblem]:
    return list(batch.problems.order_by("line")[:limit])


def metrics_for_entry(*, partnership, user) -> QuerySet[Metric]:
    """National metrics and the partnership's own local ones, for a form's choices."""
    return (
        Metric.objects.for_user(user)
        .filter(Q(owner__isnull=True) | Q(owner=partnership))
        .order_by("tier", "order", "name")
    )


def framework_for_partnership(*, partnership, user) -> dict:
    """The local framework with each metric's latest value and targets, in a fixed number of
    queries: aims, entries (with metrics), targets, and the latest values."""
    from datetime import date

    from .models import FrameworkMetric, LocalAim, Observation, Target
    from .stats import target_status

    aims = list(LocalAim.objects.for_user(user).filter(partnership=partnership))
    entries = list(
        FrameworkMetric.objects.for_user(user).filter(partnership=partnership)
        .select_related("metric", "metric__outcome").order_by("aim__order", "order")
    )
    targets = list(Target.objects.for_user(user).filter(partnership=partnership)
                   .select_related("metric"))
    metric_ids = {e.metric_id for e in entries} | {t.metric_id for t in targets}
    latest: dict[int, dict] = {}
    rows = (
        Observation.objects.for_user(user)
        .filter(partnership=partnership, metric_id__in=metric_ids, sex__in=["", "Persons"],
                category="", value__isnull=False)
        .order_by("metric_id", "-period_end")
        .values("metric_id", "period_label", "period_end", "value", "area_name", "area_code")
    )
    several_areas = partnership.local_authorities.count() > 1
    for row in rows.iterator(chunk_size=2000):
        if several_areas:
            # Say which area the figure is for; the dashboards compare areas side by side.
            row["period_label"] = f"{row['period_label']}, {row['area_name'] or row['area_code']}"
        latest.setdefault(row["metric_id"], row)
    for target in targets:
        value = latest.get(target.metric_id)
        target.status = target_status(
            target_value=target.target_value, due_date=target.due_end,
            latest_value=value["value"] if value else None,
            latest_date=value["period_end"] if value else None,
            baseline_value=target.baseline_value, baseline_date=target.baseline_end,
            higher_is_better={"higher_better": True, "lower_better": False}.get(
                target.metric.polarity),
        )
        target.latest = value
    for entry in entries:
        entry.latest = latest.get(entry.metric_id)
        entry.targets = [t for t in targets if t.metric_id == entry.metric_id]
    grouped = [(aim, [e for e in entries if e.aim_id == aim.pk]) for aim in aims]
    ungrouped = [e for e in entries if e.aim_id is None]
    return {"aims": grouped, "ungrouped": ungrouped, "targets": targets,
            "today": date.today()}
