"""Single sign-on in Chromium, under the app's real Content Security Policy: the sign-in
page's button leads to a real OpenID Connect issuer (tests/sso/provider.mjs) and back, and
signing out signs out there too; the pages are axe-clean at a laptop's and a phone's size."""

import pytest
from playwright.sync_api import expect

from tests.sso.conftest import configure, running_issuers

from .test_second_factor_pages import SIZES, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signing_in_and_out_with_an_organisations_account(live_server, browser, page,
                                                          axe_source, tenants, settings):
    base = live_server.url
    with running_issuers(base, ["council"]) as running:
        configure(settings, running)
        council = running["council"]
        council.set_account("sub-lead", email="a.lead@example.org")
        council.set_account("sub-stranger", email="stranger@example.org")

        page.goto(f"{base}/sign-in/")
        assert_accessible(page, axe_source)

        # No bypass of the Content Security Policy here: its form-action must let the button
        # and the sign-out lead to the issuer.
        context = browser.new_context(viewport=SIZES[0])
        strict = context.new_page()
        strict.set_default_timeout(15_000)
        strict.goto(f"{base}/sign-in/?next=/partnerships/rotherham/")
        strict.get_by_role("button", name="Sign in with Rotherham Council").click()
        expect(strict.get_by_role("heading", name="Sign in to council")).to_be_visible()
        strict.get_by_label("Subject").fill("sub-lead")
        strict.get_by_role("button", name="Sign in").click()
        strict.wait_for_url(f"{base}/partnerships/rotherham/")
        expect(strict.get_by_text("Signed in as a_lead")).to_have_count(1)

        strict.get_by_role("button", name="Sign out").click()
        strict.get_by_role("button", name="Yes, sign me out").click()
        strict.wait_for_url(f"{base}/signed-out/")

        context.close()

        # Someone the issuer knows but the dashboard does not: refused, and told whom to ask.
        page.goto(f"{base}/sign-in/")
        page.get_by_role("button", name="Sign in with Rotherham Council").click()
        page.get_by_label("Subject").fill("sub-stranger")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="You cannot sign in with Rotherham Council")
               ).to_be_visible()
        expect(page.get_by_text("Ask your partnership administrator")).to_be_visible()
        assert_accessible(page, axe_source)
