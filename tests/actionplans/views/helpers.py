"""What the action plan's page tests share: URLs, a small plan, and a progress form's data."""

from datetime import date

from actionplans import services

PLAN = "/partnerships/rotherham/plan/"


def milestone_url(milestone, suffix: str = "") -> str:
    return f"{PLAN}milestones/{milestone.pk}/{suffix}"


def add_milestones(tenants):
    lead = tenants.users["a_lead"]
    plan = tenants.plans["a"]
    pursue = services.objective_create(plan=plan, user=lead, priority="supply",
                                       strand="pursue", title="Disrupt organised crime")
    action = services.key_action_create(objective=pursue, user=lead, title="OCG disruption",
                                        lead=tenants.users["a_admin"])
    services.milestone_create(key_action=action, user=lead, title="Tasking group set up",
                              plan_year=3, status="complete")
    services.milestone_create(key_action=action, user=lead, title="County lines closures",
                              due_date=date(2024, 6, 30), status="at_risk")


def progress_form(milestone, **changes) -> dict:
    """The progress form as it comes: empty, but for the milestone's version and status."""
    data = {"version": milestone.version, "status": milestone.status,
            "progress_note": "", "progress_on_0": "", "progress_on_1": "",
            "progress_on_2": "", "evidence_link": ""}
    data.update(changes)
    return data
