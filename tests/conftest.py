"""Shared fixtures. The suite runs against real PostgreSQL and Redis: use `make test`.

`make test` runs it in development mode (DJANGO_DEBUG=1); production settings are checked
in subprocesses of their own (tests/cdp/test_settings.py).
"""

import os

import pytest


def require_env(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        pytest.fail(f"{name} is not set: run the suite with `make test`, which provides it.")
    return value


@pytest.fixture(scope="session")
def redis_url() -> str:
    return require_env("REDIS_URL")


@pytest.fixture(scope="session")
def celery_config(redis_url: str) -> dict:
    """The embedded test worker uses the real Redis as broker and result backend."""
    return {
        "broker_url": redis_url,
        "result_backend": redis_url,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_serializer": "json",
        "accept_content": ["json"],
    }


@pytest.fixture(scope="session")
def celery_worker_parameters() -> dict:
    return {"shutdown_timeout": 30}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    """Database tests run on the real PostgreSQL that `make test` provides, never on SQLite."""
    require_env("DATABASE_URL")
