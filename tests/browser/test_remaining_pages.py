"""axe-core on the pages the flow tests do not reach, as a partnership administrator."""

import pytest

from .conftest import axe_violations
from .test_partnership_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_remaining_pages_have_no_violations(live_server, page, axe_source, tenants):
    lead = tenants.memberships["a"].pk
    batch = tenants.batches["a"].pk
    signed_out = ["/password-reset/", "/password-reset/sent/", "/password-reset/done/"]
    for path in signed_out:
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page, axe_source) == [], path
    sign_in(page, live_server.url, "a_admin")
    found = {}
    for path in [
        f"/partnerships/rotherham/members/{lead}/",
        f"/partnerships/rotherham/members/{lead}/remove/",
        "/partnerships/rotherham/data/imports/",
        f"/partnerships/rotherham/data/imports/{batch}/",
        "/partnerships/rotherham/data/framework/aims/new/",
        "/partnerships/rotherham/data/framework/metrics/add/",
        "/account/password/",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        found[path] = axe_violations(page, axe_source)
    assert {path: v for path, v in found.items() if v} == {}
