"""Board packs: the paper a partnership's board receives, made in one click.

Services (writes) and selectors (reads) of cdp.BoardPack, as cdp/tokens.py is for tokens:

1. `board_pack_request` (a lead, analyst or partnership admin: access.GENERATE_BOARD_PACK)
   creates the pack and queues `cdp.tasks.generate_board_pack` after commit; with no broker
   (the embedded default) the task runs at once, in process.
2. `board_pack_generate`, the task's one service, composes the dashboard (the same tiles,
   sentences and progress charts as cdp/dashboards.py), the milestones at risk, the risks and
   the asks; draws every chart with kaleido in one browser session; writes the PDF with
   WeasyPrint under MEDIA_ROOT with a random name; and records its steps as it goes.
3. A failure is recorded with its reason; `board_pack_retry` queues a failed pack again.
"""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone

from actionplans import selectors as plan_selectors
from outcomes import selectors as outcome_selectors
from outcomes.services import task_send_or
from partnerships import access
from partnerships.models import Partnership

from . import board_pack_pdf, dashboards
from .models import BoardPack

log = logging.getLogger(__name__)

FOLDER = "board-packs"
PLOTLY_JS = "build/plotly/plotly-basic.min.js"
# The milestones at risk listed in the pack; more are counted, and found on the plan page.
ATTENTION_LIMIT = 200
QUEUE_DOWN = ("The board pack could not start: the service's task queue is not answering. "
              "Try again in a few minutes, or tell your administrator.")
UNEXPECTED = ("Making the board pack stopped with an unexpected error. Try again, or tell "
              "your administrator.")
TOO_LONG = "Making the board pack took too long and was stopped. Try again."
LOST = ("Making the board pack stopped without finishing (the worker making it was stopped). "
        "Try again.")
GONE = "The member who asked for it can no longer see {partnership}: try again yourself."


def stale_before(now=None):
    """A pack queued or being made since before this was lost: twice any task's time limit
    (a worker killed at its hard limit acknowledges the task, so it is never run again)."""
    return (now or timezone.now()) - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT * 2)


def _is_stale(pack: BoardPack, now=None) -> bool:
    return (pack.status in (BoardPack.Status.QUEUED, BoardPack.Status.GENERATING)
            and pack.attempted_at is not None and pack.attempted_at < stale_before(now))
# Steps besides drawing the charts: reading the figures, and writing the PDF.
OTHER_STEPS = 2


# --- Reads -----------------------------------------------------------------------------------
def board_packs_for(*, partnership: Partnership, user) -> QuerySet[BoardPack]:
    """The partnership's packs, newest first, with who asked for each."""
    return (BoardPack.objects.for_user(user).filter(partnership=partnership)
            .select_related("requested_by"))


def board_pack_for(*, partnership: Partnership, user, pk: int) -> BoardPack:
    """One of the partnership's packs; another partnership's is not found."""
    pack = board_packs_for(partnership=partnership, user=user).filter(pk=pk).first()
    if pack is None:
        raise Http404("No such board pack")
    return pack


def board_pack_file(pack: BoardPack) -> Path:
    """Where a ready pack's PDF is, under MEDIA_ROOT (never served from the web root)."""
    media = Path(settings.MEDIA_ROOT).resolve()
    path = (media / pack.stored_file).resolve()
    if not pack.stored_file or not path.is_relative_to(media) or not path.is_file():
        raise Http404("The board pack's file is not available")
    return path


def board_pack_progress(pack: BoardPack) -> dict:
    """How far the pack has got, for its progress bar."""
    return {"status": pack.status, "done": pack.steps_done, "total": pack.steps_total,
            "step": pack.step, "percent": pack.progress_percent}


def board_pack_content(*, partnership: Partnership, user, today=None) -> dict:
    """What the pack says: the dashboard's tiles by outcome and its progress charts (with
    cdp/dashboards.py's code), the milestones overdue, at risk or off track, the risks and
    the asks. A fixed number of queries whatever the partnership's size."""
    today = today or timezone.localdate()
    summaries = outcome_selectors.dashboard_summaries(partnership=partnership, user=user)
    groups = dashboards.outcome_groups(summaries, today)
    progress_charts = dashboards.progress_charts(
        plan_selectors.plan_progress(partnership=partnership, user=user))
    attention, attention_total = plan_selectors.milestones_needing_attention(
        partnership=partnership, user=user, limit=ATTENTION_LIMIT, today=today)
    risks = plan_selectors.risks(partnership=partnership, user=user)
    asks = plan_selectors.asks(partnership=partnership, user=user)
    tiles = [tile for _, group in groups for tile in group]
    comparisons = {label: sum(1 for t in tiles if t["summary"].england_comparison == label)
                   for label in ("Better", "Similar", "Worse")}
    priority_rows = next((c["rows"] for c in progress_charts if c["axis"] == "priority"), [])
    milestones = {key: sum(row[key] for row in priority_rows)
                  for key in ("total", "complete", "overdue", "at_risk", "off_track")}
    return {
        "partnership": partnership,
        "plan": plan_selectors.action_plan(partnership=partnership, user=user),
        "today": today,
        "computed_at": outcome_selectors.summary_computed_at(partnership=partnership),
        "groups": groups,
        "tile_count": len(tiles),
        "comparisons": comparisons,
        "progress_charts": progress_charts,
        "milestones": {**milestones, "percent_complete": round(
            100 * milestones["complete"] / milestones["total"]) if milestones["total"] else 0},
        "attention": attention,
        "attention_total": attention_total,
        "risks": risks,
        "open_risks": [r for r in risks if r.status != r.Status.CLOSED],
        "high_risks": [r for r in risks if r.status != r.Status.CLOSED and r.rating == "High"],
        "asks": asks,
        "open_asks": [a for a in asks if a.status == a.Status.OPEN],
    }


# --- Writes ----------------------------------------------------------------------------------
def _require_generate(user, partnership: Partnership) -> None:
    allowed = Partnership.objects.for_user(user, access.GENERATE_BOARD_PACK).filter(
        pk=partnership.pk)
    if not allowed.exists():
        raise PermissionDenied(f"You cannot make a board pack for {partnership}.")


def _queue(pack: BoardPack) -> None:
    """Queues the pack's task after commit; with the queue down the pack fails saying so."""
    from . import tasks

    def unsent() -> None:
        BoardPack.objects.filter(pk=pack.pk, status=BoardPack.Status.QUEUED).update(
            status=BoardPack.Status.FAILED, failure=QUEUE_DOWN, finished_at=timezone.now())

    transaction.on_commit(lambda: task_send_or(
        lambda: tasks.generate_board_pack.delay(pack.pk), unsent))


@transaction.atomic
def board_pack_request(*, partnership: Partnership, user) -> BoardPack:
    """A new pack for the partnership, queued to be made. Raises PermissionDenied."""
    _require_generate(user, partnership)
    pack = BoardPack(partnership=partnership, requested_by=user, attempted_at=timezone.now())
    pack._history_user = user
    pack.save()
    _queue(pack)
    return pack


@transaction.atomic
def board_pack_retry(*, pack: BoardPack, user) -> BoardPack:
    """Queues a failed (or lost: `stale_before`) pack again, made as `user`, who is then the
    one who asked for it. Raises PermissionDenied, or ValidationError if it has not failed."""
    _require_generate(user, pack.partnership)
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


def _store(pdf: bytes) -> str:
    """Writes the PDF under MEDIA_ROOT with a random name, whole or not at all: a file
    written in part (a full disk) is removed. Returns its name under MEDIA_ROOT."""
    folder = Path(settings.MEDIA_ROOT) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{FOLDER}/{uuid.uuid4().hex}.pdf"
    handle, part = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(pdf)
        os.replace(part, Path(settings.MEDIA_ROOT) / name)
    except BaseException:
        Path(part).unlink(missing_ok=True)
        raise
    return name


def board_pack_generate(*, pack_id: int) -> BoardPack:
    """Makes the pack's PDF, recording each step. Never one transaction: each step is
    committed as it is done, so that the page can show how far it has got, and no row is
    locked while the browser draws. A failure is recorded on the pack with its reason."""
    from celery.exceptions import SoftTimeLimitExceeded

    pack = _claim(pack_id)
    if pack is None:
        return BoardPack.objects.get(pk=pack_id)
    partnership, user = pack.partnership, pack.requested_by
    try:
        if user is None or not Partnership.objects.for_user(user).filter(
                pk=partnership.pk).exists():
            return _fail(pack, GONE.format(partnership=partnership.name))
        _step(pack, 0, pack.steps_total, "Reading the figures")
        content = board_pack_content(partnership=partnership, user=user)
        charts = content["progress_charts"]
        total = len(charts) + OTHER_STEPS
        _step(pack, 1, total, "Drawing the charts")
        plotlyjs = finders.find(PLOTLY_JS)
        images = board_pack_pdf.draw_charts(
            [board_pack_pdf.static_figure(chart["figure"]) for chart in charts],
            browser_path=settings.BROWSER_PATH,
            plotlyjs=Path(plotlyjs) if plotlyjs else Path(settings.BASE_DIR, "static", PLOTLY_JS))
        for number, (chart, image) in enumerate(zip(charts, images, strict=True), start=1):
            chart["image"] = board_pack_pdf.png_data_uri(image)
            _step(pack, 1 + number, total, f"Drawn chart {number} of {len(charts)}")
        _step(pack, total - 1, total, "Writing the PDF")
        html = render_to_string("cdp/board_pack/pack.html", {
            **content, "pack": pack, "requested_by": user.get_full_name() or user.username})
        pdf = board_pack_pdf.pdf_from_html(
            html, stylesheet=render_to_string("cdp/board_pack/pack.css"))
        stored = _store(pdf)
        _step(pack, total, total, "Done")
        return _finish(pack, status=BoardPack.Status.READY, stored_file=stored,
                       file_size=len(pdf), figures_computed_at=content["computed_at"],
                       failure="")
    except board_pack_pdf.ChartsUnavailable as error:
        log.warning("board pack %s: %s", pack.pk, error)
        return _fail(pack, str(error))
    except SoftTimeLimitExceeded:
        log.warning("board pack %s: stopped at the soft time limit", pack.pk)
        return _fail(pack, TOO_LONG)
    except OSError as error:
        log.exception("board pack %s could not be stored", pack.pk)
        return _fail(pack, f"The board pack could not be saved ({error.strerror}). Try again "
                           "later, or tell your administrator.")
    except Exception:  # a bug, the database: never leave the pack "being made" for ever
        log.exception("board pack %s failed", pack.pk)
        return _fail(pack, UNEXPECTED)
