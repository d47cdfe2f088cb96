"""Step-up in the Django admin (ASVS 4.3.3, 3.7.1; cdp/signin/step_up.py): staff who signed in
more than 15 minutes ago confirm who they are, with their second factor, before the admin
shows a form that makes a change or takes one; the admin's lists are read without."""

from urllib.parse import quote

import pytest
from django.test import Client

from partnerships.models import Region

from .test_step_up import CONFIRM_CODE, asks_to_confirm, confirm, stale

pytestmark = pytest.mark.django_db


def region_change_url() -> tuple[Region, str]:
    region = Region.objects.get(code="E12000003")
    return region, f"/admin/partnerships/region/{region.pk}/change/"


def test_a_change_in_the_admin_asks_to_confirm_and_goes_through_after(tenants):
    region, url = region_change_url()
    staff = stale(tenants.users["superuser"])
    # Reading the admin needs no confirmation.
    assert staff.get("/admin/").status_code == 200
    assert staff.get("/admin/partnerships/region/").status_code == 200
    # Its change form asks first, so nothing typed is at risk.
    asks_to_confirm(staff.get(url), url)
    # A change sent anyway (the page was open before the 15 minutes ran out) is not made:
    # back to the page it came from, through the confirmation, with a message.
    sent = staff.post(url, {"code": region.code, "name": "Yorkshire"},
                      HTTP_REFERER=f"http://testserver{url}")
    asks_to_confirm(sent, url)
    region.refresh_from_db()
    assert region.name == "Yorkshire and The Humber"
    confirm(staff, url)  # with the second factor's code
    page = staff.get(url)
    assert page.status_code == 200
    assert "Nothing has been changed yet: after confirming, make the change again" in (
        page.content.decode())
    done = staff.post(url, {"code": region.code, "name": "Yorkshire"})
    assert done.status_code == 302 and done["Location"] == "/admin/partnerships/region/"
    region.refresh_from_db()
    assert region.name == "Yorkshire"


def test_adding_deleting_and_list_actions_in_the_admin_ask_to_confirm(tenants):
    region, _ = region_change_url()
    staff = stale(tenants.users["superuser"])
    add = "/admin/partnerships/region/add/"
    asks_to_confirm(staff.get(add), add)
    delete = f"/admin/partnerships/region/{region.pk}/delete/"
    asks_to_confirm(staff.get(delete), delete)
    asks_to_confirm(staff.post(delete, {"post": "yes"}), delete)
    password = f"/admin/auth/user/{tenants.users['a_viewer'].pk}/password/"
    asks_to_confirm(staff.get(password), password)
    changelist = "/admin/partnerships/region/"
    action = staff.post(changelist, {"action": "delete_selected", "_selected_action": [region.pk]},
                        HTTP_REFERER=f"http://testserver{changelist}")
    asks_to_confirm(action, changelist)
    assert Region.objects.filter(pk=region.pk).exists()


def test_the_admin_never_asks_to_confirm_a_sign_out_or_a_recent_sign_in(tenants):
    _, url = region_change_url()
    staff = stale(tenants.users["superuser"])
    assert staff.post("/admin/logout/").status_code in (200, 302)
    assert "_auth_user_id" not in staff.session
    fresh = Client()
    fresh.force_login(tenants.users["superuser"])  # signed in just now
    assert fresh.get(url).status_code == 200


def test_someone_not_staff_is_sent_to_sign_in_not_to_confirm(tenants):
    _, url = region_change_url()
    member = stale(tenants.users["a_lead"])
    response = member.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert CONFIRM_CODE not in response["Location"]
    assert quote(url, safe="") in response["Location"] or url in response["Location"]
