"""The roles together under load: bench/locustfile.py's leads editing milestones, board members
opening dashboards and analysts exporting CSV, 50 concurrent users for 60 s, against gunicorn
with a real Celery worker, PostgreSQL and Redis, on national-scale synthetic data
(`outcomes.synthetic.generate(partnerships=150, years=10)`, about a million observations).

It sets up the data (a lead, a board member (viewer) and an analyst with an API token in each
of several partnerships, each with an action plan of 36 milestones), recomputes the
summaries, collects the static files, starts gunicorn (production settings, DJANGO_DEBUG=0)
and `celery -A cdp worker` (broker and cache: Redis database 5), runs locust headless, and
checks that the milestone saves reached the worker (the recomputes it ran, and every edited
partnership's summaries clean afterwards). Targets: no request fails, p95 under 300 ms.

Run with `make bench BENCH=load` (real PostgreSQL and Redis). LOAD_USERS, LOAD_SECONDS,
LOAD_SPAWN_RATE and LOAD_PORT change the run (50, 60, 10, 8061). Prints a table and writes
bench/results/load.txt. The figures depend on what else the machine is doing: the notes give
the load average before and after.
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import redis
from bench_api import BIN, cpu_seconds, met, server
from bench_summaries import build_viewer
from harness import ROOT, benchmark_database, report, setup_django

PARTNERSHIPS, YEARS = 150, 10
# 10 partnerships, one in each region and a tenth, each with figures of its own for its
# analysts to export (outcomes/synthetic.py gives them to every fourth: n % 4 == 1).
LOADED = [f"synthetic-{n:03d}" for n in range(1, PARTNERSHIPS + 1, 16)]
USERS = int(os.environ.get("LOAD_USERS", 50))
SECONDS = int(os.environ.get("LOAD_SECONDS", 60))
SPAWN_RATE = float(os.environ.get("LOAD_SPAWN_RATE", 10))
PORT = int(os.environ.get("LOAD_PORT", 8061))
# The broker's and the cache's, flushed before the run (LOAD_REDIS_DB: another one, when the
# machine's Redis is shared).
REDIS_DB = int(os.environ.get("LOAD_REDIS_DB", 5))
ADMINS = 3  # partnership administrators each, who sign in with the authenticator app's code
ADMIN_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # the bench's own, not a secret
# gunicorn on 2 CPUs shared with the worker, PostgreSQL and locust: two processes a CPU,
# threads for the time spent waiting on PostgreSQL, and idle connections kept longer
# than the users think (gunicorn's 2 s would race the clients' reuse of them: resets).
GUNICORN = ["--config", "python:cdp.gunicorn"]  # as deployed: 4 workers of 3 threads
LOCUSTFILE = ROOT / "bench" / "locustfile.py"

# Targets.
P95_MS = 300
SIGN_INS = {"sign-in", "sign-in second factor"}  # the locustfile's names


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- The data ------------------------------------------------------------------------------
def prepare() -> dict:
    """The national data, the users of each role and their plans, fresh summaries, and what
    the locustfile needs to know: returned, to be written as JSON for it."""
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth import get_user_model

    from actionplans.models import Milestone
    from cdp.tokens import token_create
    from outcomes import services
    from outcomes.models import MetricSummary
    from outcomes.synthetic import generate
    from partnerships.services import membership_create

    generate(partnerships=PARTNERSHIPS, years=YEARS)
    partnerships = []
    for slug in LOADED:
        partnership, viewer = build_viewer(slug)  # its lead, viewer and plan; password "x"
        analyst = get_user_model().objects.create_user(f"{slug}-analyst", password=None)
        membership_create(partnership=partnership, user=analyst, role="analyst")
        _, key = token_create(user=analyst, name="load")
        admins = [get_user_model().objects.create_user(f"{slug}-admin-{n}", password="x")
                  for n in range(ADMINS)]
        for admin in admins:
            membership_create(partnership=partnership, user=admin, role="admin")
            TOTP.activate(admin, ADMIN_TOTP_SECRET)
        partnerships.append({
            "slug": slug,
            "lead": [f"{slug}-lead", "x"],
            "board": [viewer.username, "x"],
            "admins": [[admin.username, "x"] for admin in admins],
            "token": key,
            "milestones": list(Milestone.objects.filter(partnership=partnership)
                               .order_by("pk").values_list("pk", flat=True)),
        })
    services.summaries_recompute(partnership_ids=None)
    for entry in partnerships:
        entry["metrics"] = sorted(set(MetricSummary.objects.filter(
            partnership__slug=entry["slug"]).values_list("metric_id", flat=True)))[:12]
    return {"partnerships": partnerships, "totp_secret": ADMIN_TOTP_SECRET}


def worker_evidence(began: float, ended: float) -> dict:
    """What the worker did for the milestone saves: its recomputes during the run, and whether
    every edited partnership's summaries were recomputed since and are clean, once the
    debounce window has passed."""
    from datetime import UTC, datetime

    from django.conf import settings

    from actionplans.models import Milestone
    from outcomes.models import SummaryRun, SummaryState

    start, end = (datetime.fromtimestamp(t, UTC) for t in (began, ended))
    edited = Milestone.history.filter(history_date__gte=start).values("partnership_id")
    states = SummaryState.objects.filter(partnership_id__in=edited)
    deadline = time.monotonic() + settings.SUMMARY_DEBOUNCE_SECONDS * 3 + 30
    while (states.filter(dirty=True).exists() or states.filter(computed_at__lt=start).exists()
           ) and time.monotonic() < deadline:
        time.sleep(1)
    runs = SummaryRun.objects.filter(started_at__gte=start)
    seconds = [(r.finished_at - r.started_at).total_seconds()
               for r in runs.filter(status=SummaryRun.Status.SUCCEEDED)]
    return {
        "saves": Milestone.history.filter(history_date__gte=start).count(),
        "edited": states.count(),
        "clean": states.filter(dirty=False, computed_at__gte=start).count(),
        "runs": runs.filter(started_at__lte=end).count(),
        "after": runs.filter(started_at__gt=end).count(),
        "failed": runs.exclude(status=SummaryRun.Status.SUCCEEDED).count(),
        "median_s": statistics.median(seconds) if seconds else 0.0,
        "max_s": max(seconds, default=0.0),
    }


# --- The servers ---------------------------------------------------------------------------
def production_env(database_url: str, broker_url: str, static_root: Path) -> dict[str, str]:
    """Production settings (cdp/settings.py) on plain HTTP: gunicorn's and the worker's. The
    pepper and the second factor's key are this process's, which stored the passwords and the
    authenticator apps' keys."""
    from django.conf import settings

    return {**os.environ, "PASSWORD_PEPPER": settings.PASSWORD_PEPPER,
            "MFA_ENCRYPTION_KEY": settings.MFA_ENCRYPTION_KEY,
            "DATABASE_URL": database_url, "DATABASE_CONN_MAX_AGE": "60",
            "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "bench-load-not-a-secret-" + "y" * 40,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_STATIC_ROOT": str(static_root), "CELERY_BROKER_URL": broker_url,
            "DJANGO_LOG_LEVEL": "WARNING"}


def cpu_by_view(log: Path) -> list[str]:
    """gunicorn's CPU time by view, from its request log (cdp.requests' `cpu_ms`, the
    thread's own CPU, so not inflated by waiting): requests, median ms, and the share of
    all requests' CPU, busiest first."""
    spent: dict[str, list[float]] = {}
    for line in log.read_text(errors="replace").splitlines():
        if '"cdp.requests"' not in line:
            continue
        with contextlib.suppress(ValueError, KeyError):
            entry = json.loads(line)
            spent.setdefault(f"{entry['method']} {entry['view']}", []).append(entry["cpu_ms"])
    total = sum(sum(ms) for ms in spent.values()) or 1
    return [f"{view} {len(ms)}, {statistics.median(ms):.0f} ms, {sum(ms) / total:.0%}"
            for view, ms in sorted(spent.items(), key=lambda kv: -sum(kv[1]))]


def celery_worker(env: dict[str, str], log: Path):
    """`celery -A cdp worker`, one process (the recompute is CPU-bound), waited for until it
    says it is ready, and stopped afterwards."""
    command = [str(BIN / "celery"), "-A", "cdp", "worker", "--concurrency", "1",
               "--loglevel", "INFO", "--hostname", "load@%h", "--without-gossip",
               "--without-mingle"]
    return server(command, {**env, "DJANGO_LOG_LEVEL": "INFO"},
                  lambda: b" ready." in log.read_bytes(), log)


def process_tree(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *(int(c) for c in children)]


def database_backends() -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid()")
        return [pid for (pid,) in cursor.fetchall()]


def cpu_used(groups: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds so far of each group of processes (those gone since count nothing), and
    the whole machine's busy seconds."""
    used = {}
    for name, pids in groups.items():
        used[name] = 0.0
        for pid in pids:
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                used[name] += cpu_seconds(pid)
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    used["machine"] = (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # locust, once it has ended
    used["locust"] = children.ru_utime + children.ru_stime
    return used


def resident_mb(pids: list[int]) -> list[float]:
    """Each live process's resident memory, in MB."""
    sizes = []
    for pid in pids:
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return sizes


def log_problems(log: Path, pattern: str) -> list[str]:
    return [line for line in log.read_text(errors="replace").splitlines()
            if re.search(pattern, line)]


# --- The load ------------------------------------------------------------------------------
def every_worker_ready(log: Path, timeout: float = 60) -> None:
    """Waits until each of gunicorn's workers has loaded the views (cdp.gunicorn's
    post_worker_init): the first to be ready would otherwise take the first users'
    connections, and keep them."""
    from cdp import gunicorn

    workers = gunicorn.workers
    deadline = time.monotonic() + timeout
    while log.read_bytes().count(b"Worker ready") < workers:
        if time.monotonic() > deadline:
            sys.exit(f"bench_load: gunicorn's workers were not ready in {timeout:.0f} s")
        time.sleep(0.1)


def warm_up(base: str) -> None:
    """Every worker thread's first requests load the URLs and compile templates: not timed."""
    import requests

    with ThreadPoolExecutor(12) as pool:
        for got in pool.map(lambda _: requests.get(f"{base}/sign-in/", timeout=60), range(36)):
            got.raise_for_status()


def run_locust(base: str, plan: Path, requests: Path, log: Path) -> None:
    command = [str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "--host", base,
               "-u", str(USERS), "-r", f"{SPAWN_RATE:g}", "-t", f"{SECONDS}s", "--only-summary",
               "--stop-timeout", "10"]
    with log.open("wb") as out:
        # Its exit status is 1 when a request failed: the table says so.
        subprocess.run(command, env={**os.environ, "LOAD_PLAN": str(plan),
                                     "LOAD_REQUESTS": str(requests)},
                       cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, check=False,
                       timeout=SECONDS + 120)


def percentile(ordered: list[float], q: float) -> float:
    """The nearest-rank percentile of sorted values."""
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def figures(name: str, records: list[tuple], seconds: float, settled: float) -> list[object]:
    """A row of the table; its last figure is the p95 of the requests started at `settled`
    or later."""
    times = sorted(r[3] for r in records)
    later = sorted(r[3] for r in records if r[0] >= settled)
    return [name, len(times), sum(1 for r in records if r[4]), percentile(times, 0.5),
            percentile(times, 0.95), percentile(times, 0.99), times[-1], len(times) / seconds,
            percentile(later, 0.95) if later else "-"]


def table(requests: Path) -> tuple[list[list[object]], list[str], float]:
    """One row per kind of request, then all of them, then those that started once every
    user had signed in (after the sign-in burst); the distinct failures; and when the last
    sign-in ended, in seconds from the first request."""
    with requests.open(newline="") as found:
        records = [(float(t), method, name, float(ms), error)
                   for t, method, name, ms, error in csv.reader(found)]
    if not records:
        return [], [], 0.0
    start = min(r[0] for r in records)
    seconds = max(r[0] + r[3] / 1000 for r in records) - start
    settled = max((r[0] + r[3] / 1000 for r in records if r[2] in SIGN_INS), default=start)
    kinds = sorted({(r[2], r[1]) for r in records})
    rows = [figures(f"{method} {name}", [r for r in records if (r[2], r[1]) == (name, method)],
                    seconds, settled) for name, method in kinds]
    rows.append(figures("total", records, seconds, settled))
    later = [r for r in records if r[0] >= settled]
    if later:
        rows.append(figures("total, after the last sign-in", later, start + seconds - settled,
                            settled))
    errors = Counter(f"{r[1]} {r[2]}: {r[4]}" for r in records if r[4])
    return rows, [f"{e} ({n}x)" for e, n in errors.most_common()], settled - start


def load(plan: Path, database_url: str, broker_url: str, folder: Path) -> dict:
    """Serves the database with gunicorn and a worker, runs locust against them, and returns
    what happened."""
    env = production_env(database_url, broker_url, folder / "static")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
                   env=env, cwd=ROOT, check=True)
    redis.Redis.from_url(broker_url).flushdb()  # no tasks or debounce keys of an earlier run
    base = f"http://127.0.0.1:{PORT}"
    command = [str(BIN / "gunicorn"), "cdp.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
               *GUNICORN, "--timeout", "120", "--no-control-socket"]
    gunicorn_log, worker_log = folder / "gunicorn.log", folder / "worker.log"
    # At INFO, gunicorn's log holds a line per request with its CPU time (cpu_by_view).
    with (server(command, {**env, "DJANGO_LOG_LEVEL": "INFO"}, f"{base}/healthz",
                 gunicorn_log) as web,
          celery_worker(env, worker_log) as tasks):
        every_worker_ready(gunicorn_log)
        warm_up(base)
        groups = {"gunicorn": process_tree(web.pid), "worker": process_tree(tasks.pid),
                  "PostgreSQL": database_backends()}
        before, cpu_before = loadavg(), cpu_used(groups)
        began = time.time()
        run_locust(base, plan, folder / "requests.csv", folder / "locust.log")
        ended = time.time()
        workers_mb = resident_mb(process_tree(web.pid)[1:])
        groups["PostgreSQL"] = sorted({*groups["PostgreSQL"], *database_backends()})
        after, cpu_after = loadavg(), cpu_used(groups)
        worker = worker_evidence(began, ended)
    cpu = {name: cpu_after[name] - cpu_before[name] for name in cpu_after}
    cpu["seconds"] = ended - began
    rows, failed, settled = table(folder / "requests.csv")
    if not rows:
        sys.exit(f"locust reported nothing:\n{(folder / 'locust.log').read_text()[-3000:]}")
    return {"rows": rows, "failures": failed, "settled": settled, "worker": worker, "cpu": cpu,
            "password": password_check_cpu(),
            "loadavg": (before, after),
            "server_errors": log_problems(gunicorn_log, r"ERROR|Traceback|CRITICAL"),
            "cpu_views": cpu_by_view(gunicorn_log), "workers_mb": workers_mb,
            "task_errors": log_problems(worker_log, r"ERROR|raised unexpected|Traceback"),
            "succeeded": len(log_problems(worker_log, r"recompute_summaries\[.*\] succeeded"))}


def password_check_cpu() -> tuple[float, str]:
    """The CPU seconds of checking one password, as every sign-in does, and the hasher."""
    from django.contrib.auth.hashers import check_password, identify_hasher, make_password

    hashed = make_password("x")
    began = time.process_time()
    check_password("x", hashed)
    hasher = identify_hasher(hashed)
    rounds = getattr(hasher, "iterations", None)
    return time.process_time() - began, hasher.algorithm + (f", {rounds:,} iterations"
                                                            if rounds else "")


def write_report(got: dict, prepared_s: float) -> None:
    rows, worker, (load_before, load_after) = got["rows"], got["worker"], got["loadavg"]
    kinds = [r for r in rows if not r[0].startswith("total")]
    total = next(r for r in rows if r[0] == "total")
    settled = next((r for r in rows if r[0].startswith("total, after")), None)
    over = [f"{r[0]} ({r[4]:.0f} ms)" for r in kinds if r[4] >= P95_MS]
    errors = total[2] + len(got["server_errors"]) + len(got["task_errors"])
    cpu = got["cpu"]
    ours = sum(cpu[name] for name in ("gunicorn", "worker", "PostgreSQL", "locust"))
    notes = [
        f"Data: generate(partnerships={PARTNERSHIPS}, years={YEARS}); {len(LOADED)} "
        f"partnerships with a lead, a board member, an analyst (API token) and "
        f"{ADMINS} administrators (authenticator app) each and a "
        f"plan of 36 milestones; set up in {prepared_s:.0f} s.",
        f"Load: locust, {USERS} users ({SPAWN_RATE:g} a second) for {SECONDS} s, board "
        "members:leads:analysts:administrators 5:3:2:1 (bench/locustfile.py; administrators "
        "sign in with the authenticator app's code); times in ms as locust "
        "measures them (to the end of the body), nearest-rank percentiles of every request; "
        f"the last column leaves out the sign-in burst: requests started after the last "
        f"sign-in ended, {got['settled']:.0f} s into the run.",
        f"Server: gunicorn {' '.join(GUNICORN)}, DJANGO_DEBUG=0, plain HTTP on 127.0.0.1, "
        f"{len(got['workers_mb'])} workers of resident memory "
        f"{min(got['workers_mb'], default=0):.0f}-{max(got['workers_mb'], default=0):.0f} MB "
        f"at the end; celery worker --concurrency 1; broker and cache Redis database "
        f"{REDIS_DB}.",
        f"Worker: {worker['saves']} milestone saves (in the history) led to {worker['runs']} "
        f"summary recomputes during the run and {worker['after']} after it "
        f"({got['succeeded']} task successes in its log; median {worker['median_s']:.2f} s, "
        f"max {worker['max_s']:.2f} s; {worker['failed']} failed); {worker['clean']} of "
        f"{worker['edited']} edited partnerships recomputed since the start and clean at the end.",
        f"Load average (1, 5, 15 min) before the run: {load_before}; after: {load_after}; "
        f"{os.cpu_count()} CPUs.",
        "CPU seconds used during the run: " + ", ".join(
            f"{name} {cpu[name]:.0f}" for name in ("gunicorn", "worker", "PostgreSQL", "locust"))
        + f"; the machine {cpu['machine']:.0f} of {cpu['seconds'] * os.cpu_count():.0f} "
        f"(other work {cpu['machine'] - ours:.0f}); gunicorn "
        f"{cpu['gunicorn'] / total[1] * 1000:.0f} ms a request on average, sign-ins included: "
        f"each one's password check takes {got['password'][0]:.2f} s ({got['password'][1]}).",
        "gunicorn's CPU by view (requests, median CPU ms, share of the CPU of all requests, "
        "from its request log): " + "; ".join(got["cpu_views"]) + ".",
        "Targets:",
        f"- nothing errors: {total[2]} failed requests, {len(got['server_errors'])} server "
        f"errors and {len(got['task_errors'])} worker errors logged, {met(errors == 0)}",
        f"- p95 under {P95_MS} ms: {total[4]:.0f} ms over all requests, "
        f"{met(total[4] < P95_MS)}"
        + (f"; {settled[4]:.0f} ms after the last sign-in, {met(settled[4] < P95_MS)}"
           if settled else "")
        + (f"; kinds over it in the whole run: {', '.join(over)}" if over else ""),
        "- sign-in, with the second factor, p95 under " f"{P95_MS} ms: " + ", ".join(
            f"{r[0]} {r[4]:.0f} ms" for r in kinds if r[0].split(" ", 1)[1] in SIGN_INS)
        + f", {met(all(r[4] < P95_MS for r in kinds if r[0].split(' ', 1)[1] in SIGN_INS))}",
        f"- milestone saves recomputed on the worker: "
        f"{met(0 < worker['clean'] == worker['edited'])}",
        *(["Failures:", *(f"- {f}" for f in got["failures"][:10])] if got["failures"] else []),
        *(["Server errors:", *(f"- {e[:300]}" for e in got["server_errors"][:10])]
          if got["server_errors"] else []),
        *(["Worker errors:", *(f"- {e[:300]}" for e in got["task_errors"][:10])]
          if got["task_errors"] else []),
    ]
    report("load", ["request", "requests", "failures", "median ms", "p95 ms", "p99 ms",
                    "max ms", "req/s", "p95 ms after sign-ins"], rows, notes="\n".join(notes))


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench_load needs PostgreSQL and Redis: run it with `make bench BENCH=load`")
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", PORT)) == 0:
            sys.exit(f"bench_load: something already listens on 127.0.0.1:{PORT} (LOAD_PORT)")
    setup_django()
    from django.db import connection

    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    broker_url = urlunsplit(urlsplit(redis_url)._replace(path=f"/{REDIS_DB}"))
    with benchmark_database("bench_load"), tempfile.TemporaryDirectory(prefix="bench_load_") as tmp:
        folder = Path(tmp)
        began = time.perf_counter()
        (folder / "plan.json").write_text(json.dumps(prepare()))
        prepared_s = time.perf_counter() - began
        database_url = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(
            path=f"/{connection.settings_dict['NAME']}"))
        got = load(folder / "plan.json", database_url, broker_url, folder)
    write_report(got, prepared_s)


if __name__ == "__main__":
    main()
