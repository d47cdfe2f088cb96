"""manage.py sync_fingertips [--indicator ID] [--dry-run]: the scheduled sync, run now."""

from django.core.management.base import BaseCommand, CommandError

from ...models import FingertipsIndicator
from ...services import sync


class Command(BaseCommand):
    help = ("Fetch from Fingertips the indicators whose data changed since they were last "
            "synced, and load them into the national reference data (the scheduled sync, "
            "run now in this process). Exits 1 if any indicator failed.")

    def add_arguments(self, parser):
        parser.add_argument("--indicator", type=int, action="append", metavar="ID",
                            help="Only this Fingertips indicator id (repeatable); a stopped one "
                                 "is restarted.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Say what changed and would be fetched; fetch and write nothing.")

    def handle(self, *args, indicator=None, dry_run=False, **options) -> None:
        if indicator:
            self._restart(indicator, dry_run)
        try:
            report = sync.sync_run(indicator_ids=indicator, dry_run=dry_run)
        except sync.SyncBusy as error:
            raise CommandError(str(error)) from None
        if not report.outcomes:
            raise CommandError("no Fingertips indicator is configured: give the catalogue's "
                               "metrics a Fingertips id, or add one on /data/fingertips-sync/")
        for o in report.outcomes:
            batch = f" (batch {o.batch_id})" if o.batch_id else ""
            self.stdout.write(f"{o.indicator_id} at area type {o.area_type_id}: {o.action}"
                              f"{batch}. {o.detail}")
        summary = ", ".join(f"{report.count(a)} {a}" for a in
                            ("fetched", "would fetch", "unchanged", "failed", "stopped")
                            if report.count(a))
        self.stdout.write(("Dry run, nothing written: " if dry_run else "") + summary + ".")
        if report.failed or report.count("stopped"):
            raise CommandError(f"{report.failed + report.count('stopped')} indicator(s) "
                               f"failed or are stopped; see above")

    def _restart(self, ids: list[int], dry_run: bool) -> None:
        if not dry_run:
            sync.sync_configure()
        from ...services.sync import catalogue_unconfigured

        known = set(FingertipsIndicator.objects.filter(indicator_id__in=ids)
                    .values_list("indicator_id", flat=True))
        known |= {row.indicator_id for row in catalogue_unconfigured()}
        unknown = sorted(set(ids) - known)
        if unknown:
            raise CommandError(f"indicator {unknown[0]} is not configured: add it on "
                               f"/data/fingertips-sync/ first")
        if dry_run:
            return
        from ...services.imports import system_user

        for row in FingertipsIndicator.objects.filter(indicator_id__in=ids,
                                                      state=FingertipsIndicator.State.STOPPED):
            sync.sync_restart(user=system_user(), indicator=row)
            self.stdout.write(f"{row.indicator_id} at area type {row.child_area_type_id}: "
                              f"restarted (it was stopped).")
