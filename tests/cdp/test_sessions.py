"""Session limits (cdp/sessions.py): an idle limit and an absolute limit, decided by the server;
only the person's own use renews a session; API tokens are left alone."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client

from cdp import tokens
from cdp.sessions import LAST_USED_AT, SIGNED_IN_AT

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db
PAGE = "/partnerships/rotherham/about/"
BACKGROUND = {"HTTP_SEC_FETCH_MODE": "cors"}  # what browsers send with a script's fetch()


def signed_in(username: str = "a_viewer", **kwargs) -> Client:
    client = Client(**kwargs)
    response = client.post("/sign-in/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def session_of(client: Client) -> SessionStore:
    return SessionStore(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def age(client: Client, **seconds_ago: int) -> None:
    """Moves the session's clocks back: signed_in=…, last_used=… seconds ago."""
    session = session_of(client)
    now = int(time.time())
    if "signed_in" in seconds_ago:
        session[SIGNED_IN_AT] = now - seconds_ago["signed_in"]
    if "last_used" in seconds_ago:
        session[LAST_USED_AT] = now - seconds_ago["last_used"]
    session.save()


def test_signing_in_starts_both_clocks(tenants):
    client = signed_in()
    session = session_of(client)
    assert abs(session[SIGNED_IN_AT] - time.time()) < 5
    assert session[LAST_USED_AT] == session[SIGNED_IN_AT]
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_SECONDS


def test_a_session_idle_past_the_limit_is_ended_and_says_why(tenants):
    client = signed_in()
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    age(client, last_used=settings.SESSION_IDLE_SECONDS - 60)
    assert client.get(PAGE).status_code == 200  # a minute to spare: still signed in
    age(client, last_used=settings.SESSION_IDLE_SECONDS + 1)
    response = client.get(PAGE + "?tab=1")
    assert response.status_code == 302
    where = urlsplit(response["Location"])
    assert where.path == "/signed-out/inactive/"
    assert parse_qs(where.query) == {"next": [PAGE + "?tab=1"]}
    assert not Session.objects.filter(session_key=key).exists()
    page = client.get(response["Location"])
    assert b"You were signed out because you were inactive" in page.content
    assert f'href="/sign-in/?next={PAGE.replace("/", "%2F")}%3Ftab%3D1"'.encode() in page.content
    assert client.get(PAGE)["Location"].startswith("/sign-in/")


def test_a_session_older_than_the_absolute_limit_ends_however_busy(tenants):
    client = signed_in()
    age(client, signed_in=settings.SESSION_ABSOLUTE_SECONDS - 60, last_used=0)
    assert client.get(PAGE).status_code == 200
    age(client, signed_in=settings.SESSION_ABSOLUTE_SECONDS + 1, last_used=0)
    response = client.get(PAGE)
    assert parse_qs(urlsplit(response["Location"]).query)["limit"] == ["absolute"]
    page = client.get(response["Location"])
    assert b"because you had been signed in for 12 hours" in page.content
    assert client.get(PAGE).status_code == 302


def test_a_form_sent_after_the_limit_changes_nothing_and_comes_back_after_sign_in(tenants):
    client = signed_in("a_lead")
    milestone = tenants.milestones["a"]
    url = f"/partnerships/rotherham/plan/milestones/{milestone.pk}/progress/"
    age(client, last_used=settings.SESSION_IDLE_SECONDS + 1)
    response = client.post(url, {"status": "complete", "progress_note": "Late"})
    assert parse_qs(urlsplit(response["Location"]).query) == {"next": [url]}
    milestone.refresh_from_db()
    assert milestone.progress_note != "Late"


def test_requests_a_script_makes_by_itself_renew_nothing(tenants):
    client = signed_in()
    age(client, last_used=600)
    before = Session.objects.get(session_key=session_of(client).session_key).expire_date
    assert client.get("/session/", **BACKGROUND).json()["seconds_left"] in range(
        settings.SESSION_IDLE_SECONDS - 605, settings.SESSION_IDLE_SECONDS - 595
    )
    assert client.get(PAGE, **BACKGROUND).status_code == 200
    session = session_of(client)
    assert abs(time.time() - 600 - session[LAST_USED_AT]) < 5
    assert Session.objects.get(session_key=session.session_key).expire_date == before
    # A page the person opens is use: the idle clock starts again.
    assert client.get(PAGE, HTTP_SEC_FETCH_MODE="navigate").status_code == 200
    assert abs(time.time() - session_of(client)[LAST_USED_AT]) < 5


def test_the_idle_clock_is_renewed_at_most_once_a_minute(tenants):
    """Pages opened within a minute of the last renewal save nothing; the next one after it
    renews the clock and the cookie (three queries: savepoint, update, release)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def opened() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE).status_code == 200
        return [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]

    client = signed_in()
    age(client, last_used=59)
    before = Session.objects.get(session_key=session_of(client).session_key).expire_date
    assert not any(sql.startswith("UPDATE") for sql in opened())
    assert abs(time.time() - 59 - session_of(client)[LAST_USED_AT]) < 5
    assert Session.objects.get(session_key=session_of(client).session_key).expire_date == before
    age(client, last_used=61)
    assert any(sql.startswith("UPDATE") for sql in opened())
    assert abs(time.time() - session_of(client)[LAST_USED_AT]) < 5
    assert Session.objects.get(session_key=session_of(client).session_key).expire_date > before


def test_a_background_request_past_the_limit_ends_the_session_without_a_redirect(tenants):
    client = signed_in()
    age(client, last_used=settings.SESSION_IDLE_SECONDS + 1)
    response = client.get("/session/", **BACKGROUND)
    assert response.status_code == 401 and response.json()["signed_in"] is False
    assert client.get(PAGE)["Location"].startswith("/sign-in/")


def test_stay_signed_in_renews_the_idle_clock_with_csrf_but_not_the_absolute_one(tenants):
    client = signed_in()
    client.handler.enforce_csrf_checks = True
    token = client.get(PAGE).cookies[settings.CSRF_COOKIE_NAME].value
    age(client, signed_in=settings.SESSION_ABSOLUTE_SECONDS - 300, last_used=1700)
    assert client.post("/session/extend/", **BACKGROUND).status_code == 403  # no CSRF token
    assert abs(time.time() - 1700 - session_of(client)[LAST_USED_AT]) < 5
    response = client.post("/session/extend/", HTTP_X_CSRFTOKEN=token, **BACKGROUND)
    assert response.status_code == 200
    assert abs(time.time() - session_of(client)[LAST_USED_AT]) < 5
    # The idle clock starts again, but the absolute limit is 5 minutes away and stays.
    assert 290 <= response.json()["seconds_left"] <= 300
    assert client.get("/session/extend/").status_code == 405


def test_extend_after_the_limit_does_not_bring_the_session_back(tenants):
    client = signed_in()
    age(client, last_used=settings.SESSION_IDLE_SECONDS + 1)
    response = client.post("/session/extend/", **BACKGROUND)
    assert response.status_code == 401
    assert client.get(PAGE)["Location"].startswith("/sign-in/")


def test_api_token_requests_are_unaffected(tenants):
    user = tenants.users["a_viewer"]
    _token, key = tokens.token_create(user=user, name="laptop")
    reader = Client(HTTP_AUTHORIZATION=f"Token {key}")
    for _ in range(2):
        assert reader.get("/api/v1/partnerships/").status_code == 200
    assert not Session.objects.exists()  # no session made or kept for a token
    # A token request from a browser whose session is past its limit still answers, and
    # neither ends nor renews that session.
    client = signed_in()
    age(client, last_used=settings.SESSION_IDLE_SECONDS + 1)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
    assert client.get("/api/v1/partnerships/").status_code == 200
    assert (
        abs(time.time() - settings.SESSION_IDLE_SECONDS - 1 - session_of(client)[LAST_USED_AT]) < 5
    )


def test_a_session_from_before_the_limits_gets_its_clocks(tenants):
    client = Client()
    client.force_login(tenants.users["a_viewer"])
    session = session_of(client)
    del session[SIGNED_IN_AT], session[LAST_USED_AT]
    session.save()
    assert client.get(PAGE).status_code == 200
    assert abs(time.time() - session_of(client)[SIGNED_IN_AT]) < 5


def test_the_signed_out_pages(tenants):
    client = signed_in()
    response = client.post("/sign-out/")
    assert response["Location"] == "/signed-out/"
    page = client.get("/signed-out/")
    assert b"You have signed out" in page.content
    assert b'data-cdp-clear-storage="all"' in page.content
    page = client.get("/signed-out/inactive/?next=https://evil.example/")
    assert b'data-cdp-clear-storage="except-drafts"' in page.content
    assert b'href="/sign-in/"' in page.content and b"evil" not in page.content
    # Someone still signed in (another tab kept the session) goes back where they were.
    other = signed_in()
    assert other.get(f"/signed-out/inactive/?next={PAGE}")["Location"] == PAGE
