"""actionplans/selectors.py: the weekly digest's milestones and its recipients, on PostgreSQL."""

from datetime import timedelta

import pytest
from django.utils import timezone

from actionplans import selectors, services
from actionplans.digest import DUE_SOON, NO_UPDATE, OVERDUE
from actionplans.models import DigestSent, Milestone
from partnerships import services as partnership_services
from partnerships.models import Membership

from .digest_helpers import MONDAY, add, sign_off

pytestmark = pytest.mark.django_db


def days(n: int):
    return MONDAY + timedelta(days=n)


def sections(tenants, lead: str = "a_lead", side: str = "a", today=MONDAY) -> dict:
    digest = selectors.digest_for(partnership=tenants.partnership(side),
                                  lead=tenants.users[lead], today=today,
                                  site_url="https://cdp.example.gov.uk")
    return {key: [item.title for item in items] for key, _, items in digest.sections}


def test_a_leads_digest_lists_their_milestones_at_the_boundaries(tenants):
    add(tenants, "Due yesterday", due=days(-1), updated=days(-1))
    add(tenants, "Year 2 ended on 31 March", plan_year=2, updated=days(-1))
    add(tenants, "Due today", due=days(0), updated=days(-1))
    add(tenants, "Due in 14 days", due=days(14), updated=days(-1))
    add(tenants, "Due in 15 days", due=days(15), updated=days(-1))
    add(tenants, "Updated 56 days ago", due=days(100), updated=days(-56))
    add(tenants, "Updated 55 days ago", due=days(100), updated=days(-55))
    add(tenants, "Never updated, added 60 days ago", due=days(100), added=days(-60))
    add(tenants, "Never updated, added 50 days ago", due=days(100), added=days(-50))
    add(tenants, "Finished late", due=days(-10), status="complete")
    add(tenants, "Closed", due=days(3), status="closed")
    add(tenants, "Someone else's", due=days(-5), lead="a_admin")
    add(tenants, "Another partnership's", side="b", due=days(-5))

    assert sections(tenants) == {
        # The tenants' own milestone, due 31 March 2023, is the longest overdue.
        OVERDUE: ["Prison leavers seen within 3 weeks", "Year 2 ended on 31 March",
                  "Due yesterday"],
        DUE_SOON: ["Due today", "Due in 14 days"],
        NO_UPDATE: ["Never updated, added 60 days ago", "Updated 56 days ago"],
    }
    assert sections(tenants, lead="a_admin") == {OVERDUE: ["Someone else's"]}


def test_each_item_links_to_its_progress_form_and_says_why_it_is_listed(tenants):
    milestone = add(tenants, "Naloxone in custody suites", due=days(-3), updated=days(-70))
    digest = selectors.digest_for(partnership=tenants.a, lead=tenants.users["a_lead"],
                                  today=MONDAY, site_url="https://cdp.example.gov.uk")
    item = next(i for i in digest.items if i.milestone_id == milestone.pk)
    assert item.url == (f"https://cdp.example.gov.uk/partnerships/rotherham/plan/milestones/"
                        f"{milestone.pk}/progress/")
    assert item.key_action == "Action for Naloxone in custody suites"
    assert (item.due_text, item.quiet_text, item.status_label) == (
        "3 days overdue", "10 weeks ago", "Overdue (status recorded: On track)")


def test_the_digest_is_read_as_the_lead_and_goes_with_their_right_to_edit(tenants):
    add(tenants, "Due yesterday", due=days(-1))
    assert sections(tenants)[OVERDUE]
    membership = Membership.objects.get(user=tenants.users["a_lead"], partnership=tenants.a)
    partnership_services.membership_change_role(membership=membership, role="viewer")
    assert sections(tenants) == {}


def test_its_query_count_does_not_grow_with_the_milestones(tenants, django_assert_num_queries):
    for n in range(8):
        add(tenants, f"Milestone {n}", due=days(n - 4), updated=days(-n * 10))
    with django_assert_num_queries(1):
        selectors.digest_for(partnership=tenants.a, lead=tenants.users["a_lead"], today=MONDAY)


# --- Who gets one on a given day -------------------------------------------------------------
def recipients(tenants, day) -> list[tuple[str, str]]:
    names = {u.pk: name for name, u in tenants.users.items()}
    slugs = {tenants.a.pk: "a", tenants.b.pk: "b"}
    return [(slugs[p], names[u]) for p, u in selectors.digest_recipients(on=day)]


def test_never_for_a_partnership_whose_plan_is_a_draft(tenants):
    assert tenants.plans["a"].status == "draft"
    assert recipients(tenants, MONDAY) == []
    sign_off(tenants, "a")
    assert recipients(tenants, MONDAY) == [("a", "a_lead")]  # B's plan is still a draft


def test_on_mondays_unless_the_lead_chose_another_day(tenants):
    sign_off(tenants, "a")
    add(tenants, "Led by the admin", due=days(-1), lead="a_admin")
    assert recipients(tenants, MONDAY) == [("a", "a_lead"), ("a", "a_admin")]
    assert recipients(tenants, days(1)) == []  # Tuesday: nobody's day
    services.digest_preference_save(partnership=tenants.a, user=tenants.users["a_admin"],
                                    enabled=True, weekday=2)
    assert recipients(tenants, MONDAY) == [("a", "a_lead")]
    assert recipients(tenants, days(2)) == [("a", "a_admin")]
    assert recipients(tenants, days(7 + 2)) == [("a", "a_admin")]  # and every Wednesday


def test_never_when_switched_off(tenants):
    sign_off(tenants, "a")
    services.digest_preference_save(partnership=tenants.a, user=tenants.users["a_lead"],
                                    enabled=False)
    assert all(recipients(tenants, days(n)) == [] for n in range(7))


def test_not_again_in_a_week_it_was_sent_or_is_being_sent_unless_it_failed(tenants):
    sign_off(tenants, "a")
    claim = DigestSent.objects.create(partnership=tenants.a, lead=tenants.users["a_lead"],
                                      iso_year=2024, iso_week=23, claimed_at=timezone.now())
    assert recipients(tenants, MONDAY) == []
    assert recipients(tenants, days(7)) == [("a", "a_lead")]  # next week's
    for status, again in [("sent", False), ("failed", True)]:
        DigestSent.objects.filter(pk=claim.pk).update(status=status)
        assert (recipients(tenants, MONDAY) == [("a", "a_lead")]) is again


def test_inactive_users_get_none(tenants):
    sign_off(tenants, "a")
    tenants.users["a_lead"].is_active = False
    tenants.users["a_lead"].save()
    assert recipients(tenants, MONDAY) == []


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
