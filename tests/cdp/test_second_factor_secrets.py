"""The second factor's secrets are encrypted at rest (cdp/signin/secrets.py): the authenticator
app's key and the recovery codes' seed, under MFA_ENCRYPTION_KEY, kept apart from the
database; those stored before are encrypted by a migration."""

import importlib
import json
import time

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from cryptography.fernet import Fernet
from django.apps import apps
from django.db import connection

from cdp.signin import secrets

from ..conftest import TOTP_SECRET

pytestmark = pytest.mark.django_db
migration = importlib.import_module("cdp.migrations.0007_stepup_encrypt_second_factor_secrets")


def stored(authenticator: Authenticator) -> str:
    """The row's data as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT data::text FROM mfa_authenticator WHERE id = %s",
                       [authenticator.pk])
        return cursor.fetchone()[0]


def test_the_authenticator_apps_key_and_the_recovery_codes_seed_are_encrypted(tenants):
    totp = Authenticator.objects.get(user=tenants.users["a_admin"], type="totp")
    assert TOTP_SECRET not in stored(totp)
    assert json.loads(stored(totp))["secret"].startswith("fernet:")
    assert TOTP(totp).validate_code(pyotp.TOTP(TOTP_SECRET).now())

    codes = RecoveryCodes.activate(tenants.users["a_admin"])
    seed = secrets.decrypt(codes.instance.data["seed"])
    assert seed not in stored(codes.instance)
    assert codes.validate_code(codes.get_unused_codes()[0])


def test_without_the_key_the_database_gives_nothing_away(tenants, settings):
    totp = Authenticator.objects.get(user=tenants.users["a_admin"], type="totp")
    settings.MFA_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(ValueError, match="MFA_ENCRYPTION_KEY"):
        secrets.decrypt(totp.data["secret"])


def test_a_rotated_key_still_reads_what_the_old_one_encrypted(tenants, settings):
    totp = Authenticator.objects.get(user=tenants.users["a_admin"], type="totp")
    settings.MFA_ENCRYPTION_KEYS_OLD = [settings.MFA_ENCRYPTION_KEY]
    settings.MFA_ENCRYPTION_KEY = Fernet.generate_key().decode()
    assert secrets.decrypt(totp.data["secret"]) == TOTP_SECRET
    assert Fernet(settings.MFA_ENCRYPTION_KEY.encode()).decrypt(
        secrets.encrypt("new")[len(secrets.PREFIX):].encode()) == b"new"


def test_the_migration_encrypts_secrets_stored_before(tenants):
    user = tenants.users["a_lead"]
    plain_seed = "ab" * 40
    totp = Authenticator.objects.create(user=user, type="totp",
                                        data={"secret": TOTP_SECRET})
    codes = Authenticator.objects.create(user=user, type="recovery_codes",
                                         data={"seed": plain_seed, "used_mask": 0})
    assert TOTP_SECRET in stored(totp)

    migration.encrypt(apps, None)
    migration.encrypt(apps, None)  # twice: what is encrypted is left as it is
    totp.refresh_from_db()
    codes.refresh_from_db()
    assert TOTP_SECRET not in stored(totp) and plain_seed not in stored(codes)
    assert secrets.decrypt(totp.data["secret"]) == TOTP_SECRET
    assert secrets.decrypt(codes.data["seed"]) == plain_seed
    assert TOTP(totp).validate_code(pyotp.TOTP(TOTP_SECRET).at(time.time() + 30))
    assert codes.data["used_mask"] == 0

    migration.decrypt(apps, None)  # and back
    totp.refresh_from_db()
    assert totp.data["secret"] == TOTP_SECRET


def test_the_demos_administrators_sign_in_with_the_published_key(db):
    from django.contrib.auth import get_user_model

    from cdp.signin.demo import DEMO_TOTP_SECRET, enrol_demo_admins
    from partnerships import access

    admin = get_user_model().objects.create_superuser("demo_national", "d@example.org", "x")
    assert access.must_use_second_factor(admin)
    assert enrol_demo_admins(["demo_national"]) == {"demo_national"}
    totp = Authenticator.objects.get(user=admin, type="totp")
    assert DEMO_TOTP_SECRET not in stored(totp)
    assert TOTP(totp).validate_code(pyotp.TOTP(DEMO_TOTP_SECRET).now())
    assert enrol_demo_admins(["demo_national"]) == {"demo_national"}  # again: recognised
