"""The service's own credentials (OWASP ASVS 2.5.4, 2.10): no default or shared accounts,
no secret in the code or the images, each read from the environment, and the Fingertips sync's
system user cannot sign in."""

import re
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from .test_settings import PRODUCTION, manage

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_2_5_4_no_default_or_shared_accounts():
    """The migrations make no account (the first national administrator is made by
    `createsuperuser` with a password of the operator's choosing), and the demo, with its
    published passwords, refuses to load in production."""
    assert not get_user_model().objects.exists()
    result = manage("load_demo", env=PRODUCTION)
    assert result.returncode != 0 and "DJANGO_DEBUG off" in result.stderr


@pytest.mark.django_db
def test_2_10_the_fingertips_syncs_system_user_cannot_sign_in():
    from outcomes.services.imports import system_user

    user = system_user()
    assert not user.is_active and not user.has_usable_password()
    user.set_password("guessable-but-useless")  # even given a password, it stays shut
    user.save()
    client = Client()
    answer = client.post("/sign-in/", {"username": user.username,
                                       "password": "guessable-but-useless"})
    assert answer.status_code == 200 and "_auth_user_id" not in client.session


def test_2_10_2_and_2_10_4_no_credentials_in_the_code_or_the_compose_file():
    """Every secret comes from the environment: the compose file names the database password
    only as `${POSTGRES_PASSWORD:?...}` (it will not start without one, and there is no
    default); the image copies the code, not `.env`; git ignores `.env`; production refuses
    to start without its secrets (tests/cdp/test_settings.py)."""
    compose = (ROOT / "docker-compose.yml").read_text()
    assert re.findall(r"POSTGRES_PASSWORD[^\n]*", compose)
    for line in re.findall(r"^ *[A-Z_]*(?:PASSWORD|SECRET|KEY|PEPPER)[A-Z_]*:[^\n]*", compose,
                           re.M):
        # Required (`:?`), or optional and empty unless set (`:-}`): never a default value.
        assert re.search(r"\$\{[A-Z_]+(:\?[^}]*|:-)\}", line), line
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert not re.search(r"^COPY \. ", dockerfile, re.M) and ".env" not in dockerfile
    ignored = subprocess.run(["git", "check-ignore", ".env"], cwd=ROOT, capture_output=True)
    assert ignored.returncode == 0, ".env is not ignored by git"
    result = manage("check", env={k: v for k, v in PRODUCTION.items()
                                  if k not in ("PASSWORD_PEPPER", "MFA_ENCRYPTION_KEY")})
    assert result.returncode != 0
