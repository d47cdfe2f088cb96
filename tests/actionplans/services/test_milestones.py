"""actionplans/services/milestones.py against PostgreSQL: permissions, validation, history,
concurrency."""

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
