"""National-scale synthetic data for benchmarks and load tests. Everything says "Synthetic".

Partnerships `synthetic-001`… each cover one synthetic local authority (codes E69xxxxxx, which
ONS does not use), spread over England's nine regions, with a value for every national metric
in every financial year, and England and regional benchmarks to compare them with.
"""

from __future__ import annotations

import random
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from partnerships import services as partnership_services
from partnerships.models import LocalAuthority, Partnership, Region

from .models import Benchmark, ImportBatch, Metric, Observation

SYNTHETIC = "Synthetic"


def _value(metric: Metric, rng: random.Random, base: float) -> tuple[float, float | None,
                                                                      float | None]:
    """A plausible value with count and denominator where the unit needs them."""
    if metric.unit == Metric.Unit.PERCENTAGE:
        denominator = rng.randint(80, 3000)
        share = min(max(base / 100 + rng.gauss(0, 0.03), 0.01), 0.99)
        count = round(denominator * share)
        return 100 * count / denominator, float(count), float(denominator)
    if metric.unit == Metric.Unit.COUNT:
        count = max(0, round(base * (1 + rng.gauss(0, 0.1))))
        return float(count), float(count), None
    population = rng.randint(100_000, 1_200_000)
    scale = {"rate_per_1000": 1_000, "rate_per_10000": 10_000}.get(metric.unit, 100_000)
    count = max(0, round(base * population / scale * (1 + rng.gauss(0, 0.1))))
    return count * scale / population, float(count), float(population)


@transaction.atomic
def generate(*, partnerships: int, years: int, seed: int = 2026) -> dict[str, int]:
    rng = random.Random(seed)
    regions = list(Region.objects.order_by("code"))
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None:  # the same inactive loader user each time the generator runs
        admin, _ = get_user_model().objects.get_or_create(
            username="synthetic.loader", defaults={"is_active": False})
    metrics = list(Metric.objects.filter(owner__isnull=True))
    bases = {m.pk: rng.uniform(5, 60) if m.unit != Metric.Unit.COUNT else rng.uniform(20, 900)
             for m in metrics}
    last_year = date.today().year - 1
    first_year = last_year - years + 1
    created = {"partnerships": 0, "observations": 0, "benchmarks": 0}
    for n in range(1, partnerships + 1):
        region = regions[(n - 1) % len(regions)]
        code = f"E69{n:06d}"
        LocalAuthority.objects.update_or_create(
            code=code, defaults={"name": f"Synthetic area {n:03d}", "region": region})
        partnership = Partnership.objects.filter(slug=f"synthetic-{n:03d}").first()
        if partnership is None:
            partnership = partnership_services.partnership_create(
                name=f"Synthetic partnership {n:03d}", slug=f"synthetic-{n:03d}",
                region=region, local_authority_codes=[code],
            )
            created["partnerships"] += 1
        if Observation.objects.filter(partnership=partnership).exists():
            continue
        batch = ImportBatch.objects.create(
            partnership=partnership, created_by=admin, file_name="Synthetic data",
            format=ImportBatch.Format.TIDY, status=ImportBatch.Status.COMPLETE,
        )
        rows = []
        for metric in metrics:
            for year in range(first_year, last_year + 1):
                value, count, denominator = _value(metric, rng, bases[metric.pk])
                label = f"{year}/{(year + 1) % 100:02d}"
                rows.append(Observation(
                    partnership=partnership, metric=metric, area_code=code,
                    area_name=f"Synthetic area {n:03d}", period_label=label,
                    period_start=date(year, 4, 1), period_end=date(year + 1, 3, 31),
                    period_year_type="financial", period_sortable=year * 10000, value=value,
                    count=count, denominator=denominator, source=SYNTHETIC,
                    value_note=SYNTHETIC, batch=batch,
                ))
        Observation.objects.bulk_create(rows, batch_size=2000)
        batch.inserted = batch.rows_total = batch.rows_done = len(rows)
        batch.save()
        created["observations"] += len(rows)
    if not Benchmark.objects.filter(source=SYNTHETIC).exists() and partnerships:
        batch = ImportBatch.objects.filter(file_name="Synthetic data").first()
        rows = []
        for area in ["E92000001", *[r.code for r in regions]]:
            for metric in metrics:
                for year in range(first_year, last_year + 1):
                    value, count, denominator = _value(metric, rng, bases[metric.pk])
                    label = f"{year}/{(year + 1) % 100:02d}"
                    rows.append(Benchmark(
                        metric=metric, area_code=area, period_label=label,
                        period_start=date(year, 4, 1), period_end=date(year + 1, 3, 31),
                        period_year_type="financial", period_sortable=year * 10000, value=value,
                        count=count, denominator=denominator, source=SYNTHETIC,
                        value_note=SYNTHETIC, batch=batch,
                    ))
        # Real benchmark values, where held, win: synthetic ones only fill the gaps.
        Benchmark.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        created["benchmarks"] = len(rows)
    return created
