"""Writes of board packs: asking for one, trying a failed one again, making one (the task's
one service) and failing those lost on the way."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from cdp.models import BoardPack
from outcomes.services import task_send_or
from partnerships import access, files
from partnerships.models import Partnership

from . import pdf
from .selectors import board_pack_content

log = logging.getLogger(__name__)

FOLDER = "board-packs"
PLOTLY_JS = "build/plotly/plotly-basic.min.js"
QUEUE_DOWN = ("The board pack could not start: the service's task queue is not answering. "
              "Try again in a few minutes, or tell your administrator.")
UNEXPECTED = ("Making the board pack stopped with an unexpected error. Try again, or tell "
              "your administrator.")
TOO_LONG = "Making the board pack took too long and was stopped. Try again."
LOST = ("Making the board pack stopped without finishing (the worker making it was stopped). "
        "Try again.")
GONE = "The member who asked for it can no longer see {partnership}: try again yourself."
NOT_SAVED = ("The board pack could not be saved ({reason}). Try again later, or tell your "
             "administrator.")
# Steps besides drawing the charts: reading the figures, and writing the PDF.
OTHER_STEPS = 2


def stale_before(now=None):
    """A pack queued or being made since before this was lost: twice any task's time limit
    (a worker killed at its hard limit acknowledges the task, so it is never run again)."""
    return (now or timezone.now()) - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT * 2)


def _is_stale(pack: BoardPack, now=None) -> bool:
    return (pack.status in (BoardPack.Status.QUEUED, BoardPack.Status.GENERATING)
            and pack.attempted_at is not None and pack.attempted_at < stale_before(now))


# --- Asking for a pack -----------------------------------------------------------------------
def _queue(pack: BoardPack) -> None:
    """Queues the pack's task after commit; with the queue down the pack fails saying so."""
    from cdp import tasks  # a cycle: cdp.tasks calls this module's services

    def unsent() -> None:
        BoardPack.objects.filter(pk=pack.pk, status=BoardPack.Status.QUEUED).update(
            status=BoardPack.Status.FAILED, failure=QUEUE_DOWN, finished_at=timezone.now())

    transaction.on_commit(lambda: task_send_or(
        lambda: tasks.generate_board_pack.delay(pack.pk), unsent))


@transaction.atomic
def board_pack_request(*, partnership: Partnership, user) -> BoardPack:
    """A new pack for the partnership, queued to be made. Raises PermissionDenied."""
    access.require(user, partnership, access.GENERATE_BOARD_PACK)
    pack = BoardPack(partnership=partnership, requested_by=user, attempted_at=timezone.now())
    pack._history_user = user
    pack.save()
    _queue(pack)
    return pack


@transaction.atomic
def board_pack_retry(*, pack: BoardPack, user) -> BoardPack:
    """Queues a failed (or lost: `stale_before`) pack again, made as `user`, who is then the
    one who asked for it. Raises PermissionDenied, or ValidationError if it has not failed."""
    access.require(user, pack.partnership, access.GENERATE_BOARD_PACK)
    pack = BoardPack.objects.select_for_update().get(pk=pack.pk)
    if pack.status != BoardPack.Status.FAILED and not _is_stale(pack):
        raise ValidationError("Only a board pack that failed can be tried again.")
    pack.status, pack.failure, pack.finished_at = BoardPack.Status.QUEUED, "", None
    pack.requested_by, pack.attempted_at = user, timezone.now()
    pack.steps_done = pack.steps_total = 0
    pack.step = ""
    pack._history_user = user
    pack.save()
    _queue(pack)
    return pack


# --- Making it -------------------------------------------------------------------------------
@transaction.atomic
def _claim(pack_id: int) -> BoardPack | None:
    """The pack, marked as being made; None when it is already made or has failed (a task
    delivered twice, or after a retry was asked for, changes nothing)."""
    pack = (BoardPack.objects.select_for_update(of=("self",))
            .select_related("partnership__region", "requested_by").get(pk=pack_id))
    if pack.status not in (BoardPack.Status.QUEUED, BoardPack.Status.GENERATING):
        return None
    pack.status, pack.steps_done, pack.step = BoardPack.Status.GENERATING, 0, "Starting"
    pack.attempted_at = timezone.now()
    pack.steps_total = pack.steps_total or OTHER_STEPS
    pack._history_user = pack.requested_by
    pack.save()
    return pack


def _step(pack: BoardPack, done: int, total: int, step: str) -> None:
    """Records progress at once (outside any transaction), for the page to read; no history."""
    pack.steps_done, pack.steps_total, pack.step = done, total, step
    BoardPack.objects.filter(pk=pack.pk).update(steps_done=done, steps_total=total, step=step)


@transaction.atomic
def _finish(pack: BoardPack, **fields) -> BoardPack:
    for name, value in fields.items():
        setattr(pack, name, value)
    pack.finished_at = timezone.now()
    pack._history_user = pack.requested_by
    pack.save()
    return pack


def _fail(pack: BoardPack, reason: str) -> BoardPack:
    return _finish(pack, status=BoardPack.Status.FAILED, failure=reason)


def _plotlyjs() -> Path:
    """Our own plotly.js build, found as the static files are (else where it is built)."""
    found = finders.find(PLOTLY_JS)
    return Path(found) if found else Path(settings.BASE_DIR, "static", PLOTLY_JS)


def _draw(pack: BoardPack, content: dict) -> int:
    """Draws the pack's charts into `content` (each chart's image), recording a step per
    chart. Returns the number of steps in all."""
    charts = content["progress_charts"]
    total = len(charts) + OTHER_STEPS
    _step(pack, 1, total, "Drawing the charts")
    images = pdf.draw_charts([pdf.static_figure(chart["figure"]) for chart in charts],
                             browser_path=settings.BROWSER_PATH, plotlyjs=_plotlyjs())
    for number, (chart, image) in enumerate(zip(charts, images, strict=True), start=1):
        chart["image"] = pdf.png_data_uri(image)
        _step(pack, 1 + number, total, f"Drawn chart {number} of {len(charts)}")
    return total


def _make(pack: BoardPack) -> BoardPack:
    """Reads the figures, draws the charts, prints the PDF and keeps it: the pack, ready."""
    user = pack.requested_by
    _step(pack, 0, pack.steps_total, "Reading the figures")
    content = board_pack_content(partnership=pack.partnership, user=user)
    total = _draw(pack, content)
    _step(pack, total - 1, total, "Writing the PDF")
    html = render_to_string("cdp/board_pack/pack.html", {
        **content, "pack": pack, "requested_by": user.get_full_name() or user.username})
    printed = pdf.pdf_from_html(html, stylesheet=render_to_string("cdp/board_pack/pack.css"))
    stored = files.store(FOLDER, "board-pack.pdf", printed)
    _step(pack, total, total, "Done")
    return _finish(pack, status=BoardPack.Status.READY, stored_file=stored,
                   file_size=len(printed), figures_computed_at=content["computed_at"],
                   failure="")


def board_pack_generate(*, pack_id: int) -> BoardPack:
    """Makes the pack's PDF, recording each step. Never one transaction: each step is
    committed as it is done, so that the page can show how far it has got, and no row is
    locked while the browser draws. A failure is recorded on the pack with its reason."""
    pack = _claim(pack_id)
    if pack is None:
        return BoardPack.objects.get(pk=pack_id)
    partnership, user = pack.partnership, pack.requested_by
    try:
        if user is None or not Partnership.objects.for_user(user).filter(
                pk=partnership.pk).exists():
            return _fail(pack, GONE.format(partnership=partnership.name))
        return _make(pack)
    except pdf.ChartsUnavailable as error:
        log.warning("board pack %s: %s", pack.pk, error)
        return _fail(pack, str(error))
    except SoftTimeLimitExceeded:
        log.warning("board pack %s: stopped at the soft time limit", pack.pk)
        return _fail(pack, TOO_LONG)
    except (files.StoreFailed, OSError) as error:
        log.exception("board pack %s could not be stored", pack.pk)
        reason = error.reason if isinstance(error, files.StoreFailed) else error.strerror
        return _fail(pack, NOT_SAVED.format(reason=reason))
    except Exception:  # a bug, the database: never leave the pack "being made" for ever
        log.exception("board pack %s failed", pack.pk)
        return _fail(pack, UNEXPECTED)


def board_packs_fail_stale(*, now=None) -> int:
    """Marks failed, so that they say so and can be tried again, the packs queued or being
    made for longer than any task may run (`stale_before`). Returns how many. Run by the
    beat task `cdp.tasks.fail_stale_board_packs`."""
    failed = 0
    with transaction.atomic():
        stale = (BoardPack.objects.select_for_update(skip_locked=True)
                 .filter(status__in=[BoardPack.Status.QUEUED, BoardPack.Status.GENERATING],
                         attempted_at__lt=stale_before(now)))
        for pack in stale:
            _fail(pack, LOST)
            failed += 1
    return failed
