"""What the second factor's codes and keys are made of (OWASP ASVS 2.6, 2.8, 2.9): recovery
codes from a random seed kept encrypted, authenticator-app keys of 160 random bits checked
with RFC 6238's HMAC, and WebAuthn challenges of 256 random bits with approved algorithms."""

import base64
import hmac
import json
import re
import struct
import time

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client

from cdp.signin import secrets

from ..conftest import TOTP_SECRET

pytestmark = pytest.mark.django_db


def test_2_6_2_recovery_codes_are_never_stored_and_come_from_320_random_bits(tenants):
    """Each code is 8 digits (26 bits), fewer than ASVS's 112, so what matters is what an
    offline attacker finds: no code, plain or hashed, only the seed they are derived from
    (HMAC-SHA1), 320 random bits, encrypted under MFA_ENCRYPTION_KEY, which is kept outside
    the database (2.8.2). Online, wrong codes are limited to 5 a person in 5 minutes
    (tests/cdp/test_second_factor.py::test_wrong_codes_are_limited_per_user)."""
    admin = tenants.users["a_admin"]
    codes = RecoveryCodes.activate(admin).get_unused_codes()
    stored = Authenticator.objects.get(user=admin, type="recovery_codes").data
    assert set(stored) == {"seed", "used_mask"}
    assert not any(code in json.dumps(stored) for code in codes)
    seed = secrets.decrypt(stored["seed"])
    assert stored["seed"] != seed and re.fullmatch(r"[0-9a-f]{80}", seed)  # 40 random bytes
    assert all(re.fullmatch(r"\d{8}", code) for code in codes) and len(set(codes)) == 10


def test_2_6_3_recovery_codes_cannot_be_predicted(tenants):
    """Two people's codes, or one person's old and new ones, share nothing: each set comes
    from its own seed from `secrets`, the operating system's random source."""
    first = RecoveryCodes.activate(tenants.users["a_admin"]).get_unused_codes()
    other = RecoveryCodes.activate(tenants.users["b_admin"]).get_unused_codes()
    Authenticator.objects.filter(user=tenants.users["a_admin"], type="recovery_codes").delete()
    renewed = RecoveryCodes.activate(tenants.users["a_admin"]).get_unused_codes()
    assert not set(first) & set(other) and not set(first) & set(renewed)
    steps = {int(b) - int(a) for a, b in zip(first, first[1:], strict=False)}
    assert len(steps) > 1  # not a sequence


def rfc_6238(secret: str, at: float) -> str:
    """RFC 6238's TOTP with HMAC-SHA1, 30-second steps, 6 digits, written out from the RFC."""
    key = base64.b32decode(secret)
    digest = hmac.digest(key, struct.pack(">Q", int(at // 30)), "sha1")
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def test_2_8_3_codes_are_rfc_6238_with_160_bit_random_keys(tenants):
    """The authenticator app's key is 20 bytes from `secrets` (RFC 4226's recommended 160
    bits); a code is the RFC's HMAC-SHA1 (an approved MAC) of the time step."""
    keys = {generate_totp_secret() for _ in range(3)}
    assert len(keys) == 3 and all(len(base64.b32decode(k)) == 20 for k in keys)
    totp = TOTP(Authenticator.objects.get(user=tenants.users["a_admin"], type="totp"))
    now = time.time()
    assert rfc_6238(TOTP_SECRET, now) == pyotp.TOTP(TOTP_SECRET).at(now)
    assert totp.validate_code(rfc_6238(TOTP_SECRET, now))


def creation_options(client: Client) -> dict:
    page = client.get("/account/two-factor/keys/add/").content.decode()
    data = re.search(r'<script id="js_data" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(data.group(1))["creation_options"]["publicKey"]


def unpadded(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def test_2_9_2_and_2_9_3_webauthn_challenges_are_random_and_algorithms_approved(tenants):
    """Each passkey or security key is asked to sign a new challenge of 32 random bytes
    (256 bits; ASVS asks 64). The signatures offered (python-fido2's) are NIST's: ECDSA on
    P-256, P-384, P-521 and EdDSA (FIPS 186-5), RSA PKCS#1 v1.5 and PSS, ML-DSA (FIPS 204);
    and ES256K, ECDSA with SHA-256 on secp256k1, which no FIDO-certified authenticator uses.
    ES256 comes first, and an authenticator takes the first it can."""
    client = Client()
    client.force_login(tenants.users["a_lead"])
    first, second = creation_options(client), creation_options(client)
    challenges = {unpadded(first["challenge"]), unpadded(second["challenge"])}
    assert len(challenges) == 2 and all(len(c) == 32 for c in challenges)
    approved = {-7, -35, -36, -8, -37, -257, -48, -49, -50}  # COSE algorithm numbers
    offered = [param["alg"] for param in first["pubKeyCredParams"]]
    assert offered[0] == -7 and set(offered) <= approved | {-47}, offered
