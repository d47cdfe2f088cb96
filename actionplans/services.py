"""Writes to the action plan. Each service checks the user may edit the plan, validates, and
records who changed what in the history.

Milestones use optimistic concurrency: every edit says which version it was made from, and
an edit made from an older version is refused with `StaleEdit`, which carries what is saved
now, so that the page (or API) can show both versions and nothing is lost.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from outcomes.models import Metric
from partnerships import access
from partnerships.models import Organisation, Partnership

from .models import ActionPlan, Ask, KeyAction, Milestone, Objective, Risk

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
EVIDENCE_TYPES = (".pdf", ".docx", ".doc", ".xlsx", ".xls", ".csv", ".pptx", ".png", ".jpg",
                  ".jpeg", ".txt", ".odt", ".ods")


class StaleEdit(Exception):
    """The milestone was saved by someone else after the editor opened it."""

    def __init__(self, current: Milestone):
        super().__init__(f"milestone {current.pk} is at version {current.version}")
        self.current = current


def require_edit_plan(user, partnership: Partnership) -> None:
    allowed = Partnership.objects.for_user(user, access.EDIT_PLAN).filter(pk=partnership.pk)
    if not allowed.exists():
        raise PermissionDenied(f"You cannot change {partnership}'s action plan.")


def _save(instance, user, reason: str = "", m2m: dict | None = None) -> None:
    """Validates and saves, with its many-to-many fields, as ONE history row that records
    the user and the reason."""
    instance.full_clean()
    instance._history_user = user
    if reason:
        instance._change_reason = reason[:100]
    created = instance.pk is None
    instance.skip_history_when_saving = True
    try:
        instance.save()
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
    finally:
        del instance.skip_history_when_saving
    type(instance)._kept_history.create_historical_record(instance, "+" if created else "~")


# --- The plan, its objectives and key actions -------------------------------------------------
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
    require_edit_plan(user, partnership)
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
    _save(plan, user)
    _plan_changed(partnership.pk)
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
    require_edit_plan(user, plan.partnership)
    if not priority and not strand:
        raise ValidationError({"priority": "Choose a national priority, a 4P strand or both"})
    order = Objective.objects.filter(plan=plan).count() + 1
    objective = Objective(partnership=plan.partnership, plan=plan, title=title.strip(),
                          priority=priority, strand=strand, order=order)
    _save(objective, user)
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
    require_edit_plan(user, objective.partnership)
    partners = list(responsible_partners)
    _check_partners(objective.partnership, partners)
    _check_lead(objective.partnership, lead)
    order = KeyAction.objects.filter(objective=objective).count() + 1
    action = KeyAction(partnership=objective.partnership, objective=objective,
                       title=title.strip(), reference=reference.strip(), lead=lead, order=order)
    _save(action, user, m2m={"responsible_partners": partners})
    return action


def _check_partners(partnership: Partnership, partners: list[Organisation]) -> None:
    if any(p.partnership_id != partnership.pk for p in partners):
        raise ValidationError({"responsible_partners": "Choose the partnership's own members"})


def _check_lead(partnership: Partnership, lead) -> None:
    if lead is not None and not partnership.memberships.filter(user=lead).exists():
        raise ValidationError({"lead": "The lead must be a member of the partnership"})


# --- Milestones ----------------------------------------------------------------------------
def _check_metrics(partnership: Partnership, metrics: list[Metric]) -> None:
    if any(m.owner_id not in (None, partnership.pk) for m in metrics):
        raise ValidationError({"metrics": "Choose national metrics or the partnership's own"})


def _fit_to_plan(milestone: Milestone, plan: ActionPlan) -> None:
    """A milestone has a due date or a plan year; a date also gives its plan year."""
    if milestone.due_date is None and milestone.plan_year is None:
        raise ValidationError({"due_date": "Enter a due date or choose a plan year"})
    if milestone.due_date is not None:
        milestone.plan_year = plan.plan_year_of(milestone.due_date)
    elif milestone.plan_year > plan.years:
        raise ValidationError(
            {"plan_year": f"The plan has {plan.years} years ({plan.span})"}
        )


def _check_evidence(upload: UploadedFile | None) -> None:
    if upload is None:
        return
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            {"evidence_file": f"The file must be smaller than {MAX_EVIDENCE_BYTES >> 20} MB"}
        )
    if not upload.name.lower().endswith(EVIDENCE_TYPES):
        raise ValidationError({"evidence_file": "The file must be a PDF, Word, Excel, "
                               "PowerPoint, CSV, text or image file"})


@transaction.atomic
def milestone_create(
    *,
    key_action: KeyAction,
    user,
    title: str,
    due_date: date | None = None,
    plan_year: int | None = None,
    status: str = Milestone.Status.NOT_STARTED,
    progress_note: str = "",
    progress_on: date | None = None,
    evidence_link: str = "",
    metrics: Iterable[Metric] = (),
    reason: str = "",
) -> Milestone:
    partnership = key_action.partnership
    require_edit_plan(user, partnership)
    metrics = list(metrics)
    _check_metrics(partnership, metrics)
    title, progress_note = _clean_text(title), _clean_text(progress_note)
    milestone = Milestone(
        partnership=partnership, key_action=key_action, title=title, due_date=due_date,
        plan_year=plan_year, status=status, progress_note=progress_note,
        progress_on=progress_on or (timezone.localdate() if progress_note.strip() else None),
        evidence_link=evidence_link.strip(),
        order=Milestone.objects.filter(key_action=key_action).count() + 1,
    )
    _fit_to_plan(milestone, key_action.objective.plan)
    _save(milestone, user, reason, m2m={"metrics": metrics})
    _plan_changed(partnership.pk)
    return milestone


def _clean_text(text: str) -> str:
    """Stripped, with one kind of line break (browsers send \r\n, spreadsheets \n)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


# The fields a milestone edit may change, through the page, the API or an import.
EDITABLE = ("title", "due_date", "plan_year", "status", "progress_note", "progress_on",
            "evidence_link")


@transaction.atomic
def milestone_update(
    *,
    milestone: Milestone,
    user,
    version: int,
    changes: dict,
    metrics: Iterable[Metric] | None = None,
    evidence_file: UploadedFile | None = None,
    remove_evidence_file: bool = False,
    reason: str = "",
) -> Milestone:
    """Applies `changes` to the milestone if it is still at `version`; else raises StaleEdit.

    A progress update and a status change made together are one change in the history. A
    new progress note without a date is dated today. Returns the saved milestone; an edit
    that changes nothing saves nothing and keeps the version."""
    require_edit_plan(user, milestone.partnership)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    current = (Milestone.objects.select_for_update()
               .select_related("key_action__objective__plan").get(pk=milestone.pk))
    if current.version != version:
        raise StaleEdit(current)
    _check_evidence(evidence_file)
    before = {name: getattr(current, name) for name in EDITABLE}
    for name, value in changes.items():
        setattr(current, name, _clean_text(value) if isinstance(value, str) else value)
    note_changed = current.progress_note != before["progress_note"]
    if note_changed and "progress_on" not in changes:
        current.progress_on = timezone.localdate()
    if note_changed and current.progress_on is None:
        current.progress_on = timezone.localdate()
    _fit_to_plan(current, current.key_action.objective.plan)
    new_metrics = None
    if metrics is not None:
        new_metrics = list(metrics)
        _check_metrics(current.partnership, new_metrics)
        if {m.pk for m in new_metrics} == set(current.metrics.values_list("pk", flat=True)):
            new_metrics = None
    if evidence_file is not None:
        current.evidence_file = _store_evidence(current, evidence_file)
        current.evidence_file_name = evidence_file.name[-255:]
    elif remove_evidence_file and current.evidence_file:
        # The file itself is kept: the milestone's history still refers to it.
        current.evidence_file, current.evidence_file_name = "", ""
    changed = (any(getattr(current, n) != before[n] for n in (*EDITABLE, "plan_year"))
               or evidence_file
               or remove_evidence_file or new_metrics is not None)
    if not changed:
        return current
    current.status_is_synthetic = current.status_is_synthetic and current.status == before[
        "status"]
    current.version += 1
    _save(current, user, reason, m2m={"metrics": new_metrics} if new_metrics is not None else {})
    _plan_changed(current.partnership_id)
    return current


# --- Risks and asks ------------------------------------------------------------------------
RISK_FIELDS = ("title", "description", "likelihood", "impact", "owner", "mitigation", "status",
               "raised_on")
ASK_FIELDS = ("title", "request", "directed_to", "raised_on", "status", "response")


@transaction.atomic
def risk_save(*, partnership: Partnership, user, risk: Risk | None = None, **fields) -> Risk:
    require_edit_plan(user, partnership)
    if risk is not None and risk.partnership_id != partnership.pk:
        raise PermissionDenied("That risk belongs to another partnership.")
    risk = risk or Risk(partnership=partnership)
    _assign(risk, fields, RISK_FIELDS)
    _save(risk, user)
    return risk


@transaction.atomic
def ask_save(*, partnership: Partnership, user, ask: Ask | None = None, **fields) -> Ask:
    require_edit_plan(user, partnership)
    if ask is not None and ask.partnership_id != partnership.pk:
        raise PermissionDenied("That ask belongs to another partnership.")
    ask = ask or Ask(partnership=partnership)
    _assign(ask, fields, ASK_FIELDS)
    _save(ask, user)
    return ask


def _assign(row: Risk | Ask, fields: dict, allowed: tuple[str, ...]) -> None:
    """Sets the fields; a status someone sets is no longer a demo's synthetic one."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"cannot set {sorted(unknown)}")
    status = row.status
    for name, value in fields.items():
        setattr(row, name, value.strip() if isinstance(value, str) else value)
    if row.pk is None or row.status != status:
        row.status_is_synthetic = row.pk is None and row.status_is_synthetic


# --- Importing a plan from a spreadsheet ------------------------------------------------------
class _Rejected(Exception):
    """A row that cannot be imported, with the reason."""


class _Preview(Exception):
    """Raised to roll back a preview run: the preview is the import itself, undone."""


STORE_FAILED = ("The file could not be stored ({reason}). Nothing was saved: try again later, "
                "or tell your administrator.")


def _store_evidence(milestone: Milestone, upload: UploadedFile) -> str:
    """Stores an evidence file under a new random name. A disk that is full (or failing)
    is a form error, and leaves no part of the file behind."""
    field = milestone.evidence_file
    name = field.field.generate_filename(milestone, upload.name)
    try:
        return field.storage.save(name, upload, max_length=field.field.max_length)
    except OSError as error:
        field.storage.delete(name)
        raise ValidationError(
            {"evidence_file": STORE_FAILED.format(reason=error.strerror)}) from None


def _store(folder: str, file_name: str, data: bytes) -> str:
    import uuid
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.MEDIA_ROOT)
    stored = f"{folder}/{uuid.uuid4().hex}{Path(file_name).suffix.lower()[:6]}"
    try:
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / stored).write_bytes(data)
    except OSError as error:
        from outcomes.importers import FileProblem

        (root / stored).unlink(missing_ok=True)
        raise FileProblem(STORE_FAILED.format(reason=error.strerror)) from None
    return stored


def plan_import_start(*, partnership: Partnership, user, file_name: str, data: bytes):
    """Stores the file and previews it: what importing it would do, row by row, without
    changing anything. Raises FileProblem for a file that cannot be read at all."""
    from pathlib import Path

    from outcomes.importers import MAX_FILE_BYTES, FileProblem

    from .models import PlanImport

    require_edit_plan(user, partnership)
    if len(data) > MAX_FILE_BYTES:
        raise FileProblem(f"the file is larger than {MAX_FILE_BYTES >> 20} MB")
    if not data.strip():
        raise FileProblem("the file is empty")
    if not ActionPlan.objects.filter(partnership=partnership).exists():
        raise FileProblem("set up the plan (its title and years) before importing into it")
    plan_import = PlanImport.objects.create(
        partnership=partnership, created_by=user, file_name=Path(file_name).name[:255],
        stored_file=_store("plan-imports", file_name, data))
    try:
        with transaction.atomic():
            plan_import.summary, plan_import.problems = _import_rows(plan_import, user)
            raise _Preview
    except _Preview:
        pass
    except FileProblem:
        plan_import.delete()
        raise
    plan_import.save(update_fields=["summary", "problems"])
    return plan_import


@transaction.atomic
def plan_import_apply(*, plan_import, user, accept_valid: bool = False):
    """Imports the previewed file in one transaction: all of its valid rows or nothing."""

    from .models import PlanImport

    require_edit_plan(user, plan_import.partnership)
    plan_import = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    if plan_import.status != PlanImport.Status.PREVIEW:
        raise ValidationError(f"This file has already been {plan_import.get_status_display()}"
                              .replace("been Imported", "imported")
                              .replace("been Not imported", "dropped"))
    summary, problems = _import_rows(plan_import, user)
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
def plan_import_cancel(*, plan_import, user):

    from .models import PlanImport

    require_edit_plan(user, plan_import.partnership)
    plan_import = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    if plan_import.status != PlanImport.Status.PREVIEW:
        raise ValidationError("Only a file waiting to be confirmed can be dropped")
    plan_import.status = PlanImport.Status.CANCELLED
    plan_import.finished_at = timezone.now()
    plan_import.save(update_fields=["status", "finished_at"])
    return plan_import


def _import_rows(plan_import, user) -> tuple[dict, list]:
    """Applies every row of the stored file; a row that fails changes nothing (savepoint)
    and is listed with its reason. Returns the counts and the problems."""
    from pathlib import Path

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db.models import F, Q

    from outcomes.importers import FileProblem, RowError
    from partnerships.services import organisation_get_or_create

    from .spreadsheet import read

    partnership = plan_import.partnership
    plan = ActionPlan.objects.get(partnership=partnership)
    reason = f"Imported from {plan_import.file_name}"[:100]
    try:
        data = (Path(settings.MEDIA_ROOT) / plan_import.stored_file).read_bytes()
    except OSError as error:
        raise FileProblem(f"the uploaded file is no longer available ({error.strerror})") from None

    objectives = {(o.priority, o.strand, o.title.casefold()): o
                  for o in Objective.objects.filter(plan=plan)}
    actions = {(a.objective_id, a.title.casefold()): a
               for a in KeyAction.objects.filter(partnership=partnership)
               .prefetch_related("responsible_partners")}
    milestones = {m.pk: m for m in Milestone.objects.filter(partnership=partnership)
                  .prefetch_related("metrics")}
    by_title = {(m.key_action_id, m.title.casefold()): m for m in milestones.values()}
    def by_name(users) -> dict:
        found = {}
        for user_row in users:
            found[user_row.username.casefold()] = user_row
            if user_row.email:
                found.setdefault(user_row.email.casefold(), user_row)
        return found

    members = by_name(get_user_model().objects.filter(memberships__partnership=partnership))
    member_ids = {m.pk for m in members.values()}
    # A lead who has left stays the lead of the key actions they led until someone changes it:
    # an export of those rows imports back unchanged.
    former_leads = by_name(get_user_model().objects.filter(
        led_actions__partnership=partnership).exclude(pk__in=member_ids).distinct())
    # A local metric wins over a national one with the same code, as in the API.
    metrics = {m.code: m for m in Metric.objects.filter(
        Q(owner__isnull=True) | Q(owner=partnership)).order_by(F("owner_id").asc(nulls_first=True))}
    counts = dict.fromkeys(("rows", "rejected", "objectives_added", "actions_added",
                            "actions_changed", "milestones_added", "milestones_changed",
                            "milestones_unchanged", "partners_added"), 0)
    problems: list[dict] = []
    seen: set[int] = set()

    for row in read(data, plan_import.file_name):
        counts["rows"] += 1
        if isinstance(row, RowError):
            counts["rejected"] += 1
            problems.append({"line": row.line, "reason": row.reason})
            continue
        # What the row did is counted and remembered only once its savepoint is released.
        row_counts: Counter = Counter()
        added: list[tuple[dict, object, object]] = []  # (cache, key, value it replaced)
        try:
            with transaction.atomic():
                _import_row(row, plan=plan, user=user, reason=reason, counts=row_counts,
                            added=added, objectives=objectives, actions=actions,
                            milestones=milestones, by_title=by_title, members=members,
                            former_leads=former_leads, member_ids=member_ids,
                            metrics=metrics, seen=seen,
                            partner=lambda name: organisation_get_or_create(
                                partnership=partnership, name=name))
        except (_Rejected, ValidationError, StaleEdit) as error:
            counts["rejected"] += 1
            problems.append({"line": row.line, "reason": _reason(error)})
            for cache, key, previous in reversed(added):
                if previous is None:
                    cache.pop(key, None)
                else:
                    cache[key] = previous
            continue
        for name, n in row_counts.items():
            counts[name] += n
    counts["milestones_left_alone"] = len(set(milestones) - seen)
    return counts, problems


def _reason(error) -> str:
    if isinstance(error, StaleEdit):
        return "the milestone changed while the file was imported; try again"
    if isinstance(error, ValidationError):
        messages = [m for ms in getattr(error, "message_dict", {"": error.messages}).values()
                    for m in ms]
        return "; ".join(messages)[:500]
    return str(error)[:500]


def _import_row(row, *, plan, user, reason, counts, added, objectives, actions, milestones,
                by_title, members, former_leads, member_ids, metrics, seen, partner) -> None:
    """One row: find or add its objective and key action, then add or change its milestone."""
    lead = None
    if row.lead:
        lead = members.get(row.lead.casefold()) or former_leads.get(row.lead.casefold())
        if lead is None:
            raise _Rejected(f"lead {row.lead!r} is not a member of the partnership "
                            "(use their username or email address)")
    unknown = [code for code in row.performance_measures if code not in metrics]
    if unknown:
        raise _Rejected(f"performance measure {unknown[0]!r} is not a metric code")
    measures = [metrics[code] for code in row.performance_measures]
    existing = None
    if row.milestone_id is not None:
        existing = milestones.get(row.milestone_id)
        if existing is None:
            raise _Rejected(f"there is no milestone {row.milestone_id} in this plan; leave the "
                            "Milestone ID empty to add a new milestone")
        if row.milestone_id in seen:
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

    key = (row.priority, row.strand, row.objective.casefold())
    objective = objectives.get(key)
    if objective is None:
        objective = objective_create(plan=plan, user=user, title=row.objective,
                                     priority=row.priority, strand=row.strand)
        objectives[key] = objective
        added.append((objectives, key, None))
        counts["objectives_added"] += 1

    partners = []
    for name in row.responsible_partners:
        organisation, created = partner(name)
        counts["partners_added"] += created
        partners.append(organisation)
    action = actions.get((objective.pk, row.key_action.casefold()))
    if action is None:
        action = key_action_create(objective=objective, user=user, title=row.key_action,
                                   reference=row.action_reference, lead=lead,
                                   responsible_partners=partners)
        actions[(objective.pk, row.key_action.casefold())] = action
        added.append((actions, (objective.pk, row.key_action.casefold()), None))
        counts["actions_added"] += 1
    elif (action.reference != row.action_reference or action.lead_id != (lead and lead.pk)
          or {p.pk for p in action.responsible_partners.all()} != {p.pk for p in partners}):
        if lead is not None and lead.pk != action.lead_id and lead.pk not in member_ids:
            raise _Rejected(f"lead {row.lead!r} is no longer a member of the partnership")
        _check_partners(action.partnership, partners)
        key = (objective.pk, row.key_action.casefold())
        # The cached action is replaced, not changed: if the row fails, the old one is put back.
        added.append((actions, key, action))
        action = KeyAction.objects.get(pk=action.pk)
        action.reference, action.lead = row.action_reference, lead
        _save(action, user, reason, m2m={"responsible_partners": partners})
        actions[key] = KeyAction.objects.prefetch_related("responsible_partners").get(
            pk=action.pk)
        counts["actions_changed"] += 1

    if existing is None:
        existing = by_title.get((action.pk, row.milestone.casefold()))
    fields = {"title": row.milestone, "due_date": row.due_date,
              "plan_year": None if row.due_date else row.plan_year, "status": row.status,
              "progress_note": row.progress, "progress_on": row.progress_date,
              "evidence_link": row.evidence_link}
    if existing is None:
        milestone = milestone_create(key_action=action, user=user, metrics=measures,
                                     reason=reason, **fields)
        by_title[(action.pk, milestone.title.casefold())] = milestone
        added.append((by_title, (action.pk, milestone.title.casefold()), None))
        seen.add(milestone.pk)
        counts["milestones_added"] += 1
        return
    if existing.key_action_id != action.pk:
        raise _Rejected(f"milestone {existing.pk} belongs to another key action; to move it, "
                        "add it again under the new one and close the old one")
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
        seen.add(existing.pk)
        counts["milestones_unchanged"] += 1
        return
    saved = milestone_update(milestone=existing, user=user, version=existing.version,
                             changes=changes, metrics=None if same_metrics else measures,
                             reason=reason)
    saved._prefetched_objects_cache = {}
    milestones[saved.pk] = saved
    seen.add(saved.pk)
    counts["milestones_changed"] += 1


# --- Progress summaries, recomputed with the dashboard's ------------------------------------
def plan_progress_replace(partnership_ids: list[int], computed_at) -> None:
    """Replaces the partnerships' plan progress rows (called inside the transaction that
    replaces their metric summaries)."""
    import pandas as pd

    from .aggregates import MILESTONE_COLUMNS, plan_progress
    from .models import PlanProgressSummary

    values = Milestone.objects.filter(partnership_id__in=partnership_ids).values_list(
        "partnership_id", "status", "due_date", "plan_year", "key_action__objective__priority",
        "key_action__objective__strand", "key_action__objective__plan__first_year")
    frame = pd.DataFrame.from_records(values.iterator(chunk_size=5000),
                                      columns=MILESTONE_COLUMNS)
    PlanProgressSummary.objects.filter(partnership_id__in=partnership_ids).delete()
    PlanProgressSummary.objects.bulk_create(
        PlanProgressSummary(computed_at=computed_at, **row)
        for row in plan_progress(frame, timezone.localdate(computed_at)))


def _plan_changed(partnership_id: int) -> None:
    from outcomes.services import summaries_request

    summaries_request(partnership_ids=[partnership_id])


# --- The weekly digest ----------------------------------------------------------------------
@transaction.atomic
def digest_preference_save(*, partnership: Partnership, user, enabled: bool,
                           weekday: int | None = None):
    """Switches the user's weekly digest in the partnership on (on `weekday`) or off. Switching
    it off keeps the day chosen before, for when it is switched on again."""
    from .models import DigestPreference

    require_edit_plan(user, partnership)
    preference = (DigestPreference.objects.select_for_update()
                  .filter(partnership=partnership, user=user).first()
                  or DigestPreference(partnership=partnership, user=user))
    preference.enabled = enabled
    if weekday is not None:
        preference.weekday = weekday
    _save(preference, user)
    return preference


class DigestOutcome:
    """What `digest_send` did, in words an operator reads."""

    SENT = "sent"
    WOULD_SEND = "would be sent"
    ALREADY_SENT = "already sent this week"
    NOTHING_TO_REPORT = "nothing to report"
    SWITCHED_OFF = "switched off"
    DRAFT_PLAN = "plan is a draft"
    NO_ADDRESS = "no email address"


def digest_send(*, partnership: Partnership, lead, on: date, dry_run: bool = False) -> str:
    """Sends `lead` their weekly digest for the partnership, for the ISO week of `on`, once.

    Nothing is sent when the plan is a draft (or missing), when the lead switched the digest
    off or has no email address, or when none of their milestones is overdue, due within 14
    days or without an update for 8 weeks. Returns a `DigestOutcome`. With `dry_run`, says
    what it would do and claims and sends nothing.

    Idempotent: a digest is claimed before it is sent by inserting a `DigestSent` row, unique
    per lead, partnership and ISO week, in a transaction of its own that commits first; a
    retried or duplicated task finds the claim and sends nothing. Deliberately NOT one
    transaction: an email cannot be rolled back. The failure cases, and which way each errs:
    - the email backend raises (SMTP refused, timed out): the claim is marked `failed` and
      the error re-raised; a retry (the task retries itself) may claim it again and send.
      The one duplicate this allows: an SMTP server that accepted the message and then
      reported an error.
    - the worker dies, or the database is lost, between the claim and the email, or between
      the email and marking it `sent`: the claim stays `sending` and nothing is sent again
      that week. This errs towards a missed digest, never a second one: a lead may miss one
      week's reminder (the next week's lists the same milestones); a lead sent the same
      email twice learns to ignore it.
    - two workers at once: the unique constraint lets one claim; the other sends nothing.
    - the lead's day or preference changes after the claim: this week's is already settled.
    """
    from django.conf import settings
    from django.db import IntegrityError

    from . import selectors
    from .models import DigestSent

    if not lead.is_active or not lead.email:
        return DigestOutcome.NO_ADDRESS
    if not selectors.plan_is_signed_off(partnership=partnership):
        return DigestOutcome.DRAFT_PLAN
    if not selectors.digest_preference(partnership=partnership, user=lead).enabled:
        return DigestOutcome.SWITCHED_OFF
    digest = selectors.digest_for(partnership=partnership, lead=lead, today=on,
                                  site_url=settings.SITE_URL)
    if not digest.count:
        return DigestOutcome.NOTHING_TO_REPORT
    message = _digest_message(partnership=partnership, lead=lead, digest=digest)
    iso_year, iso_week, _ = on.isocalendar()
    week = {"partnership": partnership, "lead": lead, "iso_year": iso_year,
            "iso_week": iso_week}
    if dry_run:
        claimed = DigestSent.objects.filter(**week).exclude(
            status=DigestSent.Status.FAILED).exists()
        return DigestOutcome.ALREADY_SENT if claimed else DigestOutcome.WOULD_SEND
    now = timezone.now()
    try:
        with transaction.atomic():
            claim = DigestSent.objects.create(**week, claimed_at=now)
    except IntegrityError:
        # Claimed already: sent, being sent, or failed and free to be claimed again.
        with transaction.atomic():
            reclaimed = DigestSent.objects.filter(**week, status=DigestSent.Status.FAILED
                                                  ).update(status=DigestSent.Status.SENDING,
                                                           claimed_at=now, failure="")
        if not reclaimed:
            return DigestOutcome.ALREADY_SENT
        claim = DigestSent.objects.get(**week)
    try:
        message.send()
    except Exception as error:
        DigestSent.objects.filter(pk=claim.pk).update(
            status=DigestSent.Status.FAILED, failure=f"{type(error).__name__}: {error}"[:2000])
        raise
    DigestSent.objects.filter(pk=claim.pk).update(
        status=DigestSent.Status.SENT, sent_at=timezone.now(), milestone_count=digest.count)
    return DigestOutcome.SENT


def _digest_message(*, partnership: Partnership, lead, digest):
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string
    from django.urls import reverse

    site = settings.SITE_URL
    context = {
        "partnership": partnership,
        "lead_name": lead.get_full_name() or lead.username,
        "digest": digest,
        "plan_url": site + reverse("actionplans:plan", args=[partnership.slug])
        + f"?lead={lead.pk}",
        "preference_url": site + reverse("actionplans:digest", args=[partnership.slug]),
    }
    subject = f"Your milestones this week: {digest.short_summary()} – {partnership.name}"
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split())[:250],
        body=render_to_string("actionplans/email/digest.txt", context),
        to=[lead.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string("actionplans/email/digest.html", context),
                               "text/html")
    return message


def digests_dispatch(*, on: date, partnership: Partnership | None = None) -> list[str]:
    """Queues one digest task for each lead whose day `on` is (the daily beat task's fan-out).
    Returns the queued tasks' ids. Each task decides, as its lead, whether to send."""
    from . import selectors, tasks

    return [tasks.send_digest.delay(partnership_id, lead_id, on.isoformat()).id
            for partnership_id, lead_id in selectors.digest_recipients(on=on,
                                                                       partnership=partnership)]
