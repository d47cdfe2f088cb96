"""manage.py load_demo: the seed partnerships with their plans, figures and demo users."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the demo partnerships, plans and figures from the seeds, and print the demo users."

    def handle(self, *args, **options) -> None:
        # Each domain app contributes its demo data here as it lands; loading is idempotent.
        loaders: list = []
        for loader in loaders:
            loader(stdout=self.stdout)
        self.stdout.write("Demo data loaded: no demo partnerships or users are defined yet.")
