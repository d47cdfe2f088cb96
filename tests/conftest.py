"""Shared fixtures. The suite runs against real PostgreSQL and Redis: use `make test`.

`make test` runs it in development mode (DJANGO_DEBUG=1); production settings are checked
in subprocesses of their own (tests/cdp/test_settings.py).
"""

import contextlib
import os
from datetime import date

import pytest


def pytest_configure(config) -> None:
    import tempfile

    from django.conf import settings

    # Hashing test users' passwords with the production hasher would take most of the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Uploaded files go to a folder of the run's own, not the project's media folder.
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="cdp-test-media-")
    # Every test client comes from one address: the API's rate limits would trip across
    # tests. tests/cdp/test_api_auth.py sets low ones to check them.
    from rest_framework.settings import api_settings

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": dict.fromkeys(
        settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "100000/minute")}
    api_settings.reload()
    _force_login_signs_in_as_the_sign_in_page_does()


AUTHENTICATION_RECORDS = "account_authentication_methods"


def _force_login_signs_in_as_the_sign_in_page_does() -> None:
    """A test client's force_login leaves the session a real sign-in leaves: django-allauth's
    record of the password, and of the second factor for whoever has one, just now. Step-up
    (cdp/signin/step_up.py) counts a recent sign-in; tests of it age the records
    (`sign_in_ago`)."""
    from django.test.client import ClientMixin

    if getattr(ClientMixin.force_login, "records_the_sign_in", False):
        return
    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        import time

        from allauth.mfa.models import Authenticator

        original(self, user, backend)
        now = time.time()
        records = [{"method": "password", "at": now, "username": user.get_username()}]
        if Authenticator.objects.filter(user=user).exists():
            records.append({"method": "mfa", "at": now, "type": "totp"})
        session = self.session
        session[AUTHENTICATION_RECORDS] = records
        session["account_authentication_methods_user"] = str(user.pk)
        session.save()

    force_login.records_the_sign_in = True
    ClientMixin.force_login = force_login


def sign_in_ago(client, seconds: float) -> None:
    """Makes the client's sign-in (and any confirmation since) `seconds` older."""
    session = client.session
    for record in session.get(AUTHENTICATION_RECORDS, []):
        record["at"] -= seconds
    session.save()


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
        # Each pytest-xdist worker has its own test database: it gets its own queue too, so
        # that no other worker's (or other run's) embedded Celery worker runs its tasks.
        "task_default_queue": f"cdp-test-{os.getpid()}",
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
# The authenticator app key of the test administrators, who must sign in with a second factor
# (partnerships.access.must_use_second_factor): pyotp.TOTP(TOTP_SECRET).now() is their code.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


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
        if not LocalAuthority.objects.filter(code="E06000005").exists():
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
            from cdp.models import PublicPage

            PublicPage.objects.create(partnership=partnership)  # not published
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
        from allauth.mfa.totp.internal.auth import TOTP

        for name in ("a_admin", "b_admin", "superuser"):
            TOTP.activate(self.users[name], TOTP_SECRET)
        self._outcomes_rows()
        self._plan_rows()
        from outcomes.services import summaries_recompute

        summaries_recompute(partnership_ids=[self.a.pk, self.b.pk])
        self.memberships = {
            side: Membership.objects.get(user=self.users[f"{side}_lead"])
            for side in ("a", "b")
        }

    def _outcomes_rows(self) -> None:
        """One row of every outcomes model in each partnership."""
        from datetime import date

        from outcomes.catalogue import load_framework
        from outcomes.models import (
            FrameworkMetric,
            ImportBatch,
            LocalAim,
            Metric,
            Observation,
            Outcome,
            Target,
        )

        if not Metric.objects.filter(owner=None, code="numbers_in_treatment").exists():
            load_framework(Outcome, Metric)
        from outcomes.services import annotation_create

        self.batches, self.annotations = {}, {}
        in_treatment = Metric.objects.get(code="numbers_in_treatment", owner=None)
        for side, partnership, area in (("a", self.a, "E08000018"), ("b", self.b, "E06000005")):
            aim = LocalAim.objects.create(partnership=partnership, name="Increase engagement")
            FrameworkMetric.objects.create(partnership=partnership, metric=in_treatment, aim=aim)
            Target.objects.create(
                partnership=partnership, metric=in_treatment,
                description="440 additional adults in treatment",
                baseline_value=2081, baseline_period="2021/22", baseline_end=date(2022, 3, 31),
                target_value=2521, due_period="2024/25", due_end=date(2025, 3, 31),
            )
            # Each partnership's note names it: another partnership's page must never show it.
            self.annotations[side] = annotation_create(
                partnership=partnership, user=self.users[f"{side}_lead"], metric=in_treatment,
                on=date(2023, 4, 1), text=f"New treatment provider from 1 April ({partnership})")
            batch = ImportBatch.objects.create(
                partnership=partnership, created_by=self.users[f"{side}_analyst"],
                file_name=f"{side}.csv", format=ImportBatch.Format.TIDY,
                status=ImportBatch.Status.COMPLETE,
            )
            self.batches[side] = batch
            Observation.objects.create(
                partnership=partnership, metric=in_treatment, area_code=area,
                period_label="2022/23", period_start=date(2022, 4, 1),
                period_end=date(2023, 3, 31), period_year_type="financial",
                period_sortable=20220000, value=2153, batch=batch,
            )
            Metric.objects.create(
                owner=partnership, code="digital_iba", name=f"Digital IBA interventions ({side})",
                tier=Metric.Tier.LOCAL, unit=Metric.Unit.COUNT,
                polarity=Metric.Polarity.HIGHER_IS_BETTER, frequency=Metric.Frequency.ANNUAL,
            )

    def _plan_rows(self) -> None:
        """One row of every action-plan model in each partnership, made through the services
        so that each has its history."""
        from datetime import date

        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.utils import timezone

        from actionplans import services as plans
        from actionplans.models import DigestSent, PlanImport
        from cdp.models import BoardPack
        from outcomes.models import Metric
        from partnerships.models import Organisation

        self.plans, self.milestones, self.risks, self.asks, self.plan_imports = {}, {}, {}, {}, {}
        in_treatment = Metric.objects.get(code="numbers_in_treatment", owner=None)
        for side, partnership in (("a", self.a), ("b", self.b)):
            lead = self.users[f"{side}_lead"]
            plan = plans.action_plan_save(partnership=partnership, user=lead,
                                          title=f"{partnership.name} action plan", first_year=2022)
            objective = plans.objective_create(
                plan=plan, user=lead, title="Develop continuity of care",
                priority="treatment", strand="prevent")
            action = plans.key_action_create(
                objective=objective, user=lead, title="Continuity of care pathway", lead=lead,
                responsible_partners=Organisation.objects.filter(partnership=partnership))
            self.plans[side] = plan
            milestone = plans.milestone_create(
                key_action=action, user=lead, title="Prison leavers seen within 3 weeks",
                due_date=date(2023, 3, 31), status="on_track", metrics=[in_treatment])
            entry = plans.progress_update_add(
                milestone=milestone, user=lead, version=milestone.version, status="on_track",
                text="Pathway agreed with probation",
                files=[SimpleUploadedFile(f"{side}-minutes.pdf", b"%PDF-1.4 minutes")])
            self.milestones[side] = entry.milestone
            self.risks[side] = plans.risk_save(
                partnership=partnership, user=lead, title="County lines exploitation",
                likelihood=4, impact=4, owner="Police")
            self.asks[side] = plans.ask_save(
                partnership=partnership, user=lead, title="Naloxone in custody suites",
                request="Distribute take home naloxone", directed_to="Responsible Authorities")
            self.plan_imports[side] = PlanImport.objects.create(
                partnership=partnership, created_by=lead, file_name=f"{side}-plan.csv",
                stored_file=f"plans/{side}.csv")
            # The administrator's weekly email: their day and a digest sent long ago (not the
            # lead's: the digest tests start from a lead who has neither).
            admin = self.users[f"{side}_admin"]
            plans.digest_preference_save(partnership=partnership, user=admin, enabled=True,
                                         weekday=0)
            DigestSent.objects.create(
                partnership=partnership, lead=admin, iso_year=2024, iso_week=10,
                status=DigestSent.Status.SENT, claimed_at=timezone.now(), sent_at=timezone.now(),
                milestone_count=1)
            # A board pack asked for by the lead (one that failed: it has no file to store).
            BoardPack.objects.create(partnership=partnership, requested_by=lead,
                                     status=BoardPack.Status.FAILED, failure="Test pack")

    def partnership(self, side: str):
        return self.a if side == "a" else self.b


@pytest.fixture
def tenants(db) -> Tenants:
    return Tenants()


@contextlib.contextmanager
def rolled_back(django_db_blocker):
    """One transaction around a whole module's (or package's) tests, rolled back after them:
    what is made inside it before they run is made once, not once per test. Each test's own
    `db` transaction nests inside it as a savepoint, so a test's changes are undone before the
    next. Not for modules with `transaction=True` tests, which commit and flush."""
    from django.db import transaction

    with django_db_blocker.unblock():
        block = transaction.atomic()
        block.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


@contextlib.contextmanager
def loaded_demo(django_db_blocker, times: int = 1, today=None):
    """`manage.py load_demo` run `times` times for a whole module or package of tests, inside
    `rolled_back`: the demo (about 100,000 reference rows) is loaded once, not once per test.
    Yields the output of each run. `today`: the day it is loaded as (its plan dates are moved
    by whole years relative to it), by default the real one."""
    import io

    from django.core.management import call_command
    from django.test import override_settings

    with rolled_back(django_db_blocker), django_db_blocker.unblock(), override_settings(
        DEBUG=True
    ):
        outputs = []
        for _ in range(times):
            out = io.StringIO()
            with fixed_today(today) if today else contextlib.nullcontext():
                call_command("load_demo", stdout=out)
            outputs.append(out.getvalue())
        yield outputs


@pytest.fixture(scope="module")
def module_tenants(django_db_setup, django_db_blocker) -> Tenants:
    """`Tenants` built once for a whole module, inside `rolled_back`. A module whose tests
    only read them, or change them inside their own transaction, takes them through
    `shared_tenants` (below) instead of building them for every test."""
    with rolled_back(django_db_blocker):
        with django_db_blocker.unblock():
            built = Tenants()
        yield built


@pytest.fixture
def shared_tenants(request, module_tenants, db):
    """The module's `Tenants` for its next test, every row it holds read again: a test before
    may have changed them in memory (its changes in the database were rolled back). Each test
    also has a cache of its own (a key prefix of its own): the same rows in every test would
    otherwise meet what an earlier one left there under their ids (a second factor's code
    used, a page kept). A module whose tests only read the tenants, or change them inside
    their own transaction, takes them once per module by overriding `tenants`:

        @pytest.fixture
        def tenants(shared_tenants):
            return shared_tenants
    """
    import uuid

    from django.conf import settings
    from django.db.models import Model
    from django.test import override_settings

    marker = request.node.get_closest_marker("django_db")
    committing = {"transactional_db", "live_server"} & set(request.fixturenames)
    if committing or (marker and marker.kwargs.get("transaction")):
        raise pytest.UsageError(
            f"{request.node.nodeid} commits ({committing or 'transaction=True'}): it cannot "
            "share its module's tenants. Move it to a module that builds them per test.")
    for value in vars(module_tenants).values():
        for instance in value.values() if isinstance(value, dict) else [value]:
            if isinstance(instance, Model):
                instance.refresh_from_db()
    own = uuid.uuid4().hex[:12]
    with override_settings(CACHES={
        alias: {**config, "KEY_PREFIX": f"{config.get('KEY_PREFIX', '')}:{own}"}
        for alias, config in settings.CACHES.items()
    }):
        yield module_tenants


# --- The date ---------------------------------------------------------------------------------
# The day the demo and the tests that read it are fixed to: the demo's dates are moved by
# whole years relative to "today" (actionplans/demo/builders.year_shift).
DEMO_TODAY = date(2026, 12, 7)


@contextlib.contextmanager
def fixed_today(day):
    """`timezone.localdate()` (today where the partnership is) is `day`; with an argument it
    converts as before. The clock itself (`timezone.now()`) is left alone."""
    from unittest import mock

    from django.utils import timezone

    real = timezone.localdate

    def localdate(value=None, tz=None):
        return day if value is None else real(value, tz)

    with mock.patch.object(timezone, "localdate", localdate):
        yield


class Clock:
    """Sets today for a test: `clock.set(date(2026, 4, 1))`, again to move it on."""

    def __init__(self):
        self._stack = contextlib.ExitStack()

    def set(self, day):
        self._stack.close()
        self._stack = contextlib.ExitStack()
        self._stack.enter_context(fixed_today(day))
        self.today = day

    def close(self):
        self._stack.close()


@pytest.fixture
def clock():
    """Today, fixed by the test (`clock.set(day)`): pages, selectors and services that ask
    `timezone.localdate()` all see it."""
    fixed = Clock()
    yield fixed
    fixed.close()
