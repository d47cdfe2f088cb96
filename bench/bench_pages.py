"""Server-side time of the base pages, through Django's full middleware stack.

Run with `make bench` (real PostgreSQL and Redis). Prints a table and writes
bench/results/pages.txt. Compare ratios within one run: the machines are shared.
"""

from harness import benchmark_database, report, setup_django, summarise, time_calls

PAGES = ["/", "/sign-in/", "/accessibility/", "/healthz"]
REPEAT = 300


def main() -> None:
    setup_django()
    from django.test import Client

    with benchmark_database():
        client = Client()
        rows = []
        for url in PAGES:
            stats = summarise(time_calls(lambda url=url: client.get(url), REPEAT))
            rows.append([url, stats["n"], stats["median_ms"], stats["p95_ms"], stats["max_ms"]])
        baseline = rows[0][2]
        for row in rows:
            row.append(row[2] / baseline)
    report(
        "pages",
        ["page", "requests", "median ms", "p95 ms", "max ms", "median / home"],
        rows,
        notes="In-process Django test client; excludes network and static files.",
    )


if __name__ == "__main__":
    main()
