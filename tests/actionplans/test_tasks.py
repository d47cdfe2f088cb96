"""The weekly digest end to end: the beat task run by a real Celery worker over Redis, the
emails it sends through Django's locmem backend, and a second run that sends nothing more."""

from datetime import timedelta

import pytest
from celery.result import AsyncResult

from actionplans import services
from actionplans import tasks as _registered  # noqa: F401 - known to the test worker at its start
from actionplans.models import DigestSent
from outcomes import tasks as _summaries  # noqa: F401 - milestone saves queue a recompute

from .digest_helpers import MONDAY, add, sign_off


def run_beat(celery_app, day) -> list[str]:
    """The daily beat task for `day`, and then every digest task it queued: their outcomes."""
    ids = _registered.send_due_digests.delay(day.isoformat()).get(timeout=30)
    return sorted(AsyncResult(i, app=celery_app).get(timeout=30) for i in ids)


@pytest.mark.django_db(transaction=True)
def test_the_beat_task_emails_each_lead_on_their_day_once(celery_app, celery_worker, tenants,
                                                          settings, mailoutbox):
    settings.SITE_URL = "https://cdp.example.gov.uk"
    sign_off(tenants, "a")  # B's plan stays a draft: its lead's overdue milestone is not sent
    wednesday = MONDAY + timedelta(days=2)
    soon = add(tenants, "Needle exchange at the new hub", due=MONDAY + timedelta(days=9),
               updated=MONDAY, lead="a_admin")
    services.digest_preference_save(partnership=tenants.a, user=tenants.users["a_admin"],
                                    enabled=True, weekday=wednesday.weekday())
    # A member who may not edit the plan leads an action: nothing of it can be updated by them.
    add(tenants, "Led by a board member", due=MONDAY - timedelta(days=1), lead="a_viewer")

    assert run_beat(celery_app, MONDAY) == ["nothing to report", "sent"]
    [email] = mailoutbox
    assert email.to == ["a.lead@example.org"]
    assert "Rotherham CDP" in email.subject and "1 overdue" in email.subject
    link = (f"https://cdp.example.gov.uk/partnerships/rotherham/plan/milestones/"
            f"{tenants.milestones['a'].pk}/progress/")
    assert link in email.body and f'href="{link}"' in email.alternatives[0][0]
    assert "Prison leavers seen within 3 weeks" in email.body
    assert "Needle exchange" not in email.body and "Led by a board member" not in email.body
    assert DigestSent.objects.get(lead=tenants.users["a_lead"]).status == DigestSent.Status.SENT

    # Run again (a second beat, a retried task): nothing more is sent.
    assert run_beat(celery_app, MONDAY) == ["nothing to report"]
    assert run_beat(celery_app, MONDAY + timedelta(days=1)) == []  # nobody's day
    assert len(mailoutbox) == 1

    # Wednesday is the administrator's day.
    assert run_beat(celery_app, wednesday) == ["sent"]
    assert [m.to for m in mailoutbox] == [["a.lead@example.org"], ["a.admin@example.org"]]
    assert (f"https://cdp.example.gov.uk/partnerships/rotherham/plan/milestones/{soon.pk}"
            f"/progress/") in mailoutbox[1].body
    assert "DUE IN THE NEXT 14 DAYS (1)" in mailoutbox[1].body
    assert run_beat(celery_app, wednesday) == []
    assert len(mailoutbox) == 2
