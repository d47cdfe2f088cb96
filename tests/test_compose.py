"""docker-compose.yml cannot run here (no Docker engine): check its shape and wiring."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
APP_SERVICES = ["release", "web", "worker", "beat"]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def command(service: dict) -> str:
    value = service["command"]
    return " ".join(value) if isinstance(value, list) else value


def test_services(compose):
    assert set(compose["services"]) == {"postgres", "redis", "release", "web", "worker", "beat"}


def test_app_services_run_the_right_processes(compose):
    services = compose["services"]
    assert command(services["web"]).startswith(
        "gunicorn cdp.wsgi --config=python:cdp.gunicorn --bind=0.0.0.0:8000")
    assert command(services["worker"]).startswith("celery -A cdp worker")
    assert command(services["beat"]).startswith("celery -A cdp beat")
    assert command(services["release"]) == (
        "sh -c python manage.py migrate --no-input && python manage.py collectstatic --no-input")
    assert services["beat"]["deploy"]["replicas"] == 1
    assert services["beat"]["container_name"]  # a second beat cannot be started beside it
    for name in APP_SERVICES:
        assert services[name]["build"] == "."
        assert services[name]["image"] == "cdp-dashboard:latest"


def test_app_services_are_wired_to_postgres_and_redis(compose):
    services = compose["services"]
    postgres_env = services["postgres"]["environment"]
    for name in APP_SERVICES:
        env = services[name]["environment"]
        database = urlsplit(re.sub(r"\$\{[^}]*\}", "password", env["DATABASE_URL"]))
        assert database.scheme == "postgres"
        assert database.hostname == "postgres" and database.port == 5432
        assert database.path == "/" + postgres_env["POSTGRES_DB"]
        assert database.username == postgres_env["POSTGRES_USER"]
        assert "${POSTGRES_PASSWORD" in env["DATABASE_URL"]
        assert urlsplit(env["CELERY_BROKER_URL"]).hostname == "redis"
        assert env["DJANGO_DEBUG"] == "false"
        assert env["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")
        assert env["PASSWORD_PEPPER"].startswith("${PASSWORD_PEPPER:?")
        assert env["MFA_ENCRYPTION_KEY"].startswith("${MFA_ENCRYPTION_KEY:?")
        assert "localhost" in env["DJANGO_ALLOWED_HOSTS"], "the web health check calls localhost"
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        if name != "release":
            assert depends["release"]["condition"] == "service_completed_successfully"


def test_health_checks_and_volumes(compose):
    services = compose["services"]
    for name in ["postgres", "redis", "web", "worker"]:
        assert services[name]["healthcheck"]["test"], name
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert {"pgdata", "redisdata", "media", "static"} <= set(compose["volumes"])
    for name in APP_SERVICES:  # release collects the static files that web serves
        assert "static:/app/staticfiles" in services[name]["volumes"]
    # Request metrics of all gunicorn workers, in a folder emptied when web starts.
    web = services["web"]
    assert web["environment"]["PROMETHEUS_MULTIPROC_DIR"] == "/run/prometheus"
    assert any(t.startswith("/run/prometheus") for t in web["tmpfs"])
    # The web port is published on the host's loopback only, for a TLS proxy in front.
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]


def settings_sources() -> str:
    """cdp/settings.py and cdp/config.py, the longer settings it takes as they are."""
    return "".join((ROOT / "cdp" / name).read_text() for name in ("settings.py", "config.py"))


def test_every_setting_compose_passes_is_one_the_app_reads(compose):
    settings_source = settings_sources()
    read = set(re.findall(r'"([A-Z][A-Z0-9_]+)"', settings_source))
    env = compose["services"]["web"]["environment"]
    assert set(env) <= read, set(env) - read


def test_compose_passes_every_email_setting(compose):
    """The worker sends the leads' weekly digest: it needs the SMTP settings and SITE_URL."""
    settings_source = settings_sources()
    email = {name for name in re.findall(r'"([A-Z][A-Z0-9_]+)"', settings_source)
             if name.startswith("EMAIL_") or name in ("DEFAULT_FROM_EMAIL", "SITE_URL")}
    assert {"EMAIL_HOST", "EMAIL_USE_TLS", "SITE_URL"} <= email
    for name in ("worker", "beat", "web"):
        assert email <= set(compose["services"][name]["environment"]), name


def test_dockerfile_builds_assets_from_npm_and_runs_unprivileged():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "npm ci" in dockerfile and "npm run build" in dockerfile
    assert "collectstatic --no-input" in dockerfile
    # release collects again, as cdp, into the volume that starts as a copy of these files
    assert "chown -R cdp /app/staticfiles" in dockerfile
    assert re.search(r"^USER cdp$", dockerfile, re.MULTILINE)
    assert '"gunicorn", "cdp.wsgi"' in dockerfile
