"""Reads of the Fingertips sync's state: the national admin's page, /healthz and /metrics."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Max, Sum

from ..models import FingertipsIndicator


def sync_indicator_list():
    """Every configured indicator with its metric and last batch: two queries' worth."""
    return FingertipsIndicator.objects.select_related("metric", "last_batch", "added_by")


def sync_status() -> dict:
    """The sync in brief. 'degraded' while any indicator is stopped (it needs a national
    admin) or failing; 'off' when the schedule is off and nothing has been synced."""
    counts = dict(FingertipsIndicator.objects.values_list("state").annotate(n=Count("pk"))
                  .order_by())
    totals = FingertipsIndicator.objects.aggregate(
        last_synced=Max("last_synced_at"), last_checked=Max("last_checked_at"),
        failures=Sum("failures_total"))
    stopped = counts.get(FingertipsIndicator.State.STOPPED, 0)
    failing = counts.get(FingertipsIndicator.State.FAILING, 0)
    enabled = settings.FINGERTIPS_SYNC_ENABLED
    if stopped or failing:
        status = "degraded"
    elif not enabled and totals["last_synced"] is None:
        status = "off"
    else:
        status = "ok"
    return {
        "status": status,
        "enabled": enabled,
        "indicators": sum(counts.values()),
        "states": {state: counts.get(state, 0) for state in FingertipsIndicator.State.values},
        "stopped": stopped,
        "failing": failing,
        "failures_total": totals["failures"] or 0,
        "last_checked_at": totals["last_checked"],
        "last_synced_at": totals["last_synced"],
    }


def sync_failures_by_indicator() -> list[tuple[int, int, int]]:
    """(indicator id, area type id, failures ever) for /metrics' counter."""
    return list(FingertipsIndicator.objects.order_by("indicator_id", "child_area_type_id")
                .values_list("indicator_id", "child_area_type_id", "failures_total"))
