"""actionplans/views/plan_import.py: the preview row by row, and a stale preview refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from actionplans import selectors, services, spreadsheet
from actionplans.models import Milestone, PlanImport

from .helpers import PLAN

pytestmark = pytest.mark.django_db


def upload(client, tenants, edit) -> tuple[str, PlanImport]:
    rows = selectors.plan_rows(partnership=tenants.a, user=tenants.users["a_viewer"])
    text = edit(spreadsheet.write_csv(rows).decode("utf-8-sig"))
    response = client.post(PLAN + "import/", {
        "file": SimpleUploadedFile("plan.csv", text.encode(), content_type="text/csv")})
    assert response.status_code == 302, response.content.decode()
    return response["Location"], PlanImport.objects.filter(file_name="plan.csv").get()


def test_the_preview_shows_each_field_old_and_new(client, tenants):
    client.force_login(tenants.users["a_lead"])
    url, _ = upload(client, tenants, lambda t: t.replace("On track", "Complete"))
    page = client.get(url).content.decode()
    assert "Milestones that will change (1)" in page
    assert "Row 2: Prison leavers seen within 3 weeks" in page
    assert ('<th scope="row" class="govuk-table__header">Status</th><td class="govuk-table__'
            'cell">On track</td><td class="govuk-table__cell">Complete</td>') in page


def test_a_preview_the_plan_has_outdated_is_refused_and_made_again(client, tenants):
    client.force_login(tenants.users["a_lead"])
    url, plan_import = upload(client, tenants, lambda t: t.replace("On track", "Complete"))
    milestone = tenants.milestones["a"]
    services.milestone_update(milestone=milestone, user=tenants.users["a_admin"],
                              version=milestone.version, changes={"status": "off_track"})
    response = client.post(url, {"accept_valid": "on"}, follow=True)
    page = response.content.decode()
    assert "The plan changed after this file was checked" in page
    assert "Nothing was imported" in page
    assert Milestone.objects.get(pk=milestone.pk).status == "off_track"
    plan_import.refresh_from_db()
    assert plan_import.status == "preview"
    # Made again: the row is now refused as stale, once, and no change is promised.
    assert plan_import.summary["rejected"] == 1
    assert plan_import.summary["milestones_left_alone"] == 0
    assert "Milestones that will change" not in page
    assert "was changed in the dashboard after this file was exported" in page
