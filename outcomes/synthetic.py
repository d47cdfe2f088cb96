"""National-scale synthetic data for benchmarks and load tests. Everything says "Synthetic"
(illustrative figures, not real ones).

Partnerships `synthetic-001`… each cover one synthetic local authority, every tenth two (codes
E69xxxxxx, which ONS does not use), spread over England's nine regions. The national reference
data holds, for every one of those areas (area type "Synthetic upper tier", parent its region),
a value of every national metric in every period of the last `years` years at the metric's own
frequency (quarters for quarterly metrics, three-year rolling periods, every other year for
biennial ones), broken down the way Fingertips publishes: persons, male and female, and three
age bands. England and every region get the same, to benchmark against. Every fourth
partnership also holds figures of its own for the same points (one in twenty different). 150
partnerships over 10 years make about 600,000 published figures and 150,000 observations.

On PostgreSQL the rows are loaded with COPY (a million rows in seconds); elsewhere with
bulk_create.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from partnerships import services as partnership_services
from partnerships.models import LocalAuthority, Partnership, Region

from .bulk import insert_rows
from .models import ImportBatch, Metric, Observation, ReferenceFigure
from .periods import Period, parse_period

SYNTHETIC = "Synthetic"
ENGLAND = "E92000001"
AREA_TYPE = "Synthetic upper tier"
# (sex, age) of each row: the all-persons headline first, then the breakdowns.
BREAKDOWNS = [("Persons", "All ages"), ("Male", "All ages"), ("Female", "All ages"),
              ("Persons", "18-29"), ("Persons", "30-49"), ("Persons", "50+")]
SHARES = {"Persons": 1.0, "Male": 0.6, "Female": 0.4, "18-29": 0.3, "30-49": 0.45, "50+": 0.25}
COLUMNS = ["metric_id", "area_code", "area_name", "period_label", "period_start", "period_end",
           "period_year_type", "period_sortable", "sex", "age", "category_type", "category",
           "value", "count", "denominator", "value_note", "source", "batch_id"]


def periods(frequency: str, first_year: int, last_year: int) -> list[Period]:
    """The periods a metric of this frequency is published for, oldest first."""
    years = range(first_year, last_year + 1)
    if frequency in (Metric.Frequency.QUARTERLY, Metric.Frequency.MONTHLY):
        labels = [f"{y}/{(y + 1) % 100:02d} Q{q}" for y in years for q in range(1, 5)]
    elif frequency == Metric.Frequency.ROLLING_THREE_YEARS:
        labels = [f"{y - 2} - {y % 100:02d}" for y in years]
    elif frequency == Metric.Frequency.BIENNIAL:
        labels = [f"{y}/{(y + 1) % 100:02d}" for y in years if (last_year - y) % 2 == 0]
    elif frequency == Metric.Frequency.AD_HOC:
        labels = [f"{y}/{(y + 1) % 100:02d}" for y in years if (last_year - y) % 3 == 0]
    else:
        labels = [f"{y}/{(y + 1) % 100:02d}" for y in years]
    return [parse_period(label) for label in labels]


def _value(unit: str, rng: random.Random, base: float, share: float
           ) -> tuple[float, float, float | None]:
    """A plausible value with its count, and a denominator where the unit needs one."""
    if unit == Metric.Unit.PERCENTAGE:
        denominator = max(5, round(rng.randint(80, 3000) * share))
        rate = min(max(base / 100 + rng.gauss(0, 0.03), 0.01), 0.99)
        count = round(denominator * rate)
        return 100 * count / denominator, float(count), float(denominator)
    if unit == Metric.Unit.COUNT:
        count = max(0, round(base * share * (1 + rng.gauss(0, 0.1))))
        return float(count), float(count), None
    population = round(rng.randint(100_000, 1_200_000) * share)
    scale = {"rate_per_1000": 1_000, "rate_per_10000": 10_000}.get(unit, 100_000)
    count = max(0, round(base * population / scale * (1 + rng.gauss(0, 0.1))))
    return count * scale / population, float(count), float(population)


def _rows(metrics: list[Metric], spans: dict[int, list[Period]], bases: dict[int, float],
          areas: list[tuple[str, str]], rng: random.Random, batch_id: int | None
          ) -> Iterator[list]:
    for code, name in areas:
        for metric in metrics:
            for period in spans[metric.pk]:
                for sex, age in BREAKDOWNS:
                    share = SHARES[sex] * SHARES.get(age, 1.0)
                    value, count, denominator = _value(metric.unit, rng, bases[metric.pk], share)
                    yield [metric.pk, code, name, period.label, period.start, period.end,
                           period.year_type, period.sortable, sex, age, "", "", value, count,
                           denominator, SYNTHETIC, SYNTHETIC, batch_id]


@transaction.atomic
def generate(*, partnerships: int, years: int, seed: int = 2026) -> dict[str, int]:
    """Creates (or tops up to) `partnerships` synthetic partnerships with their data: the
    published figures for every one of their areas in the reference data and, for every
    fourth partnership (synthetic-001, -005, …), figures of its own for the same points, one
    in twenty of them differing from the published ones."""
    rng = random.Random(seed)
    regions = list(Region.objects.order_by("code"))
    admin = _loader()
    metrics = list(Metric.objects.filter(owner__isnull=True).order_by("pk"))
    bases = {m.pk: rng.uniform(5, 60) if m.unit != Metric.Unit.COUNT else rng.uniform(20, 900)
             for m in metrics}
    last_year = date.today().year - 1
    spans = {m.pk: periods(m.frequency, last_year - years + 1, last_year) for m in metrics}
    created = {"partnerships": 0, "observations": 0, "benchmarks": 0}
    published = None
    for n in range(1, partnerships + 1):
        region = regions[(n - 1) % len(regions)]
        partnership, areas, new = _partnership(n, region)
        created["partnerships"] += int(new)
        if ReferenceFigure.objects.filter(area_code=areas[0][0]).exists():
            continue
        published = published or _batch(admin, None)
        rows = list(_rows(metrics, spans, bases, areas, rng, published.pk))
        created["benchmarks"] += insert_rows(
            ReferenceFigure, [*COLUMNS, "area_type", "parent_code"],
            ([*row, AREA_TYPE, region.code] for row in rows))
        if n % 4 == 1:
            created["observations"] += _own(partnership, admin, rows, rng)
    if published is not None:
        published.inserted = published.rows_total = published.rows_done = created["benchmarks"]
        published.save()
    if not ReferenceFigure.objects.filter(source=SYNTHETIC, area_code=ENGLAND).exists() \
            and partnerships:
        created["benchmarks"] += _benchmarks(regions, metrics, spans, bases, rng)
    _analyze()
    return created


def _analyze() -> None:
    """Fresh planner statistics after the load, as after any bulk load: a
    planner that still thinks them empty joins them row by row (autovacuum, where it runs,
    catches up only later)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The whole database: a statement with no names built into it (ASVS 5.3.4), and
            # after a load of this size the other tables' figures are stale too.
            cursor.execute("ANALYZE")


def _batch(admin, partnership) -> ImportBatch:
    return ImportBatch.objects.create(
        partnership=partnership, created_by=admin, file_name="Synthetic data",
        format=ImportBatch.Format.TIDY, status=ImportBatch.Status.COMPLETE)


def _own(partnership, admin, rows: list[list], rng: random.Random) -> int:
    """The partnership's own figures for the published points: the same values, but one in
    twenty a little different (a local count, say)."""
    batch = _batch(admin, partnership)
    value = COLUMNS.index("value")

    def own(row: list) -> list:
        row = [*row[:-1], batch.pk, partnership.pk]
        if row[value] is not None and rng.random() < 0.05:
            row[value] = row[value] * 1.03
        return row

    count = insert_rows(Observation, [*COLUMNS, "partnership_id"], (own(row) for row in rows))
    batch.inserted = batch.rows_total = batch.rows_done = count
    batch.save()
    return count


def _loader():
    """The user the synthetic batches are created by: the first superuser, else the same
    inactive loader user each time the generator runs."""
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None:
        admin, _ = get_user_model().objects.get_or_create(
            username="synthetic.loader", defaults={"is_active": False})
    return admin


def _partnership(n: int, region: Region) -> tuple[Partnership, list[tuple[str, str]], bool]:
    """Synthetic partnership `n`, its areas (code, name) and whether it was created now: one
    area each, two for every tenth (150 partnerships: 165 areas, as England's ~150 upper-tier
    authorities in about as many partnerships)."""
    areas = [(f"E69{n:03d}{k:03d}", f"Synthetic area {n:03d}{'ab'[k - 1]}")
             for k in range(1, 3 if n % 10 == 0 else 2)]
    for code, name in areas:
        LocalAuthority.objects.update_or_create(
            code=code, defaults={"name": name, "region": region})
    partnership = Partnership.objects.filter(slug=f"synthetic-{n:03d}").first()
    if partnership is not None:
        return partnership, areas, False
    partnership = partnership_services.partnership_create(
        name=f"Synthetic partnership {n:03d}", slug=f"synthetic-{n:03d}",
        region=region, local_authority_codes=[code for code, _ in areas],
    )
    return partnership, areas, True


def _benchmarks(regions: list[Region], metrics: list[Metric], spans: dict[int, list[Period]],
                bases: dict[int, float], rng: random.Random) -> int:
    """England's and every region's synthetic values, where no benchmark is held: real
    benchmark values win, synthetic ones only fill the gaps. Returns how many were added."""
    batch = ImportBatch.objects.filter(file_name="Synthetic data",
                                       partnership__isnull=True).first()
    areas = [(ENGLAND, "England"), *[(r.code, r.name) for r in regions]]
    held = set(ReferenceFigure.objects.filter(area_code__in=[code for code, _ in areas])
               .values_list("metric_id", "area_code", "period_start", "period_end",
                            "period_year_type", "sex", "age"))
    rows = ([*row, "England" if row[1] == ENGLAND else "Region"]
            for row in _rows(metrics, spans, bases, areas, rng, batch.pk if batch else None)
            if (row[0], row[1], row[4], row[5], row[6], row[8], row[9]) not in held)
    return insert_rows(ReferenceFigure, [*COLUMNS, "area_type"], rows)
