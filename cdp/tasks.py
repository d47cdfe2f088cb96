"""Project-wide Celery tasks. Each takes ids or nothing, and calls one service."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from .board_packs import services as board_packs


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
