"""The base pages: GOV.UK layout without the GOV.UK brand, custom errors, sign in and out."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import path

from cdp.urls import urlpatterns as project_urlpatterns

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def broken_view(request):
    raise RuntimeError("deliberate failure for the 500 page test")


urlpatterns = [*project_urlpatterns, path("broken/", broken_view)]
handler404 = "cdp.views.page_not_found"
handler500 = "cdp.views.server_error"


@pytest.fixture
def user():
    return get_user_model().objects.create_user("lead.rotherham", "lead@example.org", PASSWORD)


def test_home_page_has_service_header_skip_link_and_footer(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'class="govuk-generic-header__homepage-link">\s*CDP Dashboard\s*<', html)
    assert '<a href="#main-content" class="govuk-skip-link"' in html
    assert 'id="main-content"' in html
    assert 'href="/accessibility/"' in html and 'href="/privacy/"' in html
    # No crown and no GOV.UK brand: this is not a GOV.UK service.
    assert "govuk-header__logotype" not in html
    assert "crown" not in html.lower()
    assert "GOV.UK" not in html


def test_pages_use_only_self_hosted_assets(client):
    html = client.get("/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, "the page should reference its stylesheet and scripts"
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]
    assert "<script>" not in html and "style=" not in html


def test_content_security_policy_forbids_inline_and_eval(client):
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.parametrize("url", ["/accessibility/", "/privacy/"])
def test_footer_pages(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert b"govuk-heading-l" in response.content


def test_unknown_page_is_custom_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"govuk-generic-header" in response.content


@pytest.mark.urls("tests.cdp.test_pages")
def test_server_error_is_custom_500():
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content
    assert b"build/app.css" in response.content


def test_sign_in_and_out(client, user):
    page = client.get("/sign-in/")
    assert page.status_code == 200
    assert b'autocomplete="current-password"' in page.content

    response = client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert b"Signed in as lead.rotherham" in client.get("/", follow=True).content

    # Signing out is a POST; a GET must not sign anyone out.
    assert client.get("/sign-out/").status_code == 405
    response = client.post("/sign-out/")
    assert response.status_code == 302
    assert b"Signed in as" not in client.get("/").content


def test_wrong_password_shows_error_summary(client, user):
    response = client.post("/sign-in/", {"username": user.username, "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "<title>Error: Sign in" in html


def test_sign_in_is_throttled_after_repeated_failures(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/sign-in/", {"username": user.username, "password": "wrong"})
    # Even the right password is refused while the account is locked from this address.
    response = client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert b"Sign-in is paused" in response.content
    assert b"Signed in as" not in client.get("/").content
