"""tests/services.py: how `make test` finds, or starts, PostgreSQL and Redis."""

import sys

import pytest

from tests import services


def test_configured_servers_are_used_when_they_answer(monkeypatch, redis_url):
    monkeypatch.setenv("REDIS_URL", redis_url)
    with services.redis_server() as url:
        assert url == redis_url


def test_a_dead_url_is_not_reported_as_answering():
    assert services.postgres_answers("postgres://postgres@127.0.0.1:1/cdp") is False
    assert services.redis_answers("redis://127.0.0.1:1/0") is False


def test_without_servers_or_binaries_it_fails_in_one_line(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:1/cdp")
    monkeypatch.setattr(services, "DEFAULT_DATABASE_URL", "postgres://postgres@127.0.0.1:1/cdp")
    monkeypatch.setattr(services, "postgres_binary", lambda name: None)
    monkeypatch.setattr(services, "ensure_chromium", lambda: None)

    status = services.main(["--", sys.executable, "-c", "print('must not run')"])

    assert status == 3
    err = capsys.readouterr().err
    failure = [line for line in err.splitlines() if line.startswith("make test:")]
    assert failure == [
        "make test: cannot run the tests: no PostgreSQL answers at DATABASE_URL or "
        "127.0.0.1:5432, and no initdb/pg_ctl binaries are installed to start one."
    ]


@pytest.mark.slow
def test_throwaway_redis_starts_and_stops():
    with services.throwaway_redis() as url:
        assert services.redis_answers(url)
    assert not services.redis_answers(url)
