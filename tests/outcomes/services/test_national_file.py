"""The analyst's all-areas Fingertips download just works, and a new metric's metadata is
inferred from the file (or taken from Fingertips' metadata file), never silently defaulted."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from outcomes.models import ImportBatch, Metric, Observation, ReferenceFigure
from outcomes.services import imports
from tests.outcomes.importers.test_metadata import ALCOHOL, metadata_csv

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "alcohol_specific_mortality_91380.csv"
TAKEN = "published figures for other areas: taken from the national reference data"
DARLINGTON_ROWS = 33  # 11 periods × persons, male, female


def command(*args: str) -> str:
    out = io.StringIO()
    call_command("import_observations", *args, stdout=out)
    return out.getvalue()


def test_the_national_file_keeps_darlingtons_rows_and_lists_the_rest(tenants):
    # A national admin loads the reference data first; the analyst's file then matches it.
    command(str(FIXTURE), "--reference", "--user", "national", "--create-missing-metrics")
    out = command(str(FIXTURE), "--partnership", "darlington", "--user", "b_analyst")
    batch = ImportBatch.objects.get(partnership=tenants.b, file_name=FIXTURE.name)
    assert (batch.status, batch.inserted, batch.skipped, batch.rejected) == (
        "complete", DARLINGTON_ROWS, 6597 - DARLINGTON_ROWS, 0)
    assert set(Observation.objects.filter(batch=batch).values_list(
        "area_code", flat=True)) == {"E06000005"}
    assert set(batch.problems.values_list("reason", flat=True)) == {TAKEN}
    assert f"{6597 - DARLINGTON_ROWS} skipped: {TAKEN}" in out
    again = command(str(FIXTURE), "--partnership", "darlington", "--user", "b_analyst")
    assert "Nothing new to import" in again  # and it exits 0


@pytest.mark.usefixtures("untracked_91380")
def test_before_the_reference_data_holds_them_the_reasons_say_who_loads_them(tenants):
    out = command(str(FIXTURE), "--partnership", "darlington", "--user", "b_analyst",
                  "--create-missing-metrics")
    batch = ImportBatch.objects.get(partnership=tenants.b, file_name=FIXTURE.name)
    assert (batch.inserted, batch.rejected) == (DARLINGTON_ROWS, 0)
    reason = batch.problems.filter(line=2).get().reason  # England, 2006 - 08, male
    assert reason == (
        f"{TAKEN}, which does not yet hold any figures for Alcohol-specific mortality: national "
        "administrators load them (import_observations --reference, or the Fingertips sync)")
    metric = Metric.objects.get(fingertips_id=91380)
    assert (metric.owner, metric.polarity, metric.period_years, metric.frequency,
            metric.year_type) == (tenants.b, "lower_better", 3, "rolling_3y", "calendar")
    assert metric.value_type != "count" and metric.unit == "rate_per_100000"
    assert "New metric for Fingertips indicator 91380 (Alcohol-specific mortality):" in out
    assert "polarity: lower is better" in out
    assert "likely a directly standardised rate" in out
    assert not ReferenceFigure.objects.exists()


@pytest.mark.usefixtures("untracked_91380")
def test_the_fingertips_metadata_file_is_used_instead(tenants, tmp_path):
    meta = tmp_path / "indicator_metadata.csv"
    meta.write_bytes(metadata_csv(ALCOHOL))
    out = command(str(FIXTURE), "--reference", "--user", "national",
                  "--create-missing-metrics", "--metadata", str(meta))
    metric = Metric.objects.get(fingertips_id=91380, owner=None)
    assert (metric.value_type, metric.unit, metric.polarity, metric.period_years) == (
        "dsr", "rate_per_100000", "lower_better", 3)
    assert "value type 'Directly standardised rate' from the Fingertips metadata" in out
    assert "likely a directly standardised rate" not in out  # not inferred
    # A later metadata file updates the national metric (national admins only).
    meta.write_bytes(metadata_csv({**ALCOHOL, "Polarity": "BOB - Blue orange blue"}))
    with pytest.raises(CommandError, match="name the file"):
        command("--user", "national")
    assert "Alcohol-specific mortality: metadata updated" in command(
        "--metadata", str(meta), "--user", "national")
    metric.refresh_from_db()
    assert metric.polarity == "no_judgement"
    meta.write_bytes(metadata_csv({**ALCOHOL, "Polarity": "RAG - High is good"}))
    assert "updated" not in command("--metadata", str(meta), "--user", "b_analyst")
    assert Metric.objects.get(pk=metric.pk).polarity == "no_judgement"  # not theirs to change


def test_a_system_user_batch_is_the_syncs(tenants):
    batch = imports.submit(partnership=None, user=imports.system_user(),
                           file_name="sync.csv", data=FIXTURE.read_bytes(),
                           format="fingertips", create_missing_metrics=True,
                           background=False).batch
    assert (batch.status, batch.inserted) == ("complete", 6597)
    assert Metric.objects.get(fingertips_id=91380).polarity == "lower_better"


def test_a_period_the_reference_data_lacks_is_named(tenants):
    rows = FIXTURE.read_text(encoding="utf-8-sig").splitlines()
    older = [r for r in rows[1:] if ",2016 - 18," not in r]
    imports.submit(partnership=None, user=tenants.users["superuser"], file_name="old.csv",
                   data=("\r\n".join([rows[0], *older]) + "\r\n").encode(),
                   format="fingertips", create_missing_metrics=True, background=False)
    command(str(FIXTURE), "--partnership", "darlington", "--user", "b_analyst")
    batch = ImportBatch.objects.get(partnership=tenants.b, file_name=FIXTURE.name)
    reasons = set(batch.problems.values_list("reason", flat=True))
    assert reasons == {TAKEN, f"{TAKEN}, which does not yet hold Alcohol-specific mortality "
                       "for 2016 - 18: national administrators load them "
                       "(import_observations --reference, or the Fingertips sync)"}


@pytest.mark.usefixtures("untracked_91380")
def test_metadata_confirmed_on_the_preview_is_what_the_metric_gets(tenants):
    from outcomes.services import metadata

    analyst = tenants.users["b_analyst"]
    batch = imports.submit(partnership=tenants.b, user=analyst, file_name="91380.csv",
                           data=FIXTURE.read_bytes(), format="fingertips",
                           create_missing_metrics=True, background=False, preview=True).batch
    assert set(metadata.new_indicators(batch)) == {"91380"}
    with pytest.raises(PermissionDenied):
        metadata.new_metrics_create(batch=batch, user=tenants.users["a_analyst"], choices={})
    [metric] = metadata.new_metrics_create(batch=batch, user=analyst, choices={"91380": {
        "polarity": "higher_better", "period_years": 1, "name": "ignored"}})
    assert (metric.polarity, metric.period_years, metric.frequency, metric.name) == (
        "higher_better", 1, "annual", "Alcohol-specific mortality")
    assert metadata.new_indicators(batch) == {}  # it exists now: the import matches it
    done = imports.import_commit(batch_id=batch.pk, user=analyst)
    assert (done.inserted, Metric.objects.filter(fingertips_id=91380).count()) == (33, 1)
