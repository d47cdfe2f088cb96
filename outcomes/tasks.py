"""Celery tasks of the outcomes app. Each takes ids, re-fetches, and calls one service."""

from celery import shared_task
from django.contrib.auth import get_user_model

from .services import imports, reference, summaries


@shared_task(name="outcomes.tasks.validate_import")
def validate_import(batch_id: int) -> str:
    return imports.import_validate(batch_id=batch_id).status


@shared_task(name="outcomes.tasks.commit_import")
def commit_import(batch_id: int, user_id: int, accept_valid: bool) -> str:
    user = get_user_model().objects.get(pk=user_id)
    return imports.import_commit(
        batch_id=batch_id, user=user, accept_valid=accept_valid, queued=True
    ).status


@shared_task(name="outcomes.tasks.recompute_summaries")
def recompute_summaries(partnership_id: int) -> int:
    """One partnership's summaries, after its data changed. Returns the rows written."""
    return summaries.summaries_recompute(partnership_ids=[partnership_id]).rows


@shared_task(name="outcomes.tasks.recompute_all_summaries")
def recompute_all_summaries() -> int:
    """Every partnership's summaries (nightly), which also sweeps anything left dirty."""
    return summaries.summaries_sweep().rows


@shared_task(name="outcomes.tasks.recompute_dirty_summaries")
def recompute_dirty_summaries() -> int:
    """Partnerships still marked dirty after the debounce window: their recompute was never
    queued or never ran (the broker was down). Returns how many were recomputed."""
    return summaries.summaries_recompute_dirty()


@shared_task(name="outcomes.tasks.sync_fingertips", soft_time_limit=3300, time_limit=3600)
def sync_fingertips(indicator_ids: list[int] | None = None) -> dict:
    """The Fingertips sync (daily by beat when FINGERTIPS_SYNC_ENABLED, or "Sync now").
    Returns how many indicators each outcome had; another run in progress: skipped."""
    from .services import sync  # the HTTP client loads only where a sync runs

    try:
        report = sync.sync_run(indicator_ids=indicator_ids)
    except sync.SyncBusy:
        return {"skipped": "another sync is running"}
    actions = {o.action for o in report.outcomes}
    return {action: report.count(action) for action in sorted(actions)}


@shared_task(name="outcomes.tasks.recompute_reference")
def recompute_reference(metric_ids: list[int] | None = None) -> int:
    """The national reference data's statistics (comparisons, trends, ranks) for these
    metrics (all when None), after a reference batch was committed or rolled back. Returns
    the rows computed."""
    return reference.reference_recompute(metric_ids=metric_ids)
