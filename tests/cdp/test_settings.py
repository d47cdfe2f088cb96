"""The settings module: the embedded default, production mode and `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k8Vh3r9-Jd2mQx7LpZc4sWn6bTy1fGa5uEo0iRk-PlQzXc8vBn",
    "DJANGO_ALLOWED_HOSTS": "cdp.example.org",
    "PASSWORD_PEPPER": "Qm7-xT2pL9vR4kWc8ZsN1bHy6uGd3fJe0aVo5iXq",
    "MFA_ENCRYPTION_KEY": "cP3Fq0x8Qv6m1yH2bW9nK4sT7dJ5gL0aZ8eR3uV6iXo=",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_value(expression: str, env: dict[str, str]) -> str:
    code = f"from django.conf import settings; print({expression})"
    result = manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_collectstatic_succeeds_in_production_mode(tmp_path):
    """As the image's build and compose's release run it: the manifest storage must find
    every file a stylesheet or script names (a source map, a font, an image)."""
    result = manage("collectstatic", "--no-input",
                    env={**PRODUCTION, "DJANGO_STATIC_ROOT": str(tmp_path)})
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "staticfiles.json").exists()


def test_check_deploy_is_clean_in_production_mode():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_are_hardened():
    values = settings_value(
        "settings.SECURE_HSTS_SECONDS, settings.SESSION_COOKIE_SECURE, "
        "settings.CSRF_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT, "
        "settings.AUTHENTICATION_BACKENDS[0], settings.MIDDLEWARE[-1]",
        env=PRODUCTION,
    )
    assert values == (
        "31536000 True True True axes.backends.AxesStandaloneBackend "
        "axes.middleware.AxesMiddleware"
    )


def test_production_mode_requires_a_secret_key():
    env = {**PRODUCTION, "DJANGO_SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_mode_requires_allowed_hosts():
    env = {**PRODUCTION, "DJANGO_ALLOWED_HOSTS": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_production_needs_a_password_pepper():
    """ASVS 2.4.5: production refuses to start without a pepper of at least 32 characters;
    development has a fixed one."""
    for pepper in ("", "too-short"):
        result = manage("check", env={**PRODUCTION, "PASSWORD_PEPPER": pepper})
        assert result.returncode != 0
        assert "PASSWORD_PEPPER must be set" in result.stderr
    assert settings_value("settings.PASSWORD_PEPPER", env=PRODUCTION) == (
        PRODUCTION["PASSWORD_PEPPER"])
    assert settings_value("settings.PASSWORD_HASHERS[0]", env={"DJANGO_DEBUG": "1"}) == (
        "cdp.passwords.PepperedArgon2idPasswordHasher")


def test_production_needs_a_key_for_the_second_factors_secrets():
    """The authenticator apps' keys are encrypted at rest: production refuses to start
    without a valid Fernet key in MFA_ENCRYPTION_KEY (or with a bad old one); development
    has a fixed one."""
    for key in ("", "not-a-fernet-key"):
        result = manage("check", env={**PRODUCTION, "MFA_ENCRYPTION_KEY": key})
        assert result.returncode != 0
        assert "MFA_ENCRYPTION_KEY must be set" in result.stderr
    result = manage("check", env={**PRODUCTION, "MFA_ENCRYPTION_KEYS_OLD": "short"})
    assert result.returncode != 0 and "MFA_ENCRYPTION_KEYS_OLD" in result.stderr
    assert settings_value("settings.MFA_ENCRYPTION_KEY", env=PRODUCTION) == (
        PRODUCTION["MFA_ENCRYPTION_KEY"])
    assert settings_value("settings.MFA_ENCRYPTION_KEY", env={"DJANGO_DEBUG": "1"})


def test_session_limits_are_read_from_the_environment():
    values = settings_value(
        "settings.SESSION_COOKIE_AGE, settings.SESSION_ABSOLUTE_SECONDS, "
        "settings.SESSION_WARNING_SECONDS",
        env={**PRODUCTION, "SESSION_IDLE_MINUTES": "15", "SESSION_ABSOLUTE_HOURS": "8",
             "SESSION_WARNING_SECONDS": "60"})
    assert values == "900 28800 60"
    result = manage("check", env={**PRODUCTION, "SESSION_WARNING_SECONDS": "1800"})
    assert result.returncode != 0 and "Session limits must satisfy" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = manage("check", env={})
    assert result.returncode != 0, "without DJANGO_DEBUG the app must run in production mode"


def test_a_malformed_boolean_is_refused_with_its_name():
    result = manage("check", env={"DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def test_embedded_default_is_sqlite_in_the_project_folder_with_eager_tasks():
    value = settings_value(
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'], "
        "settings.CELERY_TASK_ALWAYS_EAGER",
        env={"DJANGO_DEBUG": "1"},
    )
    assert value == f"django.db.backends.sqlite3 {ROOT / 'db.sqlite3'} True"


def test_the_cache_is_shared_through_redis_when_celery_uses_redis():
    value = settings_value(
        "settings.CACHES['default']['BACKEND'], settings.CACHES['default'].get('LOCATION')",
        env={"DJANGO_DEBUG": "1", "CELERY_BROKER_URL": "redis://broker.internal:6379/0"},
    )
    assert value == "django.core.cache.backends.redis.RedisCache redis://broker.internal:6379/0"
    embedded = settings_value("settings.CACHES['default']['BACKEND']", env={"DJANGO_DEBUG": "1"})
    assert embedded == "django.core.cache.backends.locmem.LocMemCache"


def test_database_and_broker_urls_are_read_from_the_environment():
    value = settings_value(
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['HOST'], "
        "settings.CELERY_BROKER_URL, settings.CELERY_TASK_ALWAYS_EAGER",
        env={
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": "postgres://cdp:secret@db.internal:5432/cdp",
            "CELERY_BROKER_URL": "redis://broker.internal:6379/0",
        },
    )
    assert value == (
        "django.db.backends.postgresql db.internal redis://broker.internal:6379/0 False"
    )


def test_every_environment_variable_is_documented_in_the_readme():
    import re

    source = "".join((ROOT / "cdp" / name).read_text() for name in ("settings.py", "config.py"))
    names = set(
        re.findall(r'(?:env_bool|env_int|env_list|os\.environ\.get|os\.environ\[)\(?"([A-Z_]+)"',
                   source)
    )
    assert "DATABASE_URL" in names and "CELERY_BROKER_URL" in names
    readme = (ROOT / "README.md").read_text()
    undocumented = sorted(n for n in names if f"`{n}`" not in readme)
    assert undocumented == []
