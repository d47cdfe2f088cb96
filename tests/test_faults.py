"""Faults, against real services: the app served by gunicorn and a Celery worker in their own
processes, on this test's PostgreSQL database and a Redis of its own that the test stops,
and a worker the test kills.

The data is made by the usual fixtures in a committed (transaction=True) database, which
the processes read through the same database URL."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection, transaction

from actionplans import services as plans
from actionplans.models import PlanProgressSummary
from cdp.tokens import token_create
from outcomes.models import SummaryRun, SummaryState
from tests.services import (
    free_port,
    postgres_binary,
    redis_answers,
    run_as_service_user,
    throwaway_postgres,
)

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def wait_until(check, timeout: float = 60, what: str = "it") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


class Redis:
    """A Redis the test may stop and start again, on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is needed"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: redis_answers(self.url), 15, "Redis")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis():
    server = Redis()
    server.start()
    yield server
    server.stop()


def database_url() -> str:
    s = connection.settings_dict
    return (f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:"
            f"{s['PORT'] or 5432}/{s['NAME']}")


def app_env(redis_url: str, database: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "CELERY_", "API_THROTTLE_"))}
    env.update({
        "DJANGO_DEBUG": "1", "DATABASE_URL": database or database_url(),
        "CELERY_BROKER_URL": redis_url, "DJANGO_CACHE_URL": redis_url,
        "SUMMARY_DEBOUNCE_SECONDS": "0", "DJANGO_LOG_FORMAT": "plain",
    })
    return env


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def web(env: dict[str, str], log: Path) -> Iterator[str]:
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "cdp.wsgi", "--config=python:cdp.gunicorn",
             f"--bind=127.0.0.1:{port}", "--workers=1", "--timeout=60"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: call(f"{base}/healthz")[0] in (200, 503) or process.poll(), 60,
                   "gunicorn")
        assert process.poll() is None, log.read_text()
        # The worker loaded every view before it took a request (cdp.gunicorn).
        assert "Worker ready" in log.read_text()
        yield base
    finally:
        stop(process)


@contextlib.contextmanager
def worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cdp", "worker", "--pool=prefork",
             "--concurrency=1", "--loglevel=INFO", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: "ready." in log.read_text() or process.poll() is not None, 60,
                   "the worker")
        assert process.poll() is None, log.read_text()
        yield process
    finally:
        stop(process)


def send_task(env: dict[str, str], name: str, *args) -> None:
    subprocess.run([sys.executable, "-m", "celery", "-A", "cdp", "call", name,
                    "--args", json.dumps(list(args))],
                   cwd=ROOT, env=env, check=True, capture_output=True, timeout=60)


def call(url: str, method: str = "GET", body: dict | None = None,
         headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(
        url, method=method, headers={"Content-Type": "application/json", **(headers or {})},
        data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
    except (urllib.error.URLError, ConnectionError):
        return 0, {}, b""


def progress(partnership, key: str = "treatment") -> PlanProgressSummary:
    return PlanProgressSummary.objects.get(partnership=partnership, axis="priority", key=key)


def test_redis_stops_while_a_lead_saves_a_milestone(tenants, redis, tmp_path):
    """The save succeeds and is kept; the recompute waits, recorded as dirty, and the sweep
    runs it once Redis is back."""
    lead = tenants.users["a_lead"]
    key = token_create(user=lead, name="faults")[1]
    auth = {"Authorization": f"Token {key}"}
    milestone = tenants.milestones["a"]
    url = f"/api/v1/milestones/{milestone.pk}/"
    assert progress(tenants.a).complete == 0
    env = app_env(redis.url)
    with web(env, tmp_path / "web.log") as base:
        status, headers, _ = call(base + url, headers=auth)
        assert status == 200
        redis.stop()

        status, _, body = call(base + url, "PATCH", {"status": "complete",
                                                     "progress_note": "Provider change"},
                               {**auth, "If-Match": headers["ETag"]})
        assert status == 200, body
        milestone.refresh_from_db()
        assert (milestone.status, milestone.progress_note) == ("complete", "Provider change")
        state = SummaryState.objects.get(partnership=tenants.a)
        assert state.dirty, "the recompute is recorded as pending"
        status, _, body = call(base + "/healthz")
        assert status == 503 and json.loads(body)["broker"] == "unavailable"
        # Pages still serve: the lead reads the plan over the API.
        assert call(base + url, headers=auth)[0] == 200

        redis.start()
        assert call(base + "/healthz")[0] == 200
        log = tmp_path / "worker.log"
        with worker({**env, "DJANGO_LOG_FORMAT": "json"}, log):
            # What beat sends every 10 minutes; here at once.
            send_task(env, "outcomes.tasks.recompute_dirty_summaries")
            wait_until(lambda: not SummaryState.objects.get(partnership=tenants.a).dirty,
                       60, "the sweep")
            wait_until(lambda: '"cdp.tasks"' in log.read_text(), 30, "the task's log line")
    assert progress(tenants.a).complete == 1
    # The worker logs through the app's JSON log, not Celery's own lines.
    lines = [json.loads(line) for line in log.read_text().splitlines()
             if line.startswith("{")]
    [swept] = [line for line in lines if line.get("logger") == "cdp.tasks"
               and line["task"] == "outcomes.tasks.recompute_dirty_summaries"]
    assert swept["state"] == "SUCCESS" and swept["duration_ms"] > 0 and swept["request_id"]


def test_a_worker_killed_mid_recompute_leaves_consistent_summaries_and_the_task_runs_again(
        tenants, redis, tmp_path, monkeypatch):
    from outcomes.services import summaries as services

    env = app_env(redis.url)
    before = progress(tenants.a)
    assert before.complete == 0
    # The change, committed, with its recompute not yet run (this process has no broker; it
    # would run it at once).
    monkeypatch.setattr(services, "_flush_pending", lambda pending: None)
    milestone = tenants.milestones["a"]
    plans.milestone_update(milestone=milestone, user=tenants.users["a_lead"],
                           version=milestone.version, changes={"status": "complete"})
    log = tmp_path / "worker.log"
    with worker(env, log) as process:
        # Hold the partnership's summary state, so that the recompute stops inside its write
        # transaction, with its rows deleted and not yet all written back.
        with transaction.atomic():
            SummaryState.objects.select_for_update().get(partnership=tenants.a)
            runs = SummaryRun.objects.count()
            send_task(env, "outcomes.tasks.recompute_summaries", tenants.a.pk)
            wait_until(lambda: SummaryRun.objects.count() > runs, 60, "the recompute to start")
            time.sleep(1)
            children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True,
                                      text=True).stdout.split()
            assert len(children) == 1, children
            os.kill(int(children[0]), signal.SIGKILL)
            wait_until(lambda: "WorkerLostError" in log.read_text()
                       or "SIGKILL" in log.read_text(), 30, "the worker to notice")
            # Readers still see the previous figures, complete.
            assert progress(tenants.a).complete == 0
        # The lock is let go: the message, never acknowledged, is run again.
        wait_until(lambda: not SummaryState.objects.get(partnership=tenants.a).dirty, 90,
                   "the task to run again")
    after = progress(tenants.a)
    assert (after.total, after.complete) == (before.total, 1)
    assert SummaryRun.objects.filter(status=SummaryRun.Status.SUCCEEDED).count() >= 1


def copy_database(source: str, target: str) -> None:
    """This test's committed data into another PostgreSQL, with pg_dump and psql."""
    admin = target.rsplit("/", 1)[0] + "/postgres"
    subprocess.run([postgres_binary("psql"), "-q", "-d", admin, "-c", "CREATE DATABASE cdp"],
                   check=True, capture_output=True)
    dump = subprocess.run([postgres_binary("pg_dump"), "--no-owner", "--no-privileges",
                           "-d", source], check=True, capture_output=True)
    subprocess.run([postgres_binary("psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d", target],
                   input=dump.stdout, check=True, capture_output=True)


def test_postgresql_restarts_and_the_app_recovers_without_a_restart(tenants, redis, tmp_path):
    import psycopg2

    key = token_create(user=tenants.users["a_analyst"], name="faults")[1]
    auth = {"Authorization": f"Token {key}"}
    with throwaway_postgres() as url:
        copy_database(database_url(), url)
        env = {**app_env(redis.url, database=url), "DATABASE_CONN_MAX_AGE": "600"}
        with web(env, tmp_path / "web.log") as base, worker(env, tmp_path / "worker.log"):
            api = base + "/api/v1/observations/?partnership=rotherham"
            assert call(api, headers=auth)[0] == 200
            before = json.loads(call(base + "/healthz")[2])["last_summary_run"]

            with psycopg2.connect(url) as conn, conn.cursor() as cursor:
                cursor.execute("SHOW data_directory")
                data = cursor.fetchone()[0]
            conn.close()
            # With its own log file: the restarted server must not hold this test's pipes.
            log = str(Path(data).parent / "restarted.log")
            subprocess.run(run_as_service_user(
                [postgres_binary("pg_ctl"), "-D", data, "-l", log, "-m", "fast", "-w",
                 "restart"]), check=True, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, timeout=60)

            # The same processes: web's kept connection is found dead and replaced.
            status, _, body = call(api, headers=auth)
            assert status == 200, body[:500]
            assert call(base + "/healthz")[0] == 200
            # And the worker's: a recompute runs and is recorded.
            send_task(env, "outcomes.tasks.recompute_summaries", tenants.a.pk)
            wait_until(lambda: json.loads(call(base + "/healthz")[2])["last_summary_run"]
                       not in (None, before), 60, "a recompute after the restart")


@pytest.fixture
def full_disk(tmp_path, settings):
    """MEDIA_ROOT on a small file system of its own, filled up: a real full disk."""
    media = tmp_path / "media"
    media.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(media)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.strip()}")
    try:
        with (media / "filler").open("wb", buffering=0) as filler:
            with contextlib.suppress(OSError):
                while True:
                    filler.write(b"x" * 4096)
        settings.MEDIA_ROOT = str(media)
        yield media
    finally:
        subprocess.run(["umount", "-l", str(media)], check=False)


def files_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_a_full_disk_refuses_evidence_clearly_and_loses_nothing(client, tenants, full_disk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from actionplans.models import Milestone
    from tests.actionplans.views.helpers import milestone_url, progress_form

    milestone = tenants.milestones["a"]
    client.force_login(tenants.users["a_lead"])
    upload = SimpleUploadedFile("board minutes.pdf", b"%PDF-1.4 " + b"m" * 20000)
    response = client.post(milestone_url(milestone, "progress/"), {
        **progress_form(milestone, status="at_risk", progress_note="Waiting list grew"),
        "evidence_file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "The file could not be stored (No space left on device). Nothing was saved" in page
    # What the lead typed is still in the form, to send again.
    assert "Waiting list grew" in page
    saved = Milestone.objects.get(pk=milestone.pk)
    assert (saved.version, saved.status, saved.evidence_file.name) == (
        milestone.version, milestone.status, milestone.evidence_file.name)
    assert files_in(full_disk) == ["filler"]  # no part-file left behind


def test_a_full_disk_refuses_an_import_clearly_and_loses_nothing(client, tenants, full_disk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from outcomes.models import ImportBatch, Observation

    batches, observations = ImportBatch.objects.count(), Observation.objects.count()
    client.force_login(tenants.users["a_analyst"])
    data = b"metric,area_code,period,value\n" + b"numbers_in_treatment,E08000018,2021,5\n" * 2000
    response = client.post("/partnerships/rotherham/data/imports/new/",
                           {"file": SimpleUploadedFile("figures.csv", data), "format": "tidy"})
    assert response.status_code in (200, 400)
    assert "could not be stored (No space left on device). Nothing was imported" in (
        response.content.decode())
    assert (ImportBatch.objects.count(), Observation.objects.count()) == (batches, observations)
    assert files_in(full_disk) == ["filler"]


@pytest.mark.slow  # starts Chromium
def test_a_full_disk_fails_a_board_pack_clearly_and_leaves_no_part_file(tenants, full_disk):
    from django.utils import timezone

    from cdp import board_packs
    from cdp.models import BoardPack

    pack = BoardPack.objects.create(partnership=tenants.a, requested_by=tenants.users["a_lead"],
                                    attempted_at=timezone.now())
    made = board_packs.board_pack_generate(pack_id=pack.pk)
    assert made.status == "failed"
    assert "The board pack could not be saved (No space left on device)" in made.failure
    assert files_in(full_disk) == ["filler"]


IMPORT = ("metric,area_code,period,value\n"
          + "".join(f"numbers_in_treatment,E08000018,{year},{year - 1900}\n"
                    for year in range(1990, 2000)))


def _apply_and_die(batch_id: int, user_id: int, ready) -> None:
    """In a child process: apply the import, but stop for good once its rows are written,
    inside its transaction; the parent then kills it."""
    from django.contrib.auth import get_user_model
    from django.db import connections

    from outcomes.services import imports as services

    connections.close_all()

    def hang(batch, plan):
        ready.set()
        time.sleep(600)

    services._record = hang
    services.import_commit(batch_id=batch_id, user=get_user_model().objects.get(pk=user_id))


def test_an_import_killed_midway_shows_nothing_and_can_be_applied_again(tenants):
    import multiprocessing

    from outcomes import services
    from outcomes.models import ImportBatch, Observation

    analyst = tenants.users["a_analyst"]
    batch = services.import_start(partnership=tenants.a, user=analyst, file_name="old.csv",
                                  data=IMPORT.encode(), format="tidy")
    batch = services.import_validate(batch_id=batch.pk)
    assert (batch.status, batch.inserted) == ("preview", 10)
    before = Observation.objects.count()
    connection.close()
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    child = context.Process(target=_apply_and_die, args=(batch.pk, analyst.pk, ready))
    child.start()
    try:
        assert ready.wait(60), "the import never wrote its rows"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.join(30)
    assert child.exitcode == -signal.SIGKILL
    # Nothing of it is visible, and the batch is as it was before the click.
    assert Observation.objects.count() == before
    assert ImportBatch.objects.get(pk=batch.pk).status == "preview"

    done = services.import_commit(batch_id=batch.pk, user=analyst)
    assert (done.status, done.inserted) == ("complete", 10)
    assert Observation.objects.count() == before + 10
    # A second click, or a task delivered again, finds it done and changes nothing.
    again = services.import_commit(batch_id=batch.pk, user=analyst)
    assert again.status == "complete" and Observation.objects.count() == before + 10


def test_a_large_import_with_the_queue_down_says_so_and_can_be_applied_later(
        tenants, monkeypatch):
    from django.core.exceptions import ValidationError

    from outcomes import tasks
    from outcomes.models import ImportBatch, Observation
    from outcomes.services import background
    from outcomes.services import imports as services

    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(services, "BACKGROUND_ROWS", 5)
    monkeypatch.setattr(background, "tasks_run_in_process", lambda: False)  # a broker, down
    monkeypatch.setattr(tasks.commit_import, "delay", broker_down)
    analyst = tenants.users["a_analyst"]
    batch = services.import_start(partnership=tenants.a, user=analyst, file_name="big.csv",
                                  data=IMPORT.encode(), format="tidy")
    batch = services.import_validate(batch_id=batch.pk)
    before = Observation.objects.count()
    with pytest.raises(ValidationError, match="task queue is not answering. Nothing was "
                                              "imported. Apply it again in a few minutes"):
        services.import_apply(batch=batch, user=analyst, accept_valid=False)
    assert ImportBatch.objects.get(pk=batch.pk).status == "preview"
    assert Observation.objects.count() == before
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 5000)  # small enough to apply now
    applied, queued = services.import_apply(batch=batch, user=analyst, accept_valid=False)
    assert (applied.status, queued) == ("complete", False)


def test_an_import_being_applied_cannot_be_cancelled_meanwhile(tenants):
    """Cancel while another process applies the batch: refused at once, so that a batch is
    never both imported and called cancelled."""
    import threading

    from django.core.exceptions import ValidationError
    from django.db import connections

    from outcomes import services
    from outcomes.models import ImportBatch

    analyst = tenants.users["a_analyst"]
    batch = services.import_start(partnership=tenants.a, user=analyst, file_name="old.csv",
                                  data=IMPORT.encode(), format="tidy")
    batch = services.import_validate(batch_id=batch.pk)
    held, release = threading.Event(), threading.Event()

    def apply_slowly():  # as import_commit does: the batch's row held for the whole import
        try:
            with transaction.atomic():
                ImportBatch.objects.select_for_update().get(pk=batch.pk)
                held.set()
                release.wait(30)
        finally:
            connections.close_all()

    applier = threading.Thread(target=apply_slowly)
    applier.start()
    try:
        assert held.wait(30)
        with pytest.raises(ValidationError, match="being applied"):
            services.import_cancel(batch=batch, user=analyst)
        with pytest.raises(ValidationError, match="being applied"):
            services.import_queue_commit(batch=batch, user=analyst, accept_valid=False)
    finally:
        release.set()
        applier.join(30)
    assert ImportBatch.objects.get(pk=batch.pk).status == "preview"
    assert services.import_cancel(batch=batch, user=analyst).status == "cancelled"
