"""API tokens (django-rest-knox, hashed and expiring), the page that manages them, the
username-and-password endpoint that issues one, and the rate limits."""

import re
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from cdp import tokens
from cdp.models import ApiToken

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


def api(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def test_a_token_for_a_username_and_password_reads_the_api_as_that_user(client, tenants):
    response = client.post("/api/v1/auth/token/", {"username": "a_analyst",
                                                    "password": PASSWORD, "name": "pandas"},
                           content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "pandas"
    stored = ApiToken.objects.get(user=tenants.users["a_analyst"])
    # Only a digest is kept: the key is nowhere in the database.
    assert body["token"] not in (stored.digest, stored.token_key) and len(stored.digest) == 128
    assert timedelta(days=89) < stored.expiry - timezone.now() <= timedelta(days=90)
    reader = api(body["token"])
    partnerships = reader.get("/api/v1/partnerships/").json()["results"]
    assert [p["slug"] for p in partnerships] == ["rotherham"]
    assert reader.get("/api/v1/partnerships/darlington/").status_code == 404


@pytest.mark.parametrize("data", [{"username": "a_analyst", "password": "wrong"},
                                  {"username": "nobody", "password": PASSWORD},
                                  {"username": "a_analyst"}])
def test_wrong_or_missing_details_are_a_400_and_issue_nothing(client, tenants, data):
    response = client.post("/api/v1/auth/token/", data, content_type="application/json")
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_repeated_failures_lock_the_username_out_with_a_429(client, tenants, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token/", {"username": "a_lead", "password": "wrong"})
    locked = client.post("/api/v1/auth/token/", {"username": "a_lead", "password": PASSWORD})
    assert locked.status_code == 429
    assert not ApiToken.objects.exists()


def test_expired_and_revoked_tokens_are_refused(tenants):
    user = tenants.users["a_viewer"]
    old, old_key = tokens.token_create(user=user, name="old", days=1)
    ApiToken.objects.filter(pk=old.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert api(old_key).get("/api/v1/partnerships/").status_code == 401
    token, key = tokens.token_create(user=user, name="laptop")
    assert api(key).get("/api/v1/partnerships/").status_code == 200
    assert tokens.token_revoke(user=tenants.users["b_viewer"], digest=token.digest) is None
    assert tokens.token_revoke(user=user, digest=token.digest) == "laptop"
    response = api(key).get("/api/v1/partnerships/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_over_the_rate_the_answer_is_429_with_retry_after(tenants):
    _, key = tokens.token_create(user=tenants.users["a_viewer"], name="loop")
    rates = {"anonymous": "2/minute", "user": "3/minute", "token": "1/minute"}
    from django.conf import settings

    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK,
                                           "DEFAULT_THROTTLE_RATES": rates}):
        from django.core.cache import cache

        cache.clear()
        reader = api(key)
        assert [reader.get("/api/v1/metrics/").status_code for _ in range(4)] == [
            200, 200, 200, 429]
        refused = reader.get("/api/v1/metrics/")
        assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
        # Signed out, an address may read what needs no sign-in (the schema) so often.
        anonymous = Client()
        assert [anonymous.get("/api/v1/schema/").status_code for _ in range(3)] == [
            200, 200, 429]
        cache.clear()


def test_the_tokens_page_makes_shows_once_and_revokes_ones_own_tokens(client, tenants):
    client.force_login(tenants.users["a_lead"])
    made = client.post("/account/api-tokens/", {"name": "Quarterly board pack", "days": "30"})
    assert made.status_code == 200
    token = ApiToken.objects.get(user=tenants.users["a_lead"])
    key = made.context["created"]["key"]
    assert key in made.content.decode() and "Copy it now" in made.content.decode()
    assert timedelta(days=29) < token.expiry - timezone.now() <= timedelta(days=30)
    assert api(key).get("/api/v1/milestones/").status_code == 200
    listing = client.get("/account/api-tokens/").content.decode()
    assert "Quarterly board pack" in listing and key not in listing  # shown once only

    other = Client()
    other.force_login(tenants.users["b_lead"])
    assert other.post("/account/api-tokens/", {"revoke": token.digest}).status_code == 404
    assert other.get("/account/api-tokens/").content.decode().count("Quarterly board pack") == 0
    revoked = client.post("/account/api-tokens/", {"revoke": token.digest})
    assert revoked.status_code == 302 and not ApiToken.objects.exists()
    assert api(key).get("/api/v1/milestones/").status_code == 401


def test_a_token_form_without_a_name_says_what_is_wrong(client, tenants):
    client.force_login(tenants.users["a_lead"])
    response = client.post("/account/api-tokens/", {"days": "30"})
    assert response.status_code == 400
    assert "Enter a name for the token" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_session_writes_need_the_csrf_token(tenants):
    client = Client(enforce_csrf_checks=True)
    client.force_login(tenants.users["a_lead"])
    milestone = tenants.milestones["a"]
    etag = client.get(f"/api/v1/milestones/{milestone.pk}/")["ETag"]
    response = client.patch(f"/api/v1/milestones/{milestone.pk}/", {"status": "complete"},
                            content_type="application/json", HTTP_IF_MATCH=etag)
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


def updates(client: Client, url: str) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]


def test_last_used_is_noted_at_most_once_an_hour(tenants):
    token, key = tokens.token_create(user=tenants.users["a_viewer"], name="R on my laptop")
    assert token.last_used is None
    reader = api(key)
    first = updates(reader, "/api/v1/partnerships/")
    assert len(first) == 1 and "last_used" in first[0]
    token.refresh_from_db()
    noted = token.last_used
    assert timezone.now() - noted < timedelta(minutes=1)
    # Within the hour: nothing is written, and the note stays as it was.
    assert updates(reader, "/api/v1/partnerships/") == []
    ApiToken.objects.filter(pk=token.pk).update(last_used=noted - timedelta(minutes=59))
    assert updates(reader, "/api/v1/metrics/") == []
    # Over an hour since: noted again, once.
    ApiToken.objects.filter(pk=token.pk).update(last_used=noted - timedelta(minutes=61))
    assert len(updates(reader, "/api/v1/metrics/")) == 1
    token.refresh_from_db()
    assert token.last_used > noted - timedelta(minutes=1)
    # No history row for it: the audit log keeps what people did, not each request.
    assert token.history.count() == 1


def test_the_tokens_page_shows_each_tokens_start_and_last_use(client, tenants):
    user = tenants.users["a_lead"]
    used, key = tokens.token_create(user=user, name="Power BI report")
    unused, _ = tokens.token_create(user=user, name="R on my laptop")
    api(key).get("/api/v1/milestones/")
    client.force_login(user)
    page = client.get("/account/api-tokens/").content.decode()
    assert f"<code>{used.token_key}</code>" in page and f"<code>{unused.token_key}</code>" in page
    assert key[:15] == used.token_key and key not in page
    used.refresh_from_db()
    assert used.last_used.astimezone(timezone.get_current_timezone()).strftime(
        "%-d %B %Y, %H:%M") in page
    assert "Not yet" in page


def test_the_new_token_is_shown_whole_with_a_copy_button(client, tenants):
    client.force_login(tenants.users["a_lead"])
    page = client.post("/account/api-tokens/", {"name": "pandas", "days": "30"})
    key = page.context["created"]["key"]
    text = page.content.decode()
    # In a box that wraps (a textarea), not an input that cuts it off.
    assert re.search(rf'<textarea [^>]*aria-describedby="new-token-hint"[^>]*>{key}</textarea>',
                     text)
    # The button is made by the script: without it there is none, and nothing is broken.
    assert 'data-copy-button="Copy token"' in text and "<button" not in text.split(
        "new-token-hint")[-1].split("</textarea>")[0]
    assert 'data-copy-status aria-live="polite"' in text and "/static/js/copy.js" in text


def test_token_names_are_unique_per_user(client, tenants):
    client.force_login(tenants.users["a_lead"])
    assert client.post("/account/api-tokens/", {"name": "pandas", "days": "30"}
                       ).status_code == 200
    again = client.post("/account/api-tokens/", {"name": " pandas ", "days": "30"})
    assert again.status_code == 400
    text = again.content.decode()
    assert "You already have a token named “pandas”" in text
    assert 'href="#id_name"' in text  # in the error summary, linked to the field
    assert ApiToken.objects.filter(user=tenants.users["a_lead"]).count() == 1
    # Another user may use the same name; the service refuses a repeat too.
    tokens.token_create(user=tenants.users["b_lead"], name="pandas")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="already have a token named"):
        tokens.token_create(user=tenants.users["a_lead"], name="pandas")
    # An expired token's name is free again (the old one is removed).
    ApiToken.objects.filter(user=tenants.users["a_lead"]).update(
        expiry=timezone.now() - timedelta(days=1))
    tokens.token_create(user=tenants.users["a_lead"], name="pandas")
    assert ApiToken.objects.filter(user=tenants.users["a_lead"]).count() == 1


def test_the_token_endpoint_names_repeat_tokens_apart(client, tenants):
    def ask(**extra):
        return client.post("/api/v1/auth/token/", {"username": "a_analyst",
                                                    "password": PASSWORD, **extra},
                           content_type="application/json")

    assert [ask().json()["name"] for _ in range(3)] == ["API", "API 2", "API 3"]
    assert ask(name="pandas").status_code == 201
    repeat = ask(name="pandas")
    assert repeat.status_code == 400
    assert "already have a token named “pandas”" in repeat.json()["name"][0]
