"""manage.py import_observations FILE: the same import as the upload page and the API.

With --reference, a national administrator (--user must be a superuser) loads the file into
the national reference data: every area's rows, England's and the regions' included."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from outcomes.importers import FileProblem
from outcomes.models import ImportBatch
from outcomes.services import imports
from partnerships import access
from partnerships.models import Partnership


class Command(BaseCommand):
    help = "Import observations from a Fingertips download or a tidy CSV/XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV or XLSX file")
        parser.add_argument("--format", choices=["fingertips", "tidy"], default=None,
                            help="default: fingertips for a file with an 'Indicator ID' column")
        parser.add_argument("--partnership", help="the slug of the partnership to load into")
        parser.add_argument("--reference", action="store_true",
                            help="load the national reference data (national admins only): "
                                 "every area's published figures")
        parser.add_argument("--user", help="who is importing (default: the first superuser)")
        parser.add_argument("--create-missing-metrics", action="store_true",
                            help="add unknown Fingertips indicators as local metrics")
        parser.add_argument("--dry-run", action="store_true",
                            help="check the file and show what would change; write nothing")
        parser.add_argument("--accept-valid", action="store_true",
                            help="import the valid rows even when others are rejected")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        user = self._user(options["user"])
        if options["reference"]:
            if options["partnership"]:
                raise CommandError("--reference loads no partnership: drop --partnership")
            if not access.is_national(user):
                raise CommandError(f"{user} is not a national administrator (a superuser): "
                                   "only they load the national reference data")
            partnership = None
        else:
            partnership = self._partnership(user, options["partnership"])
        file_format = options["format"] or (
            "fingertips" if b"indicator id" in data[:400].lower() else "tidy"
        )
        try:
            # A command waits for its import, whatever its size: it has no progress bar.
            batch = imports.submit(
                partnership=partnership, user=user, file_name=path.name, data=data,
                format=file_format, create_missing_metrics=options["create_missing_metrics"],
                dry_run=options["dry_run"], accept_valid=options["accept_valid"],
                background=False,
            ).batch
        except (FileProblem, PermissionDenied, ValidationError) as error:
            raise CommandError(_one_line(error)) from None
        self._report(batch, dry_run=options["dry_run"])
        if batch.status == ImportBatch.Status.FAILED:
            raise CommandError(f"{path.name}: {batch.failure}")
        if batch.status == ImportBatch.Status.PREVIEW and not options["dry_run"]:
            rows = "row" if batch.rejected == 1 else "rows"
            raise CommandError(
                f"{batch.rejected} {rows} rejected, so nothing was imported; fix them or "
                "pass --accept-valid"
            )

    def _user(self, username):
        users = get_user_model().objects
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"no user called {username!r}")
            return user
        user = users.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError("no superuser exists: pass --user USERNAME")
        return user

    def _partnership(self, user, slug):
        allowed = Partnership.objects.for_user(user, access.LOAD_DATA)
        if slug:
            partnership = allowed.filter(slug=slug).first()
            if partnership is None:
                raise CommandError(f"{user} cannot load data into a partnership {slug!r}")
            return partnership
        choices = list(allowed[:2])
        if len(choices) != 1:
            raise CommandError("say which partnership to load into with --partnership SLUG")
        return choices[0]

    def _report(self, batch: ImportBatch, *, dry_run: bool) -> None:
        pending = (ImportBatch.Status.PREVIEW, ImportBatch.Status.DRY_RUN)
        verb = "would be" if dry_run or batch.status in pending else "were"
        self.stdout.write(
            f"{batch.file_name}: {batch.rows_total} rows. {batch.inserted} {verb} inserted, "
            f"{batch.updated} updated, {batch.unchanged} unchanged; {batch.skipped} skipped, "
            f"{batch.rejected} rejected."
        )
        for problem in batch.problems.all()[:50]:
            self.stdout.write(f"  line {problem.line}: {problem.get_kind_display().lower()}: "
                              f"{problem.reason}")
        if batch.rejected + batch.skipped > 50:
            self.stdout.write(f"  … and {batch.rejected + batch.skipped - 50} more")


def _one_line(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)
