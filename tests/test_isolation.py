"""Tenant isolation: every URL of the project, for every role and method.

The URL patterns come from the resolver, not from a hand-kept list. A URL with no entry in
EXPECTATIONS fails the suite: every new page or API route must say who may use it. For each
tenant URL the same request is also made with partnership B's slug and B's object ids:
nobody but a national admin may get anything but a 404 (or, signed out, the sign-in page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .conftest import Tenants


@pytest.fixture
def tenants(shared_tenants):
    """Built once for this module (tests/conftest.py `module_tenants`): each test only reads
    them or changes them inside its own transaction."""
    return shared_tenants


ROLES = ["anonymous", "outsider", "viewer", "lead", "analyst", "admin", "regional", "superuser"]


def expect(default: int, **overrides: int) -> dict[str, int]:
    unknown = set(overrides) - set(ROLES)
    assert not unknown, unknown
    return {role: overrides.get(role, default) for role in ROLES}


@dataclass
class Expectation:
    get: dict[str, int]
    post: dict[str, int]
    # Builds the URL's kwargs for partnership "a" (own) or "b" (other); None: not a tenant URL.
    kwargs: Callable[[Tenants, str], dict] | None = None
    # Statuses for B's URL: 404 for all but the national admin unless stated.
    other_get: dict[str, int] | None = None
    other_post: dict[str, int] | None = None
    data: dict = field(default_factory=dict)


def slug(t: Tenants, side: str) -> dict:
    return {"partnership_slug": t.partnership(side).slug}


def member(t: Tenants, side: str) -> dict:
    return {**slug(t, side), "pk": t.memberships[side].pk}


def document(t: Tenants, side: str) -> dict:
    """The side's entry in its key-documents register (tests/conftest.py)."""
    from partnerships.models import KeyDocument

    return {**slug(t, side), "pk": KeyDocument.objects.get(partnership=t.partnership(side)).pk}


def batch(t: Tenants, side: str) -> dict:
    return {**slug(t, side), "pk": t.batches[side].pk}


def reference_batch(t: Tenants, side: str) -> dict:
    """An applied import into the national reference data (it has no partnership, no side)."""
    from outcomes.models import ImportBatch

    reference, _ = ImportBatch.objects.get_or_create(
        partnership=None, file_name="reference.csv",
        defaults={"created_by": t.users["superuser"], "format": ImportBatch.Format.FINGERTIPS,
                  "status": ImportBatch.Status.COMPLETE})
    return {"pk": reference.pk}


def framework_entry(t: Tenants, side: str) -> dict:
    from outcomes.models import FrameworkMetric

    return {**slug(t, side), "pk": FrameworkMetric.objects.get(partnership=t.partnership(side)).pk}


def target(t: Tenants, side: str) -> dict:
    from outcomes.models import Target

    return {**slug(t, side), "pk": Target.objects.get(partnership=t.partnership(side)).pk}


def milestone(t: Tenants, side: str) -> dict:
    return {**slug(t, side), "pk": t.milestones[side].pk}


def evidence_item(t: Tenants, side: str) -> dict:
    """The evidence file of the side's milestone's progress log (tests/conftest.py)."""
    from actionplans.models import ProgressEvidence

    item = ProgressEvidence.objects.exclude(file="").get(update__milestone=t.milestones[side])
    return {**milestone(t, side), "evidence_pk": item.pk}


def risk(t: Tenants, side: str) -> dict:
    return {**slug(t, side), "pk": t.risks[side].pk}


def ask(t: Tenants, side: str) -> dict:
    return {**slug(t, side), "pk": t.asks[side].pk}


def plan_import(t: Tenants, side: str) -> dict:
    return {**slug(t, side), "pk": t.plan_imports[side].pk}


def reference_metric() -> int:
    """Deaths from drug misuse, with figures in the reference data for every test area."""
    from outcomes.models import Metric, ReferenceFigure
    from tests.outcomes.reference_figures import make_reference

    if not ReferenceFigure.objects.filter(metric__code="drug_misuse_deaths").exists():
        make_reference(["drug_misuse_deaths"], [2022])
        # Darlington's published figure is public, but its name is partnership B's marker.
        ReferenceFigure.objects.filter(area_code="E06000005").delete()
    return Metric.objects.get(code="drug_misuse_deaths", owner=None).pk


def in_treatment() -> int:
    from outcomes.models import Metric

    return Metric.objects.get(code="numbers_in_treatment", owner=None).pk


def annotation(t: Tenants, side: str) -> dict:
    return {**slug(t, side), "metric_id": in_treatment(), "pk": t.annotations[side].pk}


def board_pack(t: Tenants, side: str) -> dict:
    """A ready board pack of the side's partnership, with its PDF under MEDIA_ROOT."""
    from pathlib import Path

    from django.conf import settings

    from cdp.models import BoardPack

    partnership = t.partnership(side)
    stored = f"board-packs/isolation-{partnership.slug}.pdf"
    (Path(settings.MEDIA_ROOT) / "board-packs").mkdir(parents=True, exist_ok=True)
    (Path(settings.MEDIA_ROOT) / stored).write_bytes(b"%PDF-1.7 " + partnership.name.encode())
    pack, _ = BoardPack.objects.get_or_create(
        partnership=partnership, stored_file=stored,
        defaults={"requested_by": t.users[f"{side}_lead"], "status": "ready", "file_size": 9})
    return {**slug(t, side), "pk": pack.pk}


def api_slug(t: Tenants, side: str) -> dict:
    return {"slug": t.partnership(side).slug}


def local_metric(t: Tenants, side: str) -> dict:
    from outcomes.models import Metric

    return {"pk": Metric.objects.get(owner=t.partnership(side), code="digital_iba").pk}


def observation(t: Tenants, side: str) -> dict:
    from outcomes.models import Observation

    return {"pk": Observation.objects.filter(partnership=t.partnership(side)).first().pk}


def summary(t: Tenants, side: str) -> dict:
    from outcomes.models import MetricSummary

    return {"pk": MetricSummary.objects.filter(partnership=t.partnership(side)).first().pk}


def api_target(t: Tenants, side: str) -> dict:
    return {"pk": target(t, side)["pk"]}


def benchmark(t: Tenants, side: str) -> dict:
    """England's figure: the same for both sides, and readable by everyone signed in."""
    from datetime import date

    from outcomes.models import Metric, ReferenceFigure

    row, _ = ReferenceFigure.objects.get_or_create(
        metric=Metric.objects.get(code="numbers_in_treatment", owner=None),
        area_code="E92000001", period_start=date(2022, 4, 1), period_end=date(2023, 3, 31),
        period_year_type="financial",
        defaults={"period_label": "2022/23", "period_sortable": 20220000, "value": 290000})
    return {"pk": row.pk}


def reference_row(t: Tenants, side: str) -> dict:
    """A local authority's published figure (Rotherham's; for "other", Sheffield's, in no
    partnership, as Darlington's would name partnership B): shared reference data, read by
    everyone signed in."""
    from outcomes.models import ReferenceFigure
    from tests.outcomes.reference_figures import make_reference

    if not ReferenceFigure.objects.filter(area_code="E06000005").exists():
        make_reference(["drug_misuse_deaths"], [2022])
    area = "E08000018" if side == "a" else "E08000019"
    return {"pk": ReferenceFigure.objects.get(area_code=area).pk}


def published_page(t: Tenants, side: str) -> dict:
    """Partnership A publishes its public page; B's is not published, which answers exactly
    as an unknown slug does."""
    from cdp.models import PublicPage

    PublicPage.objects.filter(partnership=t.a).update(published=True)
    return slug(t, side)


SIGNED_IN_REDIRECT = expect(302, anonymous=200)
PUBLIC_PAGE = expect(200)
NOT_ALLOWED = expect(405)
MEMBER_PAGE = expect(200, anonymous=302, outsider=404)
ADMIN_PAGE = expect(403, anonymous=302, outsider=404, admin=200, superuser=200)
ADMIN_FORM_POST = ADMIN_PAGE  # an empty form is re-shown with errors
API_READ = expect(200, anonymous=401)
# Pages for those who load data: analysts and administrators.
DATA_PAGE = expect(403, anonymous=302, outsider=404, analyst=200, admin=200, superuser=200)
DATA_NO_POST = expect(403, anonymous=302, outsider=404, analyst=405, admin=405, superuser=405)
DATA_ACTION = expect(403, anonymous=302, outsider=404, analyst=302, admin=302, superuser=302)
# Pages every member reads and nobody posts to.
MEMBER_READ_ONLY = expect(405, anonymous=302, outsider=404)
# Pages for those who change the action plan: leads and administrators.
NATIONAL_PAGE = expect(403, anonymous=302, superuser=200)
NATIONAL_NO_POST = expect(403, anonymous=302, superuser=405)
NATIONAL_ACTION = expect(403, anonymous=302, superuser=302)
PLAN_PAGE = expect(403, anonymous=302, outsider=404, lead=200, admin=200, superuser=200)
PLAN_NO_POST = expect(403, anonymous=302, outsider=404, lead=405, admin=405, superuser=405)
PLAN_ACTION = expect(403, anonymous=302, outsider=404, lead=302, admin=302, superuser=302)
# Making a board pack: leads, analysts and administrators (access.GENERATE_BOARD_PACK).
MAKE_BOARD_PACK = expect(403, anonymous=302, outsider=404, lead=302, analyst=302, admin=302,
                         superuser=302)
# Notes on a metric's charts: written by leads, analysts and administrators, read by all.
ANNOTATE_PAGE = expect(403, anonymous=302, outsider=404, lead=200, analyst=200, admin=200,
                       superuser=200)
ANNOTATE_ACTION = expect(403, anonymous=302, outsider=404, lead=302, analyst=302, admin=302,
                         superuser=302)

# One's own second factor: every signed-in person has these pages.
OWN_ACCOUNT_PAGE = expect(200, anonymous=302)
CONFIRM_BY_PASSWORD = expect(200, anonymous=302, admin=302, superuser=302)
CONFIRM_BY_CODE = expect(302, admin=200, superuser=200)
# The clients here signed in just now (tests/conftest.py): no need to confirm it is them
# again (step-up: tests/cdp/test_step_up.py asks after 15 minutes).
WITH_APP_ONLY_GET = expect(404, anonymous=302, admin=200, superuser=200)
WITH_APP_ONLY_POST = expect(404, anonymous=302, admin=302, superuser=302)
# National administrators only.
RESET_PAGE = expect(403, anonymous=302, superuser=200)


def an_issuer(t: Tenants, side: str) -> dict:
    """A single sign-on issuer's id (not a partnership's)."""
    return {"provider_id": "council"}


def a_key(t: Tenants, side: str) -> dict:
    """A passkey's id (one's own keys only: the pages find no one else's)."""
    return {"pk": 1}


EXPECTATIONS: dict[str, Expectation] = {
    "home": Expectation(get=SIGNED_IN_REDIRECT, post=NOT_ALLOWED),
    "healthz": Expectation(get=PUBLIC_PAGE, post=NOT_ALLOWED),
    # Only a scraper with METRICS_TOKEN: without it set (as here) there is no such page.
    "metrics": Expectation(get=expect(404), post=NOT_ALLOWED),
    "accessibility": Expectation(get=PUBLIC_PAGE, post=NOT_ALLOWED),
    "privacy": Expectation(get=PUBLIC_PAGE, post=NOT_ALLOWED),
    "login": Expectation(get=SIGNED_IN_REDIRECT, post=SIGNED_IN_REDIRECT),
    "logout": Expectation(get=NOT_ALLOWED, post=expect(302)),
    # Session limits: how long is left (renewing nothing), "Stay signed in", and where signing
    # out (or timing out) leads. Only one's own session is ever read or renewed.
    "session_status": Expectation(get=expect(200, anonymous=401), post=NOT_ALLOWED),
    "session_extend": Expectation(get=NOT_ALLOWED, post=expect(200, anonymous=401)),
    "signed_out": Expectation(get=SIGNED_IN_REDIRECT, post=NOT_ALLOWED),
    "signed_out_inactive": Expectation(get=SIGNED_IN_REDIRECT, post=NOT_ALLOWED),
    "password_reset": Expectation(get=PUBLIC_PAGE, post=PUBLIC_PAGE),
    "password_reset_done": Expectation(get=PUBLIC_PAGE, post=NOT_ALLOWED),
    "password_reset_confirm": Expectation(
        get=PUBLIC_PAGE,
        post=PUBLIC_PAGE,
        kwargs=lambda t, side: {"uidb64": "MQ", "token": "set-password"},
    ),
    "password_reset_complete": Expectation(get=PUBLIC_PAGE, post=NOT_ALLOWED),
    # Sign-in, the second factor and step-up (django-allauth, cdp/signin/). Changing one's
    # second factors needs a sign-in within 15 minutes, as here; after that, a redirect to
    # confirm it is you (tests/cdp/test_step_up.py). The administrators here have an
    # authenticator app: setting one up again sends them to their own.
    "account_login": Expectation(get=SIGNED_IN_REDIRECT, post=SIGNED_IN_REDIRECT),
    "account_logout": Expectation(get=NOT_ALLOWED, post=expect(302)),
    "mfa_authenticate": Expectation(get=expect(302), post=expect(302)),  # only mid-sign-in
    "account_reauthenticate": Expectation(get=CONFIRM_BY_PASSWORD, post=CONFIRM_BY_PASSWORD),
    "mfa_reauthenticate": Expectation(get=CONFIRM_BY_CODE, post=CONFIRM_BY_CODE),
    "mfa_reauthenticate_webauthn": Expectation(get=expect(302), post=expect(302)),
    "mfa_index": Expectation(get=OWN_ACCOUNT_PAGE, post=expect(405, anonymous=302)),
    # One's own password: an empty form is a 200 with its errors.
    "account_change_password": Expectation(get=OWN_ACCOUNT_PAGE, post=OWN_ACCOUNT_PAGE),
    "mfa_activate_totp": Expectation(get=expect(200, anonymous=302, admin=302, superuser=302),
                                     post=expect(200, anonymous=302, admin=302, superuser=302)),
    "mfa_deactivate_totp": Expectation(get=WITH_APP_ONLY_GET, post=WITH_APP_ONLY_POST),
    "mfa_list_webauthn": Expectation(get=OWN_ACCOUNT_PAGE, post=expect(405, anonymous=302)),
    "mfa_add_webauthn": Expectation(get=expect(200, anonymous=302),
                                    post=expect(200, anonymous=302)),
    # Where one is signed in: one's own sessions only; an empty POST names none to end.
    "usersessions_list": Expectation(get=OWN_ACCOUNT_PAGE, post=expect(400, anonymous=302)),
    # Someone else's key: none of theirs.
    "mfa_remove_webauthn": Expectation(get=expect(404, anonymous=302),
                                       post=expect(404, anonymous=302), kwargs=a_key),
    "mfa_edit_webauthn": Expectation(get=expect(404, anonymous=302),
                                     post=expect(404, anonymous=302), kwargs=a_key),
    # Nobody here has recovery codes yet.
    "mfa_view_recovery_codes": Expectation(get=expect(404, anonymous=302),
                                           post=expect(405, anonymous=302)),
    "mfa_generate_recovery_codes": Expectation(
        get=expect(200, anonymous=302),
        post=expect(200, anonymous=302, admin=302, superuser=302)),  # made, for those with an app
    "mfa_download_recovery_codes": Expectation(get=expect(404, anonymous=302),
                                               post=expect(404, anonymous=302)),
    "second_factor_reset": Expectation(get=RESET_PAGE, post=RESET_PAGE),
    # Single sign-on (cdp/signin/sso.py): an issuer's button and its way back. No issuer is
    # configured here, so there is no such page for anyone; its pages for a cancelled or
    # failed sign-in say only that.
    "openid_connect_login": Expectation(get=expect(404), post=expect(404), kwargs=an_issuer),
    "openid_connect_callback": Expectation(get=expect(404), post=expect(404), kwargs=an_issuer),
    "socialaccount_login_cancelled": Expectation(get=PUBLIC_PAGE, post=NOT_ALLOWED),
    "socialaccount_login_error": Expectation(get=expect(401), post=NOT_ALLOWED),
    # Everyone with one partnership goes straight to it; the chooser lists several.
    "partnerships:chooser": Expectation(
        get=expect(302, outsider=200, superuser=200),
        post=expect(405, anonymous=302),
    ),
    "dashboard": Expectation(get=MEMBER_PAGE, post=expect(405, anonymous=302, outsider=404),
                             kwargs=slug),
    "metric": Expectation(get=MEMBER_PAGE, post=expect(405, anonymous=302, outsider=404),
                          kwargs=lambda t, side: {**slug(t, side), "metric_id": in_treatment()}),
    "metric_csv": Expectation(get=MEMBER_PAGE, post=expect(405, anonymous=302, outsider=404),
                              kwargs=lambda t, side: {**slug(t, side),
                                                      "metric_id": in_treatment()}),
    "annotation_new": Expectation(
        get=ANNOTATE_PAGE, post=ANNOTATE_PAGE,  # an empty form is re-shown with its errors
        kwargs=lambda t, side: {**slug(t, side), "metric_id": in_treatment()}),
    "annotation_edit": Expectation(get=ANNOTATE_PAGE, post=ANNOTATE_PAGE, kwargs=annotation),
    "annotation_delete": Expectation(get=ANNOTATE_PAGE, post=ANNOTATE_ACTION,
                                     kwargs=annotation),
    "spine": Expectation(get=MEMBER_PAGE, post=expect(405, anonymous=302, outsider=404),
                         kwargs=slug),
    # Across partnerships: each sees only the partnerships they may (tested in
    # tests/cdp/test_dashboards.py); the URL names no partnership.
    "compare": Expectation(get=expect(200, anonymous=302), post=expect(405, anonymous=302)),
    # The national reference data, shared: everyone signed in compares every area.
    "compare_metric": Expectation(
        get=expect(200, anonymous=302), post=expect(405, anonymous=302),
        kwargs=lambda t, side: {"metric_id": reference_metric()}),
    # National admins only: the Fingertips sync's page. Its POST adds an indicator (a sync
    # now would call Fingertips); everyone else is told nothing, a 404.
    "fingertips_sync": Expectation(
        get=expect(404, anonymous=302, superuser=200),
        post=expect(404, anonymous=302, superuser=302),
        data={"indicator_id": "90808", "child_area_type_id": "502", "parent_area_type_id": "6"}),
    # The public page: anyone, signed in or not, reads a published page; an unpublished one
    # is a 404 for everyone, national admins too (tests/cdp/public/test_views.py).
    "public_page": Expectation(get=PUBLIC_PAGE, post=NOT_ALLOWED, kwargs=published_page,
                               other_get=expect(404), other_post=NOT_ALLOWED),
    "public_page_settings": Expectation(
        get=ADMIN_PAGE, post=expect(403, anonymous=302, outsider=404, admin=302, superuser=302),
        kwargs=slug),
    "public_page_preview": Expectation(get=ADMIN_PAGE, post=MEMBER_READ_ONLY, kwargs=slug),
    "plan_progress_csv": Expectation(get=MEMBER_PAGE,
                                     post=expect(405, anonymous=302, outsider=404), kwargs=slug),
    # Board packs: every member reads and downloads them; leads, analysts and administrators
    # make one (POST to the list) or try a failed one again (a ready one: back to its page).
    "board_packs": Expectation(get=MEMBER_PAGE, post=MAKE_BOARD_PACK, kwargs=slug),
    "board_pack": Expectation(get=MEMBER_PAGE, post=MEMBER_READ_ONLY, kwargs=board_pack),
    "board_pack_progress": Expectation(get=MEMBER_PAGE, post=MEMBER_READ_ONLY,
                                       kwargs=board_pack),
    "board_pack_download": Expectation(get=MEMBER_PAGE, post=MEMBER_READ_ONLY,
                                       kwargs=board_pack),
    "board_pack_retry": Expectation(get=MEMBER_READ_ONLY, post=MAKE_BOARD_PACK,
                                    kwargs=board_pack),
    "partnerships:overview": Expectation(
        get=MEMBER_PAGE,
        post=expect(405, anonymous=302, outsider=404),
        kwargs=slug,
    ),
    "partnerships:members": Expectation(
        get=ADMIN_PAGE,
        post=expect(405, anonymous=302, outsider=404),
        kwargs=slug,
    ),
    "partnerships:member_invite": Expectation(
        get=ADMIN_PAGE, post=ADMIN_FORM_POST, kwargs=slug
    ),
    "partnerships:member_role": Expectation(get=ADMIN_PAGE, post=ADMIN_FORM_POST, kwargs=member),
    "partnerships:member_remove": Expectation(
        get=ADMIN_PAGE,
        post=expect(403, anonymous=302, outsider=404, admin=302, superuser=302),
        kwargs=member,
    ),
    # Sends a member's invitation again: a POST only, by administrators.
    "partnerships:member_resend": Expectation(
        get=MEMBER_READ_ONLY,
        post=expect(403, anonymous=302, outsider=404, admin=302, superuser=302),
        kwargs=member,
    ),
    # The key-documents register: every member reads it; its administrators add, change
    # (an empty form is re-shown with its errors) and remove entries.
    "partnerships:documents": Expectation(get=MEMBER_PAGE, post=MEMBER_READ_ONLY, kwargs=slug),
    "partnerships:document_add": Expectation(get=ADMIN_PAGE, post=ADMIN_FORM_POST, kwargs=slug),
    "partnerships:document_edit": Expectation(get=ADMIN_PAGE, post=ADMIN_FORM_POST,
                                              kwargs=document),
    "partnerships:document_remove": Expectation(
        get=ADMIN_PAGE, post=expect(403, anonymous=302, outsider=404, admin=302, superuser=302),
        kwargs=document),
    "outcomes:imports": Expectation(get=DATA_PAGE, post=DATA_NO_POST, kwargs=slug),
    "outcomes:import_new": Expectation(get=DATA_PAGE, post=DATA_PAGE, kwargs=slug),
    # POST on an import's page applies it (it was outcomes:import_commit, imports/<pk>/apply/).
    "outcomes:import_detail": Expectation(get=DATA_PAGE, post=DATA_ACTION, kwargs=batch),
    "outcomes:import_progress": Expectation(get=DATA_PAGE, post=DATA_NO_POST, kwargs=batch),
    "outcomes:import_problems_csv": Expectation(get=DATA_PAGE, post=DATA_NO_POST, kwargs=batch),
    # GET on cancel and roll back asks "Are you sure?"; only the POST acts.
    "outcomes:import_cancel": Expectation(get=DATA_PAGE, post=DATA_ACTION, kwargs=batch),
    "outcomes:import_rollback": Expectation(get=DATA_PAGE, post=DATA_ACTION, kwargs=batch),
    "outcomes:observation_new": Expectation(get=DATA_PAGE, post=DATA_PAGE, kwargs=slug),
    # The national reference data's imports belong to no partnership: national admins only.
    "reference_imports:list": Expectation(get=NATIONAL_PAGE, post=NATIONAL_NO_POST),
    "reference_imports:detail": Expectation(get=NATIONAL_PAGE, post=NATIONAL_ACTION,
                                            kwargs=reference_batch),
    "reference_imports:progress": Expectation(get=NATIONAL_PAGE, post=NATIONAL_NO_POST,
                                              kwargs=reference_batch),
    "reference_imports:problems_csv": Expectation(get=NATIONAL_PAGE, post=NATIONAL_NO_POST,
                                                  kwargs=reference_batch),
    "reference_imports:cancel": Expectation(get=NATIONAL_PAGE, post=NATIONAL_ACTION,
                                            kwargs=reference_batch),
    "reference_imports:rollback": Expectation(get=NATIONAL_PAGE, post=NATIONAL_ACTION,
                                              kwargs=reference_batch),
    "outcomes:framework": Expectation(
        get=MEMBER_PAGE, post=expect(405, anonymous=302, outsider=404), kwargs=slug),
    # Data coverage: read by every member (the dashboard flags the same), posted to by none.
    "outcomes:coverage": Expectation(
        get=MEMBER_PAGE, post=expect(405, anonymous=302, outsider=404), kwargs=slug),
    "outcomes:aim_new": Expectation(get=DATA_PAGE, post=DATA_PAGE, kwargs=slug),
    "outcomes:framework_metric_add": Expectation(get=DATA_PAGE, post=DATA_PAGE, kwargs=slug),
    "outcomes:local_metric_new": Expectation(get=DATA_PAGE, post=DATA_PAGE, kwargs=slug),
    "outcomes:target_new": Expectation(get=DATA_PAGE, post=DATA_PAGE, kwargs=slug),
    "outcomes:framework_metric_remove": Expectation(
        get=DATA_NO_POST, post=DATA_ACTION, kwargs=framework_entry),
    "outcomes:target_remove": Expectation(get=DATA_NO_POST, post=DATA_ACTION, kwargs=target),
    "actionplans:plan": Expectation(get=MEMBER_PAGE, post=MEMBER_READ_ONLY, kwargs=slug),
    "actionplans:plan_edit": Expectation(get=PLAN_PAGE, post=PLAN_PAGE, kwargs=slug),
    "actionplans:objective_new": Expectation(get=PLAN_PAGE, post=PLAN_PAGE, kwargs=slug),
    "actionplans:key_action_new": Expectation(get=PLAN_PAGE, post=PLAN_PAGE, kwargs=slug),
    "actionplans:milestone_new": Expectation(get=PLAN_PAGE, post=PLAN_PAGE, kwargs=slug),
    # Overdue milestones re-dated or closed at once: an empty form is re-shown with its error.
    "actionplans:overdue_milestones": Expectation(get=PLAN_PAGE, post=PLAN_PAGE, kwargs=slug),
    "actionplans:milestone": Expectation(get=MEMBER_PAGE, post=MEMBER_READ_ONLY,
                                         kwargs=milestone),
    "actionplans:milestone_progress": Expectation(get=PLAN_PAGE, post=PLAN_PAGE,
                                                  kwargs=milestone),
    "actionplans:milestone_details": Expectation(get=PLAN_PAGE, post=PLAN_PAGE,
                                                 kwargs=milestone),
    "actionplans:milestone_evidence": Expectation(get=MEMBER_PAGE, post=MEMBER_READ_ONLY,
                                                  kwargs=milestone),
    "actionplans:milestone_evidence_item": Expectation(get=MEMBER_PAGE, post=MEMBER_READ_ONLY,
                                                       kwargs=evidence_item),
    "actionplans:risks": Expectation(get=MEMBER_PAGE, post=MEMBER_READ_ONLY, kwargs=slug),
    "actionplans:risk_new": Expectation(get=PLAN_PAGE, post=PLAN_PAGE, kwargs=slug),
    "actionplans:risk_edit": Expectation(get=PLAN_PAGE, post=PLAN_PAGE, kwargs=risk),
    "actionplans:ask_new": Expectation(get=PLAN_PAGE, post=PLAN_PAGE, kwargs=slug),
    "actionplans:ask_edit": Expectation(get=PLAN_PAGE, post=PLAN_PAGE, kwargs=ask),
    # One's own weekly digest in the partnership: an empty form is re-shown with its error.
    "actionplans:digest": Expectation(get=PLAN_PAGE, post=PLAN_PAGE, kwargs=slug),
    # The weekly email's preview; POSTed to, a test of it sent to oneself.
    "actionplans:digest_preview": Expectation(get=PLAN_PAGE, post=PLAN_ACTION, kwargs=slug),
    "actionplans:report": Expectation(get=MEMBER_PAGE, post=MEMBER_READ_ONLY, kwargs=slug),
    "actionplans:report_csv": Expectation(get=MEMBER_PAGE, post=MEMBER_READ_ONLY, kwargs=slug),
    "actionplans:plan_export": Expectation(
        get=MEMBER_PAGE, post=MEMBER_READ_ONLY,
        kwargs=lambda t, side: {**slug(t, side), "format": "xlsx"}),
    "actionplans:plan_import_new": Expectation(get=PLAN_PAGE, post=PLAN_PAGE, kwargs=slug),
    # POST on a plan import's page applies it (it was actionplans:plan_import_apply,
    # import/<pk>/apply/).
    "actionplans:plan_import": Expectation(get=PLAN_PAGE, post=PLAN_ACTION, kwargs=plan_import),
    "actionplans:plan_import_cancel": Expectation(get=PLAN_PAGE, post=PLAN_ACTION,
                                                  kwargs=plan_import),
    "api:schema": Expectation(get=PUBLIC_PAGE, post=NOT_ALLOWED),
    "api:docs": Expectation(get=PUBLIC_PAGE, post=NOT_ALLOWED),
    "api:explorer": Expectation(get=PUBLIC_PAGE, post=NOT_ALLOWED),
    # A token for a username and password: an empty POST is a 400 for anyone.
    "api:token": Expectation(get=NOT_ALLOWED, post=expect(400)),
    # One's own tokens: an empty form is re-shown with its errors.
    "api_tokens": Expectation(get=expect(200, anonymous=302), post=expect(400, anonymous=302)),
    # One's own milestones, across the partnerships one may see: read only.
    "my_milestones": Expectation(get=expect(200, anonymous=302),
                                 post=expect(405, anonymous=302)),
    # Lists show only what the user may see: empty rather than refused.
    "api:import-list": Expectation(get=API_READ, post=expect(400, anonymous=401)),
    "api:import-detail": Expectation(
        get=expect(404, anonymous=401, analyst=200, admin=200, superuser=200),
        post=expect(405, anonymous=401),
        kwargs=lambda t, side: {"pk": t.batches[side].pk},
        other_post=expect(405, anonymous=401),
    ),
    "api:import-apply": Expectation(
        get=expect(405, anonymous=401),
        post=expect(404, anonymous=401, analyst=200, admin=200, superuser=200),
        kwargs=lambda t, side: {"pk": t.batches[side].pk},
        other_get=expect(405, anonymous=401),
    ),
    "api:import-roll-back": Expectation(
        get=expect(405, anonymous=401),
        post=expect(404, anonymous=401, analyst=200, admin=200, superuser=200),
        kwargs=lambda t, side: {"pk": t.batches[side].pk},
        other_get=expect(405, anonymous=401),
    ),
    "api:import-problems": Expectation(
        get=expect(404, anonymous=401, analyst=200, admin=200, superuser=200),
        post=expect(405, anonymous=401),
        kwargs=lambda t, side: {"pk": t.batches[side].pk},
        other_post=expect(405, anonymous=401),
    ),
    "api:api-root": Expectation(get=API_READ, post=expect(405, anonymous=401)),
    "api:partnership-list": Expectation(get=API_READ, post=expect(405, anonymous=401)),
    "api:partnership-detail": Expectation(
        get=expect(200, anonymous=401, outsider=404),
        post=expect(405, anonymous=401),
        kwargs=api_slug,
        # The route takes no POST at all, so 405 says nothing about whether the slug exists.
        other_post=expect(405, anonymous=401),
    ),
    "api:metric-list": Expectation(get=API_READ, post=expect(405, anonymous=401)),
    "api:metric-detail": Expectation(  # a local metric; national ones are everyone's
        get=expect(200, anonymous=401, outsider=404), post=expect(405, anonymous=401),
        kwargs=local_metric, other_post=expect(405, anonymous=401)),
    "api:observation-list": Expectation(get=API_READ, post=expect(405, anonymous=401)),
    "api:observation-detail": Expectation(
        get=expect(200, anonymous=401, outsider=404), post=expect(405, anonymous=401),
        kwargs=observation, other_post=expect(405, anonymous=401)),
    "api:summary-list": Expectation(get=API_READ, post=expect(405, anonymous=401)),
    "api:summary-detail": Expectation(
        get=expect(200, anonymous=401, outsider=404), post=expect(405, anonymous=401),
        kwargs=summary, other_post=expect(405, anonymous=401)),
    "api:target-list": Expectation(get=API_READ, post=expect(405, anonymous=401)),
    "api:annotation-list": Expectation(get=API_READ, post=expect(405, anonymous=401)),
    "api:target-detail": Expectation(
        get=expect(200, anonymous=401, outsider=404), post=expect(405, anonymous=401),
        kwargs=api_target, other_post=expect(405, anonymous=401)),
    "api:benchmark-list": Expectation(get=API_READ, post=expect(405, anonymous=401)),
    # The national reference data: shared, read by everyone signed in, written by nobody here.
    "api:reference-list": Expectation(get=API_READ, post=expect(405, anonymous=401)),
    "api:reference-detail": Expectation(
        get=API_READ, post=expect(405, anonymous=401), kwargs=reference_row,
        other_get=API_READ, other_post=expect(405, anonymous=401)),
    # A list only (no detail route): rows of the user's own partnerships' frameworks.
    "api:coverage-list": Expectation(get=API_READ, post=expect(405, anonymous=401)),
    "api:benchmark-detail": Expectation(
        get=API_READ, post=expect(405, anonymous=401), kwargs=benchmark,
        other_get=API_READ, other_post=expect(405, anonymous=401)),
    "api:action-plan-list": Expectation(get=API_READ, post=expect(405, anonymous=401)),
    "api:action-plan-detail": Expectation(
        get=expect(200, anonymous=401, outsider=404),
        post=expect(405, anonymous=401),
        kwargs=lambda t, side: {"pk": t.plans[side].pk},
        other_post=expect(405, anonymous=401),
    ),
    "api:milestone-list": Expectation(get=API_READ, post=expect(405, anonymous=401)),
    # Read by every member; changed only by PATCH with If-Match (tests/actionplans/test_api.py).
    "api:milestone-detail": Expectation(
        get=expect(200, anonymous=401, outsider=404),
        post=expect(405, anonymous=401),
        kwargs=lambda t, side: {"pk": t.milestones[side].pk},
        other_post=expect(405, anonymous=401),
    ),
    # A milestone's progress log: read by every member; added to by leads and administrators,
    # with If-Match (an empty POST without it is a 428 for them; tests/actionplans/
    # test_api_progress_log.py).
    "api:milestone-updates": Expectation(
        get=expect(200, anonymous=401, outsider=404),
        post=expect(403, anonymous=401, outsider=404, lead=428, admin=428, superuser=428),
        kwargs=lambda t, side: {"pk": t.milestones[side].pk},
    ),
}

# The Django admin is for national administrators (superusers) only.
ADMIN_NAMESPACE = "admin"
ADMIN_URLS = {
    "admin:index": Expectation(get=expect(302, superuser=200), post=expect(302, superuser=200)),
    "admin:partnerships_partnership_changelist": Expectation(
        get=expect(302, superuser=200), post=expect(302, superuser=200)
    ),
}


def discovered_url_names() -> set[str]:
    """Every named URL pattern of the project, with its namespace."""
    names: set[str] = set()
    unnamed: list[str] = []

    def walk(patterns, namespace: str, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or namespace
                if ns and namespace and pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}"
                walk(pattern.url_patterns, ns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                if pattern.name is None:
                    unnamed.append(prefix + str(pattern.pattern))
                else:
                    names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, "", "")
    assert not [u for u in unnamed if not u.startswith("admin/")], unnamed
    return names


def test_every_url_has_an_expectation():
    names = discovered_url_names()
    tenant_and_public = {n for n in names if not n.startswith(ADMIN_NAMESPACE + ":")}
    missing = sorted(tenant_and_public - set(EXPECTATIONS))
    assert not missing, f"add these URLs to EXPECTATIONS in {__name__}: {missing}"
    stale = sorted(set(EXPECTATIONS) - names)
    assert not stale, f"these EXPECTATIONS name no URL: {stale}"
    assert set(ADMIN_URLS) <= names


def client_for(tenants: Tenants, role: str) -> Client:
    client = Client()
    if role == "anonymous":
        return client
    username = {"viewer": "a_viewer", "lead": "a_lead", "analyst": "a_analyst",
                "admin": "a_admin"}.get(role, role)
    client.force_login(tenants.users[username])
    return client


# Words that only partnership B's pages and records contain.
OTHER_PARTNERSHIP_MARKERS = ("Darlington", "darlington", "b_viewer", "b.lead@", "E06000005")


def status_of(client: Client, method: str, url: str, data: dict, *, check_body: bool = True) -> int:
    response = client.get(url) if method == "get" else client.post(url, data)
    if check_body and response.status_code == 200 and not getattr(response, "streaming", False):
        body = response.content.decode(errors="replace")
        leaked = [m for m in OTHER_PARTNERSHIP_MARKERS if m in body]
        assert not leaked, f"{method.upper()} {url} shows partnership B's data: {leaked}"
    return response.status_code


CASES = [(name, role) for name in {**EXPECTATIONS, **ADMIN_URLS} for role in ROLES]


@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_access(tenants, name, role):
    expectation = {**EXPECTATIONS, **ADMIN_URLS}[name]
    client = client_for(tenants, role)
    own = reverse(name, kwargs=expectation.kwargs(tenants, "a") if expectation.kwargs else None)
    # A national admin legitimately sees every partnership, B included.
    check = role != "superuser" and name != "api:schema"
    results = {"GET": status_of(client, "get", own, expectation.data, check_body=check)}
    wanted = {"GET": expectation.get[role]}

    tenant_url = (expectation.kwargs is not None
                  and name not in ("password_reset_confirm", "compare_metric",
                                   "mfa_remove_webauthn", "mfa_edit_webauthn",
                                   "openid_connect_login", "openid_connect_callback")
                  and not name.startswith("reference_imports:"))  # no partnership
    if tenant_url:
        # Another partnership's URL: 404 for everyone but the national admin.
        other = reverse(name, kwargs=expectation.kwargs(tenants, "b"))
        results["GET other"] = status_of(client, "get", other, expectation.data, check_body=check)
        results["POST other"] = status_of(client, "post", other, expectation.data,
                                          check_body=check)
        api = name.startswith("api:")
        signed_out = 401 if api else 302  # 401: WWW-Authenticate: Token
        wanted["GET other"] = (expectation.other_get or expect(
            404, anonymous=signed_out, superuser=expectation.get["superuser"]))[role]
        wanted["POST other"] = (expectation.other_post or expect(
            404, anonymous=signed_out, superuser=expectation.post["superuser"]))[role]

    # The own POST goes last: it may change things (an admin removing a member).
    results["POST"] = status_of(client, "post", own, expectation.data, check_body=check)
    wanted["POST"] = expectation.post[role]
    assert results == wanted


OBJECT_URLS = {
    name: expectation for name, expectation in EXPECTATIONS.items()
    if expectation.kwargs in (member, document, batch, framework_entry, target, milestone, risk,
                              ask, plan_import, annotation, board_pack, evidence_item)
}


@pytest.mark.parametrize("name", sorted(OBJECT_URLS))
@pytest.mark.parametrize("role", ROLES)
def test_own_partnership_with_another_partnerships_object_is_404(tenants, name, role):
    """Partnership A's URL with B's object id: never B's object, whoever asks."""
    expectation = OBJECT_URLS[name]
    kwargs = expectation.kwargs(tenants, "a")
    other = expectation.kwargs(tenants, "b")
    client = client_for(tenants, role)
    url = reverse(name, kwargs={**kwargs, "pk": other["pk"]})
    for method, own in (("get", expectation.get[role]), ("post", expectation.post[role])):
        # Refused before the object is looked at (sign in, 403 for the role, 405): the same.
        wanted = own if own in (403, 405) else 404
        if role == "anonymous":
            wanted = 302
        response = client.get(url) if method == "get" else client.post(url)
        assert response.status_code == wanted, (method, role)


def test_removed_member_loses_access_at_once(tenants):
    from partnerships import services

    client = Client()
    client.force_login(tenants.users["a_lead"])
    overview = reverse("partnerships:overview", kwargs=slug(tenants, "a"))
    api = reverse("api:partnership-detail", kwargs=api_slug(tenants, "a"))
    assert client.get(overview).status_code == 200
    assert client.get(api).status_code == 200

    services.membership_remove(membership=tenants.memberships["a"])

    # The same signed-in session, no sign-out needed.
    assert client.get(overview).status_code == 404
    assert client.get(api).status_code == 404
    assert client.get(reverse("api:partnership-list")).json()["results"] == []
