"""manage.py send_digests [--date YYYY-MM-DD] [--partnership SLUG] [--lead USERNAME]
[--dry-run]: the leads' weekly digests due on a day, sent in this process by the same service
as the Celery task, and what happened to each."""

from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from partnerships.models import Partnership

from ... import selectors
from ...services.digests import DigestOutcome, digest_send


class Command(BaseCommand):
    help = ("Send the weekly digests due today (or on --date) in this process, as the daily "
            "Celery task does, and print what happened to each; --dry-run sends nothing. "
            "A lead's digest goes once per ISO week: running it again sends nothing more.")

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="day", metavar="YYYY-MM-DD",
                            help="The day to send for (default: today). Its weekday picks "
                                 "the leads; its ISO week is the one each is sent once in.")
        parser.add_argument("--partnership", metavar="SLUG", help="Only this partnership.")
        parser.add_argument("--lead", metavar="USERNAME",
                            help="Only this lead, whatever day they chose: send theirs now.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Print what would be sent; send and record nothing.")

    def handle(self, *args, day: str | None = None, partnership: str | None = None,
               lead: str | None = None, dry_run: bool = False, **options) -> None:
        day = _parse_date(day) if day else timezone.localdate()
        only = None
        if partnership:
            only = Partnership.objects.filter(slug=partnership).first()
            if only is None:
                raise CommandError(f"there is no partnership {partnership!r}")
        if lead:
            user = get_user_model().objects.filter(username=lead).first()
            if user is None:
                raise CommandError(f"there is no user {lead!r}")
            led = user.led_actions.all()
            if only is not None:
                led = led.filter(partnership=only)
            pairs = [(pk, user.pk) for pk in sorted(set(led.values_list("partnership_id",
                                                                        flat=True)))]
            if not pairs:
                raise CommandError(f"{lead} leads no key action"
                                   + (f" in {partnership}" if partnership else ""))
        else:
            pairs = selectors.digest_recipients(on=day, partnership=only)
        partnerships = Partnership.objects.in_bulk({p for p, _ in pairs})
        users = get_user_model().objects.in_bulk({u for _, u in pairs})
        iso_year, iso_week, _ = day.isocalendar()
        self.stdout.write(f"Weekly digests for {day:%A %-d %B %Y} (ISO week {iso_year}-W"
                          f"{iso_week:02d}){', dry run: nothing is sent' if dry_run else ''}.")
        if not pairs:
            self.stdout.write("No lead's digest is due.")
        sent = 0
        for partnership_id, user_id in pairs:
            where, who = partnerships[partnership_id], users[user_id]
            outcome = digest_send(partnership=where, lead=who, on=day, dry_run=dry_run)
            sent += outcome == DigestOutcome.SENT
            detail = ""
            if outcome in (DigestOutcome.SENT, DigestOutcome.WOULD_SEND):
                digest = selectors.digest_for(partnership=where, lead=who, today=day,
                                              site_url=settings.SITE_URL)
                detail = f" to {who.email}: {digest.summary()}"
            self.stdout.write(f"{where.slug}  {who.username}  {outcome}{detail}")
        if not dry_run:
            self.stdout.write(f"Sent {sent}.")


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date must be a date like 2024-06-03, not {text!r}") from None
