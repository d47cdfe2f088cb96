"""The import service against PostgreSQL: validate, preview, upsert, reject, roll back."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from outcomes.importers import FileProblem
from outcomes.models import ImportBatch, Metric, Observation, ReferenceFigure
from outcomes.services import import_rows, imports

pytestmark = pytest.mark.django_db

TIDY_HEADER = "metric,area_code,period,value,count,lower_ci,upper_ci,value_note\n"


def tidy(*rows: str) -> bytes:
    return (TIDY_HEADER + "\n".join(rows) + "\n").encode()


def run(tenants, data: bytes, *, user="a_analyst", partnership=None, **options) -> ImportBatch:
    return imports.import_file(
        partnership=partnership or tenants.a, user=tenants.users[user], file_name="figures.csv",
        data=data, format=options.pop("format", "tidy"), **options,
    )


def values(tenants) -> dict:
    rows = Observation.objects.filter(partnership=tenants.a, metric__code="continuity_of_care")
    return dict(rows.values_list("period_label", "value"))


def test_import_then_reimport_changes_nothing(tenants):
    data = tidy("continuity_of_care,E08000018,2022/23,41.5,,,,",
                "continuity_of_care,E08000018,2023/24,47.0,,,,")
    first = run(tenants, data)
    assert (first.status, first.inserted, first.updated, first.unchanged) == (
        "complete", 2, 0, 0)
    assert values(tenants) == {"2022/23": 41.5, "2023/24": 47.0}
    second = run(tenants, data)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 2)
    assert Observation.objects.filter(partnership=tenants.a,
                                      metric__code="continuity_of_care").count() == 2


def test_a_changed_value_is_an_update_and_rollback_restores_it(tenants):
    first = run(tenants, tidy("continuity_of_care,E08000018,2022/23,41.5,,,,"))
    second = run(tenants, tidy("continuity_of_care,E08000018,2022/23,43.0,,,,revised",
                               "continuity_of_care,E08000018,2023/24,47.0,,,,"))
    assert (second.inserted, second.updated) == (1, 1)
    assert values(tenants) == {"2022/23": 43.0, "2023/24": 47.0}

    result = imports.import_rollback(batch=second, user=tenants.users["a_analyst"])
    assert (result.removed, result.restored, result.kept) == (1, 1, 0)
    assert values(tenants) == {"2022/23": 41.5}
    restored = Observation.objects.get(partnership=tenants.a, metric__code="continuity_of_care")
    assert restored.value_note == "" and restored.batch_id == first.pk
    with pytest.raises(ValidationError, match="Only an applied import"):
        imports.import_rollback(batch=second, user=tenants.users["a_analyst"])


def test_rollback_leaves_rows_a_later_import_changed(tenants):
    first = run(tenants, tidy("continuity_of_care,E08000018,2022/23,41.5,,,,"))
    run(tenants, tidy("continuity_of_care,E08000018,2022/23,43.0,,,,"))
    result = imports.import_rollback(batch=first, user=tenants.users["a_analyst"])
    assert (result.removed, result.kept) == (0, 1)
    assert values(tenants) == {"2022/23": 43.0}


def test_rejected_rows_block_the_import_until_accepted(tenants):
    data = tidy(
        "continuity_of_care,E08000018,2022/23,41.5,,,,",
        "continuity_of_care,E08000019,2022/23,50,,,,",  # Sheffield: not Rotherham's
        "no_such_metric,E08000018,2022/23,1,,,,",
        "continuity_of_care,E08000018,2022/23,41.6,,,,",  # line 2's key, another value
        "continuity_of_care,E08000018,someday,1,,,,",
        "continuity_of_care,E08000018,2021/22,x,,,,",
        "continuity_of_care,E08000018,2020/21,40,,50,45,",
        "numbers_in_treatment,E08000018,2020/21,10,-1,,,",
    )
    batch = run(tenants, data)
    assert batch.status == "preview" and batch.rejected == 7 and batch.inserted == 1
    assert values(tenants) == {}
    reasons = list(batch.problems.values_list("line", "reason"))
    assert reasons == [
        (3, "area E08000019 is not in Rotherham CDP"),
        (4, "unknown metric code 'no_such_metric'"),
        (5, "the same metric, area, period and breakdown as line 2, with a different value"),
        (6, "the time period cannot be read: 'someday' is not a time period we can read"),
        (7, "value 'x' is not a number"),
        (8, "lower CI 50 is above upper CI 45"),
        (9, "count -1 is negative"),
    ]
    with pytest.raises(ValidationError, match="7 rows cannot be imported"):
        imports.import_commit(batch_id=batch.pk, user=tenants.users["a_analyst"])
    done = imports.import_commit(batch_id=batch.pk, user=tenants.users["a_analyst"],
                                  accept_valid=True)
    assert (done.status, done.inserted, done.rejected) == ("complete", 1, 7)
    assert values(tenants) == {"2022/23": 41.5}


def test_only_analysts_and_admins_of_the_partnership_may_import(tenants):
    data = tidy("continuity_of_care,E08000018,2022/23,41.5,,,,")
    for username in ["a_viewer", "a_lead", "regional", "b_analyst", "outsider"]:
        with pytest.raises(PermissionDenied):
            run(tenants, data, user=username)
    assert run(tenants, data, user="a_admin").status == "complete"


BENCHMARK_ROWS = (
    "continuity_of_care,E92000001,2022/23,45.0,,,,",
    "continuity_of_care,E12000003,2022/23,44.0,,,,",
    "continuity_of_care,E08000018,2022/23,41.5,,,,",
)


def test_england_and_region_rows_are_kept_as_benchmarks(tenants):
    batch = run(tenants, tidy(*BENCHMARK_ROWS), user="superuser")
    assert batch.inserted == 3
    assert set(ReferenceFigure.objects.values_list("area_code", "value")) == {
        ("E92000001", 45.0), ("E12000003", 44.0)}
    assert Observation.objects.filter(batch=batch).count() == 1
    imports.import_rollback(batch=batch, user=tenants.users["superuser"])
    assert not ReferenceFigure.objects.exists()


def test_a_partnership_cannot_change_the_shared_benchmarks(tenants):
    run(tenants, tidy(*BENCHMARK_ROWS), user="superuser")
    darlington = run(tenants, tidy("continuity_of_care,E92000001,2022/23,99,,,,"),
                     user="b_analyst", partnership=tenants.b)
    assert (darlington.status, darlington.skipped, darlington.inserted) == ("complete", 1, 0)
    # England's figure is the national reference data's, and it holds it for this period.
    assert darlington.problems.get().reason == (
        "published figures for other areas: taken from the national reference data")
    assert ReferenceFigure.objects.get(area_code="E92000001").value == 45.0


def test_identical_repeats_are_skipped_and_suppressed_values_stay_null(tenants):
    batch = run(tenants, tidy(
        "continuity_of_care,E08000018,2022/23,41.5,,,,",
        "continuity_of_care,E08000018,2022/23,41.5,,,,",
        "continuity_of_care,E08000018,2021/22,,,,,Value suppressed for disclosure control",
    ))
    assert (batch.status, batch.inserted, batch.skipped, batch.rejected) == (
        "complete", 2, 1, 0)
    assert batch.problems.get().reason == "the same figure as line 2"
    suppressed = Observation.objects.get(metric__code="continuity_of_care",
                                         period_label="2021/22")
    assert suppressed.value is None and suppressed.value_note.startswith("Value suppressed")


def test_double_click_applies_once(tenants):
    batch = run(tenants, tidy("continuity_of_care,E08000018,2022/23,41.5,,,,"), dry_run=False)
    assert batch.status == "complete"
    preview = imports.import_start(
        partnership=tenants.a, user=tenants.users["a_analyst"], file_name="again.csv",
        data=tidy("continuity_of_care,E08000018,2023/24,47,,,,"), format="tidy")
    imports.import_validate(batch_id=preview.pk)
    ImportBatch.objects.filter(pk=preview.pk).update(status="importing")  # the first click
    with pytest.raises(ValidationError, match="already being applied"):
        imports.import_commit(batch_id=preview.pk, user=tenants.users["a_analyst"])


def test_a_dry_run_cannot_be_applied_later(tenants):
    batch = run(tenants, tidy("continuity_of_care,E08000018,2022/23,41.5,,,,"), dry_run=True)
    assert batch.status == "dry_run"
    with pytest.raises(ValidationError, match="checked only"):
        imports.import_commit(batch_id=batch.pk, user=tenants.users["a_analyst"])
    assert values(tenants) == {}


def test_a_malformed_csv_fails_the_batch_with_a_reason(tenants):
    data = TIDY_HEADER.encode() + b'continuity_of_care,E08000018,"2022/23,41.5\n' + (
        b"x" * 200_000) + b"\n"
    batch = run(tenants, data)
    assert batch.status == "failed"
    assert "cannot be read as CSV" in batch.failure


FINGERTIPS = (
    "Indicator ID,Indicator Name,Area Code,Area Name,Area Type,Sex,Age,Category Type,Category,"
    "Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,Count,Denominator,Value note\r\n"
    "{id},{name},E08000018,Rotherham,UA,Persons,18+ yrs,,,2022,{value},,,,,\r\n"
)


def test_unknown_fingertips_indicators_are_skipped_or_created(tenants):
    data = FINGERTIPS.format(id=93100, name="Admissions for something", value=12).encode()
    skipped = run(tenants, data, format="fingertips")
    assert (skipped.status, skipped.skipped, skipped.inserted) == ("complete", 1, 0)
    assert "Fingertips indicator 93100" in skipped.problems.get().reason

    created = run(tenants, data, format="fingertips", create_missing_metrics=True)
    assert (created.inserted, created.skipped) == (1, 0)
    metric = Metric.objects.get(fingertips_id=93100)
    assert (metric.owner, metric.name, metric.tier) == (tenants.a, "Admissions for something",
                                                        "local")


def test_known_fingertips_indicator_is_matched_by_id(tenants):
    batch = run(tenants, FINGERTIPS.format(id=92432, name="Deaths", value=6.1).encode(),
                format="fingertips")
    assert batch.inserted == 1
    assert Observation.objects.get(batch=batch).metric.code == "drug_misuse_deaths"


def test_files_are_stored_outside_the_web_root_with_random_names(client, tenants):
    import re

    batch = run(tenants, tidy("continuity_of_care,E08000018,2022/23,41.5,,,,"))
    stored = Path(settings.MEDIA_ROOT) / batch.stored_file
    assert stored.exists()
    assert re.fullmatch(r"imports/[0-9a-f]{32}\.csv", batch.stored_file)
    # Nothing serves the uploads folder, signed in or not.
    client.force_login(tenants.users["a_analyst"])
    assert client.get(f"{settings.MEDIA_URL}{batch.stored_file}").status_code == 404
    assert client.get(f"/static/../media/{batch.stored_file}").status_code == 404


def test_a_file_over_the_limit_is_refused_before_it_is_read(tenants, monkeypatch):
    monkeypatch.setattr(imports, "MAX_FILE_BYTES", 100)
    with pytest.raises(FileProblem, match="the largest accepted is"):
        run(tenants, tidy(*["continuity_of_care,E08000018,2022/23,41.5,,,,"] * 10))
    assert not ImportBatch.objects.filter(file_name="figures.csv").exists()


def test_a_failure_midway_writes_nothing(tenants, monkeypatch):
    rows = [f"numbers_in_treatment,E08000018,{2000 + n}/{(n + 1) % 100:02d},{n},,,,"
            for n in range(30)]
    monkeypatch.setattr(import_rows, "CHUNK", 10)
    calls = {"n": 0}
    real_apply = import_rows._apply

    def failing_apply(*args, **kwargs):
        calls["n"] += 1
        if kwargs.get("write") and calls["n"] > 5:
            raise RuntimeError("the disk is full")
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(import_rows, "_apply", failing_apply)
    with pytest.raises(RuntimeError):
        run(tenants, tidy(*rows))
    batch = ImportBatch.objects.get(file_name="figures.csv")
    assert batch.status == "failed" and "Nothing was imported" in batch.failure
    assert not Observation.objects.filter(batch=batch).exists()
    assert Observation.objects.filter(metric__code="numbers_in_treatment",
                                      partnership=tenants.a).count() == 1  # the fixture's


def test_command_dry_run_and_errors(tenants, tmp_path):
    path = tmp_path / "figures.csv"
    path.write_bytes(tidy("continuity_of_care,E08000018,2022/23,41.5,,,,",
                          "continuity_of_care,E08000018,2023/24,oops,,,,"))
    out = io.StringIO()
    call_command("import_observations", str(path), "--partnership", "rotherham",
                 "--user", "a_analyst", "--dry-run", stdout=out)
    assert "1 would be inserted" in out.getvalue()
    assert "line 3: rejected: value 'oops' is not a number" in out.getvalue()
    assert values(tenants) == {}
    with pytest.raises(CommandError, match="1 row rejected, so nothing was imported"):
        call_command("import_observations", str(path), "--partnership", "rotherham",
                     "--user", "a_analyst", stdout=io.StringIO())
    with pytest.raises(CommandError, match="cannot load data into a partnership 'darlington'"):
        call_command("import_observations", str(path), "--partnership", "darlington",
                     "--user", "a_analyst", stdout=io.StringIO())
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_observations", str(tmp_path / "missing.csv"), stdout=io.StringIO())
