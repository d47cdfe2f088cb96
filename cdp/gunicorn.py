"""gunicorn's settings for the service: `gunicorn -c python:cdp.gunicorn cdp.wsgi`."""

import os


def child_exit(server, worker) -> None:
    """A worker that has gone takes its live figures with it; its counts stay. (The master
    has not loaded Django, so this reads the environment as prometheus-client does.)"""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
