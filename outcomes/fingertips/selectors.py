"""Reads of the Fingertips sync's state: the national admin's page, /healthz and /metrics."""

from __future__ import annotations

from django.conf import settings

from ..models import FingertipsIndicator


def sync_indicator_list():
    """Every configured indicator with its metric, last batch and who added it: one query."""
    return FingertipsIndicator.objects.select_related("metric", "last_batch", "added_by")


def sync_status() -> dict:
    """The sync in brief, from one query (the configured indicators are tens, not
    thousands). 'degraded' while any indicator is stopped (it needs a national admin) or
    failing; 'off' when the schedule is off and nothing was ever synced. `rows` holds
    (indicator id, area type id, failures ever) for /metrics' counter."""
    rows = list(FingertipsIndicator.objects.order_by("indicator_id", "child_area_type_id")
                .values_list("indicator_id", "child_area_type_id", "state", "failures_total",
                             "last_checked_at", "last_synced_at"))
    states = {state: 0 for state in FingertipsIndicator.State.values}
    for row in rows:
        states[row[2]] = states.get(row[2], 0) + 1
    last_checked = max((r[4] for r in rows if r[4]), default=None)
    last_synced = max((r[5] for r in rows if r[5]), default=None)
    stopped = states[FingertipsIndicator.State.STOPPED]
    failing = states[FingertipsIndicator.State.FAILING]
    enabled = settings.FINGERTIPS_SYNC_ENABLED
    if stopped or failing:
        status = "degraded"
    elif not enabled and last_synced is None:
        status = "off"
    else:
        status = "ok"
    return {
        "status": status,
        "enabled": enabled,
        "indicators": len(rows),
        "states": states,
        "stopped": stopped,
        "failing": failing,
        "failures_total": sum(r[3] for r in rows),
        "last_checked_at": last_checked,
        "last_synced_at": last_synced,
        "rows": [(r[0], r[1], r[3]) for r in rows],
    }
