"""Site admins create partnerships in the Django admin; permissions follow at once."""

import pytest

from partnerships import access, services
from partnerships.models import Partnership, Region

pytestmark = pytest.mark.django_db

INLINES = ["organisations", "named_roles", "sub_groups", "key_documents"]


def partnership_form(**fields) -> dict:
    data = {
        "name": "York Drug and Alcohol Partnership",
        "slug": "york",
        "region": Region.objects.get(code="E12000003").pk,
        "local_authority_codes": "E06000014",
        **fields,
    }
    for prefix in INLINES:
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data


def test_admin_creates_a_partnership_with_working_roles(client, tenants):
    client.force_login(tenants.users["superuser"])
    response = client.post("/admin/partnerships/partnership/add/", partnership_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    york = Partnership.objects.get(slug="york")
    assert list(york.local_authorities.values_list("code", flat=True)) == ["E06000014"]

    services.membership_create(partnership=york, user=tenants.users["outsider"], role="lead")
    assert access.actions_for(tenants.users["outsider"], "york") == access.with_derived(
        {"view", "edit_plan"})
    assert access.actions_for(tenants.users["regional"], "york") == {"view"}


def test_admin_form_errors_for_duplicate_slug_and_unknown_code(client, tenants):
    client.force_login(tenants.users["superuser"])
    response = client.post(
        "/admin/partnerships/partnership/add/",
        partnership_form(slug="rotherham", local_authority_codes="E06000014, E06999999"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "A partnership with this short name already exists." in html
    assert "Unknown ONS code: E06999999" in html
    assert not Partnership.objects.filter(name="York Drug and Alcohol Partnership").exists()
