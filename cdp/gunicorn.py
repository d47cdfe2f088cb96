"""gunicorn's settings for the service: `gunicorn -c python:cdp.gunicorn cdp.wsgi`.

Threaded workers, so that a long CSV export or a slow client holds a thread, not a whole
worker. This is the shape `make bench BENCH=load` measures."""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 60
# Longer than a proxy's or load balancer's idle timeout (commonly 60 s), so that the proxy,
# not gunicorn, closes an idle connection: else a request sent as gunicorn closes it fails.
keepalive = 75


def child_exit(server, worker) -> None:
    """A worker that has gone takes its live figures with it; its counts stay. (The master
    has not loaded Django, so this reads the environment as prometheus-client does.)"""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Lazily: gunicorn's master reads this file, and needs prometheus-client only when
        # the workers pool their figures; the workers import it themselves, with Django.
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
