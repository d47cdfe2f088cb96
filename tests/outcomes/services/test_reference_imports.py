"""Imports into the national reference data: a batch with no partnership, loaded by a
national administrator or the Fingertips sync's system user, with every area's rows."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from outcomes.models import ImportBatch, Metric, Observation, ObservationChange, ReferenceFigure
from outcomes.models.summaries import SummaryState
from outcomes.services import imports

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "alcohol_specific_mortality_91380.csv"
HEADER = FIXTURE.read_text(encoding="utf-8-sig").splitlines()[0]


def fingertips(*rows: str) -> bytes:
    """A Fingertips download with the real file's columns."""
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


def row(area: str, name: str, area_type: str, parent: str, value: float, lower998="",
        upper998="", period="2016 - 18") -> str:
    return (f"91380,Alcohol-specific mortality,{parent},,{area},{name},{area_type},Persons,"
            f"All ages,,,{period},{value},{value - 1},{value + 1},{lower998},{upper998},45,"
            f"319240,,,Similar,Similar,20160000,,")


SMALL = (
    row("E92000001", "England", "England", "", 10.4),
    row("E12000001", "North East region", "Region", "E92000001", 15.9, 15.0, 16.8),
    row("E06000005", "Darlington", "County & UA (pre 4/19)", "E12000001", 14.1, 9.0, 20.1),
)


def load(tenants, data: bytes, *, user="superuser", **options) -> ImportBatch:
    user = tenants.users[user] if isinstance(user, str) else user
    return imports.submit(partnership=None, user=user, file_name="91380.csv", data=data,
                          format="fingertips", create_missing_metrics=True,
                          background=False, **options).batch


def test_a_national_admin_loads_every_area_of_the_real_file(tenants):
    batch = load(tenants, FIXTURE.read_bytes())
    assert (batch.status, batch.is_reference, batch.inserted, batch.rejected) == (
        "complete", True, 6597, 0)
    metric = Metric.objects.get(fingertips_id=91380)
    assert (metric.owner, metric.tier) == (None, "related")  # a national metric
    assert ReferenceFigure.objects.filter(metric=metric).count() == 6597
    assert not Observation.objects.filter(batch=batch).exists()
    darlington = ReferenceFigure.objects.get(
        metric=metric, area_code="E06000005", sex="Persons", period_label="2016 - 18",
        category="")
    assert (darlington.value, darlington.count, darlington.denominator) == (
        pytest.approx(14.06722032), 45, 319240)
    assert (darlington.area_type, darlington.parent_code) == (
        "County & UA (pre 4/19)", "E12000001")
    assert set(ReferenceFigure.objects.values_list("area_type", flat=True)) == {
        "England", "Region", "County & UA (pre 4/19)"}
    again = load(tenants, FIXTURE.read_bytes())
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 6597)


def test_the_99_8_limits_area_type_and_parent_are_kept(tenants):
    load(tenants, fingertips(*SMALL))
    region = ReferenceFigure.objects.get(area_code="E12000001")
    assert (region.lower_ci_998, region.upper_ci_998, region.lower_ci, region.upper_ci) == (
        15.0, 16.8, pytest.approx(14.9), pytest.approx(16.9))
    assert (region.area_type, region.parent_code) == ("Region", "E92000001")
    assert ReferenceFigure.objects.get(area_code="E92000001").parent_code == ""


def test_rollback_restores_the_previous_figures(tenants):
    first = load(tenants, fingertips(*SMALL))
    revised = load(tenants, fingertips(
        row("E06000005", "Darlington", "County & UA (pre 4/19)", "E12000001", 15.2, 10, 21),
        row("E06000005", "Darlington", "County & UA (pre 4/19)", "E12000001", 16.0,
            period="2017 - 19")))
    assert (revised.inserted, revised.updated, revised.unchanged) == (1, 1, 0)
    assert ObservationChange.objects.filter(batch=revised, reference=True).count() == 2
    result = imports.import_rollback(batch=revised, user=tenants.users["superuser"])
    assert (result.removed, result.restored, result.kept) == (1, 1, 0)
    darlington = ReferenceFigure.objects.get(area_code="E06000005")
    assert (darlington.value, darlington.lower_ci_998, darlington.batch_id) == (
        14.1, 9.0, first.pk)
    assert ReferenceFigure.objects.count() == 3


def test_only_national_admins_and_the_sync_load_the_reference_data(tenants):
    data = fingertips(*SMALL)
    for username in ["a_analyst", "a_admin", "b_analyst", "regional", "outsider"]:
        with pytest.raises(PermissionDenied, match="Only national administrators"):
            load(tenants, data, user=username)
    assert not ImportBatch.objects.filter(partnership=None).exists()
    sync = imports.system_user()
    assert sync == imports.system_user()  # made once
    assert (sync.username, sync.is_active, sync.has_usable_password()) == (
        "fingertips-sync", False, False)
    batch = load(tenants, data, user=sync)
    assert (batch.created_by, batch.inserted) == (sync, 3)
    with pytest.raises(PermissionDenied):  # it loads no partnership's data
        imports.submit(partnership=tenants.a, user=sync, file_name="x.csv", data=data,
                       format="fingertips", background=False)
    with pytest.raises(PermissionDenied):
        imports.import_rollback(batch=batch, user=tenants.users["a_admin"])
    imports.import_rollback(batch=batch, user=sync)
    assert not ReferenceFigure.objects.exists()


def test_a_reference_batch_recomputes_statistics_and_summaries(tenants):
    SummaryState.objects.update(dirty=False)
    load(tenants, fingertips(*SMALL))

    def darlington():
        return ReferenceFigure.objects.values_list(
            "england_value", "england_comparison", "region_comparison").get(
            area_code="E06000005")

    # 14.1 (95% CI 13.1-15.1), low is good: above England's 10.4, below the region's 15.9.
    assert darlington() == (10.4, "Worse", "Better")
    # A national metric: every partnership ranks among every area, so each recomputes.
    assert set(SummaryState.objects.filter(dirty=True).values_list(
        "partnership_id", flat=True)) == {tenants.a.pk, tenants.b.pk}
    # A revision that raises England's figure, then its rollback: recomputed both times.
    revised = load(tenants, fingertips(row("E92000001", "England", "England", "", 20.0)))
    assert darlington() == (20.0, "Better", "Better")
    imports.import_rollback(batch=revised, user=tenants.users["superuser"])
    assert darlington() == (10.4, "Worse", "Better")


def test_command_reference_flag(tenants, tmp_path):
    path = tmp_path / "91380.csv"
    path.write_bytes(fingertips(*SMALL))
    with pytest.raises(CommandError, match="a_analyst is not a national administrator"):
        call_command("import_observations", str(path), "--reference", "--user", "a_analyst",
                     "--create-missing-metrics", stdout=io.StringIO())
    with pytest.raises(CommandError, match="drop --partnership"):
        call_command("import_observations", str(path), "--reference", "--user", "national",
                     "--partnership", "rotherham", stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_observations", str(path), "--reference", "--user", "national",
                 "--create-missing-metrics", stdout=out)
    assert "3 were inserted" in out.getvalue()
    assert ReferenceFigure.objects.count() == 3
