"""The plan, its objectives and key actions; and its progress summaries, recomputed with the
dashboard's."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partnerships import access
from partnerships.models import Organisation, Partnership

from ..models import ActionPlan, KeyAction, Milestone, Objective, PlanProgressSummary
from .base import plan_changed, save_with_history
from .milestones import milestone_update


@transaction.atomic
def action_plan_save(
    *,
    partnership: Partnership,
    user,
    title: str,
    first_year: int,
    years: int = 3,
    status: str = ActionPlan.Status.DRAFT,
    signed_off_on: date | None = None,
    signed_off_by: str = "",
) -> ActionPlan:
    """Creates the partnership's plan, or changes it (there is one per partnership)."""
    access.require(user, partnership, access.EDIT_PLAN)
    if status == ActionPlan.Status.SIGNED_OFF and signed_off_on is None:
        raise ValidationError({"signed_off_on": "Enter the date the plan was signed off"})
    plan = ActionPlan.objects.select_for_update().filter(partnership=partnership).first()
    plan = plan or ActionPlan(partnership=partnership)
    stranded = Milestone.objects.filter(partnership=partnership, due_date__isnull=True,
                                        plan_year__gt=years).count()
    if stranded:
        raise ValidationError({"years": (
            f"{stranded} milestone{'s are' if stranded > 1 else ' is'} set for a year after "
            f"year {years}: give {'them' if stranded > 1 else 'it'} an earlier year first")})
    plan.title, plan.first_year, plan.years = title, first_year, years
    plan.status, plan.signed_off_on, plan.signed_off_by = status, signed_off_on, signed_off_by
    save_with_history(plan, user)
    plan_changed(partnership.pk)
    # A milestone set by date belongs to the plan year its date falls in: moving the plan's
    # years moves it, as a change in its own history.
    for milestone in Milestone.objects.filter(partnership=partnership, due_date__isnull=False):
        if milestone.plan_year != plan.plan_year_of(milestone.due_date):
            milestone_update(milestone=milestone, user=user, version=milestone.version,
                             changes={"due_date": milestone.due_date},
                             reason="The plan's years changed")
    return plan


@transaction.atomic
def objective_create(
    *, plan: ActionPlan, user, title: str, priority: str = "", strand: str = ""
) -> Objective:
    access.require(user, plan.partnership, access.EDIT_PLAN)
    if not priority and not strand:
        raise ValidationError({"priority": "Choose a national priority, a 4P strand or both"})
    order = Objective.objects.filter(plan=plan).count() + 1
    objective = Objective(partnership=plan.partnership, plan=plan, title=title.strip(),
                          priority=priority, strand=strand, order=order)
    save_with_history(objective, user)
    return objective


@transaction.atomic
def key_action_create(
    *,
    objective: Objective,
    user,
    title: str,
    reference: str = "",
    lead=None,
    responsible_partners: Iterable[Organisation] = (),
) -> KeyAction:
    access.require(user, objective.partnership, access.EDIT_PLAN)
    partners = list(responsible_partners)
    check_partners(objective.partnership, partners)
    _check_lead(objective.partnership, lead)
    order = KeyAction.objects.filter(objective=objective).count() + 1
    action = KeyAction(partnership=objective.partnership, objective=objective,
                       title=title.strip(), reference=reference.strip(), lead=lead, order=order)
    save_with_history(action, user, m2m={"responsible_partners": partners})
    return action


def check_partners(partnership: Partnership, partners: list[Organisation]) -> None:
    """A key action's responsible partners are the partnership's own members."""
    if any(p.partnership_id != partnership.pk for p in partners):
        raise ValidationError({"responsible_partners": "Choose the partnership's own members"})


def _check_lead(partnership: Partnership, lead) -> None:
    if lead is not None and not partnership.memberships.filter(user=lead).exists():
        raise ValidationError({"lead": "The lead must be a member of the partnership"})


def plan_progress_replace(partnership_ids: list[int], computed_at) -> None:
    """Replaces the partnerships' plan progress rows (called inside the transaction that
    replaces their metric summaries)."""
    # Not a cycle: pandas (which ..aggregates imports) takes half a second to import and only
    # the summaries' recompute needs it, so it is not loaded at every process start (apps.py
    # imports this module).
    import pandas as pd

    from ..aggregates import MILESTONE_COLUMNS, plan_progress

    values = Milestone.objects.filter(partnership_id__in=partnership_ids).values_list(
        "partnership_id", "status", "due_date", "plan_year", "key_action__objective__priority",
        "key_action__objective__strand", "key_action__objective__plan__first_year")
    frame = pd.DataFrame.from_records(values.iterator(chunk_size=5000),
                                      columns=MILESTONE_COLUMNS)
    PlanProgressSummary.objects.filter(partnership_id__in=partnership_ids).delete()
    PlanProgressSummary.objects.bulk_create(
        PlanProgressSummary(computed_at=computed_at, **row)
        for row in plan_progress(frame, timezone.localdate(computed_at)))
