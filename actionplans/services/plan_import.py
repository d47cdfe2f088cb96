"""Importing a plan from a spreadsheet: a preview first (the import itself, rolled back), then
the whole file applied in one transaction, or dropped. The file is the plan's export, edited
or not: a row names its milestone (by ID and version) or adds one."""

from __future__ import annotations

from collections import Counter
from pathlib import PurePath

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from outcomes.importers import MAX_FILE_BYTES, FileProblem, RowError
from outcomes.models import Metric
from outcomes.services.expiry import expired_message, refuse_if_expired
from partnerships import access, files
from partnerships.models import Partnership
from partnerships.services import organisation_get_or_create

from ..choices import MilestoneStatus
from ..models import ActionPlan, KeyAction, Milestone, Objective, PlanImport
from ..spreadsheet import PlanRow, read
from .base import save_with_history
from .milestones import StaleEdit, milestone_create, milestone_update
from .plan import check_partners, key_action_create, objective_create

COUNTS = ("rows", "rejected", "objectives_added", "actions_added", "actions_changed",
          "milestones_added", "milestones_changed", "milestones_unchanged", "partners_added")


class _Rejected(Exception):
    """A row that cannot be imported, with the reason."""


class _Preview(Exception):
    """Raised to roll back a preview run: the preview is the import itself, undone."""


class StalePreview(ValidationError):
    """The plan changed after the preview: importing now would do something else."""


# What the preview calls each field it shows old -> new, in the file's words.
FIELD_LABELS = {
    "title": "Milestone", "due_date": "Due date", "plan_year": "Plan year", "status": "Status",
    "progress_note": "Progress", "progress_on": "Progress date",
    "evidence_link": "Evidence link", "metrics": "Performance measures",
    "reference": "Action reference", "lead": "Key action's lead",
    "responsible_partners": "Responsible partners",
}


def plan_import_start(*, partnership: Partnership, user, file_name: str, data: bytes):
    """Stores the file and previews it: what importing it would do, row by row, without
    changing anything. Raises FileProblem for a file that cannot be read at all.

    The preview's summary holds the counts and, under "changes", each row that adds or
    changes a milestone or its key action, with each field's old and new value."""
    access.require(user, partnership, access.EDIT_PLAN)
    if len(data) > MAX_FILE_BYTES:
        raise FileProblem(f"the file is larger than {MAX_FILE_BYTES >> 20} MB")
    if not data.strip():
        raise FileProblem("the file is empty")
    if not ActionPlan.objects.filter(partnership=partnership).exists():
        raise FileProblem("set up the plan (its title and years) before importing into it")
    plan_import = PlanImport.objects.create(
        partnership=partnership, created_by=user, file_name=PurePath(file_name).name[:255],
        stored_file=_store(file_name, data))
    try:
        with transaction.atomic():
            plan_import.summary, plan_import.problems = PlanImporter(plan_import, user).run()
            raise _Preview
    except _Preview:
        pass
    except FileProblem:
        plan_import.delete()
        raise
    plan_import.save(update_fields=["summary", "problems"])
    return plan_import


def plan_import_refresh(*, plan_import: PlanImport, user) -> PlanImport:
    """Previews a stored file again, against the plan as it is now."""
    access.require(user, plan_import.partnership, access.EDIT_PLAN)
    if plan_import.status != PlanImport.Status.PREVIEW:
        return plan_import
    try:
        with transaction.atomic():
            plan_import.summary, plan_import.problems = PlanImporter(plan_import, user).run()
            raise _Preview
    except _Preview:
        pass
    plan_import.save(update_fields=["summary", "problems"])
    return plan_import


@transaction.atomic
def plan_import_apply(*, plan_import: PlanImport, user, accept_valid: bool = False):
    """Imports the previewed file in one transaction: all of its valid rows or nothing."""
    access.require(user, plan_import.partnership, access.EDIT_PLAN)
    plan_import = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    if plan_import.failure.startswith("Expired"):
        raise ValidationError(expired_message())
    if plan_import.status != PlanImport.Status.PREVIEW:
        raise ValidationError(f"This file has already been {plan_import.get_status_display()}"
                              .replace("been Imported", "imported")
                              .replace("been Not imported", "dropped"))
    refuse_if_expired(plan_import.created_at)
    summary, problems = PlanImporter(plan_import, user).run()
    if (summary, problems) != (plan_import.summary, plan_import.problems):
        transaction.set_rollback(True)
        raise StalePreview("The plan changed after this file was checked, so importing it "
                           "now would do something other than the preview showed. Nothing "
                           "was imported. Check the file again to see what it would do now.")
    if summary["rejected"] and not accept_valid:
        transaction.set_rollback(True)
        raise ValidationError("Confirm that you want to leave out the rejected rows, or fix "
                              "the file")
    plan_import.summary, plan_import.problems = summary, problems
    plan_import.status = PlanImport.Status.APPLIED
    plan_import.finished_at = timezone.now()
    plan_import.save()
    return plan_import


@transaction.atomic
def plan_import_cancel(*, plan_import: PlanImport, user):
    access.require(user, plan_import.partnership, access.EDIT_PLAN)
    plan_import = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    if plan_import.status != PlanImport.Status.PREVIEW:
        raise ValidationError("Only a file waiting to be confirmed can be dropped")
    plan_import.status = PlanImport.Status.CANCELLED
    plan_import.finished_at = timezone.now()
    plan_import.save(update_fields=["status", "finished_at"])
    return plan_import


def _store(file_name: str, data: bytes) -> str:
    """Keeps the uploaded file (under a new random name) for the preview and the apply."""
    try:
        return files.store("plan-imports", file_name, data)
    except files.StoreFailed as error:
        raise FileProblem(str(error)) from None


def _by_name(users) -> dict:
    """Users by username and by email address, case-blind."""
    found = {}
    for user in users:
        found[user.username.casefold()] = user
        if user.email:
            found.setdefault(user.email.casefold(), user)
    return found


def _reason(error: Exception) -> str:
    if isinstance(error, StaleEdit):
        return "the milestone changed while the file was imported; try again"
    if isinstance(error, ValidationError):
        messages = [m for ms in getattr(error, "message_dict", {"": error.messages}).values()
                    for m in ms]
        return "; ".join(messages)[:500]
    return str(error)[:500]


class PlanImporter:
    """Imports the rows of one stored plan file into the partnership's plan, as one user.

    It holds what the rows share: the plan; what is in it already, by natural key
    (objectives, key actions, milestones by ID and by title), kept up to date as rows add to
    it; the members and former leads a row's Lead may name; the metrics by code; and the
    milestones the file has named so far. Each row is imported in a savepoint: a row that
    fails changes nothing, and what it put in those caches is put back."""

    def __init__(self, plan_import: PlanImport, user):
        self.user, self.file_name = user, plan_import.file_name
        self.partnership = partnership = plan_import.partnership
        self.plan = ActionPlan.objects.get(partnership=partnership)
        self.reason = f"Imported from {plan_import.file_name}"[:100]
        self.data = _read_stored(plan_import.stored_file)
        self.objectives = {(o.priority, o.strand, o.title.casefold()): o
                           for o in Objective.objects.filter(plan=self.plan)}
        self.actions = {(a.objective_id, a.title.casefold()): a
                        for a in KeyAction.objects.filter(partnership=partnership)
                        .prefetch_related("responsible_partners")}
        self.milestones = {m.pk: m for m in Milestone.objects.filter(partnership=partnership)
                           .prefetch_related("metrics")}
        self.by_title = {(m.key_action_id, m.title.casefold()): m
                         for m in self.milestones.values()}
        users = get_user_model().objects
        self.members = _by_name(users.filter(memberships__partnership=partnership))
        self.member_ids = {m.pk for m in self.members.values()}
        # A lead who has left stays the lead of the key actions they led until someone
        # changes it: an export of those rows imports back unchanged.
        self.former_leads = _by_name(users.filter(led_actions__partnership=partnership)
                                     .exclude(pk__in=self.member_ids).distinct())
        # A local metric wins over a national one with the same code, as in the API.
        self.metrics = {m.code: m for m in Metric.objects.filter(
            Q(owner__isnull=True) | Q(owner=partnership)).order_by(
                F("owner_id").asc(nulls_first=True))}
        self.seen: set[int] = set()
        # Milestones named by a row that was rejected (stale, say): in the file, not changed.
        self.named_rejected: set[int] = set()
        # The row being imported: what it did, and the cache entries it replaced.
        self.counts: Counter = Counter()
        self.replaced: list[tuple[dict, object, object]] = []
        self.detail: dict = {}

    def run(self) -> tuple[dict, list]:
        """Imports every row; a row that fails is listed with its reason. Returns the counts
        and the problems."""
        totals = dict.fromkeys(COUNTS, 0)
        problems: list[dict] = []
        changes: list[dict] = []
        for row in read(self.data, self.file_name):
            totals["rows"] += 1
            if isinstance(row, RowError):
                totals["rejected"] += 1
                problems.append({"line": row.line, "reason": row.reason})
                continue
            # What the row did is counted and remembered only once its savepoint is released.
            self.counts, self.replaced = Counter(), []
            self.detail = {"line": row.line, "title": row.milestone,
                           "key_action": row.key_action, "fields": []}
            try:
                with transaction.atomic():
                    self.import_row(row)
            except (_Rejected, ValidationError, StaleEdit) as error:
                totals["rejected"] += 1
                problems.append({"line": row.line, "reason": _reason(error)})
                if row.milestone_id in self.milestones:
                    self.named_rejected.add(row.milestone_id)
                self._put_back()
                continue
            for name, n in self.counts.items():
                totals[name] += n
            if self.detail.get("kind") or self.detail["fields"]:
                self.detail.setdefault("kind", "changed")
                changes.append(self.detail)
        # A milestone whose row was rejected is in the file: it is listed once, as rejected.
        totals["milestones_left_alone"] = len(set(self.milestones) - self.seen
                                              - self.named_rejected)
        totals["changes"] = changes
        return totals, problems

    def import_row(self, row: PlanRow) -> None:
        """One row: find or add its objective and key action, then add or change its
        milestone."""
        lead = self._lead(row)
        unknown = [code for code in row.performance_measures if code not in self.metrics]
        if unknown:
            raise _Rejected(f"performance measure {unknown[0]!r} is not a metric code")
        measures = [self.metrics[code] for code in row.performance_measures]
        existing = self._named_milestone(row)
        objective = self._objective(row)
        action = self._key_action(row, objective, lead)
        if existing is None:
            existing = self.by_title.get((action.pk, row.milestone.casefold()))
        fields = {"title": row.milestone, "due_date": row.due_date,
                  "plan_year": None if row.due_date else row.plan_year, "status": row.status,
                  "progress_note": row.progress, "progress_on": row.progress_date,
                  "evidence_link": row.evidence_link}
        if existing is None:
            milestone = milestone_create(key_action=action, user=self.user, metrics=measures,
                                         reason=self.reason, **fields)
            self._remember(self.by_title, (action.pk, milestone.title.casefold()), milestone)
            self.seen.add(milestone.pk)
            self.counts["milestones_added"] += 1
            self.detail["kind"] = "added"
            self.detail["fields"] = [
                self._field(name, "", getattr(milestone, name)) for name in (
                    "due_date", "plan_year", "status", "progress_note", "evidence_link")
                if getattr(milestone, name) not in (None, "")] + self.detail["fields"]
        else:
            self._change_milestone(row, action, existing, measures, fields)

    def _remember(self, cache: dict, key, value) -> None:
        self.replaced.append((cache, key, cache.get(key)))
        cache[key] = value

    def _put_back(self) -> None:
        """Undoes a failed row's changes to the caches (its savepoint undid the rest)."""
        for cache, key, previous in reversed(self.replaced):
            if previous is None:
                cache.pop(key, None)
            else:
                cache[key] = previous

    def _lead(self, row: PlanRow):
        if not row.lead:
            return None
        lead = self.members.get(row.lead.casefold()) or self.former_leads.get(
            row.lead.casefold())
        if lead is None:
            raise _Rejected(f"lead {row.lead!r} is not a member of the partnership "
                            "(use their username or email address)")
        return lead

    def _named_milestone(self, row: PlanRow) -> Milestone | None:
        """The milestone the row names by ID, if it is this plan's and the row was exported
        at its current version."""
        if row.milestone_id is None:
            return None
        existing = self.milestones.get(row.milestone_id)
        if existing is None:
            raise _Rejected(f"there is no milestone {row.milestone_id} in this plan; leave the "
                            "Milestone ID empty to add a new milestone")
        if row.milestone_id in self.seen:
            raise _Rejected(f"milestone {row.milestone_id} is in the file twice")
        if row.version is None:
            raise _Rejected(f"milestone {row.milestone_id} has no Version: keep the Version "
                            "column of the export, so that edits made since are not "
                            "overwritten")
        if row.version != existing.version:
            raise _Rejected(
                f"milestone {row.milestone_id} was changed in the dashboard after this file "
                f"was exported (it is at version {existing.version}, the file has "
                f"{row.version}); export the plan again and redo this row's changes")
        return existing

    def _objective(self, row: PlanRow) -> Objective:
        key = (row.priority, row.strand, row.objective.casefold())
        objective = self.objectives.get(key)
        if objective is None:
            objective = objective_create(plan=self.plan, user=self.user, title=row.objective,
                                         priority=row.priority, strand=row.strand)
            self._remember(self.objectives, key, objective)
            self.counts["objectives_added"] += 1
        return objective

    def _key_action(self, row: PlanRow, objective: Objective, lead) -> KeyAction:
        partners = []
        for name in row.responsible_partners:
            organisation, created = organisation_get_or_create(partnership=self.partnership,
                                                               name=name)
            self.counts["partners_added"] += created
            partners.append(organisation)
        key = (objective.pk, row.key_action.casefold())
        action = self.actions.get(key)
        if action is None:
            action = key_action_create(objective=objective, user=self.user,
                                       title=row.key_action, reference=row.action_reference,
                                       lead=lead, responsible_partners=partners)
            self._remember(self.actions, key, action)
            self.counts["actions_added"] += 1
        elif (action.reference != row.action_reference or action.lead_id != (lead and lead.pk)
              or {p.pk for p in action.responsible_partners.all()} != {p.pk for p in partners}):
            if lead is not None and lead.pk != action.lead_id and lead.pk not in self.member_ids:
                raise _Rejected(f"lead {row.lead!r} is no longer a member of the partnership")
            check_partners(action.partnership, partners)
            self._note_action_changes(action, row, lead, partners)
            action = KeyAction.objects.get(pk=action.pk)
            action.reference, action.lead = row.action_reference, lead
            save_with_history(action, self.user, self.reason,
                              m2m={"responsible_partners": partners})
            # The cached action is replaced, not changed: if the row fails, the old one is
            # put back.
            self._remember(self.actions, key, KeyAction.objects.prefetch_related(
                "responsible_partners").get(pk=action.pk))
            self.counts["actions_changed"] += 1
        return action

    def _change_milestone(self, row: PlanRow, action: KeyAction, existing: Milestone,
                          measures: list, fields: dict) -> None:
        if existing.key_action_id != action.pk:
            raise _Rejected(f"milestone {existing.pk} belongs to another key action; to move "
                            "it, add it again under the new one and close the old one")
        if row.due_date is None and row.plan_year is not None:
            fields["plan_year"] = row.plan_year
        elif row.due_date is not None:
            fields.pop("plan_year")
        changes = {name: value for name, value in fields.items()
                   if getattr(existing, name) != value}
        if "progress_note" in changes:
            changes["progress_on"] = row.progress_date
        same_metrics = {m.pk for m in existing.metrics.all()} == {m.pk for m in measures}
        if not changes and same_metrics:
            self.seen.add(existing.pk)
            self.counts["milestones_unchanged"] += 1
            return
        self.detail.update(kind="changed", milestone_id=existing.pk, title=existing.title)
        self.detail["fields"] = [self._field(name, getattr(existing, name), value)
                                 for name, value in changes.items()] + self.detail["fields"]
        if not same_metrics:
            self.detail["fields"].append(self._field(
                "metrics", ", ".join(sorted(m.code for m in existing.metrics.all())),
                ", ".join(sorted(m.code for m in measures))))
        saved = milestone_update(milestone=existing, user=self.user, version=existing.version,
                                 changes=changes, metrics=None if same_metrics else measures,
                                 reason=self.reason)
        saved._prefetched_objects_cache = {}
        self.milestones[saved.pk] = saved
        self.seen.add(saved.pk)
        self.counts["milestones_changed"] += 1

    def _note_action_changes(self, action: KeyAction, row: PlanRow, lead, partners) -> None:
        """Puts the key action's changed fields in the row's preview."""
        def who(user) -> str:
            return (user.get_full_name() or user.username) if user else ""
        old_partners = sorted(p.name for p in action.responsible_partners.all())
        for name, old, new in (
            ("reference", action.reference, row.action_reference),
            ("lead", who(action.lead) if action.lead_id else "", who(lead)),
            ("responsible_partners", ", ".join(old_partners),
             ", ".join(sorted(p.name for p in partners))),
        ):
            if old != new:
                self.detail["fields"].append(self._field(name, old, new))

    def _field(self, name: str, old, new) -> list[str]:
        """[label, old, new], as a person reads them."""
        return [FIELD_LABELS[name], self._shown(name, old), self._shown(name, new)]

    def _shown(self, name: str, value) -> str:
        if value in (None, ""):
            return ""
        if name == "status":
            return str(MilestoneStatus(value).label)
        if name == "plan_year":
            return self.plan.year_label(value)
        if hasattr(value, "strftime"):
            return f"{value.day} {value:%B %Y}"
        return str(value)


def _read_stored(name: str) -> bytes:
    try:
        with files.open_stored(name) as stored:
            return stored.read()
    except OSError as error:
        raise FileProblem(f"the uploaded file is no longer available ({error.strerror})"
                          ) from None
