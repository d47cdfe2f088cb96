"""actionplans/services/plan_import.py: the plan's spreadsheet round trip and import rules,
against PostgreSQL."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from actionplans import selectors, services, spreadsheet
from actionplans.models import KeyAction, Milestone, Objective
from outcomes.importers import FileProblem
from partnerships.models import Organisation

pytestmark = pytest.mark.django_db


def history_rows() -> int:
    return sum(model.history.count() for model in (Milestone, Objective, KeyAction))


def bigger_plan(tenants):
    """Partnership A's plan with both axes, plan years, dates, several partners and text a
    spreadsheet would run as a formula."""
    lead = tenants.users["a_lead"]
    plan = tenants.plans["a"]
    police = Organisation.objects.create(partnership=tenants.a, name="South Yorkshire Police",
                                         sector="police")
    pursue = services.objective_create(plan=plan, user=lead, priority="supply",
                                       strand="pursue", title="Disrupt organised crime")
    action = services.key_action_create(
        objective=pursue, user=lead, title="=Serious and Organised Crime Tasking Group",
        reference="Police – Purs 1", lead=tenants.users["a_admin"],
        responsible_partners=[police, *tenants.a.organisations.exclude(pk=police.pk)])
    services.milestone_create(key_action=action, user=lead, title="Tasking group in place",
                              plan_year=1, status="complete",
                              progress_note="-3 OCGs disrupted;\r\n@partners briefed")
    services.milestone_create(key_action=action, user=lead, title="Cannabis: Operation GROW",
                              due_date=date(2024, 9, 30), status="at_risk",
                              evidence_link="https://example.org/grow")


def upload(tenants, data: bytes, name: str):
    return services.plan_import_start(partnership=tenants.a, user=tenants.users["a_lead"],
                                      file_name=name, data=data)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_exporting_and_importing_the_file_back_changes_nothing(tenants, kind):
    bigger_plan(tenants)
    rows = selectors.plan_rows(partnership=tenants.a, user=tenants.users["a_viewer"])
    assert len(rows) == 3
    data = spreadsheet.write_csv(rows) if kind == "csv" else spreadsheet.write_xlsx(rows)
    before = (history_rows(), list(Milestone.objects.order_by("pk").values()))

    preview = upload(tenants, data, f"plan.{kind}")
    assert preview.summary["milestones_unchanged"] == 3, preview.problems
    assert preview.summary["rejected"] == 0
    applied = services.plan_import_apply(plan_import=preview, user=tenants.users["a_lead"])

    assert applied.summary == preview.summary
    assert (history_rows(), list(Milestone.objects.order_by("pk").values())) == before
    assert selectors.plan_rows(partnership=tenants.a, user=tenants.users["a_viewer"]) == rows


def test_a_changed_row_changes_its_milestone_once_with_the_file_named_in_history(tenants):
    bigger_plan(tenants)
    rows = selectors.plan_rows(partnership=tenants.a, user=tenants.users["a_viewer"])
    text = spreadsheet.write_csv(rows).decode("utf-8-sig")
    text = text.replace("Cannabis: Operation GROW", "Cannabis: Operation GROW extended")
    text = text.replace("At risk", "On track")
    plan_import = upload(tenants, text.encode(), "plan.csv")
    assert plan_import.summary["milestones_changed"] == 1
    services.plan_import_apply(plan_import=plan_import, user=tenants.users["a_lead"])
    milestone = Milestone.objects.get(title="Cannabis: Operation GROW extended")
    assert milestone.status == "on_track"
    entry = selectors.milestone_history(milestone=milestone)[0]
    assert entry.reason == "Imported from plan.csv"
    assert entry.who == "A Lead"


def test_the_preview_changes_nothing(tenants):
    before = history_rows(), Milestone.objects.count(), Organisation.objects.count()
    data = (b"Priority,Strand,Objective,Key action,Responsible partners,Milestone,Plan year,"
            b"Status\nDemand,Prevent,Whole family approach,Family hubs,Family Hub team,"
            b"Early help team taking referrals,1,Complete\n")
    plan_import = upload(tenants, data, "new.csv")
    assert plan_import.summary["milestones_added"] == 1
    assert plan_import.summary["partners_added"] == 1
    assert (history_rows(), Milestone.objects.count(), Organisation.objects.count()) == before
    services.plan_import_apply(plan_import=plan_import, user=tenants.users["a_lead"])
    assert Milestone.objects.filter(title="Early help team taking referrals",
                                    key_action__objective__priority="demand").exists()


def test_rejected_rows_stop_the_import_unless_the_lead_leaves_them_out(tenants):
    data = (
        b"Priority,Strand,Objective,Key action,Lead,Milestone,Plan year,Status,"
        b"Performance measures\n"
        b"Treatment,Protect,Reduce drug related deaths,Naloxone,,Kits in custody suites,1,"
        b"On track,drug_misuse_deaths\n"
        b"Treatment,Protect,Reduce drug related deaths,Naloxone,b_lead,Pharmacy supply,1,"
        b"On track,\n"
        b"Treatment,Protect,Reduce drug related deaths,Naloxone,,Peer training,9,On track,\n"
        b"Treatment,Protect,Reduce drug related deaths,Naloxone,,Audit,1,Amber-ish,\n"
        b"Treatment,Protect,Reduce drug related deaths,Naloxone,,Review,1,On track,no_such\n"
    )
    plan_import = upload(tenants, data, "plan.csv")
    reasons = {p["line"]: p["reason"] for p in plan_import.problems}
    assert set(reasons) == {3, 4, 5, 6}
    assert "not a member of the partnership" in reasons[3]
    assert reasons[4] == "The plan has 3 years (2022/23 to 2024/25)"
    assert "Amber-ish" in reasons[5]
    assert "'no_such' is not a metric code" in reasons[6]
    count = Milestone.objects.count()
    with pytest.raises(ValidationError):
        services.plan_import_apply(plan_import=plan_import, user=tenants.users["a_lead"])
    assert Milestone.objects.count() == count
    assert not Objective.objects.filter(title="Reduce drug related deaths").exists()
    services.plan_import_apply(plan_import=plan_import, user=tenants.users["a_lead"],
                               accept_valid=True)
    assert list(Milestone.objects.filter(key_action__title="Naloxone")
                .values_list("title", flat=True)) == ["Kits in custody suites"]
    with pytest.raises(ValidationError):
        services.plan_import_apply(plan_import=plan_import, user=tenants.users["a_lead"],
                                   accept_valid=True)


def test_a_row_exported_before_a_later_edit_is_refused_not_merged(tenants):
    rows = selectors.plan_rows(partnership=tenants.a, user=tenants.users["a_viewer"])
    data = spreadsheet.write_csv(rows).decode("utf-8-sig").replace("On track", "Complete")
    milestone = tenants.milestones["a"]
    services.milestone_update(milestone=milestone, user=tenants.users["a_admin"],
                              version=milestone.version, changes={"status": "off_track"})
    plan_import = upload(tenants, data.encode(), "old.csv")
    assert plan_import.summary["rejected"] == 1
    assert "was changed in the dashboard after this file was exported" in (
        plan_import.problems[0]["reason"])
    services.plan_import_apply(plan_import=plan_import, user=tenants.users["a_lead"],
                               accept_valid=True)
    assert Milestone.objects.get(pk=milestone.pk).status == "off_track"


def test_another_partnerships_milestone_id_is_refused(tenants):
    other = tenants.milestones["b"]
    data = (f"Milestone ID,Priority,Objective,Key action,Milestone,Status\n{other.pk},Treatment,"
            f"X,Y,Taken over,Complete\n").encode()
    plan_import = upload(tenants, data, "plan.csv")
    assert plan_import.problems == [{"line": 2, "reason": (
        f"there is no milestone {other.pk} in this plan; leave the Milestone ID empty to add "
        "a new milestone")}]
    services.plan_import_apply(plan_import=plan_import, user=tenants.users["a_lead"],
                               accept_valid=True)
    assert Milestone.objects.get(pk=other.pk).title == "Prison leavers seen within 3 weeks"


def test_a_file_that_cannot_be_read_is_refused_whole(tenants):
    with pytest.raises(FileProblem):
        upload(tenants, b"just,some\ncolumns,here\n", "plan.csv")
    with pytest.raises(FileProblem):
        upload(tenants, b"PK\x03\x04 not really a workbook", "plan.xlsx")
    assert not tenants.a.plan_imports.exclude(pk=tenants.plan_imports["a"].pk).exists()


def test_only_leads_and_admins_import(tenants):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.plan_import_start(partnership=tenants.a, user=tenants.users["a_viewer"],
                                   file_name="plan.csv", data=b"x")
    with pytest.raises(PermissionDenied):
        services.plan_import_start(partnership=tenants.a, user=tenants.users["b_lead"],
                                   file_name="plan.csv", data=b"x")


def test_a_lead_who_has_left_still_exports_and_imports_unchanged(tenants):
    from partnerships import services as partnerships

    bigger_plan(tenants)
    leaver = tenants.users["a_viewer"].__class__.objects.create_user("leaver")
    partnerships.membership_create(partnership=tenants.a, user=leaver, role="lead")
    action = services.key_action_create(objective=Objective.objects.get(title="Disrupt organised "
                                        "crime"), user=tenants.users["a_lead"],
                                        title="Op GROW", lead=leaver)
    services.milestone_create(key_action=action, user=leaver, title="Grow sites closed",
                              plan_year=2)
    partnerships.membership_remove(membership=tenants.a.memberships.get(user=leaver))
    rows = selectors.plan_rows(partnership=tenants.a, user=tenants.users["a_viewer"])
    plan_import = upload(tenants, spreadsheet.write_xlsx(rows), "plan.xlsx")
    assert plan_import.summary["rejected"] == 0, plan_import.problems
    assert plan_import.summary["milestones_unchanged"] == 4
    assert plan_import.summary["actions_changed"] == 0


def test_a_failed_row_does_not_leave_its_key_action_change_behind(tenants):
    """Row 2 changes the key action's lead but fails on its plan year; row 3 makes the same
    change and must still apply it."""
    rows = selectors.plan_rows(partnership=tenants.a, user=tenants.users["a_viewer"])
    text = spreadsheet.write_csv(rows).decode("utf-8-sig").splitlines()
    header, row = text[0], text[1]
    changed = row.replace(",a_lead,", ",a_admin,")
    assert changed != row
    failing = changed.replace("Prison leavers seen within 3 weeks", "New milestone")
    failing = failing.split(",", 1)[1]  # no Milestone ID: a new milestone...
    failing = "," + failing.replace(",2023-03-31,", ",,").replace(",1,On track", ",9,On track")
    data = "\n".join([header, failing, changed]) + "\n"
    plan_import = upload(tenants, data.encode(), "plan.csv")
    assert [p["line"] for p in plan_import.problems] == [2], plan_import.problems
    assert plan_import.summary["actions_changed"] == 1
    services.plan_import_apply(plan_import=plan_import, user=tenants.users["a_lead"],
                               accept_valid=True)
    assert KeyAction.objects.get(pk=tenants.milestones["a"].key_action_id).lead == (
        tenants.users["a_admin"])


def test_a_row_with_a_milestone_id_and_no_version_is_refused(tenants):
    milestone = tenants.milestones["a"]
    data = (f"Milestone ID,Priority,Strand,Objective,Key action,Milestone,Due date,Status\n"
            f"{milestone.pk},Treatment,Prevent,Develop continuity of care,Continuity of care "
            f"pathway,Prison leavers seen within 3 weeks,2023-03-31,Complete\n").encode()
    plan_import = upload(tenants, data, "plan.csv")
    assert "has no Version" in plan_import.problems[0]["reason"]


def test_the_preview_lists_each_changed_field_old_and_new_and_each_new_milestone(tenants):
    bigger_plan(tenants)
    grow = Milestone.objects.get(title="Cannabis: Operation GROW")
    rows = selectors.plan_rows(partnership=tenants.a, user=tenants.users["a_viewer"])
    text = spreadsheet.write_csv(rows).decode("utf-8-sig")
    text = text.replace("Cannabis: Operation GROW", "Cannabis: Operation GROW extended")
    text = text.replace("At risk", "On track").replace("2024-09-30", "2024-12-31")
    [prison] = [line for line in text.splitlines() if "Prison leavers" in line]
    new_row = prison.split(",", 1)[1].replace(
        "Prison leavers seen within 3 weeks", "Prison leavers met at the gate")
    text += "," + new_row.rsplit(",", 1)[0] + ",\n"  # no ID and no Version: a new one
    plan_import = upload(tenants, text.encode(), "plan.csv")
    assert plan_import.problems == []
    [changed, added] = plan_import.summary["changes"]
    assert changed == {
        "line": 4, "kind": "changed", "milestone_id": grow.pk,
        "title": "Cannabis: Operation GROW", "key_action": "=Serious and Organised Crime "
        "Tasking Group",
        "fields": [["Milestone", "Cannabis: Operation GROW", "Cannabis: Operation GROW extended"],
                   ["Due date", "30 September 2024", "31 December 2024"],
                   ["Status", "At risk", "On track"]]}
    assert added["kind"] == "added" and added["title"] == "Prison leavers met at the gate"
    assert ["Status", "", "On track"] in added["fields"]
    # The counts agree with the rows listed.
    assert plan_import.summary["milestones_changed"] == 1
    assert plan_import.summary["milestones_added"] == 1
    applied = services.plan_import_apply(plan_import=plan_import, user=tenants.users["a_lead"])
    assert applied.summary["changes"] == [changed, added]


def test_a_stale_row_is_listed_once_as_rejected_not_also_as_left_alone(tenants):
    rows = selectors.plan_rows(partnership=tenants.a, user=tenants.users["a_viewer"])
    data = spreadsheet.write_csv(rows).decode("utf-8-sig").replace("On track", "Complete")
    milestone = tenants.milestones["a"]
    services.milestone_update(milestone=milestone, user=tenants.users["a_admin"],
                              version=milestone.version, changes={"status": "off_track"})
    plan_import = upload(tenants, data.encode(), "old.csv")
    assert plan_import.summary["rejected"] == 1
    assert plan_import.summary["milestones_left_alone"] == 0
    assert plan_import.summary["changes"] == []
    assert len(plan_import.problems) == 1


def test_a_preview_made_stale_by_a_later_edit_is_refused_on_apply(tenants):
    from actionplans.services.plan_import import StalePreview, plan_import_refresh

    rows = selectors.plan_rows(partnership=tenants.a, user=tenants.users["a_viewer"])
    data = spreadsheet.write_csv(rows).decode("utf-8-sig").replace("On track", "Complete")
    plan_import = upload(tenants, data.encode(), "plan.csv")
    assert plan_import.summary["milestones_changed"] == 1
    milestone = tenants.milestones["a"]
    services.milestone_update(milestone=milestone, user=tenants.users["a_admin"],
                              version=milestone.version, changes={"status": "off_track"})
    before = history_rows()
    # Even leaving out rejected rows: the preview promised a change it would no longer make.
    with pytest.raises(StalePreview):
        services.plan_import_apply(plan_import=plan_import, user=tenants.users["a_lead"],
                                   accept_valid=True)
    assert history_rows() == before
    assert Milestone.objects.get(pk=milestone.pk).status == "off_track"
    plan_import.refresh_from_db()
    assert plan_import.status == "preview"
    refreshed = plan_import_refresh(plan_import=plan_import, user=tenants.users["a_lead"])
    assert refreshed.summary["rejected"] == 1 and refreshed.summary["changes"] == []
    services.plan_import_apply(plan_import=refreshed, user=tenants.users["a_lead"],
                               accept_valid=True)
    assert Milestone.objects.get(pk=milestone.pk).status == "off_track"
