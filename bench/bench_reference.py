"""The national reference data's statistics at national scale.

England, 9 regions and 150 upper-tier authorities x 30 metrics x 10 single years x 3 sexes x
3 ages (432,000 rows), loaded into a throwaway database. Timed: reading the rows into pandas
(the floor any recompute pays), the pure computation (`reference_statistics`), and the whole
service (`reference_recompute`: read, compute, COPY and one UPDATE), first when every row
changes and then again when none does.

    DJANGO_DEBUG=1 DATABASE_URL=postgres://... python bench/bench_reference.py
"""

from __future__ import annotations

import statistics
import time

from harness import benchmark_database, report, setup_django

AREAS, METRICS, YEARS = 150, 30, 10
SEXES, AGES = ("Persons", "Male", "Female"), ("All ages", "18-64", "65+")
REPEAT = 3


def _areas() -> list[tuple[str, str, str]]:
    regions = [f"E1200000{i}" for i in range(1, 10)]
    return ([("E92000001", "England", "")] + [(r, "Region", "E92000001") for r in regions]
            + [(f"E06{i:06d}", "County & UA", regions[i % 9]) for i in range(AREAS)])


def _load() -> list[int]:
    """The metrics and their reference rows; returns the metric ids."""
    from datetime import date

    import numpy as np

    from outcomes.bulk import insert_rows
    from outcomes.models import Metric, ReferenceFigure

    kinds = [("higher_better", "proportion", "95"), ("lower_better", "crude_rate", "99.8"),
             ("no_judgement", "dsr", "both")]
    metrics = [Metric.objects.create(
        code=f"bench-{n}", name=f"Bench {n}", tier="related", unit="percentage",
        polarity=kinds[n % 3][0], frequency="annual", value_type=kinds[n % 3][1],
        confidence_level=kinds[n % 3][2], year_type="calendar") for n in range(METRICS)]
    rng = np.random.default_rng(18)
    columns = ["metric_id", "area_code", "area_type", "parent_code", "period_label",
               "period_start", "period_end", "period_year_type", "period_sortable", "sex",
               "age", "value", "lower_ci", "upper_ci", "lower_ci_998", "upper_ci_998",
               "count", "denominator"]
    for metric in metrics:
        rows = []
        for code, area_type, parent in _areas():
            for year in range(2010, 2010 + YEARS):
                for sex in SEXES:
                    for age in AGES:
                        value, half = rng.uniform(10, 50), rng.uniform(0.5, 5)
                        count = float(rng.integers(10, 1000))
                        rows.append([metric.pk, code, area_type, parent, str(year),
                                     date(year, 1, 1), date(year, 12, 31), "calendar",
                                     year * 10000, sex, age, value, value - half,
                                     value + half, value - 2 * half, value + 2 * half, count,
                                     count * 50])
        insert_rows(ReferenceFigure, columns, rows)
    return [metric.pk for metric in metrics]


def _seconds(call) -> float:
    timings = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    setup_django()
    from django.db import transaction

    from outcomes.aggregates.reference import reference_statistics
    from outcomes.models import Metric, ReferenceFigure
    from outcomes.services import reference
    from outcomes.services.summaries import _frame

    with benchmark_database("bench_reference"):
        with transaction.atomic():
            _load()
        rows = ReferenceFigure.objects.count()

        def read():
            return _frame(ReferenceFigure.objects.all(), reference.FIGURE_COLUMNS)

        frame = read()
        metrics = _frame(Metric.objects.all(), reference.METRIC_COLUMNS).rename(
            columns={"id": "metric_id"})
        read_s = _seconds(read)
        compute_s = _seconds(lambda: reference_statistics(frame, metrics))
        started = time.perf_counter()
        reference.reference_recompute()
        first_s = time.perf_counter() - started
        again_s = _seconds(reference.reference_recompute)
    report("reference", ["step", "seconds"], [
        ["read the rows into pandas (floor)", read_s],
        ["compute (reference_statistics)", compute_s],
        ["recompute, every row changed", first_s],
        ["recompute, nothing changed", again_s],
    ], notes=f"{rows:,} reference rows; medians of {REPEAT} except the first recompute.")


if __name__ == "__main__":
    main()
