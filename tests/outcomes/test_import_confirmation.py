"""Cancelling and rolling back an import ask first: the button leads to a page that asks
"Are you sure?", and only that page's POST acts. No JavaScript is needed."""

import pytest

from outcomes.models import ImportBatch, Observation
from outcomes.services import imports

pytestmark = pytest.mark.django_db

TIDY = (
    b"metric,area_code,period,value,count,lower_ci,upper_ci,value_note\n"
    b"continuity_of_care,E08000018,2022/23,41.5,,,,\n"
)


def batch(tenants, *, preview: bool) -> ImportBatch:
    return imports.submit(
        partnership=tenants.a,
        user=tenants.users["a_analyst"],
        file_name="figures.csv",
        data=TIDY,
        format="tidy",
        preview=preview,
    ).batch


def test_roll_back_asks_first_and_only_the_confirmation_acts(client, tenants):
    applied = batch(tenants, preview=False)
    assert applied.status == "complete"
    client.force_login(tenants.users["a_analyst"])
    base = f"/partnerships/rotherham/data/imports/{applied.pk}/"
    detail = client.get(base).content.decode()
    # The import's page links to the question; it holds no form that rolls back.
    assert f'href="{base}roll-back/"' in detail
    assert f'action="{base}roll-back/"' not in detail

    page = client.get(f"{base}roll-back/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Are you sure you want to roll back this import?" in text
    assert f'<form method="post" action="{base}roll-back/">' in text
    assert "Yes, roll back this import" in text and f'href="{base}">No, keep it' in text
    applied.refresh_from_db()
    assert applied.status == "complete"
    assert Observation.objects.filter(batch=applied).count() == 1

    response = client.post(f"{base}roll-back/")
    assert response.status_code == 302 and response.url == base
    applied.refresh_from_db()
    assert applied.status == "rolled_back"
    assert not Observation.objects.filter(batch=applied).exists()
    # Asked again, the page says it cannot be done and offers no button.
    again = client.get(f"{base}roll-back/").content.decode()
    assert (
        "This import cannot be rolled back" in again
        and "<form" not in again.split("govuk-main-wrapper")[-1].split("</main>")[0]
    )


def test_cancel_asks_first_and_only_the_confirmation_acts(client, tenants):
    checked = batch(tenants, preview=True)
    assert checked.status == "preview"
    client.force_login(tenants.users["a_analyst"])
    base = f"/partnerships/rotherham/data/imports/{checked.pk}/"
    detail = client.get(base).content.decode()
    assert f'href="{base}cancel/"' in detail and f'action="{base}cancel/"' not in detail
    assert "this check expires and the file is deleted" in detail

    text = client.get(f"{base}cancel/").content.decode()
    assert "Are you sure you do not want to import this file?" in text
    checked.refresh_from_db()
    assert checked.status == "preview"

    response = client.post(f"{base}cancel/")
    assert response.url == "/partnerships/rotherham/data/imports/"
    checked.refresh_from_db()
    assert checked.status == "cancelled"


def test_reference_roll_back_asks_first(client, tenants):
    checked = batch(tenants, preview=True)
    ImportBatch.objects.filter(pk=checked.pk).update(partnership=None, status="complete")
    client.force_login(tenants.users["superuser"])
    text = client.get(f"/data/reference-imports/{checked.pk}/roll-back/").content.decode()
    assert "Are you sure you want to roll back this import?" in text
    assert "National reference data" in text
    client.force_login(tenants.users["a_admin"])
    assert client.get(f"/data/reference-imports/{checked.pk}/roll-back/").status_code == 403
