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


FINGERTIPS_HEADER = (
    "Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,Sex,Age,"
    "Category Type,Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,"
    "Lower CI 99.8 limit,Upper CI 99.8 limit,Count,Denominator,Value note,Recent Trend,"
    "Compared to England value or percentiles,Compared to Region value or percentiles,"
    "Time period Sortable,New data,Compared to goal"
)


def build_fingertips_file(indicator_ids: list[int]) -> bytes:
    """100,000 Fingertips rows for Rotherham: indicators × months × categories, with notes."""
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    lines = [FINGERTIPS_HEADER]
    n = 0
    category = 0
    while n < ROWS:
        category += 1
        for indicator in indicator_ids:
            for year in range(2015, 2025):
                for month in months:
                    lines.append(
                        f"{indicator},Synthetic indicator name for the benchmark,E12000003,"
                        f"Yorkshire and the Humber region (statistical),E08000018,Rotherham,"
                        f"Districts & UAs (from Apr 2023),Persons,18+ yrs,Synthetic group,"
                        f"Group {category},{month} {year},{10 + n % 97},{8 + n % 97},"
                        f"{12 + n % 97},,,{n % 50},{1000 + n},"
                        f"\"Synthetic, with a note\",,"
                        f"Similar,Similar,{year}0000,,"
                    )
                    n += 1
                    if n == ROWS:
                        return ("\r\n".join(lines) + "\r\n").encode()
    return ("\r\n".join(lines) + "\r\n").encode()


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


def child(path: str, file_format: str) -> None:
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
                            format=file_format)
        elapsed = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        counts = f"{batch.inserted} {batch.updated} {batch.unchanged} {batch.rejected}"
        print(f"RESULT {file_format} {run} {elapsed:.2f} {peak_mb:.1f} {counts}", flush=True)


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
        ids = list(Metric.objects.filter(owner=None, fingertips_id__isnull=False)
                   .values_list("fingertips_id", flat=True))
        os.makedirs(settings.MEDIA_ROOT, exist_ok=True)
        # As in production: DEBUG off (with DEBUG on, Django keeps every query's SQL).
        env = {**os.environ, "DATABASE_URL": _test_database_url(connection.settings_dict),
               "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "bench-" + "x" * 50,
               "PASSWORD_PEPPER": "bench-pepper-not-a-secret-" + "p" * 20,
               "MFA_ENCRYPTION_KEY": "YmVuY2gta2V5LW5vdC1hLXNlY3JldC1iZW5jaC1rZXk=",
               "DJANGO_ALLOWED_HOSTS": "localhost"}
        rows, sizes = [], {}
        for file_format, data in (("tidy", build_file(codes)),
                                  ("fingertips", build_fingertips_file(ids))):
            path = os.path.join(settings.MEDIA_ROOT, f"bench-100k-{file_format}.csv")
            with open(path, "wb") as f:
                f.write(data)
            sizes[file_format] = len(data) / 1024 / 1024
            del data
            result = subprocess.run([sys.executable, __file__, "--child", path, file_format],
                                    env=env, capture_output=True, text=True, check=True)
            os.remove(path)
            for line in result.stdout.splitlines():
                if line.startswith("RESULT"):
                    _, fmt, run, seconds, peak, inserted, updated, unchanged, rejected = (
                        line.split())
                    rows.append([f"{fmt} {sizes[fmt]:.1f} MB, import {run}", ROWS,
                                 float(seconds), float(peak), int(inserted), int(updated),
                                 int(unchanged), int(rejected)])
    peak = max(r[3] for r in rows)
    report(
        "import_memory",
        ["file, run", "rows", "seconds", "peak RSS MB", "inserted", "updated", "unchanged",
         "rejected"],
        rows,
        notes=f"Each file imported twice in one fresh process. Highest peak: {peak:.0f} MB "
              f"(budget {BUDGET_MB} MB): {'within' if peak <= BUDGET_MB else 'OVER'} budget.",
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
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
