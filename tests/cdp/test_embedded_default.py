"""Smoke test of the embedded default that `make run` serves: SQLite, tasks in process."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


# The dashboard, plan, spine, a metric page and a milestone's progress form, each twice (the
# second from the cache where there is one), as the demo's lead, in the embedded default.
SIGNED_IN_PAGES = """
from django.contrib.auth import get_user_model
from django.test import Client
from actionplans.models import Milestone
from outcomes.models import MetricSummary
client = Client()
client.force_login(get_user_model().objects.get(username="rotherham.lead"))
base = "/partnerships/rotherham/"
metric = MetricSummary.objects.filter(partnership__slug="rotherham").first().metric_id
milestone = Milestone.objects.filter(partnership__slug="rotherham").first().pk
for url in ("", "plan/", "spine/", f"metrics/{metric}/", f"plan/milestones/{milestone}/progress/"):
    codes = {client.get(base + url).status_code for _ in range(2)}
    print(codes.pop() if len(codes) == 1 else codes)
"""


@pytest.fixture
def embedded_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    env.pop("DATABASE_URL", None)
    env.update({"DJANGO_DEBUG": "1", "SQLITE_PATH": str(tmp_path / "embedded.sqlite3")})
    return env


@pytest.mark.slow
def test_embedded_default_serves_home_and_healthz(embedded_env, tmp_path):
    for command in (["migrate", "--no-input"], ["load_demo"], ["load_demo"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=embedded_env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"{command}: {result.stderr}"
    assert (tmp_path / "embedded.sqlite3").exists()

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=embedded_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, html = fetch(f"{base}/")
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the embedded server did not start: {server.stderr.read()}")
                time.sleep(0.2)
        assert status == 200
        assert "CDP Dashboard" in html

        status, body = fetch(f"{base}/healthz")
        assert status == 200
        report = json.loads(body)
        assert (report["database"], report["broker"]) == ("ok", "eager")
        # load_demo computed the demo's dashboard summaries in process.
        assert datetime.fromisoformat(report["last_summary_run"])

        status, _ = fetch(f"{base}/static/build/app.css")
        assert status == 200, "the built stylesheet must be served"
        # The cached pages' version queries are written for each database: SQLite's too.
        pages = subprocess.run(
            [sys.executable, "manage.py", "shell", "-v", "0", "-c", SIGNED_IN_PAGES],
            cwd=ROOT, env=embedded_env, capture_output=True, text=True, timeout=120)
        assert pages.returncode == 0, pages.stderr
        assert pages.stdout.split() == ["200"] * 5, pages.stdout
    finally:
        server.terminate()
        server.wait(timeout=20)
