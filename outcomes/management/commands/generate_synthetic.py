"""manage.py generate_synthetic --partnerships N --years Y: clearly synthetic national data."""

import time

from django.core.management.base import BaseCommand, CommandError

from outcomes.synthetic import generate


class Command(BaseCommand):
    help = "Create synthetic partnerships with a value for every national metric, for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--partnerships", type=int, default=150)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, partnerships, years, seed, **options):
        if not 0 < partnerships <= 999:
            raise CommandError("--partnerships must be between 1 and 999")
        if not 0 < years <= 50:
            raise CommandError("--years must be between 1 and 50")
        started = time.perf_counter()
        created = generate(partnerships=partnerships, years=years, seed=seed)
        self.stdout.write(
            f"Synthetic data: {created['partnerships']} partnerships, "
            f"{created['observations']} observations and {created['benchmarks']} published "
            f"figures created in {time.perf_counter() - started:.1f}s."
        )
