"""actionplans/views/report.py: the annual progress report and its CSV."""

import csv
import io

import pytest

from ..services.test_plan_import import bigger_plan
from .helpers import PLAN, add_milestones

pytestmark = pytest.mark.django_db


def test_the_annual_report_counts_completed_slipped_and_at_risk(client, tenants):
    add_milestones(tenants)
    client.force_login(tenants.users["a_viewer"])
    body = client.get(f"{PLAN}report/?year=3").content.decode()
    assert "Annual progress report: Year 3 (2024/25)" in body
    assert ("Of 2 milestones due in Year 3 (2024/25), 1 was completed, 1 slipped past its due "
            "date and 0 are at risk or off track.") in body
    assert "numbers in treatment" not in body  # no metric is linked to year 3's milestones
    year1 = client.get(f"{PLAN}report/?year=1").content.decode()
    assert "The numbers in treatment for adults" in year1 and "2,153" in year1
    assert "There is no year 7 in this plan" in client.get(
        f"{PLAN}report/?year=7").content.decode()


def test_the_report_csv_escapes_formulas(client, tenants):
    bigger_plan(tenants)
    client.force_login(tenants.users["a_viewer"])
    response = client.get("/partnerships/rotherham/plan/report.csv?year=1")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["plan_year", "priority", "strand"]
    assert ["'=Serious and Organised Crime Tasking Group", "Tasking group in place"] == rows[
        [r[5] for r in rows].index("Tasking group in place")][4:6]
    assert rows[0][7:11] == ["status", "derived_status", "original_due_date",
                             "progress_category"]
    progress = [r[12] for r in rows if r[5] == "Tasking group in place"]
    assert progress == ["'-3 OCGs disrupted;\n@partners briefed"]
