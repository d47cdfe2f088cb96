"""manage.py reset_second_factor USERNAME --reason "...": for a national administrator who
has lost their second factor when no other national administrator can reset it on the page.
Recorded like a reset on the page, with the server account that ran it."""

import getpass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cdp.signin.services import second_factor_reset


class Command(BaseCommand):
    help = "Remove a person's second factor (audit-logged); they set up a new one at sign-in."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reason", required=True,
                            help="Why, and how you checked who asked (kept in the audit log)")

    def handle(self, *args, username: str, reason: str, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no account named {username}.")
        try:
            row = second_factor_reset(user=user, by=None, reason=reason,
                                      operator=_operator())
        except ValidationError as problem:
            raise CommandError(" ".join(problem.messages)) from None
        self.stdout.write(f"Removed {username}'s second factor ({row.removed}). They set up a "
                          "new one when they next sign in.")


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
