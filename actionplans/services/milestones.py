"""Milestones: added, and changed with optimistic concurrency.

Every edit says which version it was made from, and an edit made from an older version is
refused with `StaleEdit`, which carries what is saved now, so that the page (or API) can show
both versions and nothing is lost.

A change of status or progress note, however it is made (the API, a plan import), is also an
entry in the milestone's progress log (`record_entry`), in the same transaction; the progress
form and the API's updates add entries through `services.progress_log`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from outcomes.models import Metric
from partnerships import access, files
from partnerships.models import Partnership

from ..models import ActionPlan, KeyAction, Milestone, ProgressEvidence, ProgressUpdate
from .base import clean_text, plan_changed, save_with_history

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
EVIDENCE_TYPES = (".pdf", ".docx", ".doc", ".xlsx", ".xls", ".csv", ".pptx", ".png", ".jpg",
                  ".jpeg", ".txt", ".odt", ".ods")

# The fields a milestone edit may change, through the page, the API or an import.
EDITABLE = ("title", "due_date", "plan_year", "status", "progress_note", "progress_on",
            "evidence_link")


class StaleEdit(Exception):
    """The milestone was saved by someone else after the editor opened it."""

    def __init__(self, current: Milestone):
        super().__init__(f"milestone {current.pk} is at version {current.version}")
        self.current = current


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
    access.require(user, partnership, access.EDIT_PLAN)
    metrics = list(metrics)
    _check_metrics(partnership, metrics)
    title, progress_note = clean_text(title), clean_text(progress_note)
    milestone = Milestone(
        partnership=partnership, key_action=key_action, title=title, due_date=due_date,
        plan_year=plan_year, status=status, progress_note=progress_note,
        progress_on=progress_on or (timezone.localdate() if progress_note.strip() else None),
        evidence_link=evidence_link.strip(),
        order=Milestone.objects.filter(key_action=key_action).count() + 1,
    )
    _fit_to_plan(milestone, key_action.objective.plan)
    save_with_history(milestone, user, reason, m2m={"metrics": metrics})
    if milestone.progress_note:
        record_entry(milestone, user, text=milestone.progress_note)
    plan_changed(partnership.pk)
    return milestone


@transaction.atomic
def milestone_update(
    *,
    milestone: Milestone,
    user,
    version: int,
    changes: dict,
    metrics: Iterable[Metric] | None = None,
    reason: str = "",
) -> Milestone:
    """Applies `changes` to the milestone if it is still at `version`; else raises StaleEdit.

    A progress update and a status change made together are one change in the history, and
    one entry in the progress log. A new progress note without a date is dated today. Returns
    the saved milestone; an edit that changes nothing saves nothing and keeps the version."""
    access.require(user, milestone.partnership, access.EDIT_PLAN)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    current = (Milestone.objects.select_for_update()
               .select_related("key_action__objective__plan").get(pk=milestone.pk))
    if current.version != version:
        raise StaleEdit(current)
    before = {name: getattr(current, name) for name in EDITABLE}
    _apply(current, changes)
    _fit_to_plan(current, current.key_action.objective.plan)
    new_metrics = _changed_metrics(current, metrics)
    changed = (any(getattr(current, n) != before[n] for n in (*EDITABLE, "plan_year"))
               or new_metrics is not None)
    if not changed:
        return current
    current.status_is_synthetic = current.status_is_synthetic and current.status == before[
        "status"]
    current.version += 1
    save_with_history(current, user, reason,
                      m2m={"metrics": new_metrics} if new_metrics is not None else {})
    if (current.status, current.progress_note) != (before["status"], before["progress_note"]):
        text = current.progress_note if current.progress_note != before["progress_note"] else ""
        record_entry(current, user, text=text)
    plan_changed(current.partnership_id)
    return current


def record_entry(milestone: Milestone, user, *, text: str,
                 evidence: Iterable[ProgressEvidence] = ()) -> ProgressUpdate:
    """Adds the milestone's status and progress, as just saved, to its progress log, with
    the evidence given (unsaved `ProgressEvidence`, without their entry)."""
    entry = ProgressUpdate(
        partnership_id=milestone.partnership_id, milestone=milestone,
        author=user if getattr(user, "is_authenticated", False) else None,
        created_at=timezone.now(), progress_on=milestone.progress_on or timezone.localdate(),
        status=milestone.status, text=text)
    entry.full_clean(exclude=["partnership", "milestone", "author"])
    entry.save()
    for item in evidence:
        item.partnership_id, item.update = milestone.partnership_id, entry
        if bool(item.link) == bool(item.file):
            raise ValueError("evidence is a file or a link")
        item.full_clean(exclude=["partnership", "update"], validate_constraints=False)
        item.save()
    return entry


def _apply(current: Milestone, changes: dict) -> None:
    """Sets the changes. A changed progress note is dated today unless the edit dates it."""
    note = current.progress_note
    for name, value in changes.items():
        setattr(current, name, clean_text(value) if isinstance(value, str) else value)
    if current.progress_note != note and ("progress_on" not in changes
                                          or current.progress_on is None):
        current.progress_on = timezone.localdate()


def _changed_metrics(current: Milestone, metrics: Iterable[Metric] | None) -> list | None:
    """The milestone's new performance measures, or None if they stay as they are."""
    if metrics is None:
        return None
    new_metrics = list(metrics)
    _check_metrics(current.partnership, new_metrics)
    if {m.pk for m in new_metrics} == set(current.metrics.values_list("pk", flat=True)):
        return None
    return new_metrics


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


def check_evidence(upload: UploadedFile | None) -> None:
    if upload is None:
        return
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            {"evidence_file": f"The file must be smaller than {MAX_EVIDENCE_BYTES >> 20} MB"}
        )
    if not upload.name.lower().endswith(EVIDENCE_TYPES):
        raise ValidationError({"evidence_file": "The file must be a PDF, Word, Excel, "
                               "PowerPoint, CSV, text or image file"})


def store_evidence(milestone: Milestone, upload: UploadedFile) -> str:
    """Stores an evidence file under a new random name. A disk that is full (or failing)
    is a form error, and leaves no part of the file behind."""
    field = milestone.evidence_file.field
    try:
        return files.save(field.generate_filename(milestone, upload.name), upload,
                          max_length=field.max_length)
    except files.StoreFailed as error:
        raise ValidationError({"evidence_file": str(error)}) from None
