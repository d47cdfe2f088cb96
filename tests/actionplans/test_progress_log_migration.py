"""actionplans/migrations/0005_progress_log_backfill, run by Django's migration executor on
PostgreSQL: one entry per distinct past note, with its author and date, in order; evidence
moves onto the latest entry; reversing removes the log and nothing else."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from actionplans.models import Milestone, ProgressEvidence, ProgressUpdate

pytestmark = pytest.mark.django_db

# Before the backfill: the log's tables are there and empty, and every other migration of
# the app (re-dating's fields, on a branch of its own) stays applied, as the models expect.
BEFORE = [("actionplans", "0004_progress_log")]
AFTER = [("actionplans", "0005_progress_log_backfill")]


def migrate(targets) -> None:
    # Deferred foreign-key checks are run now, so that tables may be dropped after rows moved.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def save_as(milestone, user, when: datetime, **fields) -> None:
    """A save of the milestone as the history has it: by `user`, at `when`."""
    for name, value in fields.items():
        setattr(milestone, name, value)
    milestone._history_user, milestone._history_date = user, when
    milestone.save()


def day(n: int) -> datetime:
    return datetime(2024, 1, n, 9, 30, tzinfo=UTC)


def test_the_log_is_made_from_the_history_and_can_be_undone(tenants):
    lead, admin = tenants.users["a_lead"], tenants.users["a_admin"]
    migrate(BEFORE)
    a = Milestone.objects.get(pk=tenants.milestones["a"].pk)
    a.history.all().delete()
    save_as(a, lead, day(1), progress_note="", status="not_started")
    save_as(a, lead, day(2), progress_note="Pathway drafted", status="on_track",
            progress_on=date(2024, 1, 2))
    save_as(a, admin, day(3), status="at_risk")  # the same note: no new entry
    save_as(a, admin, day(4), progress_note="Probation staff shortage ", progress_on=None)
    save_as(a, lead, day(5), progress_note="Pathway drafted", title="Renamed")  # seen before
    save_as(a, lead, day(6), evidence_link="https://example.org/minutes")
    # Loaded without history: its note is the one entry, by no one known.
    b = Milestone.objects.get(pk=tenants.milestones["b"].pk)
    b.history.all().delete()
    Milestone.objects.filter(pk=b.pk).update(evidence_link="", progress_note="Imported note",
                                             progress_on=date(2023, 6, 1))
    # Evidence and no note: an entry of its own.
    c = Milestone.objects.create(
        partnership=a.partnership, key_action=a.key_action, title="Naloxone", plan_year=2,
        status="complete", evidence_link="https://example.org/naloxone")

    migrate(AFTER)

    log = list(ProgressUpdate.objects.filter(milestone=a).order_by("created_at"))
    assert [(e.text, e.author, e.created_at, e.progress_on, e.status) for e in log] == [
        ("Pathway drafted", lead, day(2), date(2024, 1, 2), "on_track"),
        ("Probation staff shortage", admin, day(4), date(2024, 1, 4), "at_risk"),
    ]
    assert log[-1].partnership_id == a.partnership_id
    # The latest entry holds the evidence: its link and its file, with the file's own name.
    moved = {(e.link, e.file.name, e.name) for e in ProgressEvidence.objects.filter(
        update__milestone=a)}
    saved_a = Milestone.objects.get(pk=a.pk)
    assert moved == {("https://example.org/minutes", "", ""),
                     ("", saved_a.evidence_file.name, "a-minutes.pdf")}
    assert {e.update_id for e in ProgressEvidence.objects.filter(update__milestone=a)} == {
        log[-1].pk}

    (only_b,) = ProgressUpdate.objects.filter(milestone=b)
    assert (only_b.text, only_b.author, only_b.progress_on) == ("Imported note", None,
                                                                 date(2023, 6, 1))
    (only_c,) = ProgressUpdate.objects.filter(milestone=c)
    assert (only_c.text, only_c.status) == ("", "complete")
    assert [e.link for e in only_c.evidence.all()] == ["https://example.org/naloxone"]

    # Reversed: the log goes, the milestones are as they were.
    migrate([("actionplans", "0004_progress_log")])
    assert not ProgressUpdate.objects.exists()
    assert Milestone.objects.get(pk=a.pk).progress_note == "Pathway drafted"
    migrate(AFTER)
    assert ProgressUpdate.objects.filter(milestone=a).count() == 2
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
