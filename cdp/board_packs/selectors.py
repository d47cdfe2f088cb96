"""Reads of board packs: a partnership's packs, a pack's file and progress, and what a pack
says (the dashboard's tiles and progress charts, the milestones at risk, the risks and the
asks)."""

from __future__ import annotations

from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from actionplans import selectors as plan_selectors
from actionplans.derived import redated_milestones
from cdp import dashboards
from cdp.models import BoardPack
from outcomes import selectors as outcome_selectors
from partnerships import files
from partnerships.models import Partnership

# The milestones at risk listed in the pack; more are counted, and found on the plan page.
ATTENTION_LIMIT = 200


def board_packs_for(*, partnership: Partnership, user) -> QuerySet[BoardPack]:
    """The partnership's packs, newest first, with who asked for each."""
    return (BoardPack.objects.for_user(user).filter(partnership=partnership)
            .select_related("requested_by"))


def board_pack_file(pack: BoardPack) -> File:
    """A ready pack's PDF, open for reading from the file store (never served from the web
    root); not found when it has none, or its file is gone."""
    if not pack.stored_file:
        raise Http404("The board pack's file is not available")
    try:
        return files.open_stored(pack.stored_file)
    except (OSError, SuspiciousFileOperation):  # gone, or a name outside the store
        raise Http404("The board pack's file is not available") from None


def board_pack_progress(pack: BoardPack) -> dict:
    """How far the pack has got, for its progress bar."""
    return {"status": pack.status, "done": pack.steps_done, "total": pack.steps_total,
            "step": pack.step, "percent": pack.progress_percent}


def board_pack_content(*, partnership: Partnership, user, today=None) -> dict:
    """What the pack says: the dashboard's tiles by outcome and its progress charts (with
    cdp/dashboards.py's code), the milestones overdue, at risk or off track, the risks and
    the asks, with every milestone's status derived as of `today` (the day the pack is made).
    A fixed number of queries whatever the partnership's size."""
    today = today or timezone.localdate()
    summaries = outcome_selectors.dashboard_summaries(partnership=partnership, user=user)
    groups = dashboards.outcome_groups(summaries, today)
    progress_charts = dashboards.progress_charts(
        plan_selectors.plan_progress(partnership=partnership, user=user, today=today))
    attention, attention_total = plan_selectors.milestones_needing_attention(
        partnership=partnership, user=user, limit=ATTENTION_LIMIT, today=today)
    redated = redated_milestones(partnership=partnership, user=user, today=today,
                                 limit=ATTENTION_LIMIT)
    risks = plan_selectors.risks(partnership=partnership, user=user)
    asks = plan_selectors.asks(partnership=partnership, user=user)
    tiles = [tile for _, group in groups for tile in group]
    return {
        "partnership": partnership,
        "plan": plan_selectors.action_plan(partnership=partnership, user=user),
        "today": today,
        "computed_at": outcome_selectors.summary_computed_at(partnership=partnership),
        "groups": groups,
        "tile_count": len(tiles),
        "comparisons": {label: sum(1 for t in tiles if t["summary"].england_comparison == label)
                        for label in ("Better", "Similar", "Worse")},
        "progress_charts": progress_charts,
        "milestones": _milestone_totals(progress_charts),
        "attention": attention,
        "attention_total": attention_total,
        "redated": redated,
        "risks": risks,
        "open_risks": [r for r in risks if r.status != r.Status.CLOSED],
        "high_risks": [r for r in risks if r.status != r.Status.CLOSED and r.rating == "High"],
        "asks": asks,
        "open_asks": [a for a in asks if a.status == a.Status.OPEN],
    }


def _milestone_totals(progress_charts: list[dict]) -> dict:
    """The plan's milestones counted by state (from the chart by national priority, which
    holds each milestone once), with the share complete."""
    rows = next((c["rows"] for c in progress_charts if c["axis"] == "priority"), [])
    totals = {key: sum(row[key] for row in rows)
              for key in ("total", "complete", "overdue", "at_risk", "off_track")}
    totals["percent_complete"] = (round(100 * totals["complete"] / totals["total"])
                                  if totals["total"] else 0)
    return totals
