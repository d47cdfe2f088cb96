"""What every seed partnership's demo plan is made of, and the one way each is loaded.

A seed module (rotherham.py, york.py, ...) holds only data: its objectives as `Obj`, `Act` and
`Ms` literals, and a `SeedPlan` with the plan, its risks and asks. `load_seed` enters it all
through the plan services, as the partnership's lead would; `load_digest_milestones` adds the
dated milestones that give the lead's weekly digest something in every section.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.utils import timezone

from outcomes.demo import partnership_metric
from partnerships.models import Organisation, Partnership

from .. import services
from ..models import ActionPlan, Ask, KeyAction, Milestone, MilestoneStatus, Objective, Risk
from ..models import Priority as P
from ..models import Strand as S

__all__ = [
    "AT_RISK", "COMPLETE", "NOT_STARTED", "ON_TRACK", "Act", "AskSpec", "DigestMilestone",
    "Ms", "Obj", "P", "RiskSpec", "S", "SeedPlan", "Sector", "illustrative",
    "demo_shift", "load_digest_milestones", "load_seed", "shifted", "year_shift",
]

Sector = Organisation.Sector
NOT_STARTED, ON_TRACK, AT_RISK, COMPLETE = (MilestoneStatus.NOT_STARTED, MilestoneStatus.ON_TRACK,
                                            MilestoneStatus.AT_RISK, MilestoneStatus.COMPLETE)
REASON = "Demo data loaded from the seeds"
# Added to every risk's description: the seeds never score a risk.
ILLUSTRATIVE = " (likelihood and impact are illustrative)"


@dataclass(frozen=True)
class Ms:
    """A milestone: by plan year or due date; `note` is the seed's progress, as it is."""

    title: str
    status: str
    plan_year: int | None = None
    due_date: date | None = None
    note: str = ""
    synthetic: bool = False
    metrics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Act:
    """A key action with its responsible partners (organisation names) and milestones."""

    title: str
    partners: tuple[str, ...]
    milestones: tuple[Ms, ...]
    reference: str = ""


@dataclass(frozen=True)
class Obj:
    title: str
    priority: str
    strand: str
    actions: tuple[Act, ...] = ()


def illustrative(title: str, status: str, plan_year: int, note: str = "",
                 metrics: tuple[str, ...] = ()) -> Ms:
    """A milestone whose status (and plan year) the seed does not give."""
    return Ms(title, status, plan_year, note=note, synthetic=True, metrics=metrics)


class RiskSpec(NamedTuple):
    """A risk as the seed words it. Its likelihood, impact and status (open) are invented, so
    each is marked synthetic."""

    title: str
    description: str
    likelihood: int
    impact: int
    owner: str
    mitigation: str


class AskSpec(NamedTuple):
    """A request for assistance, open as at the seed (what the seed says: not synthetic)."""

    title: str
    request: str
    directed_to: str


class DigestMilestone(NamedTuple):
    """An invented milestone dated from the day the demo is loaded, under an existing action."""

    action: str
    title: str
    due_in_days: int
    status: str
    note: str
    noted_days_ago: int


@dataclass(frozen=True)
class SeedPlan:
    """One seed partnership's plan, with its risks and asks. `as_at` dates the seed's progress
    (and its risks and asks); `organisations` are those the seed names that
    partnerships/demo.py does not have."""

    slug: str
    title: str
    first_year: int
    years: int
    as_at: date
    objectives: Sequence[Obj]
    organisations: Sequence[tuple[str, str]] = ()
    status: str = ActionPlan.Status.DRAFT
    signed_off_on: date | None = None
    signed_off_by: str = ""
    risks: Sequence[RiskSpec] = ()
    asks: Sequence[AskSpec] = ()
    digest: Sequence[DigestMilestone] = ()


def year_shift(as_at: date, today: date) -> int:
    """The whole years that move a seed's `as_at` to its last anniversary on or before today:
    the seed's dates are moved by as many, so that its plan runs now, 31 March stays 31 March
    and its plan years stay aligned with financial years."""
    years = today.year - as_at.year
    return years - 1 if shifted(as_at, years) > today else years


def shifted(day: date | None, years: int) -> date | None:
    """`day` moved by whole years (29 February to 28 February in a year with none)."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def demo_shift(slug: str, first_year: int) -> int | None:
    """How many years a seed partnership's demo plan was moved forward when it was loaded (its
    plan's first year against the seed's); None for a partnership with no seed."""
    from . import SEEDS

    seed = next((s for s in SEEDS if s.slug == slug), None)
    return None if seed is None else first_year - seed.first_year


def _lead(partnership: Partnership):
    return get_user_model().objects.get(username=f"{partnership.slug}.lead")


def _mark_synthetic(milestone: Milestone) -> None:
    """Marks the milestone and the history row of its creation, adding no history row."""
    Milestone.objects.filter(pk=milestone.pk).update(status_is_synthetic=True)
    milestone.history.all().update(status_is_synthetic=True)
    milestone.status_is_synthetic = True


def _milestone(partnership: Partnership, lead, action: KeyAction, ms: Ms, as_at: date,
               years: int) -> None:
    milestone = services.milestone_create(
        key_action=action, user=lead, title=ms.title, due_date=shifted(ms.due_date, years),
        plan_year=ms.plan_year, status=ms.status, progress_note=ms.note,
        progress_on=as_at if ms.note else None, reason=REASON,
        metrics=[partnership_metric(partnership, code) for code in ms.metrics],
    )
    if ms.synthetic:
        _mark_synthetic(milestone)


def _plan(partnership: Partnership, lead, seed: SeedPlan, years: int) -> None:
    plan = services.action_plan_save(
        partnership=partnership, user=lead, title=seed.title, first_year=seed.first_year + years,
        years=seed.years, status=seed.status, signed_off_on=shifted(seed.signed_off_on, years),
        signed_off_by=seed.signed_off_by,
    )
    organisations = {o.name: o for o in Organisation.objects.filter(partnership=partnership)}
    for obj in seed.objectives:
        objective = services.objective_create(plan=plan, user=lead, title=obj.title,
                                              priority=obj.priority, strand=obj.strand)
        for act in obj.actions:
            action = services.key_action_create(
                objective=objective, user=lead, title=act.title, reference=act.reference,
                lead=lead, responsible_partners=[organisations[name] for name in act.partners],
            )
            for ms in act.milestones:
                _milestone(partnership, lead, action, ms, shifted(seed.as_at, years), years)


def _risks(partnership: Partnership, lead, seed: SeedPlan, years: int) -> None:
    for risk in seed.risks:
        if Risk.objects.filter(partnership=partnership, title=risk.title).exists():
            continue
        services.risk_save(
            partnership=partnership, user=lead,
            # A new risk keeps the synthetic mark it is given (services._assign).
            risk=Risk(partnership=partnership, status_is_synthetic=True),
            title=risk.title, description=risk.description + ILLUSTRATIVE,
            likelihood=risk.likelihood, impact=risk.impact, owner=risk.owner,
            mitigation=risk.mitigation, status=Risk.Status.OPEN,
            raised_on=shifted(seed.as_at, years),
        )


def _asks(partnership: Partnership, lead, seed: SeedPlan, years: int) -> None:
    for ask in seed.asks:
        if Ask.objects.filter(partnership=partnership, title=ask.title).exists():
            continue
        services.ask_save(partnership=partnership, user=lead, title=ask.title,
                          request=ask.request, directed_to=ask.directed_to,
                          raised_on=shifted(seed.as_at, years), status=Ask.Status.OPEN)


def load_seed(seed: SeedPlan, today: date | None = None) -> None:
    """Creates (or leaves as they are) the seed's organisations, plan, risks and asks, their
    dates moved forward by whole years (`year_shift`) so that the plan runs now."""
    years = year_shift(seed.as_at, today or timezone.localdate())
    partnership = Partnership.objects.get(slug=seed.slug)
    lead = _lead(partnership)
    for name, sector in seed.organisations:
        Organisation.objects.get_or_create(partnership=partnership, name=name,
                                           defaults={"sector": sector})
    if not Objective.objects.filter(partnership=partnership).exists():
        _plan(partnership, lead, seed, years)
    _risks(partnership, lead, seed, years)
    _asks(partnership, lead, seed, years)


def load_digest_milestones(seed: SeedPlan) -> None:
    """Adds the seed's digest milestones that are not there yet, each marked illustrative."""
    partnership = Partnership.objects.get(slug=seed.slug)
    lead = _lead(partnership)
    today = timezone.localdate()
    for entry in seed.digest:
        action = KeyAction.objects.filter(partnership=partnership, title=entry.action).first()
        if action is None or Milestone.objects.filter(key_action=action,
                                                      title=entry.title).exists():
            continue
        milestone = services.milestone_create(
            key_action=action, user=lead, title=entry.title,
            due_date=today + timedelta(days=entry.due_in_days), status=entry.status,
            progress_note=entry.note, progress_on=today - timedelta(days=entry.noted_days_ago),
            reason=REASON)
        _mark_synthetic(milestone)
