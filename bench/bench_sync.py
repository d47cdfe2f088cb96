"""Time and memory of the Fingertips sync of one indicator: the real OHID file for 91380
(6,597 rows, every upper-tier authority) served by a local HTTP server as Fingertips serves it.

Three runs, each in a fresh process so that its peak resident memory (ru_maxrss) is its own:
a first sync (every row new), a new LastUploadedAt with the same file (every row unchanged),
and the same LastUploadedAt again (nothing fetched). Run with `make bench BENCH=sync`; the
table goes to bench/results/sync.txt. Targets: < 10 s and < 200 MB a run.
"""

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from harness import ROOT, benchmark_database, report, setup_django

INDICATOR = 91380
AREA_TYPE = 102
FIXTURE = Path(ROOT) / "fixtures" / "alcohol_specific_mortality_91380.csv"
TARGET_SECONDS = 10
TARGET_MB = 200


def child() -> None:
    """One sync run in this process; prints its time, peak memory and what it did, and
    beforehand the time of the download and its check alone (the client's part)."""
    setup_django()
    import tempfile

    from outcomes.fingertips.client import FingertipsClient
    from outcomes.services import sync

    started = time.perf_counter()
    with tempfile.TemporaryFile() as spool:
        FingertipsClient.from_settings().download_csv(
            indicator_id=INDICATOR, child_area_type_id=AREA_TYPE, parent_area_type_id=6,
            into=spool, max_bytes=100 * 1024 * 1024)
    download = time.perf_counter() - started
    started = time.perf_counter()
    result = sync.sync_run(indicator_ids=[INDICATOR])
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    outcome = result.outcomes[0]
    print(f"RESULT {elapsed:.2f} {download:.2f} {peak_mb:.1f} "
          f"{outcome.action.replace(' ', '_')} "
          f"{outcome.detail}", flush=True)


def serve():
    """A local server answering as Fingertips does; returns it and a setter of the stamp."""
    import json

    from pytest_httpserver import HTTPServer
    from werkzeug import Response

    body = FIXTURE.read_bytes()
    stamp = {"now": "2019-11-05T09:30:12.347"}
    server = HTTPServer(host="127.0.0.1", port=0)
    server.expect_request("/api/indicator_metadata/by_indicator_id").respond_with_handler(
        lambda request: Response(json.dumps({str(INDICATOR): {
            "IID": INDICATOR, "DataChange": {"LastUploadedAt": stamp["now"]}}}),
            content_type="application/json"))
    server.expect_request("/api/all_data/csv/by_indicator_id").respond_with_handler(
        lambda request: Response(body, content_type="application/octet-stream"))
    server.start()
    return server, stamp


def main() -> None:
    setup_django()
    from bench_import_memory import _test_database_url
    from django.conf import settings
    from django.db import connection

    from outcomes.models import Metric

    server, stamp = serve()
    rows = []
    try:
        with benchmark_database("bench_sync"):
            # The catalogue's alcohol-specific mortality, pinned to the file's area type.
            Metric.objects.filter(fingertips_id=INDICATOR, owner=None).update(
                fingertips_area_type_id=AREA_TYPE)
            os.makedirs(settings.MEDIA_ROOT, exist_ok=True)
            env = {**os.environ, "DATABASE_URL": _test_database_url(connection.settings_dict),
                   "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "bench-" + "x" * 50,
                   "PASSWORD_PEPPER": "bench-pepper-not-a-secret-" + "p" * 20,
                   "MFA_ENCRYPTION_KEY": "YmVuY2gta2V5LW5vdC1hLXNlY3JldC1iZW5jaC1rZXk=",
                   "DJANGO_ALLOWED_HOSTS": "localhost",
                   "FINGERTIPS_API_URL": server.url_for("/api/"), "FINGERTIPS_ATTEMPTS": "1"}
            for label, uploaded in (("first sync", None), ("new upload, same file",
                                                          "2020-02-04T09:30:00"),
                                    ("nothing new", None)):
                if uploaded:
                    stamp["now"] = uploaded
                result = subprocess.run([sys.executable, __file__, "--child"], env=env,
                                        capture_output=True, text=True, check=True)
                line = next(x for x in result.stdout.splitlines() if x.startswith("RESULT"))
                _, seconds, download, peak, action, *detail = line.split()
                rows.append([label, float(seconds), float(download), float(peak), action,
                             " ".join(detail)])
    finally:
        server.stop()
    slowest, peak = max(r[1] for r in rows), max(r[3] for r in rows)
    within = slowest < TARGET_SECONDS and peak < TARGET_MB
    report("sync", ["run", "seconds", "download + check s", "peak RSS MB", "action", "detail"],
           rows,
           notes=f"Indicator {INDICATOR}, {FIXTURE.stat().st_size / 1024 / 1024:.1f} MB, "
                 f"6,597 rows, from a local server. Slowest {slowest:.2f} s, peak {peak:.0f} MB "
                 f"(targets < {TARGET_SECONDS} s, < {TARGET_MB} MB): "
                 f"{'within' if within else 'OVER'} target. 'seconds' is the whole run (ask, "
                 f"fetch, check, import, recompute); the download and its check alone are "
                 f"timed beforehand.")


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        child()
    else:
        main()
