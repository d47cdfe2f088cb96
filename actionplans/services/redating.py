"""Overdue milestones, several at once: re-dated with a reason (their first due date kept), or
closed with a reason. All or nothing: if any chosen milestone was changed by someone else
since the page was opened, or is no longer overdue, nothing is saved (`StaleBulkEdit`).
Each milestone changed is one history row naming the user and the reason."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from partnerships import access
from partnerships.models import Partnership

from .. import progress
from ..models import Milestone, MilestoneStatus
from .base import clean_text, plan_changed, save_with_history
from .milestones import _fit_to_plan


class StaleBulkEdit(Exception):
    """Some chosen milestones changed since the page was opened: their titles."""

    def __init__(self, titles: list[str]):
        super().__init__(f"{len(titles)} milestone(s) changed meanwhile")
        self.titles = titles


def milestones_redate(*, partnership: Partnership, user, versions: dict[int, int],
                      due_date: date, reason: str, today: date) -> list[Milestone]:
    """Each chosen milestone gets the new due date; the date it was first due is kept in
    `original_due_date` (the first time it is re-dated) and the reason in `redate_reason`."""
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": "Say why the milestones are re-dated"})
    if due_date is None:
        raise ValidationError({"due_date": "Enter the new due date"})
    if due_date < today:
        raise ValidationError({"due_date": "The new due date must be today or later"})

    def change(milestone: Milestone, due: date | None) -> str:
        milestone.original_due_date = milestone.original_due_date or due
        milestone.due_date = due_date
        milestone.redate_reason = reason
        _fit_to_plan(milestone, milestone.key_action.objective.plan)
        return f"Re-dated from {due:%-d %B %Y}: {reason}" if due else f"Re-dated: {reason}"
    return _change_each(partnership, user, versions, today, change)


def milestones_close(*, partnership: Partnership, user, versions: dict[int, int], reason: str,
                     today: date) -> list[Milestone]:
    """Each chosen milestone is closed: it will not be done, and is no longer overdue."""
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": "Say why the milestones are closed"})

    def change(milestone: Milestone, due: date | None) -> str:
        milestone.status = MilestoneStatus.CLOSED
        milestone.status_is_synthetic = False
        return f"Closed: {reason}"
    return _change_each(partnership, user, versions, today, change)


@transaction.atomic
def _change_each(partnership, user, versions: dict[int, int], today: date, change
                 ) -> list[Milestone]:
    access.require(user, partnership, access.EDIT_PLAN)
    if not versions:
        raise ValidationError({"milestones": "Choose at least one milestone"})
    chosen = list(Milestone.objects.for_user(user, access.EDIT_PLAN)
                  .filter(partnership=partnership, pk__in=list(versions))
                  .select_related("key_action__objective__plan")
                  .select_for_update(of=("self",)).order_by("pk"))
    if len(chosen) != len(versions):
        raise ValidationError({"milestones": "Choose milestones from the list"})
    dues = {m.pk: progress.due_by(m.due_date, m.plan_year, m.key_action.objective.plan.first_year)
            for m in chosen}
    stale = [m.title for m in chosen if m.version != versions[m.pk]
             or not progress.is_overdue(m.status, dues[m.pk], today)]
    if stale:
        raise StaleBulkEdit(stale)
    for milestone in chosen:
        why = change(milestone, dues[milestone.pk])
        milestone.version += 1
        save_with_history(milestone, user, why)
    plan_changed(partnership.pk)
    return chosen
