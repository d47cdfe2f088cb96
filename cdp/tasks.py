"""Project-wide Celery tasks. Each takes ids or nothing, and calls one service."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from actionplans.services.plan_import_expiry import plan_import_previews_expire
from outcomes.services.expiry import import_previews_expire

from .board_packs import services as board_packs


def expire_previews() -> int:
    """Both kinds of unconfirmed import, expired now (the task and the command)."""
    return import_previews_expire() + plan_import_previews_expire()


@shared_task(name="cdp.tasks.ping")
def ping() -> str:
    """Answers 'pong': proves a worker is consuming from the broker."""
    return "pong"


@shared_task(name="cdp.tasks.clear_expired_sessions")
def clear_expired_sessions() -> int:
    """Deletes expired sign-in sessions; returns how many were removed."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(name="cdp.tasks.fail_stale_board_packs")
def fail_stale_board_packs() -> int:
    """Marks failed the board packs lost on the way (board_packs.board_packs_fail_stale)."""
    return board_packs.board_packs_fail_stale()


@shared_task(name="cdp.tasks.generate_board_pack")
def generate_board_pack(pack_id: int) -> str:
    """Makes a board pack's PDF (board_packs.board_pack_generate). Returns its status."""
    return board_packs.board_pack_generate(pack_id=pack_id).status


@shared_task(name="cdp.tasks.expire_import_previews")
def expire_import_previews() -> int:
    """Expires the observation and plan imports left unconfirmed past
    IMPORT_PREVIEW_TTL_HOURS, deleting their files. Returns how many expired."""
    return expire_previews()
