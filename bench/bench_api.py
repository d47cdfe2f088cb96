"""The observations API over real HTTP, on national-scale synthetic data. On
`outcomes.synthetic.generate(partnerships=150, years=10)` (about a million observations) it
starts gunicorn (one sync worker, DJANGO_DEBUG=0) on the benchmark database and measures, in
one run: the streaming CSV export `GET /api/v1/observations/?format=csv` of everything a
national admin (a superuser, with a knox token) sees, and of smaller filtered exports, in rows
per second (fetched with `requests`, streamed, lines counted); the worker's peak memory while
exports of growing size stream (VmHWM from /proc, reset through clear_refs before each); the
p95 of 1,000-row JSON pages, following the `next` cursor; and datasette serving the same rows
(our own full export, loaded into SQLite) as a streamed CSV, taking turns with ours.

Run with `make bench BENCH=api` (real PostgreSQL), which installs the two benchmark-only
packages it needs (the `bench` extra: datasette and requests). Prints a table and writes
bench/results/api.txt. Compare ratios within one run: the machines are shared.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from harness import ROOT, benchmark_database, report, setup_django, summarise

PARTNERSHIPS, YEARS = 150, 10
FULL_REPEAT = 3  # full exports, ours and datasette's taking turns
SMALL_REPEAT = 5
PAGE_WALKS, PAGES_PER_WALK, PAGE_WARMUP = 20, 5, 3
BIN = Path(sys.executable).parent
API = "/api/v1/observations/"

# Targets.
ROWS_PER_S = 100_000
PAGE_P95_MS = 150
MB_PER_100K_ROWS = 1.0  # the worker's peak may grow by at most this per 100,000 more rows


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def server(command: list[str], env: dict[str, str], ready: str | Callable[[], bool], log: Path
           ) -> Iterator[subprocess.Popen]:
    """A server subprocess, waited for until it is ready (`ready`: a URL that answers, or a
    check of its own), and stopped afterwards."""
    import requests

    def answers() -> bool:
        if callable(ready):
            return ready()
        # Slow to answer (a busy machine, a first request warming up) is not ready yet.
        with contextlib.suppress(requests.ConnectionError, requests.Timeout):
            requests.get(ready, timeout=5)
            return True
        return False

    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not answers():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command[0]} did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def gunicorn(database_url: str, port: int, folder: Path):
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "0",
           "DJANGO_SECRET_KEY": "bench-api-not-a-secret-" + "x" * 40,
           "PASSWORD_PEPPER": "bench-pepper-not-a-secret-" + "p" * 20,
           "MFA_ENCRYPTION_KEY": "YmVuY2gta2V5LW5vdC1hLXNlY3JldC1iZW5jaC1rZXk=",
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SECURE_SSL_REDIRECT": "0",
           "DATABASE_CONN_MAX_AGE": "60", "DJANGO_LOG_LEVEL": "WARNING",
           "API_THROTTLE_USER": "100000/minute"}  # the bench's own requests are not throttled
    command = [str(BIN / "gunicorn"), "cdp.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", "1", "--worker-class", "sync", "--timeout", "900"]
    return server(command, env, f"http://127.0.0.1:{port}/healthz", folder / "gunicorn.log")


def datasette(database: Path, port: int, folder: Path):
    command = [str(BIN / "datasette"), "serve", str(database), "--host", "127.0.0.1",
               "--port", str(port), "--setting", "max_csv_mb", "0"]
    return server(command, dict(os.environ), f"http://127.0.0.1:{port}/-/versions.json",
                  folder / "datasette.log")


def worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    assert len(children) == 1, f"expected one gunicorn worker, found {children}"
    return int(children[0])


def memory_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time the process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fetch(session, url: str, save: Path | None = None) -> tuple[int, int, float, str]:
    """Streams one CSV: its data rows, its bytes, the seconds it took, and its header line."""
    began = time.perf_counter()
    lines = size = 0
    head = b""
    with (session.get(url, stream=True, timeout=900) as response,
          save.open("wb") if save else contextlib.nullcontext() as out):
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code} {response.text[:500]}")
        kind = response.headers.get("Content-Type", "")
        assert kind.startswith("text/csv"), (url, kind)
        for chunk in response.iter_content(chunk_size=1 << 16):
            lines += chunk.count(b"\n")
            size += len(chunk)
            if len(head) < 4096:
                head += chunk[:4096]
            if out:
                out.write(chunk)
    return lines - 1, size, time.perf_counter() - began, head.split(b"\n", 1)[0].decode()


def to_sqlite(csv_path: Path, database: Path) -> int:
    """Our export's rows, as they are (pandas guessing the types), into table `observations`."""
    import pandas as pd

    rows = 0
    with contextlib.closing(sqlite3.connect(database)) as conn:
        for chunk in pd.read_csv(csv_path, chunksize=200_000, low_memory=False):
            chunk.to_sql("observations", conn, if_exists="append", index=False)
            rows += len(chunk)
        conn.commit()
    return rows


def page_timings(session, base: str) -> tuple[list[float], int, list[str]]:
    """Milliseconds per 1,000-row JSON page: the first page, then `next` a few times."""
    timings, problems, size = [], [], 0
    for walk in range(PAGE_WARMUP + PAGE_WALKS):
        url = f"{base}{API}?page_size=1000"
        for _ in range(PAGES_PER_WALK):
            began = time.perf_counter()
            response = session.get(url, timeout=60)
            size = len(response.content)
            spent = (time.perf_counter() - began) * 1000
            response.raise_for_status()
            page = response.json()
            if len(page["results"]) != 1000 and not problems:
                problems.append(f"a JSON page held {len(page['results'])} rows, not 1000")
            if walk >= PAGE_WARMUP:
                timings.append(spent)
            url = page["next"]
            if not url:
                break
    return timings, size, problems


def met(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def main() -> None:
    missing = [name for name in ("requests", "datasette") if importlib.util.find_spec(name) is None]
    if missing or not (BIN / "datasette").exists():
        sys.exit(f"bench_api needs benchmark-only packages: {BIN / 'pip'} install "
                 f"{' '.join(missing or ['datasette'])}")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench_api needs PostgreSQL: run it with `make bench BENCH=api`")
    setup_django()
    import requests
    from django.contrib.auth import get_user_model
    from django.db import connection
    from knox.models import get_token_model

    from outcomes.models import Metric, Observation
    from outcomes.synthetic import generate

    problems: list[str] = []
    with benchmark_database("bench_api"), tempfile.TemporaryDirectory(prefix="bench_api_") as tmp:
        folder = Path(tmp)
        user = get_user_model().objects.create_superuser("bench.api", password=None)
        began = time.perf_counter()
        generate(partnerships=PARTNERSHIPS, years=YEARS)
        generated_s = time.perf_counter() - began
        _, key = get_token_model().objects.create(user=user, expiry=None, name="bench")
        total = Observation.objects.count()
        metric = Metric.objects.filter(owner__isnull=True).order_by("pk").first()
        # Exports of growing size (the last one everything), and how many rows each should have.
        exports = {"one partnership": ({"partnership": "synthetic-001"},
                                       {"partnership__slug": "synthetic-001"}),
                   f"metric {metric.code}": ({"metric": metric.code}, {"metric": metric}),
                   "male": ({"sex": "Male"}, {"sex": "Male"}),
                   "all ages": ({"age": "All ages"}, {"age": "All ages"}),
                   "all": ({}, {})}
        expected = {label: Observation.objects.filter(**lookup).count()
                    for label, (_, lookup) in exports.items()}
        database_url = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(
            path=f"/{connection.settings_dict['NAME']}"))

        session = requests.Session()
        session.headers["Authorization"] = f"Token {key}"
        api_port, ds_port = free_port(), free_port()
        base = f"http://127.0.0.1:{api_port}"
        urls = {label: f"{base}{API}?{urlencode({'format': 'csv', **query})}"
                for label, (query, _) in exports.items()}
        with gunicorn(database_url, api_port, folder) as master:
            pid = worker_pid(master.pid)
            saved = folder / "export.csv"  # for datasette; also warms up
            fetch(session, urls["all"], save=saved)
            memory = []  # (label, rows, rss before MB, peak increase MB, seconds, CPU s)
            for label, url in urls.items():
                if label != "all":
                    fetch(session, url)  # warm up
                Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS
                before, cpu = memory_mb(pid, "VmRSS"), cpu_seconds(pid)
                got, _, seconds, header = fetch(session, url)
                memory.append((label, got, before, memory_mb(pid, "VmHWM") - before, seconds,
                               cpu_seconds(pid) - cpu))
                if got != expected[label]:
                    problems.append(f"export {label}: {got:,} rows, expected {expected[label]:,}")
            timings, page_bytes, found = page_timings(session, base)
            problems += found

            began = time.perf_counter()
            copied = to_sqlite(saved, folder / "observations.db")
            sqlite_s = time.perf_counter() - began
            ds_url = (f"http://127.0.0.1:{ds_port}/observations/observations.csv"
                      "?_stream=on&_size=max&_dl=on")
            ours, theirs = [], []
            with datasette(folder / "observations.db", ds_port, folder):
                fetch(session, ds_url)  # warm up
                for _ in range(FULL_REPEAT):
                    got, ours_bytes, seconds, _ = fetch(session, urls["all"])
                    ours.append(got / seconds)
                    got_ds, ds_bytes, seconds, ds_header = fetch(session, ds_url)
                    theirs.append(got_ds / seconds)
            if got_ds != copied:
                problems.append(f"datasette streamed {got_ds:,} rows of {copied:,}")
            small = {label: statistics.median(
                        rows / seconds for rows, _, seconds, _ in
                        (fetch(session, urls[label]) for _ in range(SMALL_REPEAT)))
                     for label in ("one partnership", f"metric {metric.code}")}
            final_rss = memory_mb(pid, "VmRSS")

    ours_s, theirs_s = statistics.median(ours), statistics.median(theirs)
    page = summarise(timings)
    rows: list[list[object]] = [
        ["CSV export, all (ours)", f"{ours_s:,.0f} rows/s", f"median of {FULL_REPEAT}",
         f"{total:,} rows, {ours_bytes / 1e6:.0f} MB"],
        ["CSV export, all (datasette, SQLite)", f"{theirs_s:,.0f} rows/s",
         f"median of {FULL_REPEAT}", f"{copied:,} rows, {ds_bytes / 1e6:.0f} MB"],
        *([f"CSV export, {label} (ours)", f"{rate:,.0f} rows/s", f"median of {SMALL_REPEAT}",
           f"{expected[label]:,} rows"] for label, rate in small.items()),
        *([f"worker peak, export {label}", f"+{grew:.1f} MB", f"over {rss:.0f} MB RSS",
           f"{got:,} rows ({got / total:.0%}) in {seconds:.1f} s, worker CPU {cpu:.1f} s"]
          for label, got, rss, grew, seconds, cpu in memory),
        ["JSON page of 1,000 rows", f"{page['median_ms']:.1f} ms p50",
         f"{page['p95_ms']:.1f} ms p95",
         f"{page['n']} pages ({PAGES_PER_WALK} a cursor walk), {page_bytes // 1024} KB"],
    ]
    smallest, largest = memory[0], memory[-1]
    slope = (largest[3] - smallest[3]) / max(1, largest[1] - smallest[1]) * 100_000
    notes = [
        f"Data: generate(partnerships={PARTNERSHIPS}, years={YEARS}) — {total:,} observations, "
        f"generated in {generated_s:.0f} s.",
        f"Our CSV header: {header}",
        f"Datasette's: {ds_header} — our full export loaded into SQLite by pandas in "
        f"{sqlite_s:.0f} s; its table CSV with _stream=on&_size=max (max_csv_mb 0).",
        "Server: gunicorn, one sync worker, DJANGO_DEBUG=0, token auth; client: requests, "
        f"streamed in 64 KB chunks, lines counted. Worker RSS at the end {final_rss:.0f} MB.",
        "Targets:",
        f"- full CSV export at least {ROWS_PER_S:,} rows/s: {ours_s:,.0f}, "
        f"{met(ours_s >= ROWS_PER_S)}",
        f"- ours at least as fast as datasette: {ours_s / theirs_s:.2f}x, "
        f"{met(ours_s >= theirs_s)}",
        f"- JSON page p95 under {PAGE_P95_MS} ms: {page['p95_ms']:.1f} ms, "
        f"{met(page['p95_ms'] < PAGE_P95_MS)}",
        f"- worker peak flat, at most {MB_PER_100K_ROWS} MB more per 100,000 rows exported: "
        f"{slope:.2f} MB (peak increase +{largest[3]:.1f} MB for all rows, "
        f"+{smallest[3]:.1f} MB for {smallest[0]}), "
        f"{met(slope <= MB_PER_100K_ROWS)}",
        *(["Problems:", *(f"- {p}" for p in problems)] if problems else []),
        f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs.",
    ]
    report("api", ["measure", "figure", "of", "notes"], rows, notes="\n".join(notes))


if __name__ == "__main__":
    main()
