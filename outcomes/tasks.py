"""Celery tasks of the outcomes app. Each takes ids, re-fetches, and calls one service."""

from celery import shared_task
from django.contrib.auth import get_user_model

from . import services


@shared_task(name="outcomes.tasks.validate_import")
def validate_import(batch_id: int) -> str:
    return services.import_validate(batch_id=batch_id).status


@shared_task(name="outcomes.tasks.commit_import")
def commit_import(batch_id: int, user_id: int, accept_valid: bool) -> str:
    user = get_user_model().objects.get(pk=user_id)
    return services.import_commit(
        batch_id=batch_id, user=user, accept_valid=accept_valid, queued=True
    ).status
