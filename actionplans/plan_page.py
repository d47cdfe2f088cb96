"""The plan page: its milestones filtered (on the status the page shows, derived), grouped by
national priority or 4P strand, with counts by derived status. Read in a fixed number of
queries whatever the plan's size (tests/test_query_counts.py)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from partnerships.models import Organisation, Partnership

from .filtersets import PlanPageFilterSet
from .models import ActionPlan, KeyAction, Milestone, Objective, Priority, Strand
from .progress import (
    DERIVED_LABELS,
    DERIVED_STATUSES,
    DERIVED_TAG_CLASSES,
    NONE_GIVEN,
    OVERDUE,
    derived_status,
    due_by,
    overdue_reason,
)


def plan_leads(*, partnership: Partnership):
    """Members who lead a key action, for the lead filter."""
    return get_user_model().objects.filter(
        led_actions__partnership=partnership).distinct().order_by("first_name", "username")


def plan_partners(*, partnership: Partnership, user) -> QuerySet[Organisation]:
    return Organisation.objects.for_user(user).filter(partnership=partnership).order_by("name")


@dataclass
class ActionRow:
    action: KeyAction
    milestones: list = field(default_factory=list)


@dataclass
class ObjectiveRow:
    objective: Objective
    actions: list[ActionRow] = field(default_factory=list)


@dataclass
class Group:
    key: str
    label: str
    objectives: list[ObjectiveRow] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    total: int = 0

    @property
    def complete_percent(self) -> int:
        return round(100 * self.counts["complete"] / self.total) if self.total else 0


def annotate_due(items, plan: ActionPlan, today: date) -> None:
    """Sets on each milestone, derived as of `today` and never stored: `due_by`,
    `is_overdue`, `derived_status` (overdue overrides every unfinished status), its label and
    tag, and `overdue_reason` ("was due 31 March 2024; status recorded: On track")."""
    for milestone in items:
        milestone.due_by = due_by(milestone.due_date, milestone.plan_year, plan.first_year)
        milestone.derived_status = derived_status(milestone.status, milestone.due_by, today)
        milestone.is_overdue = milestone.derived_status == OVERDUE
        milestone.derived_status_display = DERIVED_LABELS.get(milestone.derived_status, "")
        milestone.derived_tag_class = DERIVED_TAG_CLASSES.get(milestone.derived_status, "")
        milestone.overdue_reason = (overdue_reason(
            due=milestone.due_by, status_label=milestone.get_status_display())
            if milestone.is_overdue else "")


def plan_page(*, partnership: Partnership, user, plan: ActionPlan, params, grouping: str,
              today: date | None = None) -> dict:
    """The plan grouped by priority or strand, filtered, with counts by status."""
    filterset, items = _filtered_milestones(partnership=partnership, user=user, params=params)
    annotate_due(items, plan, today or timezone.localdate())
    attribute, choices = ("priority", Priority) if grouping == "priority" else ("strand", Strand)
    groups = {value: Group(value, label) for value, label in choices.choices}
    groups[""] = Group("", NONE_GIVEN[attribute])
    objective_rows: dict[int, ObjectiveRow] = {}
    action_rows: dict[int, ActionRow] = {}
    counts: Counter = Counter()
    for milestone in items:
        _add_texts(milestone)
        action = milestone.key_action
        objective = action.objective
        group = groups[getattr(objective, attribute)]
        if objective.pk not in objective_rows:
            objective_rows[objective.pk] = ObjectiveRow(objective)
            group.objectives.append(objective_rows[objective.pk])
        if action.pk not in action_rows:
            action_rows[action.pk] = ActionRow(action)
            objective_rows[objective.pk].actions.append(action_rows[action.pk])
        action_rows[action.pk].milestones.append(milestone)
        group.counts[milestone.derived_status] += 1
        group.total += 1
        counts[milestone.derived_status] += 1
    return {
        "filterset": filterset,
        "groups": [g for g in groups.values() if g.objectives],
        # By derived status: each milestone once, an overdue one as overdue.
        "counts": [(value, label, counts[value]) for value, label in DERIVED_STATUSES],
        "overdue_count": counts[OVERDUE],
        "shown": len(items),
    }


def _filtered_milestones(*, partnership: Partnership, user, params
                         ) -> tuple[PlanPageFilterSet, list[Milestone]]:
    """The plan page's filter and the milestones it lets through, in the plan's order."""
    # Each key action (with its objective, lead and partners) is loaded once and shared by its
    # milestones, rather than copied onto each of them by select_related.
    actions = {
        action.pk: action for action in
        KeyAction.objects.for_user(user).filter(partnership=partnership)
        .select_related("objective", "lead")
        .prefetch_related(Prefetch("responsible_partners",
                                   queryset=Organisation.objects.order_by("name")))
    }
    scoped = (Milestone.objects.for_user(user).filter(partnership=partnership)
              .order_by("key_action__objective__order", "key_action__objective_id",
                        "key_action__order", "key_action_id", "order", "pk"))
    filterset = PlanPageFilterSet(
        params, queryset=scoped, leads=plan_leads(partnership=partnership),
        partners=plan_partners(partnership=partnership, user=user),
    )
    items = list(filterset.qs) if filterset.is_valid() else []
    for milestone in items:
        milestone.key_action = actions[milestone.key_action_id]
    return filterset, items


def _add_texts(milestone: Milestone) -> None:
    """The shortened and formatted texts the plan page's table shows."""
    milestone.short_title = _shorten(milestone.title, 240)
    milestone.short_note = _shorten(milestone.progress_note, 200)
    milestone.due_text = (f"{milestone.due_date:%-d %b %Y}" if milestone.due_date
                          else f"Year {milestone.plan_year}" if milestone.plan_year else "")
    milestone.progress_on_text = (f"{milestone.progress_on:%-d %b %Y}"
                                  if milestone.progress_on else "")


def _shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word, with an ellipsis if cut."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"
