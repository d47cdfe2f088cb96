"""Handing work to a Celery worker, or doing it here when there is no broker."""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import current_app

log = logging.getLogger(__name__)

QUEUE_DOWN = ("{what} could not start: the service's task queue is not answering. Nothing "
              "was imported. {then} in a few minutes, or tell your administrator.")


def tasks_run_in_process() -> bool:
    """True with no broker (the embedded default): tasks run eagerly, in this process."""
    return bool(current_app.conf.task_always_eager)


def task_send_or(send: Callable[[], object], unsent: Callable[[], None]) -> None:
    """Sends a task; if the broker does not answer, logs it and calls `unsent`. Without a
    broker tasks run here, and their own errors are their own."""
    if tasks_run_in_process():
        send()
        return
    try:
        send()
    except Exception:  # noqa: BLE001 - the broker is down
        log.exception("could not queue a task: the broker does not answer")
        unsent()
