"""Reads by derived status, counted when read (never from a stored summary): the plan's
progress by priority and by strand, and how many milestones are overdue. `progress` holds the
rule; these apply it in the database."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import Count, Q, Window
from django.utils import timezone

from partnerships.models import Partnership

from .models import Milestone, Priority, Strand
from .progress import NONE_GIVEN, count_row, derived_status_expression, overdue_q

GROUPINGS = {"priority": Priority, "strand": Strand}


def plan_progress(*, partnership: Partnership, user, today: date | None = None
                  ) -> dict[str, list]:
    """Milestone progress by national priority and by 4P strand, counted by derived status
    as of `today` when read (not a stored summary, so it is right the day after a due date
    passes): {"priority": [row, ...], "strand": [...]}, each row a dict of
    `progress.count_row` with its axis, key, label and order. One query."""
    today = today or timezone.localdate()
    counted = _counted(Milestone.objects.for_user(user).filter(partnership=partnership), today)
    return _progress_rows(counted)


def _counted(milestones, today: date):
    return (milestones.annotate(derived=derived_status_expression(today))
            .values("key_action__objective__priority", "key_action__objective__strand",
                    "derived")
            .annotate(n=Count("pk")).order_by())


def progress_counts(milestones, today: date) -> dict[str, list]:
    """`plan_progress` of any queryset of milestones (the public page's, for one). One
    query."""
    return _progress_rows(_counted(milestones, today))


def _progress_rows(counted) -> dict[str, list]:
    by_key: dict = {"priority": {}, "strand": {}}
    for row in counted:
        for axis in by_key:
            key = row[f"key_action__objective__{axis}"] or ""
            counts = by_key[axis].setdefault(key, Counter())
            counts[row["derived"]] += row["n"]
    rows: dict[str, list] = {}
    for axis, choices in GROUPINGS.items():
        labels = {**dict(choices.choices), "": NONE_GIVEN[axis]}
        rows[axis] = [
            {"axis": axis, "key": key, "label": label, "order": order,
             **count_row(by_key[axis][key])}
            for order, (key, label) in enumerate(labels.items()) if key in by_key[axis]
        ]
    return rows


def overdue_milestone_count(*, partnerships, user, today: date | None = None) -> int:
    """How many milestones of these partnerships (those `user` may see) are overdue as of
    `today` (default: today), by the one rule. One query."""
    today = today or timezone.localdate()
    return (Milestone.objects.for_user(user).filter(partnership__in=partnerships)
            .filter(overdue_q(today)).count())


def overdue_milestones(*, partnership: Partnership, user, action: str,
                       today: date | None = None) -> list[Milestone]:
    """The partnership's overdue milestones that `user` may take `action` on, longest overdue
    first, each with `due_by`, `derived_status` and `overdue_reason` set. Two queries."""
    from .selectors import annotate_due

    today = today or timezone.localdate()
    items = list(Milestone.objects.for_user(user, action).filter(partnership=partnership)
                 .filter(overdue_q(today)).select_related("key_action__objective__plan")
                 .order_by("due_date", "plan_year", "pk"))
    for milestone in items:
        annotate_due([milestone], milestone.key_action.objective.plan, today)
    items.sort(key=lambda m: (m.due_by, m.pk))
    return items


def redated_milestones(*, partnership: Partnership, user, today: date | None = None,
                       limit: int = 200) -> list[Milestone]:
    """The milestones that have been re-dated, soonest due first, with their derived status
    as of `today`: what a board pack lists as "re-dated". One query."""
    from .selectors import annotate_due

    today = today or timezone.localdate()
    items = list(Milestone.objects.for_user(user).filter(partnership=partnership,
                                                         original_due_date__isnull=False)
                 .select_related("key_action__objective__plan")
                 .order_by("due_date", "pk")[:limit])
    for milestone in items:
        annotate_due([milestone], milestone.key_action.objective.plan, today)
    return items


def milestones_needing_attention(*, partnership: Partnership, user, limit: int = 10,
                                 today: date | None = None) -> tuple[list[Milestone], int]:
    """Overdue milestones, then those at risk or off track, soonest due first; and how many
    there are in all. One query: the count is a window over every row, before the limit."""
    from .selectors import annotate_due

    today = today or timezone.localdate()

    items = list(Milestone.objects.for_user(user).filter(partnership=partnership)
                 .filter(overdue_q(today) | Q(status__in=["at_risk", "off_track"]))
                 .select_related("key_action__objective__plan")
                 .annotate(needing_total=Window(Count("pk")))
                 .order_by("due_date", "plan_year", "pk")[:limit])
    for milestone in items:
        annotate_due([milestone], milestone.key_action.objective.plan, today)
    return items, items[0].needing_total if items else 0
