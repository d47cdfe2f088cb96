"""The dashboard summaries: recomputed by a real Celery worker after a change, replaced in one
transaction, safe when two runs overlap, and left whole when a run dies midway."""

import multiprocessing
import os
import signal
import threading
import time

import pytest
from django.db import connection, transaction

from actionplans import services as plans
from actionplans.models import PlanProgressSummary
from outcomes import tasks as _registered  # noqa: F401 - known to the test worker at its start
from outcomes.models import MetricSummary, SummaryState
from outcomes.services import background, imports, summaries

FIGURES = "metric,area_code,period,value\n" + "".join(
    f"numbers_in_treatment,E08000018,{2015 + n}/{(16 + n) % 100:02d},{2000 + 10 * n}\n"
    for n in range(8))


def summary_rows(partnership) -> list[tuple]:
    """What a partnership's summaries say, without their ids and computation time."""
    fields = [f.name for f in MetricSummary._meta.fields if f.name not in ("id", "computed_at")]
    return sorted(MetricSummary.objects.filter(partnership=partnership).values_list(*fields))


def wait_for(check, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
def test_an_import_leads_to_fresh_summaries(celery_app, celery_worker, tenants, settings):
    settings.SUMMARY_DEBOUNCE_SECONDS = 1
    before = MetricSummary.objects.get(partnership=tenants.a,
                                       metric__code="numbers_in_treatment")
    assert before.period_label == "2022/23"

    imports.import_file(partnership=tenants.a, user=tenants.users["a_analyst"],
                         file_name="figures.csv", data=FIGURES.encode(), format="tidy")
    assert SummaryState.objects.get(partnership=tenants.a).dirty

    def fresh():
        row = MetricSummary.objects.filter(partnership=tenants.a,
                                           metric__code="numbers_in_treatment").first()
        return row is not None and row.period_label == "2022/23" and row.value == 2070
    wait_for(fresh)
    row = MetricSummary.objects.get(partnership=tenants.a, metric__code="numbers_in_treatment")
    assert (row.previous_period_label, row.previous_value, row.change) == ("2021/22", 2060, 10)
    assert len(row.points) == 8
    wait_for(lambda: not SummaryState.objects.get(partnership=tenants.a).dirty)
    assert SummaryState.objects.get(partnership=tenants.a).computed_at >= before.computed_at
    # Partnership B's summaries were not touched.
    assert MetricSummary.objects.get(partnership=tenants.b).value == 2153


@pytest.mark.django_db(transaction=True)
def test_a_milestone_change_refreshes_plan_progress(celery_app, celery_worker, tenants,
                                                    settings):
    settings.SUMMARY_DEBOUNCE_SECONDS = 1
    progress = PlanProgressSummary.objects.get(partnership=tenants.a, axis="priority",
                                               key="treatment")
    # Recorded on track, due 31 March 2023: counted as overdue (its derived status).
    assert (progress.total, progress.overdue, progress.on_track, progress.complete) == (
        1, 1, 0, 0)
    milestone = tenants.milestones["a"]
    plans.milestone_update(milestone=milestone, user=tenants.users["a_lead"],
                           version=milestone.version, changes={"status": "complete"})

    def recomputed():
        row = PlanProgressSummary.objects.get(partnership=tenants.a, axis="strand",
                                              key="prevent")
        return row.complete == 1
    wait_for(recomputed)
    row = PlanProgressSummary.objects.get(partnership=tenants.a, axis="priority",
                                          key="treatment")
    assert (row.total, row.overdue, row.complete, row.percent_complete) == (1, 0, 1, 100.0)


@pytest.mark.django_db(transaction=True)
def test_changes_within_the_debounce_window_share_one_recompute(tenants, monkeypatch):
    """Three saves, each its own committed transaction, queue one recompute."""
    from outcomes import tasks

    queued = []
    monkeypatch.setattr(background, "tasks_run_in_process", lambda: False)
    monkeypatch.setattr(tasks.recompute_summaries, "apply_async",
                        lambda args, countdown: queued.append((args, countdown)))
    milestone = tenants.milestones["a"]
    for note in ("one", "two", "three"):
        milestone = plans.milestone_update(milestone=milestone, user=tenants.users["a_lead"],
                                           version=milestone.version,
                                           changes={"progress_note": note})
    assert queued == [((tenants.a.pk,), 10)]
    assert SummaryState.objects.get(partnership=tenants.a).dirty


@pytest.mark.django_db
def test_a_change_is_kept_dirty_when_the_broker_is_down(tenants, monkeypatch,
                                                        django_capture_on_commit_callbacks):
    from outcomes import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(background, "tasks_run_in_process", lambda: False)
    monkeypatch.setattr(tasks.recompute_summaries, "apply_async", broker_down)
    milestone = tenants.milestones["a"]
    with django_capture_on_commit_callbacks(execute=True):
        saved = plans.milestone_update(milestone=milestone, user=tenants.users["a_lead"],
                                       version=milestone.version,
                                       changes={"status": "complete"})
    assert saved.status == "complete"  # the save itself succeeded
    state = SummaryState.objects.get(partnership=tenants.a)
    assert state.dirty
    # The sweep picks it up once it is older than the debounce window.
    SummaryState.objects.filter(pk=state.pk).update(changed_at=state.changed_at.replace(
        year=state.changed_at.year - 1))
    assert summaries.summaries_recompute_dirty() == 1
    assert not SummaryState.objects.get(partnership=tenants.a).dirty
    assert PlanProgressSummary.objects.get(partnership=tenants.a, axis="strand",
                                           key="prevent").complete == 1


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_recomputes_end_in_the_same_rows_as_one(tenants, monkeypatch):
    monkeypatch.setattr(summaries, "_flush_pending", lambda pending: None)
    imports.import_file(partnership=tenants.a, user=tenants.users["a_analyst"],
                         file_name="figures.csv", data=FIGURES.encode(), format="tidy")
    summaries.summaries_recompute(partnership_ids=[tenants.a.pk])
    once = summary_rows(tenants.a)
    # Both runs have read their frames before either writes: they truly overlap.
    read_both = threading.Barrier(2)
    read = summaries.summary_frames

    def read_then_wait(**kwargs):
        frames = read(**kwargs)
        read_both.wait(timeout=30)
        return frames

    monkeypatch.setattr(summaries, "summary_frames", read_then_wait)
    errors = []

    def recompute():
        try:
            summaries.summaries_recompute(partnership_ids=[tenants.a.pk])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=recompute) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert summary_rows(tenants.a) == once
    assert MetricSummary.objects.filter(partnership=tenants.a).count() == len(once)


@pytest.mark.django_db(transaction=True)
def test_a_run_that_read_older_figures_does_not_overwrite_a_later_run(tenants, monkeypatch):
    """Run A reads; the figures change and run B reads and writes them; then A tries to
    write what it read. A's older figures are dropped: the summaries show the change."""
    monkeypatch.setattr(summaries, "_flush_pending", lambda pending: None)
    imports.import_file(partnership=tenants.a, user=tenants.users["a_analyst"],
                         file_name="figures.csv", data=FIGURES.encode(), format="tidy")
    summaries.summaries_recompute(partnership_ids=[tenants.a.pk])
    read, a_has_read, a_may_write = summaries.summary_frames, threading.Event(), threading.Event()

    def read_then_wait(**kwargs):
        frames = read(**kwargs)
        if threading.current_thread().name == "run A":
            a_has_read.set()
            assert a_may_write.wait(30)
        return frames

    monkeypatch.setattr(summaries, "summary_frames", read_then_wait)
    errors = []

    def run_a():
        try:
            summaries.summaries_recompute(partnership_ids=[tenants.a.pk])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run_a, name="run A")
    thread.start()
    try:
        assert a_has_read.wait(30)
        changed = "metric,area_code,period,value\nnumbers_in_treatment,E08000018,2022/23,9999\n"
        imports.import_file(partnership=tenants.a, user=tenants.users["a_analyst"],
                             file_name="changed.csv", data=changed.encode(), format="tidy")
        summaries.summaries_recompute(partnership_ids=[tenants.a.pk])  # run B
        after_b = summary_rows(tenants.a)
    finally:
        a_may_write.set()  # never leave run A waiting past the test
        thread.join(30)
    assert not thread.is_alive()
    assert errors == []
    assert summary_rows(tenants.a) == after_b
    latest = MetricSummary.objects.get(partnership=tenants.a, metric__code="numbers_in_treatment",
                                       area_code="E08000018")
    assert latest.value == 9999


def _recompute_and_hang(partnership_id: int, ready) -> None:
    """In a child process: recompute, but stop for good inside the replacing transaction."""
    from django.db import connections

    connections.close_all()

    def hang(partnership_ids, computed_at):
        ready.set()
        time.sleep(600)

    summaries.register_writer(hang)
    summaries.summaries_recompute(partnership_ids=[partnership_id])


@pytest.mark.django_db(transaction=True)
def test_a_recompute_killed_midway_leaves_the_previous_summaries(tenants, monkeypatch):
    monkeypatch.setattr(summaries, "_flush_pending", lambda pending: None)
    before = summary_rows(tenants.a)
    assert before
    imports.import_file(partnership=tenants.a, user=tenants.users["a_analyst"],
                         file_name="figures.csv", data=FIGURES.encode(), format="tidy")
    connection.close()
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    child = context.Process(target=_recompute_and_hang, args=(tenants.a.pk, ready))
    child.start()
    try:
        assert ready.wait(60), "the recompute never reached its transaction"
        # The child has deleted and rewritten the rows, uncommitted; now it dies.
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.join(30)
    assert child.exitcode == -signal.SIGKILL
    with transaction.atomic():
        assert summary_rows(tenants.a) == before
    assert SummaryState.objects.get(partnership=tenants.a).dirty
    summaries.summaries_recompute(partnership_ids=[tenants.a.pk])
    assert summary_rows(tenants.a) != before
    assert not SummaryState.objects.get(partnership=tenants.a).dirty


@pytest.mark.django_db
def test_a_run_whose_worker_died_is_marked_failed_once_past_the_time_limit(tenants, settings):
    from datetime import timedelta

    from django.utils import timezone

    from outcomes.models import SummaryRun

    now = timezone.now()
    killed = SummaryRun.objects.create(started_at=now - timedelta(
        seconds=settings.CELERY_TASK_TIME_LIMIT * 2 + 60))
    running = SummaryRun.objects.create(started_at=now - timedelta(seconds=30))
    summaries.summaries_recompute(partnership_ids=[tenants.a.pk])
    killed.refresh_from_db()
    running.refresh_from_db()
    assert killed.status == SummaryRun.Status.FAILED and killed.finished_at is not None
    assert running.status == SummaryRun.Status.RUNNING  # may still be working


@pytest.mark.django_db
def test_the_command_recomputes_and_says_how_long_it_took(tenants):
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("recompute_summaries", "--partnership", "rotherham", stdout=out)
    assert out.getvalue().startswith("Recomputed 1 summaries of 1 partnership in ")
    with pytest.raises(CommandError, match="there is no partnership 'nowhere'"):
        call_command("recompute_summaries", "--partnership", "nowhere")


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_one_transaction_is_one_recompute(tenants, monkeypatch):
    """The embedded default runs tasks in process: three changes in one transaction (or a
    plan whose years move many milestones) recompute once, not once per change."""
    runs = []
    real = summaries.summaries_recompute
    monkeypatch.setattr(summaries, "summaries_recompute",
                        lambda **kwargs: runs.append(kwargs) or real(**kwargs))
    milestone = tenants.milestones["a"]
    with transaction.atomic():
        for note in ("one", "two", "three"):
            milestone = plans.milestone_update(milestone=milestone, user=tenants.users["a_lead"],
                                               version=milestone.version,
                                               changes={"progress_note": note})
    assert runs == [{"partnership_ids": [tenants.a.pk]}]
    assert not SummaryState.objects.get(partnership=tenants.a).dirty


@pytest.mark.django_db
def test_the_beat_tasks_run(tenants):
    from outcomes import tasks

    assert tasks.recompute_all_summaries() == MetricSummary.objects.count()
    SummaryState.objects.filter(partnership=tenants.a).update(
        dirty=True, changed_at=SummaryState.objects.get(partnership=tenants.a).computed_at
        .replace(year=2000))
    assert tasks.recompute_dirty_summaries() == 1


@pytest.mark.django_db
def test_a_partnership_deleted_before_its_recompute_is_left_out(tenants):
    gone = tenants.b.pk
    tenants.b.delete()
    result = summaries.summaries_recompute(partnership_ids=[tenants.a.pk, gone])
    assert result.rows == MetricSummary.objects.filter(partnership=tenants.a).count()
    assert not MetricSummary.objects.filter(partnership_id=gone).exists()


@pytest.mark.django_db
def test_a_recompute_rewrites_only_the_rows_whose_figures_changed(tenants, monkeypatch):
    monkeypatch.setattr(summaries, "_flush_pending", lambda pending: None)
    imports.import_file(partnership=tenants.a, user=tenants.users["a_analyst"],
                         file_name="figures.csv", data=FIGURES.encode(), format="tidy")
    summaries.summaries_recompute(partnership_ids=[tenants.a.pk])
    before = dict(MetricSummary.objects.filter(partnership=tenants.a)
                  .values_list("metric__code", "pk"))
    first = MetricSummary.objects.filter(partnership=tenants.a).first().computed_at
    summaries.summaries_recompute(partnership_ids=[tenants.a.pk])
    same = MetricSummary.objects.filter(partnership=tenants.a)
    assert dict(same.values_list("metric__code", "pk")) == before  # left where they were
    assert {row.computed_at for row in same} == {
        SummaryState.objects.get(partnership=tenants.a).computed_at}
    assert same.first().computed_at > first
    changed = "metric,area_code,period,value\nnumbers_in_treatment,E08000018,2022/23,9999\n"
    imports.import_file(partnership=tenants.a, user=tenants.users["a_analyst"],
                         file_name="changed.csv", data=changed.encode(), format="tidy")
    summaries.summaries_recompute(partnership_ids=[tenants.a.pk])
    after = dict(MetricSummary.objects.filter(partnership=tenants.a)
                 .values_list("metric__code", "pk"))
    assert after["numbers_in_treatment"] != before["numbers_in_treatment"]
    assert {k: v for k, v in after.items() if k != "numbers_in_treatment"} == {
        k: v for k, v in before.items() if k != "numbers_in_treatment"}
    assert MetricSummary.objects.get(pk=after["numbers_in_treatment"]).value == 9999
