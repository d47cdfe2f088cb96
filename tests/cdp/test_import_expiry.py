"""Imports left "Ready to confirm" expire after IMPORT_PREVIEW_TTL_HOURS: they cannot be
applied, and the periodic task (run here through Celery, in process as the suite runs tasks)
or `manage.py expire_import_previews` drops them and deletes their stored files."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from actionplans.models import PlanImport
from actionplans.services.plan_import import plan_import_apply, plan_import_start
from cdp import tasks
from cdp.celery import app
from outcomes.models import ImportBatch, Observation
from outcomes.services import imports

pytestmark = pytest.mark.django_db

TIDY = (
    b"metric,area_code,period,value,count,lower_ci,upper_ci,value_note\n"
    b"continuity_of_care,E08000018,2022/23,41.5,,,,\n"
)


def checked(tenants) -> ImportBatch:
    return imports.submit(
        partnership=tenants.a,
        user=tenants.users["a_analyst"],
        file_name="figures.csv",
        data=TIDY,
        format="tidy",
        preview=True,
    ).batch


def age(model, pk: int, hours: float) -> None:
    model.objects.filter(pk=pk).update(created_at=timezone.now() - timedelta(hours=hours))


def exported_plan(client, tenants) -> bytes:
    client.force_login(tenants.users["a_lead"])
    return client.get(reverse("actionplans:plan_export", args=[tenants.a.slug, "csv"])).content


def test_the_expiry_runs_hourly_from_beat():
    entry = app.conf.beat_schedule["expire-import-previews"]
    assert entry["task"] == "cdp.tasks.expire_import_previews"
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


def test_an_expired_preview_cannot_be_applied(client, tenants, settings):
    settings.IMPORT_PREVIEW_TTL_HOURS = 24
    batch = checked(tenants)
    age(ImportBatch, batch.pk, 25)
    client.force_login(tenants.users["a_analyst"])
    url = f"/partnerships/rotherham/data/imports/{batch.pk}/"
    response = client.post(url, follow=True)
    assert "This import has expired: it was not confirmed within 24 hours" in (
        response.content.decode()
    )
    assert not Observation.objects.filter(batch=batch).exists()
    batch.refresh_from_db()
    assert batch.status == "preview"  # refused; the sweep drops it


def test_the_task_expires_old_previews_and_deletes_their_files(client, tenants, settings):
    settings.IMPORT_PREVIEW_TTL_HOURS = 24
    old, fresh = checked(tenants), checked(tenants)
    assert default_storage.exists(old.stored_file)
    age(ImportBatch, old.pk, 24.5)
    age(ImportBatch, fresh.pk, 23)
    plan_file = exported_plan(client, tenants)
    old_plan = plan_import_start(
        partnership=tenants.a, user=tenants.users["a_lead"], file_name="plan.csv", data=plan_file
    )
    assert default_storage.exists(old_plan.stored_file)
    age(PlanImport, old_plan.pk, 30)
    waiting = tenants.plan_imports["a"]  # made just now: left alone

    expired = tasks.expire_import_previews.delay().get()

    # The two old ones; the fixture's other plan import (partnership B) is fresh too.
    assert expired == 2
    old_file, old_plan_file = old.stored_file, old_plan.stored_file
    for row in (old, fresh, old_plan, waiting):
        row.refresh_from_db()
    assert (old.status, fresh.status) == ("cancelled", "preview")
    assert old.failure == "Expired: not confirmed within 24 hours." and old.stored_file == ""
    assert not default_storage.exists(old_file)
    assert default_storage.exists(fresh.stored_file)
    assert (old_plan.status, waiting.status) == ("cancelled", "preview")
    assert not default_storage.exists(old_plan_file)
    # Applying afterwards says why, in the same words.
    with pytest.raises(ValidationError, match="This import has expired"):
        imports.import_apply(batch=old, user=tenants.users["a_analyst"], accept_valid=True)
    with pytest.raises(ValidationError, match="This import has expired"):
        plan_import_apply(plan_import=old_plan, user=tenants.users["a_lead"])
    # Its page says so too, and a second run finds nothing more to do.
    client.force_login(tenants.users["a_analyst"])
    page = client.get(f"/partnerships/rotherham/data/imports/{old.pk}/").content.decode()
    assert "Expired: not confirmed within 24 hours." in page
    assert tasks.expire_import_previews.delay().get() == 0


def test_an_expired_plan_import_cannot_be_applied(client, tenants, settings):
    settings.IMPORT_PREVIEW_TTL_HOURS = 2
    plan_import = plan_import_start(
        partnership=tenants.a,
        user=tenants.users["a_lead"],
        file_name="plan.csv",
        data=exported_plan(client, tenants),
    )
    age(PlanImport, plan_import.pk, 3)
    response = client.post(
        reverse("actionplans:plan_import", args=["rotherham", plan_import.pk]), follow=True
    )
    assert "it was not confirmed within 2 hours" in response.content.decode()
    plan_import.refresh_from_db()
    assert plan_import.status == "preview"


def test_the_command_expires_them_now(tenants, settings, capsys):
    settings.IMPORT_PREVIEW_TTL_HOURS = 1
    batch = checked(tenants)
    age(ImportBatch, batch.pk, 2)
    call_command("expire_import_previews")
    assert capsys.readouterr().out.strip() == ("1 import expired (not confirmed within 1 hour).")
    batch.refresh_from_db()
    assert batch.status == "cancelled"


def test_the_plan_import_cancel_asks_first(client, tenants):
    plan_import = tenants.plan_imports["a"]
    client.force_login(tenants.users["a_lead"])
    url = reverse("actionplans:plan_import_cancel", args=["rotherham", plan_import.pk])
    detail = client.get(reverse("actionplans:plan_import", args=["rotherham", plan_import.pk]))
    assert f'href="{url}"' in detail.content.decode()
    assert f'action="{url}"' not in detail.content.decode()
    text = client.get(url).content.decode()
    assert "Are you sure you do not want to import this file?" in text
    plan_import.refresh_from_db()
    assert plan_import.status == "preview"
    client.post(url)
    plan_import.refresh_from_db()
    assert plan_import.status == "cancelled"
