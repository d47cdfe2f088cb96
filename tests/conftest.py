"""Shared fixtures. The suite runs against real PostgreSQL and Redis: use `make test`.

`make test` runs it in development mode (DJANGO_DEBUG=1); production settings are checked
in subprocesses of their own (tests/cdp/test_settings.py).
"""

import os

import pytest


def pytest_configure(config) -> None:
    from django.conf import settings

    # Hashing test users' passwords with the production hasher would take most of the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


# --- Two partnerships with a user in every role of each (healthchecks' alice, bob, charlie) --
PASSWORD = "correct horse battery staple"
ROLES = ["viewer", "lead", "analyst", "admin"]


class Tenants:
    """Partnership `a` (Yorkshire and The Humber) and `b` (North East), with their users.

    users: "a_viewer" … "b_admin", "regional" (viewer of A's region only), "outsider"
    (signed in, no membership) and "superuser" (national admin).
    """

    def __init__(self):
        from django.contrib.auth import get_user_model

        from partnerships import services
        from partnerships.geography import load_geography
        from partnerships.models import (
            KeyDocument,
            LocalAuthority,
            Membership,
            NamedRole,
            Organisation,
            Region,
            SubGroup,
        )

        # A transactional test before this one may have flushed the migration's geography.
        load_geography(Region, LocalAuthority)
        user_model = get_user_model()
        yorkshire = Region.objects.get(code="E12000003")
        north_east = Region.objects.get(code="E12000001")
        self.a = services.partnership_create(
            name="Rotherham CDP", slug="rotherham", region=yorkshire,
            local_authority_codes=["E08000018"], reports_to="Safer Rotherham Partnership",
        )
        self.b = services.partnership_create(
            name="Darlington CDP", slug="darlington", region=north_east,
            local_authority_codes=["E06000005"],
        )
        self.users = {}
        for side, partnership in (("a", self.a), ("b", self.b)):
            for role in ROLES:
                user = user_model.objects.create_user(
                    f"{side}_{role}", f"{side}.{role}@example.org", PASSWORD,
                    first_name=side.upper(), last_name=role.title(),
                )
                services.membership_create(partnership=partnership, user=user, role=role)
                self.users[f"{side}_{role}"] = user
            Organisation.objects.create(
                partnership=partnership, name=f"{partnership.name} Police",
                sector=Organisation.Sector.POLICE,
            )
            KeyDocument.objects.create(
                partnership=partnership, title="Needs assessment",
                kind=KeyDocument.Kind.NEEDS_ASSESSMENT, status=KeyDocument.Status.COMPLETED,
            )
            NamedRole.objects.create(
                partnership=partnership, kind=NamedRole.Kind.CHAIR, holder=f"Chair of {side}"
            )
            SubGroup.objects.create(partnership=partnership, name="Data and Digital Sub-Group")
        self.users["regional"] = user_model.objects.create_user(
            "regional", "r@example.org", PASSWORD
        )
        services.regional_membership_create(user=self.users["regional"], region=yorkshire)
        self.users["outsider"] = user_model.objects.create_user(
            "outsider", "o@example.org", PASSWORD
        )
        self.users["superuser"] = user_model.objects.create_superuser(
            "national", "n@example.org", PASSWORD
        )
        self.memberships = {
            side: Membership.objects.get(user=self.users[f"{side}_lead"])
            for side in ("a", "b")
        }

    def partnership(self, side: str):
        return self.a if side == "a" else self.b


@pytest.fixture
def tenants(db) -> Tenants:
    return Tenants()
