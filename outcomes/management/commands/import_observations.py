"""manage.py import_observations FILE: the same import as the upload page and the API.

With --reference, a national administrator (--user must be a superuser) loads the file into
the national reference data: every area's rows, England's and the regions' included.

With --create-missing-metrics, each new metric's metadata is inferred from the file and
printed; --metadata FILE (Fingertips' indicator_metadata CSV) supplies it instead, and, for a
national administrator, also updates the national metrics it names. --metadata alone (no
data file) only does the latter."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q

from outcomes.importers import FileProblem
from outcomes.importers.metadata import read_metadata
from outcomes.models import ImportBatch, Metric
from outcomes.services import imports, metadata
from partnerships import access
from partnerships.models import Partnership


class Command(BaseCommand):
    help = "Import observations from a Fingertips download or a tidy CSV/XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the CSV or XLSX file")
        parser.add_argument("--format", choices=["fingertips", "tidy"], default=None,
                            help="default: fingertips for a file with an 'Indicator ID' column")
        parser.add_argument("--partnership", help="the slug of the partnership to load into")
        parser.add_argument("--reference", action="store_true",
                            help="load the national reference data (national admins only): "
                                 "every area's published figures")
        parser.add_argument("--user", help="who is importing (default: the first superuser)")
        parser.add_argument("--create-missing-metrics", action="store_true",
                            help="add unknown Fingertips indicators as metrics, with the "
                                 "metadata inferred from the file (printed)")
        parser.add_argument("--metadata", metavar="FILE",
                            help="Fingertips indicator metadata (CSV) for the metrics created, "
                                 "instead of inferring it; national admins also update the "
                                 "national metrics it names")
        parser.add_argument("--dry-run", action="store_true",
                            help="check the file and show what would change; write nothing")
        parser.add_argument("--accept-valid", action="store_true",
                            help="import the valid rows even when others are rejected")

    def handle(self, *args, **options):
        user = self._user(options["user"])
        known = self._metadata(user, options["metadata"], dry_run=options["dry_run"])
        if not options["file"]:
            if known is None:
                raise CommandError("name the file to import (or --metadata FILE)")
            return
        path = Path(options["file"])
        data = _read(path)
        partnership = self._destination(user, options)
        file_format = options["format"] or (
            "fingertips" if b"indicator id" in data[:400].lower() else "tidy"
        )
        before = _fingertips_ids(partnership)
        try:
            # A command waits for its import, whatever its size: it has no progress bar.
            batch = imports.submit(
                partnership=partnership, user=user, file_name=path.name, data=data,
                format=file_format, create_missing_metrics=options["create_missing_metrics"],
                dry_run=options["dry_run"], accept_valid=options["accept_valid"],
                background=False, metadata=known,
            ).batch
        except (FileProblem, PermissionDenied, ValidationError) as error:
            raise CommandError(_one_line(error)) from None
        self._report(batch, dry_run=options["dry_run"])
        self._new_metrics(batch, before, known)
        self._outcome(batch, path, dry_run=options["dry_run"])

    def _destination(self, user, options) -> Partnership | None:
        if not options["reference"]:
            return self._partnership(user, options["partnership"])
        if options["partnership"]:
            raise CommandError("--reference loads no partnership: drop --partnership")
        if not access.is_national(user):
            raise CommandError(f"{user} is not a national administrator (a superuser): only "
                               "they load the national reference data")
        return None

    def _metadata(self, user, name: str | None, *, dry_run: bool) -> dict | None:
        """The metadata file's entries; a national admin's also update national metrics."""
        if not name:
            return None
        try:
            known = dict(read_metadata(_read(Path(name))))
        except FileProblem as error:
            raise CommandError(f"{Path(name).name}: {error}") from None
        self.stdout.write(f"{Path(name).name}: Fingertips metadata for {len(known)} "
                          "indicators.")
        if access.is_national(user) and not dry_run:
            changed = metadata.metadata_update(user=user, known=known)
            for metric in changed:
                self.stdout.write(f"  {metric.name}: metadata updated from Fingertips")
        return known

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
            raise CommandError("say which partnership to load into with --partnership SLUG "
                               "(or --reference for the national reference data)")
        return choices[0]

    def _report(self, batch: ImportBatch, *, dry_run: bool) -> None:
        pending = (ImportBatch.Status.PREVIEW, ImportBatch.Status.DRY_RUN)
        verb = "would be" if dry_run or batch.status in pending else "were"
        where = "the national reference data" if batch.is_reference else str(batch.partnership)
        self.stdout.write(
            f"{batch.file_name} into {where}: {batch.rows_total} rows. {batch.inserted} {verb} "
            f"inserted, {batch.updated} updated, {batch.unchanged} unchanged; {batch.skipped} "
            f"skipped, {batch.rejected} rejected."
        )
        rejected = batch.problems.filter(kind="rejected")
        for problem in rejected[:50]:
            self.stdout.write(f"  line {problem.line}: rejected: {problem.reason}")
        if batch.rejected > 50:
            self.stdout.write(f"  … and {batch.rejected - 50} more rejected")
        skipped = (batch.problems.filter(kind="skipped").values("reason")
                   .annotate(rows=Count("pk")).order_by("-rows")[:20])
        for group in skipped:
            self.stdout.write(f"  {group['rows']} skipped: {group['reason']}")

    def _new_metrics(self, batch: ImportBatch, before: set[int], known: dict | None) -> None:
        """Prints the metadata each new metric was (or would be) created with, and why."""
        if not batch.create_missing_metrics or batch.status == ImportBatch.Status.FAILED:
            return
        for indicator, found in metadata.inferred(batch, known).items():
            if int(indicator) in before:
                continue
            self.stdout.write(f"New metric for Fingertips indicator {indicator} "
                              f"({found.name or 'no name'}):")
            for note in found.notes:
                self.stdout.write(f"  {note}")

    def _outcome(self, batch: ImportBatch, path: Path, *, dry_run: bool) -> None:
        if batch.status == ImportBatch.Status.FAILED:
            raise CommandError(f"{path.name}: {batch.failure}")
        if batch.status == ImportBatch.Status.PREVIEW and not dry_run:
            rows = "row" if batch.rejected == 1 else "rows"
            raise CommandError(
                f"{batch.rejected} {rows} rejected, so nothing was imported; fix them or "
                "pass --accept-valid"
            )
        if not (batch.inserted or batch.updated) and batch.skipped:
            self.stdout.write("Nothing new to import: the rows above were skipped, and why.")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}") from None


def _fingertips_ids(partnership) -> set[int]:
    usable = Q(owner__isnull=True) | Q(owner=partnership) if partnership else Q(owner__isnull=True)
    return set(Metric.objects.filter(usable, fingertips_id__isnull=False)
               .values_list("fingertips_id", flat=True))


def _one_line(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)
