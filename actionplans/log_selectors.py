"""Reads of the progress log: a milestone's entries, and a lead's own milestones across the
partnerships they may see."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, QuerySet

from .models import Milestone, ProgressEvidence, ProgressUpdate
from .progress import due_by, is_overdue, overdue_reason


def progress_log(*, milestone: Milestone) -> QuerySet[ProgressUpdate]:
    """The milestone's entries, newest first, with their authors and evidence: two queries
    whatever the length of the log."""
    return (ProgressUpdate.objects.filter(milestone=milestone)
            .select_related("author")
            .prefetch_related(Prefetch("evidence",
                                       queryset=ProgressEvidence.objects.order_by("pk")))
            .order_by("-created_at", "-pk"))


def lead_milestones(*, user, today: date) -> list[Milestone]:
    """Every milestone of the key actions `user` leads, in the partnerships they may see:
    overdue first, then by when each is due (undated last). One query."""
    items = list(
        Milestone.objects.for_user(user)
        .filter(key_action__lead=user)
        .select_related("partnership", "key_action__objective__plan")
        .order_by("partnership__name", "key_action__order", "order", "pk"))
    for milestone in items:
        milestone.due_by = due_by(milestone.due_date, milestone.plan_year,
                                  milestone.key_action.objective.plan.first_year)
        milestone.is_overdue = is_overdue(milestone.status, milestone.due_by, today)
        milestone.overdue_reason = overdue_reason(
            due=milestone.due_by, status_label=milestone.get_status_display(),
        ) if milestone.is_overdue else ""
    items.sort(key=lambda m: (not m.is_overdue, m.due_by is None, m.due_by or today))
    return items
