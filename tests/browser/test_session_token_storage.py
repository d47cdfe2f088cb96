"""ASVS 3.2.3 in Chromium: the session token lives in the browser only in its HttpOnly
cookie. Scripts (the timeout warning, the kept drafts) cannot read it, and after a day's
pages, a form with typed text kept, neither sessionStorage nor localStorage holds it."""

import pytest
from django.conf import settings

from .test_partnership_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STORAGE = """() => [sessionStorage, localStorage].flatMap((store) => Object.keys(store)
    .map((key) => key + '=' + store.getItem(key))).join('\\n')"""


def test_3_2_3_scripts_never_see_the_session_token(live_server, page, tenants):
    base = live_server.url
    sign_in(page, base, "a_lead")
    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    assert cookie["httpOnly"] is True
    key = cookie["value"]
    milestone = tenants.milestones["a"]
    form = f"/partnerships/rotherham/plan/milestones/{milestone.pk}/progress/"
    for path in ("/partnerships/rotherham/", "/partnerships/rotherham/plan/", form,
                 "/account/sessions/"):
        page.goto(base + path)
        if path == form:
            page.get_by_label("What has happened since the last update").fill("Six referrals")
            page.wait_for_function(  # the typed text is kept in the tab: storage is in use
                "() => Object.keys(sessionStorage).some((k) => k.startsWith('cdp.draft.'))")
        page.wait_for_load_state()
        assert key not in page.evaluate("document.cookie"), path
        assert key not in page.evaluate(STORAGE), path
        assert key not in page.content(), path
