"""actionplans/services/digests.py against PostgreSQL: sending the weekly digest once, and
the lead's preference."""

import threading
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from actionplans import selectors, services

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    """A local port nothing listens on: an SMTP server that refuses the connection."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _digest_row(tenants):
    from actionplans.models import DigestSent

    return DigestSent.objects.get(partnership=tenants.a, lead=tenants.users["a_lead"])


def test_a_digest_is_sent_once_a_week_with_links_to_each_progress_form(tenants, mailoutbox,
                                                                        settings):
    from actionplans.models import DigestSent

    from ..digest_helpers import MONDAY, add, sign_off

    settings.SITE_URL = "https://cdp.example.gov.uk"
    sign_off(tenants)
    soon = add(tenants, "Naloxone kits in custody suites", due=date(2024, 6, 10),
               updated=date(2024, 6, 1))
    lead = tenants.users["a_lead"]

    assert services.digest_send(partnership=tenants.a, lead=lead, on=MONDAY) == "sent"
    [email] = mailoutbox
    assert email.to == ["a.lead@example.org"]
    assert email.subject == "Your milestones this week: 1 overdue, 1 due soon – Rotherham CDP"
    progress = "https://cdp.example.gov.uk/partnerships/rotherham/plan/milestones/{}/progress/"
    body = email.body
    assert progress.format(tenants.milestones["a"].pk) in body
    assert progress.format(soon.pk) in body
    assert body.index("OVERDUE (1)") < body.index("Prison leavers seen within 3 weeks") < (
        body.index("DUE IN THE NEXT 14 DAYS (1)")) < body.index("Naloxone kits in custody")
    assert "Due 10 June 2024 (due in 7 days)" in body
    assert "https://cdp.example.gov.uk/partnerships/rotherham/plan/weekly-email/" in body
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    assert f'<a href="{progress.format(soon.pk)}">Naloxone kits in custody suites</a>' in html
    row = _digest_row(tenants)
    assert (row.status, row.iso_year, row.iso_week, row.milestone_count) == (
        DigestSent.Status.SENT, 2024, 23, 2)

    # A retried or duplicated task, later that week: nothing more.
    for day in (MONDAY, date(2024, 6, 9)):
        assert services.digest_send(partnership=tenants.a, lead=lead, on=day) == (
            "already sent this week")
    assert len(mailoutbox) == 1
    # The next week's is another digest.
    assert services.digest_send(partnership=tenants.a, lead=lead,
                                on=date(2024, 6, 10)) == "sent"
    assert len(mailoutbox) == 2


def test_no_digest_for_a_draft_plan_when_switched_off_or_with_nothing_to_report(
        tenants, mailoutbox):
    from actionplans.models import DigestSent

    from ..digest_helpers import MONDAY, sign_off

    lead = tenants.users["a_lead"]
    assert tenants.plans["a"].status == "draft"
    assert services.digest_send(partnership=tenants.a, lead=lead, on=MONDAY) == (
        "plan is a draft")
    sign_off(tenants)
    services.digest_preference_save(partnership=tenants.a, user=lead, enabled=False)
    assert services.digest_send(partnership=tenants.a, lead=lead, on=MONDAY) == "switched off"
    services.digest_preference_save(partnership=tenants.a, user=lead, enabled=True)
    services.milestone_update(milestone=tenants.milestones["a"], user=lead,
                              version=tenants.milestones["a"].version,
                              changes={"status": "complete"})
    assert services.digest_send(partnership=tenants.a, lead=lead, on=MONDAY) == (
        "nothing to report")
    assert mailoutbox == []
    assert not DigestSent.objects.filter(lead=lead).exists()


def test_a_retry_after_the_mail_server_failed_sends_it_once(tenants, mailoutbox, settings):
    from actionplans.models import DigestSent

    from ..digest_helpers import MONDAY, sign_off

    sign_off(tenants)
    lead = tenants.users["a_lead"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()
    settings.EMAIL_TIMEOUT = 5
    with pytest.raises(ConnectionRefusedError):
        services.digest_send(partnership=tenants.a, lead=lead, on=MONDAY)
    row = _digest_row(tenants)
    assert row.status == DigestSent.Status.FAILED
    assert "ConnectionRefusedError" in row.failure

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.digest_send(partnership=tenants.a, lead=lead, on=MONDAY) == "sent"
    assert services.digest_send(partnership=tenants.a, lead=lead, on=MONDAY) == (
        "already sent this week")
    assert len(mailoutbox) == 1
    row = _digest_row(tenants)
    assert (row.status, row.failure) == (DigestSent.Status.SENT, "")


def test_a_claim_left_by_a_worker_that_died_errs_towards_not_sending(tenants, mailoutbox):
    from django.utils import timezone

    from actionplans.models import DigestSent

    from ..digest_helpers import MONDAY, sign_off

    sign_off(tenants)
    DigestSent.objects.create(partnership=tenants.a, lead=tenants.users["a_lead"],
                              iso_year=2024, iso_week=23, claimed_at=timezone.now())
    assert services.digest_send(partnership=tenants.a, lead=tenants.users["a_lead"],
                                on=MONDAY) == "already sent this week"
    assert mailoutbox == []


def test_a_dry_run_claims_and_sends_nothing(tenants, mailoutbox):
    from actionplans.models import DigestSent

    from ..digest_helpers import MONDAY, sign_off

    sign_off(tenants)
    assert services.digest_send(partnership=tenants.a, lead=tenants.users["a_lead"],
                                on=MONDAY, dry_run=True) == "would be sent"
    assert mailoutbox == [] and not DigestSent.objects.filter(lead=tenants.users["a_lead"]).exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_digest_at_once_send_one_email(tenants, mailoutbox):
    from ..digest_helpers import MONDAY, sign_off

    sign_off(tenants)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def send():
        try:
            barrier.wait()
            outcomes.append(services.digest_send(partnership=tenants.a,
                                                 lead=tenants.users["a_lead"], on=MONDAY))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already sent this week", "sent"]
    assert len(mailoutbox) == 1


def test_a_digest_preference_is_the_leads_own_and_kept_in_history(tenants):
    from actionplans.models import DigestPreference

    lead = tenants.users["a_lead"]
    for name in ("a_viewer", "a_analyst", "b_lead", "outsider"):
        with pytest.raises(PermissionDenied):
            services.digest_preference_save(partnership=tenants.a, user=tenants.users[name],
                                            enabled=False)
    services.digest_preference_save(partnership=tenants.a, user=lead, enabled=True, weekday=3)
    saved = services.digest_preference_save(partnership=tenants.a, user=lead, enabled=False)
    assert (saved.enabled, saved.weekday) == (False, 3)  # the day is kept for switching back
    assert DigestPreference.objects.filter(user=lead).count() == 1
    assert [(h.history_type, h.history_user, h.enabled) for h in saved.history.all()] == [
        ("~", lead, False), ("+", lead, True)]
    assert selectors.digest_preference(partnership=tenants.b, user=lead).pk is None
