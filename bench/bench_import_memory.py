"""Memory and time of importing the same 100,000-row file twice (the second run upserts).

Each measurement runs in a fresh process, so its peak resident memory (ru_maxrss) is the
import's own. Run with `make bench BENCH=import_memory`; the table goes to
bench/results/import_memory.txt. The budget is 500 MB for the two imports together.
"""

import csv
import io
import os
import resource
import subprocess
import sys
import time

from harness import benchmark_database, report, setup_django

ROWS = 100_000
BUDGET_MB = 500


def build_file(metric_codes: list[str]) -> bytes:
    """100,000 distinct observations for Rotherham: metrics × months × breakdown categories."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["metric", "area_code", "period", "value", "count", "category_type",
                     "category", "value_note"])
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    n = 0
    while n < ROWS:
        for code in metric_codes:
            for year in range(2015, 2025):
                for month in months:
                    category = f"Group {n // 3840 % 40 + 1}"
                    writer.writerow([code, "E08000018", f"{month} {year}", 10 + n % 97,
                                     n % 50, "Synthetic group", category, "Synthetic"])
                    n += 1
                    if n == ROWS:
                        return buffer.getvalue().encode()
    return buffer.getvalue().encode()


def child(path: str) -> None:
    """Runs the two imports in this process and prints peak memory after each."""
    setup_django()
    from django.contrib.auth import get_user_model

    from outcomes.services import import_file
    from partnerships.models import Partnership

    data = open(path, "rb").read()
    user = get_user_model().objects.get(username="bench.analyst")
    partnership = Partnership.objects.get(slug="rotherham")
    for run in (1, 2):
        started = time.perf_counter()
        batch = import_file(partnership=partnership, user=user, file_name="bench.csv", data=data,
                            format="tidy")
        elapsed = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"RESULT {run} {elapsed:.2f} {peak_mb:.1f} {batch.inserted} {batch.updated} "
              f"{batch.unchanged} {batch.rejected}", flush=True)


def main() -> None:
    setup_django()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection

    from outcomes.models import Metric
    from partnerships import services
    from partnerships.demo import load_demo_partnerships

    with benchmark_database():
        load_demo_partnerships()
        analyst = get_user_model().objects.create_user("bench.analyst")
        from partnerships.models import Partnership

        services.membership_create(partnership=Partnership.objects.get(slug="rotherham"),
                                   user=analyst, role="analyst")
        codes = list(Metric.objects.filter(owner=None).values_list("code", flat=True))
        path = os.path.join(settings.MEDIA_ROOT, "bench-100k.csv")
        os.makedirs(settings.MEDIA_ROOT, exist_ok=True)
        data = build_file(codes)
        with open(path, "wb") as f:
            f.write(data)
        env = {**os.environ, "DATABASE_URL": _test_database_url(connection.settings_dict)}
        result = subprocess.run([sys.executable, __file__, "--child", path], env=env,
                                capture_output=True, text=True, check=True)
        os.remove(path)
    rows = []
    for line in result.stdout.splitlines():
        if line.startswith("RESULT"):
            _, run, seconds, peak, inserted, updated, unchanged, rejected = line.split()
            rows.append([f"import {run}", ROWS, float(seconds), float(peak), int(inserted),
                         int(updated), int(unchanged), int(rejected)])
    peak = max(r[3] for r in rows)
    report(
        "import_memory",
        ["run", "rows", "seconds", "peak RSS MB", "inserted", "updated", "unchanged",
         "rejected"],
        rows,
        notes=f"File {len(data) / 1024 / 1024:.1f} MB. Peak for both imports in one process: "
              f"{peak:.0f} MB (budget {BUDGET_MB} MB): {'within' if peak <= BUDGET_MB else 'OVER'}"
              " budget.",
    )


def _test_database_url(settings_dict) -> str:
    if "sqlite" in settings_dict["ENGINE"]:
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
