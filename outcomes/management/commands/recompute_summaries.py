"""manage.py recompute_summaries [--partnership SLUG]: the Celery task's service, in process."""

from django.core.management.base import BaseCommand, CommandError

from partnerships.models import Partnership

from ... import services


class Command(BaseCommand):
    help = ("Recompute the dashboard summaries of every partnership, or of one, in this process, "
            "and print how long it took.")

    def add_arguments(self, parser):
        parser.add_argument("--partnership", metavar="SLUG",
                            help="Only this partnership (its ranks use the others' summaries).")

    def handle(self, *args, partnership: str | None = None, **options) -> None:
        ids = None
        if partnership:
            found = Partnership.objects.filter(slug=partnership).values_list("pk", flat=True)
            if not found:
                raise CommandError(f"there is no partnership {partnership!r}")
            ids = list(found)
        result = services.summaries_recompute(partnership_ids=ids)
        self.stdout.write(
            f"Recomputed {result.rows} summaries of {result.partnerships} partnership"
            f"{'s' if result.partnerships != 1 else ''} in {result.seconds:.2f} s.")
