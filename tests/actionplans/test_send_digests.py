"""manage.py send_digests: what an operator runs to see, or send now, the day's digests."""

import io

import pytest
from django.core.management import CommandError, call_command

from actionplans.models import DigestSent

from .digest_helpers import MONDAY, sign_off

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_digests", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_says_what_would_go_and_sends_nothing(tenants, mailoutbox):
    sign_off(tenants)
    out = run("--date", MONDAY.isoformat(), "--dry-run")
    assert "Monday 3 June 2024 (ISO week 2024-W23), dry run: nothing is sent." in out
    assert "rotherham  a_lead  would be sent to a.lead@example.org: 1 overdue" in out
    assert mailoutbox == [] and not DigestSent.objects.filter(lead=tenants.users["a_lead"]).exists()


def test_it_sends_the_days_digests_once(tenants, mailoutbox):
    sign_off(tenants)
    assert "rotherham  a_lead  sent to a.lead@example.org: 1 overdue" in run(
        "--date", MONDAY.isoformat())
    assert "No lead's digest is due." in run("--date", MONDAY.isoformat())
    # One lead's, now, whatever their day: still once a week.
    assert "rotherham  a_lead  already sent this week" in run(
        "--date", "2024-06-05", "--lead", "a_lead")
    assert len(mailoutbox) == 1
    assert "rotherham  a_lead  sent" in run("--date", "2024-06-12", "--lead", "a_lead")
    assert "darlington  b_lead  plan is a draft" in run("--lead", "b_lead")


@pytest.mark.parametrize(("args", "message"), [
    (["--date", "3/6/2024"], "--date must be a date like 2024-06-03, not '3/6/2024'"),
    (["--partnership", "nowhere"], "there is no partnership 'nowhere'"),
    (["--lead", "nobody"], "there is no user 'nobody'"),
    (["--lead", "a_viewer"], "a_viewer leads no key action"),
])
def test_bad_input_is_refused_in_one_line(tenants, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
