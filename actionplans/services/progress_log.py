"""A milestone's progress log: an update is added as an entry (who, when, the status, what
has happened since the last update, and its evidence), and the milestone keeps the latest
entry's status, note and date for the pages that show only the latest.

Updates are versioned like every milestone edit: one made from an older version of the
milestone is refused with `StaleEdit`, and nothing is added.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from partnerships import access

from ..models import Milestone, ProgressEvidence, ProgressUpdate
from .base import clean_text, plan_changed, save_with_history
from .milestones import StaleEdit, check_evidence, record_entry, store_evidence

NOTHING_NEW = "Write what has happened since the last update, or change the status"
SAME_AS_LAST = ("This is the same as the last update: write what has happened since, or "
                "change the status")


@transaction.atomic
def progress_update_add(
    *,
    milestone: Milestone,
    user,
    version: int,
    status: str,
    text: str = "",
    progress_on: date | None = None,
    links: Iterable[str] = (),
    files: Iterable[UploadedFile] = (),
) -> ProgressUpdate:
    """Adds an entry to the milestone's log if it is still at `version` (else StaleEdit).

    No new text and no change of status is not an update: it is refused with a
    ValidationError on `progress_note`, and nothing is saved, evidence included."""
    access.require(user, milestone.partnership, access.EDIT_PLAN)
    current = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if current.version != version:
        raise StaleEdit(current)
    text = clean_text(text)
    if status not in Milestone.Status.values:
        raise ValidationError({"status": "Choose the status"})
    if status == current.status and (not text or text == current.progress_note):
        raise ValidationError({"progress_note": SAME_AS_LAST if text else NOTHING_NEW})
    links, files = [link.strip() for link in links if link.strip()], list(files)
    for link in links:
        _check_link(link)
    for upload in files:
        check_evidence(upload)
    evidence = [ProgressEvidence(link=link) for link in links]
    evidence += [ProgressEvidence(file=store_evidence(current, upload), name=upload.name[-255:])
                 for upload in files]
    _denormalise(current, status, text, progress_on or timezone.localdate(), evidence)
    save_with_history(current, user)
    entry = record_entry(current, user, text=text, evidence=evidence)
    plan_changed(current.partnership_id)
    return entry


def _denormalise(current: Milestone, status: str, text: str, progress_on: date,
                 evidence: list[ProgressEvidence]) -> None:
    """The milestone shows the latest entry: its status and date, its text (a status-only
    entry keeps the last text), and the latest link and file given as evidence."""
    current.status_is_synthetic = current.status_is_synthetic and current.status == status
    current.status, current.progress_on = status, progress_on
    if text:
        current.progress_note = text
    for item in evidence:
        if item.link:
            current.evidence_link = item.link
        else:
            current.evidence_file, current.evidence_file_name = item.file, item.name
    current.version += 1


def _check_link(link: str) -> None:
    if len(link) > 500:
        raise ValidationError({"evidence_link": "The web address must be 500 characters or "
                               "fewer"})
    try:
        URLValidator(schemes=["http", "https"])(link)
    except ValidationError:
        raise ValidationError({"evidence_link": "Enter a web address, like "
                               "https://www.example.org/report"}) from None
