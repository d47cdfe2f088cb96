"""Shared set-up of the weekly digest's tests: a signed-off plan and milestones by date."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from actionplans import services

MONDAY = date(2024, 6, 3)  # ISO week 2024-W23, in year 3 (2024/25) of the tenants' plans


def sign_off(tenants, side: str = "a"):
    """Signs off the side's plan (the tenants' plans are drafts)."""
    partnership = tenants.partnership(side)
    return services.action_plan_save(
        partnership=partnership, user=tenants.users[f"{side}_lead"],
        title=f"{partnership.name} action plan", first_year=2022, status="signed_off",
        signed_off_on=date(2022, 6, 1), signed_off_by="The board")


def add(tenants, title: str, *, side: str = "a", lead: str | None = None,
        due: date | None = None, plan_year: int | None = None, status: str = "on_track",
        updated: date | None = None, added: date | None = None):
    """A milestone of a key action led by `lead` (the side's lead by default), due on `due`
    or in `plan_year`, last updated on `updated`; `added` backdates its creation."""
    editor = tenants.users[f"{side}_lead"]
    objective = tenants.plans[side].objectives.first()
    action = services.key_action_create(
        objective=objective, user=editor, title=f"Action for {title}",
        lead=tenants.users[lead or f"{side}_lead"])
    milestone = services.milestone_create(
        key_action=action, user=editor, title=title, due_date=due, plan_year=plan_year,
        status=status, progress_on=updated)
    if added is not None:
        milestone.history.filter(history_type="+").update(history_date=datetime.combine(
            added, time(12), tzinfo=timezone.get_current_timezone()))
    return milestone
