"""actionplans/services.py against PostgreSQL: permissions, validation, history, concurrency."""

import threading
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from actionplans import selectors, services
from actionplans.models import Milestone
from outcomes.models import Metric

pytestmark = pytest.mark.django_db


def test_only_leads_and_admins_change_the_plan(tenants):
    milestone = tenants.milestones["a"]
    for name in ("a_viewer", "a_analyst", "b_lead", "regional", "outsider"):
        with pytest.raises(PermissionDenied):
            services.milestone_update(milestone=milestone, user=tenants.users[name],
                                      version=milestone.version, changes={"status": "complete"})
    for name in ("a_lead", "a_admin", "superuser"):
        milestone = services.milestone_update(
            milestone=milestone, user=tenants.users[name], version=milestone.version,
            changes={"progress_note": f"noted by {name}"})
    assert Milestone.objects.get(pk=milestone.pk).progress_note == "noted by superuser"


def test_a_progress_update_with_a_status_change_is_one_change_in_the_history(tenants):
    milestone = tenants.milestones["a"]
    lead = tenants.users["a_lead"]
    before = milestone.history.count()
    saved = services.milestone_update(
        milestone=milestone, user=lead, version=milestone.version,
        changes={"status": "at_risk", "progress_note": "Provider change delays referrals"})
    assert saved.version == milestone.version + 1
    assert saved.progress_on == date.today()
    assert milestone.history.count() == before + 1
    entry = selectors.milestone_history(milestone=saved)[0]
    assert entry.who == "A Lead"
    assert ("Status", "On track", "At risk") in entry.changes
    assert ("Progress note", "Pathway agreed with probation",
            "Provider change delays referrals") in entry.changes


def test_metrics_are_kept_in_the_same_history_row(tenants):
    milestone = tenants.milestones["a"]
    deaths = Metric.objects.get(code="drug_misuse_deaths", owner=None)
    in_treatment = Metric.objects.get(code="numbers_in_treatment", owner=None)
    before = milestone.history.count()
    saved = services.milestone_update(milestone=milestone, user=tenants.users["a_lead"],
                                      version=milestone.version, changes={},
                                      metrics=[deaths, in_treatment])
    assert milestone.history.count() == before + 1
    label, old, new = selectors.milestone_history(milestone=saved)[0].changes[0]
    assert label == "Performance measures"
    assert old == in_treatment.name
    assert new == "; ".join(sorted([deaths.name, in_treatment.name]))


def test_an_edit_that_changes_nothing_saves_nothing(tenants):
    milestone = tenants.milestones["a"]
    before = milestone.history.count()
    saved = services.milestone_update(milestone=milestone, user=tenants.users["a_lead"],
                                      version=milestone.version,
                                      changes={"title": milestone.title})
    assert saved.version == milestone.version
    assert milestone.history.count() == before


def test_a_stale_edit_is_refused_and_carries_what_is_saved(tenants):
    milestone = tenants.milestones["a"]
    first = services.milestone_update(milestone=milestone, user=tenants.users["a_lead"],
                                      version=milestone.version,
                                      changes={"progress_note": "First save"})
    with pytest.raises(services.StaleEdit) as refused:
        services.milestone_update(milestone=milestone, user=tenants.users["a_admin"],
                                  version=milestone.version,
                                  changes={"progress_note": "Second save, from the old page"})
    assert refused.value.current.version == first.version
    assert refused.value.current.progress_note == "First save"
    assert Milestone.objects.get(pk=milestone.pk).progress_note == "First save"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_of_one_version_let_exactly_one_through(tenants):
    """Two editors save the same version at the same moment, on two connections: the row
    lock makes the second wait, see the new version and be refused."""
    milestone = tenants.milestones["a"]
    version = milestone.version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(user, note):
        try:
            barrier.wait()
            services.milestone_update(milestone=milestone, user=user, version=version,
                                      changes={"progress_note": note})
            outcomes.append("saved")
        except services.StaleEdit:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(tenants.users[u], u))
               for u in ("a_lead", "a_admin")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "saved"]
    assert Milestone.objects.get(pk=milestone.pk).version == version + 1


def test_a_milestone_needs_a_due_date_or_a_plan_year_inside_the_plan(tenants):
    milestone = tenants.milestones["a"]
    lead = tenants.users["a_lead"]
    with pytest.raises(ValidationError) as error:
        services.milestone_update(milestone=milestone, user=lead, version=milestone.version,
                                  changes={"due_date": None, "plan_year": None})
    assert "due_date" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.milestone_update(milestone=milestone, user=lead, version=milestone.version,
                                  changes={"due_date": None, "plan_year": 4})
    assert error.value.message_dict["plan_year"] == ["The plan has 3 years (2022/23 to 2024/25)"]
    saved = services.milestone_update(milestone=milestone, user=lead, version=milestone.version,
                                      changes={"due_date": date(2024, 1, 15)})
    assert saved.plan_year == 2  # 2023/24 is year 2 of a plan starting 2022/23


def test_metrics_and_partners_must_be_the_partnerships_own(tenants):
    lead = tenants.users["a_lead"]
    b_metric = Metric.objects.get(owner=tenants.b, code="digital_iba")
    milestone = tenants.milestones["a"]
    with pytest.raises(ValidationError):
        services.milestone_update(milestone=milestone, user=lead, version=milestone.version,
                                  changes={}, metrics=[b_metric])
    objective = milestone.key_action.objective
    with pytest.raises(ValidationError):
        services.key_action_create(
            objective=objective, user=lead, title="Borrowed partner",
            responsible_partners=tenants.b.organisations.all())
    with pytest.raises(ValidationError):
        services.key_action_create(objective=objective, user=lead, title="Borrowed lead",
                                   lead=tenants.users["b_lead"])


def test_overdue_is_derived_from_the_date_or_the_end_of_the_plan_year(tenants):
    from actionplans.filtersets import overdue_q

    plan = tenants.plans["a"]
    action = tenants.milestones["a"].key_action
    lead = tenants.users["a_lead"]
    services.milestone_create(key_action=action, user=lead, title="Year 1 review",
                              plan_year=1)
    later = services.milestone_create(key_action=action, user=lead, title="Year 3 review",
                                      plan_year=3)
    done = services.milestone_create(key_action=action, user=lead, title="Done early",
                                     due_date=date(2022, 6, 1), status="complete")
    scoped = Milestone.objects.filter(partnership=tenants.a)

    def overdue_on(day):
        return set(scoped.filter(overdue_q(day)).values_list("title", flat=True))

    # Year 1 of 2022/23 ends on 31 March 2023; the dated milestone is due that day.
    assert overdue_on(date(2023, 3, 31)) == set()
    assert overdue_on(date(2023, 4, 1)) == {"Year 1 review", "Prison leavers seen within 3 weeks"}
    assert overdue_on(date(2025, 4, 1)) == {"Year 1 review", "Year 3 review",
                                             "Prison leavers seen within 3 weeks"}
    # The page's own derivation agrees with the query's.
    items = list(scoped)
    selectors.annotate_due(items, plan, date(2023, 4, 1))
    assert {m.title for m in items if m.is_overdue} == overdue_on(date(2023, 4, 1))
    assert done.title not in overdue_on(date(2030, 1, 1))
    assert later.plan_year == 3


def test_changing_the_plan_years_moves_dated_milestones_to_their_plan_year(tenants):
    lead = tenants.users["a_lead"]
    plan = tenants.plans["a"]
    milestone = tenants.milestones["a"]
    services.action_plan_save(partnership=tenants.a, user=lead, title=plan.title,
                              first_year=2021, years=3)
    moved = Milestone.objects.get(pk=milestone.pk)
    assert (moved.plan_year, moved.version) == (2, milestone.version + 1)
    entry = selectors.milestone_history(milestone=moved)[0]
    assert entry.reason == "The plan's years changed"
    assert entry.changes == [("Plan year", "1", "2")]


def test_shortening_the_plan_cannot_strand_milestones_set_by_year(tenants):
    lead = tenants.users["a_lead"]
    services.milestone_create(key_action=tenants.milestones["a"].key_action, user=lead,
                              title="Year 3 review", plan_year=3)
    with pytest.raises(ValidationError) as error:
        services.action_plan_save(partnership=tenants.a, user=lead, title="Plan",
                                  first_year=2022, years=2)
    assert error.value.message_dict["years"] == [
        "1 milestone is set for a year after year 2: give it an earlier year first"]


def test_signing_off_needs_a_date(tenants):
    with pytest.raises(ValidationError):
        services.action_plan_save(partnership=tenants.a, user=tenants.users["a_lead"],
                                  title="Plan", first_year=2022, status="signed_off")


def test_risks_and_asks_are_validated_and_kept_in_history(tenants):
    lead = tenants.users["a_lead"]
    risk = services.risk_save(partnership=tenants.a, user=lead, risk=tenants.risks["a"],
                              status="managed", mitigation="Op CHILL referrals")
    assert risk.history.count() == 2 and risk.score == 16 and risk.rating == "High"
    with pytest.raises(ValidationError):
        services.risk_save(partnership=tenants.a, user=lead, title="No scores", owner="x")
    with pytest.raises(PermissionDenied):
        services.risk_save(partnership=tenants.a, user=lead, risk=tenants.risks["b"],
                           status="closed")
    with pytest.raises(PermissionDenied):
        services.ask_save(partnership=tenants.a, user=tenants.users["a_viewer"],
                          title="x", request="y", directed_to="z")


def test_today_is_the_date_in_england_not_on_the_servers_clock(tenants, monkeypatch,
                                                              settings):
    """A milestone due on 31 March 2023 is not overdue at 23:30 that evening in London (22:30
    UTC, summer time) and is at 00:30 on 1 April (still 31 March in UTC), on the plan page
    and in the API's filter alike."""
    from datetime import UTC, datetime

    from django.utils import timezone

    from actionplans.filtersets import MilestoneFilterSet

    settings.TIME_ZONE = "Europe/London"  # the default, whatever DJANGO_TIME_ZONE says
    milestone = tenants.milestones["a"]  # due 31 March 2023, on track
    scoped = Milestone.objects.filter(partnership=tenants.a)
    for hour, overdue in ((22, False), (23, True)):
        now = datetime(2023, 3, 31, hour, 30, tzinfo=UTC)
        monkeypatch.setattr(timezone, "now", lambda now=now: now)
        page = selectors.plan_page(partnership=tenants.a, user=tenants.users["a_lead"],
                                   plan=tenants.plans["a"], params={}, grouping="priority")
        assert page["overdue_count"] == int(overdue)
        found = MilestoneFilterSet({"overdue": "true"}, queryset=scoped).qs
        assert list(found) == ([milestone] if overdue else [])


# --- The weekly digest ------------------------------------------------------------------------
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

    from .digest_helpers import MONDAY, add, sign_off

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

    from .digest_helpers import MONDAY, sign_off

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

    from .digest_helpers import MONDAY, sign_off

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

    from .digest_helpers import MONDAY, sign_off

    sign_off(tenants)
    DigestSent.objects.create(partnership=tenants.a, lead=tenants.users["a_lead"],
                              iso_year=2024, iso_week=23, claimed_at=timezone.now())
    assert services.digest_send(partnership=tenants.a, lead=tenants.users["a_lead"],
                                on=MONDAY) == "already sent this week"
    assert mailoutbox == []


def test_a_dry_run_claims_and_sends_nothing(tenants, mailoutbox):
    from actionplans.models import DigestSent

    from .digest_helpers import MONDAY, sign_off

    sign_off(tenants)
    assert services.digest_send(partnership=tenants.a, lead=tenants.users["a_lead"],
                                on=MONDAY, dry_run=True) == "would be sent"
    assert mailoutbox == [] and not DigestSent.objects.filter(lead=tenants.users["a_lead"]).exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_digest_at_once_send_one_email(tenants, mailoutbox):
    from .digest_helpers import MONDAY, sign_off

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
