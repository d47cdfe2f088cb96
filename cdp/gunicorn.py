"""gunicorn's settings for the service: `gunicorn -c python:cdp.gunicorn cdp.wsgi`.

Threaded workers, so that a long CSV export or a slow client holds a thread, not a whole
worker. This is the shape `make bench BENCH=load` measures."""

import os
import sys

# Two processes a CPU (the default suits 2 CPUs) of three threads each: a process's threads
# share one interpreter lock, so while one renders a page the others wait for it, and more,
# smaller processes let the CPUs take the next request from a process that is free.
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "3"))
# How long a thread may hold the interpreter lock while another waits for it (Python's
# default is 5 ms). A sign-in makes some 25 round trips to PostgreSQL, and after each it
# waits for the lock again: behind a thread rendering a page, up to the whole interval every
# time. At 1 ms such requests no longer queue behind renders; the CPU-bound ones barely slow.
SWITCH_INTERVAL = 0.001
timeout = 60
# Longer than a proxy's or load balancer's idle timeout (commonly 60 s), so that the proxy,
# not gunicorn, closes an idle connection: else a request sent as gunicorn closes it fails.
keepalive = 75


def post_worker_init(worker) -> None:
    """Import every view (through the URLconf) before the worker takes its first request.

    Django imports the URLconf at the first request a process resolves, and with it every
    view and what they use (NumPy and SciPy's statistics among them): about a second of CPU.
    Done there, it stalls the first requests each new worker takes, sign-ins included, and
    the other threads of the worker with them; done here, a worker takes requests only once
    it is ready. The templates likewise (warm_templates). It also sets the switch interval."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (the property's work is the point)
    sys.setswitchinterval(SWITCH_INTERVAL)
    templates = warm_templates()
    worker.log.info("Worker ready (pid: %s, %d templates compiled)", worker.pid, templates)


def warm_templates() -> int:
    """Compile the service's templates (its own and the GOV.UK form templates) and load the
    password hasher, as each worker starts: else each worker's first sign-ins and pages
    compile them, about 0.3 s of CPU in all, while other people wait. Returns how many."""
    from pathlib import Path

    import crispy_forms_gds
    from django.conf import settings
    from django.contrib.auth.hashers import get_hasher
    from django.template import engines

    hasher = get_hasher()
    if getattr(hasher, "library", None):
        hasher._load_library()  # argon2's bindings
    engine, compiled = engines["django"], 0
    for folder in (Path(settings.BASE_DIR) / "templates",
                   Path(crispy_forms_gds.__file__).parent / "templates"):
        for path in sorted(folder.rglob("*.html")):
            engine.get_template(path.relative_to(folder).as_posix())
            compiled += 1
    return compiled


def child_exit(server, worker) -> None:
    """A worker that has gone takes its live figures with it; its counts stay. (The master
    has not loaded Django, so this reads the environment as prometheus-client does.)"""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Lazily: gunicorn's master reads this file, and needs prometheus-client only when
        # the workers pool their figures; the workers import it themselves, with Django.
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
