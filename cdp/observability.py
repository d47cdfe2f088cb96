"""What operators see of the running service: a log line per request and per task, each
carrying the request id, the user and the partnership; and Prometheus metrics at /metrics
(request latency, task counts and durations, summary freshness).

The request id comes from the proxy's `X-Request-ID` when it sends a sane one, or is made
here; it is sent back in the answer, and travels with the tasks a request queues, so one id
ties a save to the recompute it caused on a worker on another machine."""

from __future__ import annotations

import contextvars
import hmac
import logging
import re
import time
import uuid
from collections.abc import Callable

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import empty
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

logger = logging.getLogger("cdp.requests")
task_logger = logging.getLogger("cdp.tasks")

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id",
                                                                         default=None)
_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("request",
                                                                             default=None)
_partnership: contextvars.ContextVar[str | None] = contextvars.ContextVar("partnership",
                                                                          default=None)
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

REQUEST_SECONDS = Histogram(
    "cdp_http_request_duration_seconds", "Time to answer a request, by view",
    ["method", "view", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5, 10),
)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
TASK_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
TASK_STATES = ("SUCCESS", "FAILURE", "RETRY", "OTHER")


def current_request_id() -> str | None:
    return _request_id.get()


def _user_id(request: HttpRequest | None) -> int | None:
    """The signed-in user's id, without loading the user just to log it."""
    user = getattr(request, "user", None) if request is not None else None
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


class ContextFilter(logging.Filter):
    """Puts the request id, user id and partnership on every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        record.user_id = getattr(record, "user_id", None) or _user_id(_request.get())
        record.partnership = getattr(record, "partnership", None) or _partnership.get()
        return True


class RequestContextMiddleware:
    """Gives each request its id, logs it when answered, and times it for /metrics."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex
        # Not reset afterwards: Django logs an error answer after the middleware returns,
        # and it belongs to this request. The next request on this thread sets them anew.
        _request_id.set(request_id)
        _request.set(request)
        _partnership.set(request.GET.get("partnership") or None)
        started, cpu_started = time.perf_counter(), time.thread_time()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        seconds = time.perf_counter() - started
        cpu_seconds = time.thread_time() - cpu_started
        match = request.resolver_match
        view = (f"{match.namespace}:{match.url_name}" if match and match.namespace
                else match.url_name if match else None) or "unmatched"
        # Labels only from known sets: a made-up method must not make a new series.
        method = request.method if request.method in METHODS else "OTHER"
        REQUEST_SECONDS.labels(method, view, str(response.status_code)).observe(seconds)
        logger.info("%s %s %s", request.method, request.path, response.status_code,
                    extra={"method": request.method, "path": request.path,
                           "status": response.status_code, "view": view,
                           "duration_ms": round(seconds * 1000, 1),
                           "cpu_ms": round(cpu_seconds * 1000, 1)})
        return response

    def process_view(self, request, view_func, view_args, view_kwargs) -> None:
        if slug := view_kwargs.get("partnership_slug"):
            _partnership.set(slug)


# --- Celery: the request id travels with a task; each task's run is logged and counted ---

def task_published(headers: dict | None = None, **_) -> None:
    if headers is not None and (request_id := _request_id.get()):
        headers.setdefault("request_id", request_id)


_task_started: dict[str, tuple[float, contextvars.Token]] = {}


def task_started(task_id: str, task, **_) -> None:
    request_id = getattr(task.request, "request_id", None) or (
        (task.request.headers or {}).get("request_id") if task.request.headers else None)
    # Eagerly, in the request's own thread, the id is already the request's.
    _task_started[task_id] = (time.perf_counter(),
                              _request_id.set(request_id or _request_id.get() or task_id))


def task_finished(task_id: str, task, state: str | None = None, **_) -> None:
    started, token = _task_started.pop(task_id, (None, None))
    if started is None:
        return
    seconds = time.perf_counter() - started
    task_logger.info("task %s %s in %.0f ms", task.name, state, seconds * 1000,
                     extra={"task": task.name, "task_id": task_id, "state": state,
                            "duration_ms": round(seconds * 1000, 1)})
    task_stats_record(task.name, state if state in TASK_STATES else "OTHER", seconds)
    _request_id.reset(token)


def _stat_key(*parts: str) -> str:
    return "metrics:task:" + ":".join(parts)


def task_stats_record(name: str, state: str, seconds: float) -> None:
    """Counts a finished task in the shared cache (Redis), so that /metrics on any web
    server reports the tasks of every worker on every machine. Never fails the task."""
    keys = [_stat_key(name, "count", state), _stat_key(name, "ms")]
    keys += [_stat_key(name, "le", str(b)) for b in TASK_BUCKETS if seconds <= b]
    try:
        for key in keys:
            cache.add(key, 0, timeout=None)
            cache.incr(key, round(seconds * 1000) if key.endswith(":ms") else 1)
    except Exception:  # noqa: BLE001 - metrics are not worth a failed task
        task_logger.warning("could not record task metrics for %s", name, exc_info=True)


class TaskCollector:
    """Task counts by outcome and their durations, read from the shared cache."""

    def __init__(self, task_names: Callable[[], list[str]]) -> None:
        self.task_names = task_names

    def collect(self):
        names = self.task_names()
        keys = [_stat_key(n, "count", s) for n in names for s in TASK_STATES]
        keys += [_stat_key(n, "ms") for n in names]
        keys += [_stat_key(n, "le", str(b)) for n in names for b in TASK_BUCKETS]
        try:
            values = cache.get_many(keys)
        except Exception:  # noqa: BLE001 - the cache is down: report no task figures
            return
        counts = CounterMetricFamily("cdp_celery_tasks", "Tasks finished, by outcome",
                                     labels=["task", "state"])
        durations = HistogramMetricFamily("cdp_celery_task_duration_seconds",
                                          "Time tasks took to run", labels=["task"])
        for name in names:
            finished = 0
            for state in TASK_STATES:
                n = values.get(_stat_key(name, "count", state), 0)
                finished += n
                counts.add_metric([name, state], n)
            buckets = [(str(b), values.get(_stat_key(name, "le", str(b)), 0))
                       for b in TASK_BUCKETS] + [("+Inf", finished)]
            durations.add_metric([name], buckets,
                                 values.get(_stat_key(name, "ms"), 0) / 1000)
        yield counts
        yield durations


class FreshnessCollector:
    """How up to date the dashboards' summaries are."""

    def collect(self):
        # Lazily: the logging configuration imports this module (ContextFilter) before the
        # app registry is ready, when no models can be imported yet.
        from outcomes.selectors import summary_freshness

        try:
            freshness = summary_freshness()
        except Exception:  # noqa: BLE001 - the database is down: /healthz says so
            return
        now = timezone.now()

        def age(moment) -> float:
            return (now - moment).total_seconds() if moment else float("nan")

        yield GaugeMetricFamily(
            "cdp_summary_last_run_age_seconds",
            "Seconds since the last successful summary recompute finished",
            value=age(freshness["last_run_finished_at"]))
        yield GaugeMetricFamily(
            "cdp_summary_dirty_partnerships",
            "Partnerships whose summaries wait for a recompute",
            value=freshness["dirty"])
        yield GaugeMetricFamily(
            "cdp_summary_oldest_change_waiting_seconds",
            "Seconds the oldest change not yet in the summaries has waited (0 when none)",
            value=age(freshness["oldest_dirty_changed_at"])
            if freshness["dirty"] else 0.0)


class FingertipsSyncCollector:
    """The Fingertips sync: indicators by state (alert on stopped > 0), failed runs per
    indicator, and the age of the last successful sync."""

    def collect(self):
        from outcomes.fingertips.selectors import sync_status

        try:
            status = sync_status()
        except Exception:  # noqa: BLE001 - the database is down: /healthz says so
            return
        states = GaugeMetricFamily("cdp_fingertips_sync_indicators",
                                   "Fingertips indicators the sync keeps, by state",
                                   labels=["state"])
        for state, n in status["states"].items():
            states.add_metric([state], n)
        yield states
        failed = CounterMetricFamily("cdp_fingertips_sync_failures",
                                     "Failed sync runs of each Fingertips indicator",
                                     labels=["indicator", "area_type"])
        for indicator, area_type, n in status["rows"]:
            failed.add_metric([str(indicator), str(area_type)], n)
        yield failed
        last = status["last_synced_at"]
        yield GaugeMetricFamily(
            "cdp_fingertips_sync_last_success_age_seconds",
            "Seconds since an indicator was last fetched and applied (NaN: never)",
            value=(timezone.now() - last).total_seconds() if last else float("nan"))


def _task_names() -> list[str]:
    """The project's tasks; a web process imports their modules only when asked."""
    current_app.loader.import_default_modules()
    return sorted(name for name in current_app.tasks if not name.startswith("celery."))


def _registry() -> CollectorRegistry:
    """Request metrics of every gunicorn worker on this machine when they share a
    PROMETHEUS_MULTIPROC_DIR, else this process's; plus tasks and freshness."""
    registry = CollectorRegistry()
    if settings.PROMETHEUS_MULTIPROC_DIR:
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ProcessMetrics())
    registry.register(TaskCollector(_task_names))
    registry.register(FreshnessCollector())
    registry.register(FingertipsSyncCollector())
    return registry


class _ProcessMetrics:
    def collect(self):
        yield from REGISTRY.collect()


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics, for a scraper holding METRICS_TOKEN (`Authorization: Bearer …`).
    Without METRICS_TOKEN set, there is no such page."""
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        response = HttpResponse("A bearer token is needed.\n", status=401,
                                content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
