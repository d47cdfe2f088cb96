"""What operators see: a request id on every answer and log line, one JSON log line per
request and per task with the user and partnership, and Prometheus metrics at /metrics."""

import json
import logging
import re

import pytest
from django.conf import settings as django_settings
from django.utils.module_loading import import_string

from cdp.observability import ContextFilter
from outcomes.models import SummaryState
from tests.actionplans.views.helpers import progress_form
from tests.outcomes.services.test_summaries import wait_for

pytestmark = pytest.mark.django_db


def json_line(record: logging.LogRecord) -> dict:
    """The record as the production log writes it."""
    config = django_settings.LOGGING["formatters"]["json"]
    formatter = import_string(config["()"])(
        config["format"], rename_fields=config["rename_fields"], timestamp=config["timestamp"])
    return json.loads(formatter.format(record))


def request_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "cdp.requests"]


def test_every_answer_has_a_request_id_and_a_sane_one_is_kept(client):
    made = client.get("/healthz")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert client.get("/healthz", HTTP_X_REQUEST_ID="proxy-1234abcd")["X-Request-ID"] == (
        "proxy-1234abcd")
    # Anything else from outside is replaced, not copied into the logs.
    for given in ("<script>alert(1)</script>", "x" * 200, "short", "a b c d e f g h"):
        kept = client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", kept), given


def test_a_request_is_logged_once_as_json_with_its_user_and_partnership(client, tenants,
                                                                        caplog):
    caplog.set_level(logging.INFO)
    user = tenants.users["a_viewer"]
    client.force_login(user)
    response = client.get("/partnerships/rotherham/", HTTP_X_REQUEST_ID="req-00000001")
    assert response.status_code == 200
    [record] = request_records(caplog)
    line = json_line(record)
    assert line["request_id"] == "req-00000001" == response["X-Request-ID"]
    assert line["user_id"] == user.pk
    assert line["partnership"] == "rotherham"
    assert (line["level"], line["logger"], line["method"], line["status"], line["view"]) == (
        "INFO", "cdp.requests", "GET", 200, "dashboard")
    assert line["duration_ms"] > 0
    # The thread's own CPU time, which waiting (on the database, for the GIL) does not add to.
    assert 0 < line["cpu_ms"] <= line["duration_ms"] + 0.1
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", line["time"])
    # Whatever else the request logs carries the same id.
    others = [r for r in caplog.records if r.name != "cdp.requests"
              and getattr(r, "request_id", None) == "req-00000001"]
    assert all(json_line(r)["partnership"] == "rotherham" for r in others)


def test_an_api_call_with_a_token_logs_the_tokens_user(client, tenants, caplog):
    from cdp.tokens import token_create

    caplog.set_level(logging.INFO)
    user = tenants.users["a_analyst"]
    key = token_create(user=user, name="log")[1]
    response = client.get("/api/v1/observations/?partnership=rotherham",
                          HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    [record] = request_records(caplog)
    line = json_line(record)
    assert (line["user_id"], line["partnership"], line["view"]) == (
        user.pk, "rotherham", "api:observation-list")


def test_metrics_need_the_token_and_are_off_without_one(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    settings.METRICS_TOKEN = "scrape-secret"
    refused = client.get("/metrics")
    assert refused.status_code == 401 and refused["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret").status_code == 200


def scrape(client) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return response.content.decode()


def sample(text: str, name: str, **labels) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    raise AssertionError(f"no {name} {labels}")


def test_metrics_cost_three_queries_however_many_partnerships(client, tenants, settings,
                                                              django_assert_num_queries):
    from partnerships.models import Partnership

    settings.METRICS_TOKEN = "scrape-secret"
    scrape(client)  # warm
    # The last run; the partnerships waiting; the Fingertips sync's indicators.
    with django_assert_num_queries(3):
        scrape(client)
    for n in range(5):
        SummaryState.objects.create(partnership=Partnership.objects.create(
            name=f"Extra {n}", slug=f"extra-{n}", region=tenants.a.region), dirty=True)
    with django_assert_num_queries(3):
        assert sample(scrape(client), "cdp_summary_dirty_partnerships") == 5


def test_a_made_up_method_does_not_make_a_new_series(client, settings):
    settings.METRICS_TOKEN = "scrape-secret"
    for method in ("AAAA", "AAAB", "BREW"):
        assert client.generic(method, "/healthz").status_code == 405
    text = scrape(client)
    assert 'method="AAAA"' not in text and 'method="BREW"' not in text
    assert sample(text, "cdp_http_request_duration_seconds_count", view="healthz",
                  method="OTHER", status="405") >= 3


def test_metrics_give_request_latency_and_summary_freshness(client, tenants, settings):
    from django.utils import timezone

    settings.METRICS_TOKEN = "scrape-secret"
    client.force_login(tenants.users["a_viewer"])
    before = scrape(client)
    try:
        seen = sample(before, "cdp_http_request_duration_seconds_count", view="dashboard",
                      method="GET", status="200")
    except AssertionError:
        seen = 0
    client.get("/partnerships/rotherham/")
    client.get("/partnerships/rotherham/")
    after = scrape(client)
    assert sample(after, "cdp_http_request_duration_seconds_count", view="dashboard",
                  method="GET", status="200") == seen + 2
    assert sample(after, "cdp_summary_dirty_partnerships") == 0
    assert sample(after, "cdp_summary_oldest_change_waiting_seconds") == 0
    assert 0 <= sample(after, "cdp_summary_last_run_age_seconds") < 600

    SummaryState.objects.filter(partnership=tenants.a).update(
        dirty=True, changed_at=timezone.now() - timezone.timedelta(minutes=20))
    waiting = scrape(client)
    assert sample(waiting, "cdp_summary_dirty_partnerships") == 1
    assert 1190 < sample(waiting, "cdp_summary_oldest_change_waiting_seconds") < 1300


@pytest.mark.django_db(transaction=True)
def test_a_task_carries_its_requests_id_and_is_logged_timed_and_counted(
        celery_app, celery_worker, client, tenants, settings):
    """A lead's save queues a recompute; the worker's run logs the save's request id, how
    long it took, and is counted in /metrics."""
    from outcomes.tasks import recompute_summaries

    settings.SUMMARY_DEBOUNCE_SECONDS = 0
    settings.METRICS_TOKEN = "scrape-secret"
    # Listen on the task logger itself, through the same filter as the console: the embedded
    # worker's thread logs outside pytest's capture of this test.
    records = []
    listener = logging.Handler()
    listener.emit = records.append
    listener.addFilter(ContextFilter())
    logging.getLogger("cdp.tasks").addHandler(listener)
    try:
        name = recompute_summaries.name
        before = scrape(client)
        done_before = sample(before, "cdp_celery_tasks_total", task=name, state="SUCCESS")

        lead = tenants.users["a_lead"]
        milestone = tenants.milestones["a"]
        client.force_login(lead)
        response = client.post(
            f"/partnerships/rotherham/plan/milestones/{milestone.pk}/progress/",
            progress_form(milestone, status="at_risk", progress_note="Provider change"),
            HTTP_X_REQUEST_ID="lead-save-0001")
        assert response.status_code == 302, response.content[:500]

        def finished():
            return [r for r in records if r.name == "cdp.tasks"
                    and getattr(r, "task", None) == name and r.state == "SUCCESS"
                    and r.request_id == "lead-save-0001"]
        wait_for(finished)
        [record] = finished()
        line = json_line(record)
        assert line["request_id"] == "lead-save-0001"
        assert line["duration_ms"] > 0 and line["task_id"]
        after = scrape(client)
        # The tasks queued while the fixtures were made count too.
        assert sample(after, "cdp_celery_tasks_total", task=name, state="SUCCESS") > done_before
        assert sample(after, "cdp_celery_task_duration_seconds_count", task=name) >= 1
    finally:
        logging.getLogger("cdp.tasks").removeHandler(listener)
