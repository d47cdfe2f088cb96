"""`manage.py expire_import_previews`: the hourly expiry of unconfirmed imports, run now."""

from django.conf import settings
from django.core.management.base import BaseCommand

from cdp.tasks import expire_previews


class Command(BaseCommand):
    help = (
        'Expires observation and plan imports left "Ready to confirm" for longer than '
        "IMPORT_PREVIEW_TTL_HOURS, and deletes their stored files."
    )

    def handle(self, *args, **options):
        expired, hours = expire_previews(), settings.IMPORT_PREVIEW_TTL_HOURS
        self.stdout.write(
            f"{expired} import{'s' if expired != 1 else ''} expired (not "
            f"confirmed within {hours} hour{'s' if hours != 1 else ''})."
        )
