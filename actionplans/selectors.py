"""Reads of the action plan, in a fixed number of queries whatever its size."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from outcomes.models import Metric
from outcomes.selectors import latest_values
from partnerships import access
from partnerships.history import changed_by, field_changes
from partnerships.models import Organisation, Partnership

from . import digest
from .derived import (  # noqa: F401 - read here too
    milestones_needing_attention,
    overdue_milestone_count,
    plan_progress,
)
from .models import (
    ActionPlan,
    Ask,
    DigestPreference,
    DigestSent,
    KeyAction,
    Milestone,
    MilestoneStatus,
    PlanImport,
    Priority,
    Risk,
    Strand,
)
from .plan_page import (  # noqa: F401 - the plan page's reads, split out; read here too
    ActionRow,
    Group,
    ObjectiveRow,
    _shorten,
    annotate_due,
    plan_leads,
    plan_page,
    plan_partners,
)
from .progress import (
    NONE_GIVEN,
    OVERDUE,
    derived_status,
    due_by,
)
from .spreadsheet import PlanRow

GROUPINGS = {"priority": ("Priority", Priority), "strand": ("4P strand", Strand)}


def action_plan(*, partnership: Partnership, user) -> ActionPlan | None:
    return ActionPlan.objects.for_user(user).filter(partnership=partnership).first()


def milestones(*, partnership: Partnership, user) -> QuerySet[Milestone]:
    """The partnership's milestones with everything the plan page and exports show."""
    return (
        Milestone.objects.for_user(user).filter(partnership=partnership)
        .select_related("key_action__objective", "key_action__lead")
        .prefetch_related(
            "metrics",
            Prefetch("key_action__responsible_partners",
                     queryset=Organisation.objects.order_by("name")),
        )
        .order_by("key_action__objective__order", "key_action__objective_id",
                  "key_action__order", "key_action_id", "order", "pk")
    )


def milestone_detail() -> QuerySet[Milestone]:
    """Milestones with what a milestone's page shows. Not scoped: a view takes its one
    milestone from it through `get_scoped` (the user's, in the partnership, or 404)."""
    return (
        Milestone.objects
        .select_related("key_action__objective__plan", "key_action__lead")
        .prefetch_related("metrics", "key_action__responsible_partners")
    )


@dataclass
class HistoryEntry:
    when: object
    who: str
    kind: str
    reason: str
    changes: list[tuple[str, str, str]]


HISTORY_FIELDS = ("title", "due_date", "original_due_date", "redate_reason", "plan_year",
                  "status", "progress_note", "progress_on", "evidence_link", "evidence_file_name")
HISTORY_LABELS = {"plan_year": "Plan year", "evidence_file_name": "Evidence file",
                  "progress_on": "Progress date", "original_due_date": "First due date",
                  "redate_reason": "Reason for re-dating"}


def milestone_history(*, milestone: Milestone) -> list[HistoryEntry]:
    """Every change to the milestone, newest first: who, when, what changed from what.

    Three queries whatever the length of the history."""
    records = list(
        milestone.history.select_related("history_user").order_by("-history_date", "-history_id")
    )
    linked = Milestone._kept_history.m2m_models[Milestone._meta.get_field("metrics")]
    metric_sets: dict[int, set] = {r.history_id: set() for r in records}
    for history_id, metric_id in linked.objects.filter(
            history_id__in=metric_sets).values_list("history_id", "metric_id"):
        metric_sets[history_id].add(metric_id)
    names = dict(Metric.objects.filter(
        pk__in=set().union(*metric_sets.values())).values_list("pk", "name")
    ) if records else {}
    entries = []
    for newer, older in zip(records, records[1:] + [None], strict=True):
        who, reason = changed_by(newer), newer.history_change_reason or ""
        if older is None:
            entries.append(HistoryEntry(newer.history_date, who, "Created", reason, []))
            continue
        changes = field_changes(Milestone, older, newer, HISTORY_FIELDS, HISTORY_LABELS)
        old_metrics, new_metrics = metric_sets[older.history_id], metric_sets[newer.history_id]
        if old_metrics != new_metrics:
            def as_text(ids):
                return "; ".join(sorted(names.get(i, "?") for i in ids)) or "None"
            changes.append(("Performance measures", as_text(old_metrics), as_text(new_metrics)))
        entries.append(HistoryEntry(newer.history_date, who, "Changed", reason, changes))
    return entries


def risks(*, partnership: Partnership, user) -> list[Risk]:
    return list(Risk.objects.for_user(user).filter(partnership=partnership))


def asks(*, partnership: Partnership, user) -> list[Ask]:
    return list(Ask.objects.for_user(user).filter(partnership=partnership))


def plan_imports(*, partnership: Partnership, user) -> QuerySet[PlanImport]:
    return (PlanImport.objects.for_user(user, access.EDIT_PLAN).filter(partnership=partnership)
            .select_related("created_by"))


# --- The annual progress report --------------------------------------------------------------
REPORT_CATEGORIES = [
    ("complete", "Completed"),
    ("slipped", "Slipped (overdue)"),
    ("at_risk", "At risk or off track"),
    ("on_track", "On track"),
    ("not_started", "Not started"),
    ("closed", "Closed"),
]


def report_category(milestone: Milestone) -> str:
    """One category per milestone, from its derived status: overdue is "slipped", at risk and
    off track are one category."""
    status = milestone.derived_status
    if status == OVERDUE:
        return "slipped"
    if status in ("at_risk", "off_track"):
        return "at_risk"
    return status


def default_report_year(plan: ActionPlan, today: date | None = None) -> int:
    year = plan.plan_year_of(today or timezone.localdate())
    if year is None:
        return plan.years if (today or timezone.localdate()) > plan.year_end(plan.years) else 1
    return year


@dataclass
class ReportRow:
    label: str
    counts: Counter
    total: int

    def cells(self):
        return [self.counts[key] for key, _ in REPORT_CATEGORIES]


def annual_report(*, partnership: Partnership, user, plan: ActionPlan, year: int,
                  today: date | None = None) -> dict:
    """Progress against the plan for one plan year: by priority and by strand, the milestones
    completed, slipped and at risk, and the linked outcome metrics with their latest values."""
    today = today or timezone.localdate()
    items = list(milestones(partnership=partnership, user=user).filter(plan_year=year))
    annotate_due(items, plan, today)
    for milestone in items:
        milestone.category = report_category(milestone)

    def table(attribute: str, choices) -> list[ReportRow]:
        rows = []
        for value, label in [*choices.choices, ("", NONE_GIVEN[attribute])]:
            chosen = [m for m in items if getattr(m.key_action.objective, attribute) == value]
            if chosen:
                rows.append(ReportRow(label, Counter(m.category for m in chosen), len(chosen)))
        return rows

    metrics = {}
    for milestone in items:
        for metric in milestone.metrics.all():
            metrics.setdefault(metric.pk, metric)
    latest = latest_values(partnership=partnership, user=user, metric_ids=list(metrics))
    totals = Counter(m.category for m in items)
    return {
        "year": year,
        "year_label": plan.year_label(year),
        "years": [(y, plan.year_label(y)) for y in range(1, plan.years + 1)],
        "categories": REPORT_CATEGORIES,
        "total": ReportRow("All milestones", totals, len(items)),
        "by_priority": table("priority", Priority),
        "by_strand": table("strand", Strand),
        "completed": [m for m in items if m.category == "complete"],
        "slipped": [m for m in items if m.category == "slipped"],
        "at_risk": [m for m in items if m.category == "at_risk"],
        "redated": [m for m in items if m.original_due_date],
        "milestones": items,
        "metrics": [(metric, latest.get(pk)) for pk, metric in
                    sorted(metrics.items(), key=lambda kv: kv[1].name)],
        "today": today,
    }


def plan_rows(*, partnership: Partnership, user) -> list:
    """The plan as spreadsheet rows, one per milestone, in the plan's order: what the export
    writes and the import reads back."""
    rows = []
    for m in milestones(partnership=partnership, user=user):
        action, objective = m.key_action, m.key_action.objective
        lead = action.lead
        rows.append(PlanRow(
            line=0, milestone_id=m.pk, priority=objective.priority, strand=objective.strand,
            objective=objective.title, action_reference=action.reference,
            key_action=action.title,
            responsible_partners=tuple(p.name for p in action.responsible_partners.all()),
            lead=lead.username if lead else "", milestone=m.title,
            due_date=m.due_date, plan_year=m.plan_year, status=m.status,
            progress=m.progress_note, progress_date=m.progress_on,
            evidence_link=m.evidence_link,
            performance_measures=tuple(sorted(metric.code for metric in m.metrics.all())),
            version=m.version,
        ))
    return rows


def milestones_measured_by(*, partnership: Partnership, user, metric_id: int,
                           today: date | None = None) -> list:
    """The milestones a metric measures, with `due_by` and `is_overdue` set."""
    today = today or timezone.localdate()
    items = list(Milestone.objects.for_user(user)
                 .filter(partnership=partnership, metrics__id=metric_id)
                 .select_related("key_action__objective__plan")
                 .order_by("due_date", "plan_year", "pk"))
    for milestone in items:
        annotate_due([milestone], milestone.key_action.objective.plan, today)
    return items


# --- The weekly digest ----------------------------------------------------------------------
def digest_preference(*, partnership: Partnership, user):
    """The user's digest preference in the partnership; unsaved with the defaults (on,
    Mondays) if they never chose."""
    saved = DigestPreference.objects.filter(partnership=partnership, user=user).first()
    return saved or DigestPreference(partnership=partnership, user=user)


def plan_is_signed_off(*, partnership: Partnership) -> bool:
    return ActionPlan.objects.filter(partnership=partnership,
                                     status=ActionPlan.Status.SIGNED_OFF).exists()


def digest_for(*, partnership: Partnership, lead, today: date, site_url: str = ""):
    """The milestones of the key actions `lead` leads in the partnership that the weekly
    digest lists (see `actionplans.digest`), each with its progress form's URL (absolute when
    `site_url` is given). Read as the lead: only what they may still edit. One query."""
    added = (Milestone.history.model.objects.filter(id=OuterRef("pk"), history_type="+")
             .order_by("history_date").values("history_date")[:1])
    rows = (Milestone.objects.for_user(lead, access.EDIT_PLAN)
            .filter(partnership=partnership, key_action__lead=lead)
            .exclude(status__in=[MilestoneStatus.COMPLETE, MilestoneStatus.CLOSED])
            .annotate(added_at=Subquery(added))
            .values("pk", "title", "status", "due_date", "plan_year", "progress_on", "added_at",
                    "key_action__title", "key_action__reference",
                    "key_action__objective__plan__first_year"))
    labels = dict(MilestoneStatus.choices)
    items = []
    for row in rows:
        due = due_by(row["due_date"], row["plan_year"],
                     row["key_action__objective__plan__first_year"])
        last_update = row["progress_on"] or (
            timezone.localdate(row["added_at"]) if row["added_at"] else None)
        section = digest.section_of(status=row["status"], due=due, last_update=last_update,
                                    today=today)
        if section is None:
            continue
        reference = row["key_action__reference"]
        derived = derived_status(row["status"], due, today)
        recorded = labels.get(row["status"], row["status"])
        items.append(digest.DigestItem(
            milestone_id=row["pk"], title=_shorten(row["title"], 300),
            key_action=(f"{reference}: " if reference else "") + row["key_action__title"],
            status=row["status"], derived_status=derived,
            status_label=(f"Overdue (status recorded: {recorded})" if derived == OVERDUE
                          else recorded),
            due=due, last_update=last_update, section=section,
            ever_updated=row["progress_on"] is not None,
            url=site_url + reverse("actionplans:milestone_progress",
                                   args=[partnership.slug, row["pk"]]),
        ))
    return digest.build(items, today)


def digest_recipients(*, on: date, partnership: Partnership | None = None) -> list[tuple]:
    """(partnership id, lead id) of every lead whose digest is due on `on`: they lead a key
    action of a signed-off plan, have not switched the digest off, `on` is their day (Monday
    unless they chose another), and this ISO week's digest is not sent or being sent.
    Read by the beat task, for no user: whether each lead may still see the milestones is
    decided when their digest is built, as them. One query."""
    iso_year, iso_week, _ = on.isocalendar()
    preference = DigestPreference.objects.filter(partnership=OuterRef("partnership"),
                                                 user=OuterRef("lead"))
    claimed = DigestSent.objects.filter(
        partnership=OuterRef("partnership"), lead=OuterRef("lead"), iso_year=iso_year,
        iso_week=iso_week).exclude(status=DigestSent.Status.FAILED)
    leads = (KeyAction.objects
             .filter(lead__isnull=False, lead__is_active=True,
                     objective__plan__status=ActionPlan.Status.SIGNED_OFF)
             .annotate(chosen_today=Exists(preference.filter(enabled=True,
                                                             weekday=on.weekday())),
                       has_chosen=Exists(preference), claimed=Exists(claimed))
             .filter(claimed=False))
    if partnership is not None:
        leads = leads.filter(partnership=partnership)
    today_wanted = Q(chosen_today=True)
    if on.weekday() == DigestPreference.DEFAULT_WEEKDAY:
        today_wanted |= Q(has_chosen=False)
    return sorted(set(leads.filter(today_wanted).values_list("partnership_id", "lead_id")))
