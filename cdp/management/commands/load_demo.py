"""manage.py load_demo: the seed partnerships with their plans, figures and demo users."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from actionplans.demo import load_demo_plans
from cdp.public.demo import load_demo_public_page
from cdp.signin.demo import DEMO_TOTP_SECRET, enrol_demo_admins
from outcomes.demo import load_demo_outcomes
from outcomes.services import summaries_deferred, summaries_recompute
from partnerships.demo import load_demo_partnerships


class Command(BaseCommand):
    help = "Load the demo partnerships from the seeds and print the demo users. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even with DJANGO_DEBUG off. The demo users have a published password.",
        )

    def handle(self, *args, allow_production: bool = False, **options) -> None:
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "refusing to load demo users with a published password in production mode "
                "(DJANGO_DEBUG off); pass --allow-production to do it anyway"
            )
        with summaries_deferred():
            users = load_demo_partnerships()
            load_demo_outcomes()
            load_demo_plans()
            load_demo_public_page()
        # The demo's dashboards are ready at once, whether or not a worker runs.
        summaries_recompute()
        # Administrators sign in with a second factor: the demo's published authenticator key.
        with_key = enrol_demo_admins([u.username for u in users])
        rows = [("username", "partnership", "role", "password", "authenticator app key")] + [
            (u.username, u.partnership, u.role, u.password,
             DEMO_TOTP_SECRET if u.username in with_key else "") for u in users
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(5)]
        self.stdout.write("Demo users (demo only: never load these in production)")
        for n, row in enumerate(rows):
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
