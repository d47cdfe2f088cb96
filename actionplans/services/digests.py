"""The leads' weekly digest: their preference, and sending it (what goes in it is
`actionplans.digest`, a pure module, read by `selectors.digest_for`).

Sending is idempotent: a digest is claimed before it is sent by inserting a `DigestSent` row,
unique per lead, partnership and ISO week, in a transaction of its own that commits first; a
retried or duplicated task finds the claim and sends nothing. Deliberately NOT one
transaction: an email cannot be rolled back. The failure cases, and which way each errs:
- the email backend raises (SMTP refused, timed out): the claim is marked `failed` and the
  error re-raised; a retry (the task retries itself) may claim it again and send. The one
  duplicate this allows: an SMTP server that accepted the message and then reported an error.
- the worker dies, or the database is lost, between the claim and the email, or between the
  email and marking it `sent`: the claim stays `sending` and nothing is sent again that week.
  This errs towards a missed digest, never a second one: a lead may miss one week's reminder
  (the next week's lists the same milestones); a lead sent the same email twice learns to
  ignore it.
- two workers at once: the unique constraint lets one claim; the other sends nothing.
- the lead's day or preference changes after the claim: this week's is already settled.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from partnerships import access
from partnerships.models import Partnership

from .. import selectors
from ..models import DigestPreference, DigestSent
from .base import save_with_history

logger = logging.getLogger(__name__)
# A person may send themselves a test of their weekly email once in this many seconds.
TEST_INTERVAL_SECONDS = 60
DRAFT_PLAN_REASON = ("Your plan is a draft, so no weekly email is sent until it is "
                     "signed off.")


@transaction.atomic
def digest_preference_save(*, partnership: Partnership, user, enabled: bool,
                           weekday: int | None = None) -> DigestPreference:
    """Switches the user's weekly digest in the partnership on (on `weekday`) or off. Switching
    it off keeps the day chosen before, for when it is switched on again."""
    access.require(user, partnership, access.EDIT_PLAN)
    preference = (DigestPreference.objects.select_for_update()
                  .filter(partnership=partnership, user=user).first()
                  or DigestPreference(partnership=partnership, user=user))
    preference.enabled = enabled
    if weekday is not None:
        preference.weekday = weekday
    save_with_history(preference, user)
    return preference


class DigestOutcome:
    """What `digest_send` did, in words an operator reads."""

    SENT = "sent"
    WOULD_SEND = "would be sent"
    ALREADY_SENT = "already sent this week"
    NOTHING_TO_REPORT = "nothing to report"
    SWITCHED_OFF = "switched off"
    DRAFT_PLAN = "plan is a draft"
    NO_ADDRESS = "no email address"


def digest_send(*, partnership: Partnership, lead, on: date, dry_run: bool = False) -> str:
    """Sends `lead` their weekly digest for the partnership, for the ISO week of `on`, once
    (see the module's docstring for how, and how it fails).

    Nothing is sent when the plan is a draft (or missing), when the lead switched the digest
    off or has no email address, or when none of their milestones is overdue, due within 14
    days or without an update for 8 weeks. Returns a `DigestOutcome`. With `dry_run`, says
    what it would do and claims and sends nothing."""
    if not lead.is_active or not lead.email:
        return DigestOutcome.NO_ADDRESS
    if not selectors.plan_is_signed_off(partnership=partnership):
        return DigestOutcome.DRAFT_PLAN
    if not selectors.digest_preference(partnership=partnership, user=lead).enabled:
        return DigestOutcome.SWITCHED_OFF
    digest = selectors.digest_for(partnership=partnership, lead=lead, today=on,
                                  site_url=settings.SITE_URL)
    if not digest.count:
        return DigestOutcome.NOTHING_TO_REPORT
    message = digest_message(partnership=partnership, lead=lead, digest=digest)
    iso_year, iso_week, _ = on.isocalendar()
    week = {"partnership": partnership, "lead": lead, "iso_year": iso_year,
            "iso_week": iso_week}
    if dry_run:
        claimed = DigestSent.objects.filter(**week).exclude(
            status=DigestSent.Status.FAILED).exists()
        return DigestOutcome.ALREADY_SENT if claimed else DigestOutcome.WOULD_SEND
    claim = _claim(week)
    if claim is None:
        return DigestOutcome.ALREADY_SENT
    try:
        message.send()
    except Exception as error:
        DigestSent.objects.filter(pk=claim.pk).update(
            status=DigestSent.Status.FAILED, failure=f"{type(error).__name__}: {error}"[:2000])
        raise
    DigestSent.objects.filter(pk=claim.pk).update(
        status=DigestSent.Status.SENT, sent_at=timezone.now(), milestone_count=digest.count)
    return DigestOutcome.SENT


def _claim(week: dict) -> DigestSent | None:
    """Claims this week's digest (committed at once), or None if it is claimed already:
    sent, or being sent. A claim whose sending failed may be claimed again."""
    now = timezone.now()
    try:
        with transaction.atomic():
            return DigestSent.objects.create(**week, claimed_at=now)
    except IntegrityError:
        pass
    with transaction.atomic():
        reclaimed = DigestSent.objects.filter(**week, status=DigestSent.Status.FAILED
                                              ).update(status=DigestSent.Status.SENDING,
                                                       claimed_at=now, failure="")
    return DigestSent.objects.get(**week) if reclaimed else None


def digest_context(*, partnership: Partnership, lead, digest, test: bool = False,
                   signed_off: bool = True) -> dict:
    """What the email's templates are given: the same for the email, its preview and a test."""
    site = settings.SITE_URL
    return {
        "partnership": partnership,
        "lead_name": lead.get_full_name() or lead.username,
        "digest": digest,
        "test": test,
        "signed_off": signed_off,
        "plan_url": site + reverse("actionplans:plan", args=[partnership.slug])
        + f"?lead={lead.pk}",
        "preference_url": site + reverse("actionplans:digest", args=[partnership.slug]),
    }


def digest_subject(*, partnership: Partnership, digest, test: bool = False) -> str:
    summary = digest.short_summary() or "nothing needs you"
    subject = f"Your milestones this week: {summary} – {partnership.name}"
    if test:
        subject = f"Test: {subject}"
    return " ".join(subject.split())[:250]


def digest_message(*, partnership: Partnership, lead, digest, test: bool = False,
                   signed_off: bool = True) -> EmailMultiAlternatives:
    """The weekly email to `lead`, as the send task sends it (`test`: marked as a test, and
    saying whether the real one goes)."""
    context = digest_context(partnership=partnership, lead=lead, digest=digest, test=test,
                             signed_off=signed_off)
    message = EmailMultiAlternatives(
        subject=digest_subject(partnership=partnership, digest=digest, test=test),
        body=render_to_string("actionplans/email/digest.txt", context),
        to=[lead.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string("actionplans/email/digest.html", context),
                               "text/html")
    return message


@dataclass
class DigestPreview:
    """This week's email for one person, as it would be sent today, and whether it would."""

    digest: object
    message: EmailMultiAlternatives
    context: dict
    outcome: str  # a DigestOutcome: SENT means it would be sent

    @property
    def would_send(self) -> bool:
        return self.outcome == DigestOutcome.SENT

    @property
    def html(self) -> str:
        return self.message.alternatives[0][0]


def digest_preview(*, partnership: Partnership, user, on: date,
                   test: bool = False) -> DigestPreview:
    """The email `user` would get for the partnership on `on`, built as `digest_send` builds
    it (the same selector, context, templates and subject), and why it would not go."""
    access.require(user, partnership, access.EDIT_PLAN)
    digest = selectors.digest_for(partnership=partnership, lead=user, today=on,
                                  site_url=settings.SITE_URL)
    signed_off = selectors.plan_is_signed_off(partnership=partnership)
    if not user.email:
        outcome = DigestOutcome.NO_ADDRESS
    elif not signed_off:
        outcome = DigestOutcome.DRAFT_PLAN
    elif not selectors.digest_preference(partnership=partnership, user=user).enabled:
        outcome = DigestOutcome.SWITCHED_OFF
    elif not digest.count:
        outcome = DigestOutcome.NOTHING_TO_REPORT
    else:
        outcome = DigestOutcome.SENT
    built = {"partnership": partnership, "lead": user, "digest": digest, "test": test,
             "signed_off": signed_off}
    return DigestPreview(digest=digest, outcome=outcome, message=digest_message(**built),
                         context=digest_context(**built))


def digest_test_key(*, partnership: Partnership, user) -> str:
    return f"digest-test:{partnership.pk}:{user.pk}"


def digest_test_send(*, partnership: Partnership, user, on: date) -> str:
    """Sends `user` a test of their weekly email, to their own address only, whatever their
    preference and the plan's status, its subject marked as a test. Once a minute at most.
    Returns the address it went to; raises ValidationError saying why it did not go."""
    access.require(user, partnership, access.EDIT_PLAN)
    if not user.email:
        raise ValidationError("Your account has no email address, so a test cannot be sent. "
                              "Ask an administrator to add one.")
    if not _claim_test_slot(digest_test_key(partnership=partnership, user=user)):
        raise ValidationError("A test was sent to you less than a minute ago. Check your "
                              "inbox, then try again in a minute.")
    preview = digest_preview(partnership=partnership, user=user, on=on, test=True)
    preview.message.to = [user.email]
    preview.message.send()
    return user.email


def _claim_test_slot(key: str) -> bool:
    """True once in TEST_INTERVAL_SECONDS per key. With the cache unreachable the test is
    sent: one person's test mail is not worth refusing for it."""
    try:
        return bool(cache.add(key, 1, timeout=TEST_INTERVAL_SECONDS))
    except Exception:  # noqa: BLE001 - the cache is down: allow it, and say so
        logger.warning("weekly email test not rate-limited: the cache cannot be reached",
                       exc_info=True)
        return True


def digests_dispatch(*, on: date, partnership: Partnership | None = None) -> list[str]:
    """Queues one digest task for each lead whose day `on` is (the daily beat task's fan-out).
    Returns the queued tasks' ids. Each task decides, as its lead, whether to send."""
    # A cycle: actionplans.tasks imports the services to call them.
    from .. import tasks

    return [tasks.send_digest.delay(partnership_id, lead_id, on.isoformat()).id
            for partnership_id, lead_id in selectors.digest_recipients(on=on,
                                                                       partnership=partnership)]
