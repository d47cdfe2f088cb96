"""Each milestone's progress log, made from its history.

One entry for each distinct progress note the milestone has had, in order, with the author
and date of the history record that first saved it, and the status the milestone had then.
A milestone with a note but no history (loaded without it) gets one entry from the note
itself. Its evidence link and file become evidence of its latest entry, or of an entry of
their own when it has no note.

The milestones' own fields are not changed, so reversing simply removes the log; entries added
after this migration would go with it, but each milestone still holds its latest update.
"""

from django.db import migrations


def _entries_from_history(records) -> list[dict]:
    """The records of one milestone, oldest first, to the entries of its log."""
    entries, seen = [], set()
    for record in records:
        note = (record["progress_note"] or "").strip()
        if not note or note in seen:
            continue
        seen.add(note)
        entries.append({
            "author_id": record["history_user_id"], "created_at": record["history_date"],
            "progress_on": record["progress_on"] or record["history_date"].date(),
            "status": record["status"], "text": note,
        })
    return entries


def _history_by_milestone(apps) -> dict[int, list[dict]]:
    history = apps.get_model("actionplans", "HistoricalMilestone")
    records: dict[int, list[dict]] = {}
    for record in history.objects.order_by("history_date", "history_id").values(
            "id", "history_user_id", "history_date", "progress_note", "progress_on", "status"):
        records.setdefault(record["id"], []).append(record)
    return records


def _evidence(milestone) -> list[dict]:
    found = []
    if milestone.evidence_link:
        found.append({"link": milestone.evidence_link, "file": "", "name": ""})
    if milestone.evidence_file:
        found.append({"link": "", "file": milestone.evidence_file.name,
                      "name": milestone.evidence_file_name})
    return found


def backfill(apps, schema_editor):
    milestone_model = apps.get_model("actionplans", "Milestone")
    update_model = apps.get_model("actionplans", "ProgressUpdate")
    evidence_model = apps.get_model("actionplans", "ProgressEvidence")
    history = _history_by_milestone(apps)
    for milestone in milestone_model.objects.order_by("pk").iterator(chunk_size=500):
        entries = _entries_from_history(history.get(milestone.pk, []))
        note = milestone.progress_note.strip()
        if note and note not in {entry["text"] for entry in entries}:
            entries.append({"author_id": None, "created_at": milestone.updated_at,
                            "progress_on": milestone.progress_on or milestone.updated_at.date(),
                            "status": milestone.status, "text": note})
        evidence = _evidence(milestone)
        if evidence and not entries:
            entries.append({"author_id": None, "created_at": milestone.updated_at,
                            "progress_on": milestone.progress_on or milestone.updated_at.date(),
                            "status": milestone.status, "text": ""})
        made = update_model.objects.bulk_create(
            update_model(partnership_id=milestone.partnership_id, milestone_id=milestone.pk,
                         **entry) for entry in entries)
        if evidence:
            evidence_model.objects.bulk_create(
                evidence_model(partnership_id=milestone.partnership_id, update=made[-1], **item)
                for item in evidence)


def remove_log(apps, schema_editor):
    apps.get_model("actionplans", "ProgressUpdate").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [("actionplans", "0004_progress_log")]

    operations = [migrations.RunPython(backfill, remove_log, elidable=False)]
