"""OWASP ASVS 4.0.3, level 2: the checks that apply to this service, walked against it.

Covered: V2 (authentication, every requirement to level 2), V3 (sessions and their cookies),
V4 (access control) and V5 (validation, sanitisation and encoding). REQUIREMENTS says, for each
requirement, whether it is met, not met or not applicable, and which tests prove it: the tests
here (each named after its requirement) and tests elsewhere in the suite that already prove
it, which are referred to rather than repeated. The README's "Security: OWASP ASVS level 2"
table must say the same: `test_the_readme_table_says_the_same` checks it.
"""

from __future__ import annotations

import ast
import io
import math
import re
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from .conftest import PASSWORD, TOTP_SECRET


@pytest.fixture
def tenants(shared_tenants):
    """Built once for this module (tests/conftest.py `module_tenants`): each test only reads
    them or changes them inside its own transaction."""
    return shared_tenants

ROOT = Path(__file__).resolve().parents[1]
PROJECT_APPS = ("partnerships", "outcomes", "actionplans", "cdp")
MET, NOT_MET, NOT_APPLICABLE = "Met", "Not met", "Not applicable"
HERE = "tests/test_asvs.py::"
# V2's proofs elsewhere, in the modules of what they prove.
PASSWORDS, RECOVERY = "tests/cdp/test_passwords.py::", "tests/cdp/test_password_recovery.py::"
NOTICES, CODES = "tests/cdp/test_notifications.py::", "tests/cdp/test_second_factor_codes.py::"
SERVICE = "tests/cdp/test_service_credentials.py::"
STRENGTH = "tests/browser/test_password_strength.py::"


@dataclass(frozen=True)
class Requirement:
    status: str
    proof: tuple[str, ...] = ()  # test nodes, "path::function"
    reason: str = ""  # why it does not apply, or what is missing


REQUIREMENTS: dict[str, Requirement] = {
    # --- V2 Authentication -------------------------------------------------------------
    "2.1.1": Requirement(MET, (HERE + "test_2_1_1_passwords_need_at_least_12_characters",)),
    "2.1.2": Requirement(MET, (PASSWORDS + "test_2_1_2_up_to_128_characters_and_no_more",)),
    "2.1.3": Requirement(MET, (PASSWORDS + "test_2_1_3_every_character_counts",)),
    "2.1.4": Requirement(MET, (
        PASSWORDS + "test_2_1_4_any_printable_unicode_character_spaces_and_emoji",)),
    "2.1.5": Requirement(MET, (
        PASSWORDS + "test_2_1_5_and_2_1_6_changing_the_password_needs_the_current_one",
        PASSWORDS + "test_the_change_is_linked_from_the_sign_in_settings_and_says_so_without"
                    "_a_password")),
    "2.1.6": Requirement(MET, (
        PASSWORDS + "test_2_1_5_and_2_1_6_changing_the_password_needs_the_current_one",)),
    "2.1.7": Requirement(MET, (HERE + "test_2_1_7_common_and_breached_passwords_are_refused",)),
    "2.1.8": Requirement(MET, (
        STRENGTH + "test_choosing_a_password_from_an_emailed_link_shows_its_strength",
        STRENGTH + "test_changing_a_password_shows_its_strength_under_the_policy_and_not_on_the"
                   "_dashboard",
        PASSWORDS + "test_2_1_8_the_strength_meter_is_on_every_page_that_chooses_a_password"
                    "_and_no_other",
        PASSWORDS + "test_2_1_8_what_makes_a_good_password_and_why_one_is_refused")),
    "2.1.9": Requirement(MET, (PASSWORDS + "test_2_1_9_no_rules_about_which_characters",)),
    "2.1.10": Requirement(MET, (PASSWORDS + "test_2_1_10_no_expiry_and_no_history",)),
    "2.1.11": Requirement(MET, (
        PASSWORDS + "test_2_1_11_password_managers_and_pasting_are_welcome",)),
    "2.1.12": Requirement(MET, (
        PASSWORDS + "test_2_1_12_every_password_can_be_shown",
        "tests/browser/test_base_pages.py::test_sign_in_form_works_in_the_browser")),
    "2.2.1": Requirement(MET, (
        "tests/cdp/test_pages.py::test_sign_in_is_throttled_after_repeated_failures",
        "tests/cdp/test_api_auth.py::test_repeated_failures_lock_the_username_out_with_a_429",
        "tests/cdp/test_api_auth.py::test_over_the_rate_the_answer_is_429_with_retry_after",
    )),
    "2.2.2": Requirement(
        NOT_APPLICABLE, (),
        "No weak authenticator is offered: no codes by SMS or email. The second factor is an "
        "authenticator app, a passkey or security key, or a recovery code.",
    ),
    "2.2.3": Requirement(MET, (
        NOTICES + "test_changing_the_password_emails_its_owner",
        NOTICES + "test_a_password_reset_by_link_emails_its_owner",
        NOTICES + "test_an_invited_member_choosing_their_first_password_is_told_so",
        NOTICES + "test_a_new_api_token_emails_its_owner_from_the_page_and_the_api",
        NOTICES + "test_nothing_is_sent_for_a_refused_change",
        NOTICES + "test_an_email_address_changed_by_an_administrator_is_told_to_both_addresses",
        NOTICES + "test_a_password_set_by_an_administrator_is_told_to_its_owner",
        "tests/sso/test_sso.py::"
        "test_an_invitation_offers_the_organisations_sign_in_where_passwords_are_off",
    )),
    "2.3.1": Requirement(MET, (RECOVERY + "test_2_3_1_the_link_is_random_works_once_and_expires",)),
    "2.3.2": Requirement(MET, (
        "tests/browser/test_second_factor_pages.py::test_a_passkey_is_enrolled_and_used",)),
    "2.3.3": Requirement(
        NOT_APPLICABLE, (),
        "No authenticator expires: passwords, authenticator apps, passkeys and recovery codes "
        "last until changed. API tokens, which do expire, are bearer tokens of the API (V3), "
        "not authenticators; each shows its expiry date on the API tokens page.",
    ),
    "2.4.1": Requirement(MET, (HERE + "test_2_4_1_passwords_are_stored_with_argon2id",
                               HERE + "test_2_4_1_older_pbkdf2_passwords_are_rehashed_at_sign_in")),
    "2.4.2": Requirement(MET, (HERE + "test_2_4_2_each_password_has_its_own_random_salt",)),
    "2.4.3": Requirement(MET, (
        RECOVERY + "test_2_4_3_pbkdf2_only_checks_old_passwords_with_over_100000_iterations",)),
    "2.4.4": Requirement(
        NOT_APPLICABLE,
        (RECOVERY + "test_2_4_3_pbkdf2_only_checks_old_passwords_with_over_100000_iterations",),
        "No bcrypt: passwords are stored with Argon2id (2.4.1).",
    ),
    "2.4.5": Requirement(MET, (
        HERE + "test_2_4_5_passwords_are_peppered_with_a_secret_kept_outside_the_database",
        HERE + "test_2_4_5_hashes_from_before_the_pepper_sign_in_and_are_peppered",
        HERE + "test_2_4_5_a_rotated_pepper_keeps_hashes_working_until_the_next_sign_in",
        "tests/cdp/test_settings.py::test_production_needs_a_password_pepper",
    )),
    "2.5.1": Requirement(MET, (RECOVERY + "test_2_5_1_and_2_5_3_no_password_is_ever_sent_or_shown",
                               RECOVERY + "test_2_3_1_the_link_is_random_works_once_and_expires")),
    "2.5.2": Requirement(MET, (RECOVERY + "test_2_5_2_no_hints_or_secret_questions",)),
    "2.5.3": Requirement(MET, (
        RECOVERY + "test_2_5_1_and_2_5_3_no_password_is_ever_sent_or_shown",)),
    "2.5.4": Requirement(MET, (
        "tests/cdp/test_service_credentials.py::test_2_5_4_no_default_or_shared_accounts",
        "tests/cdp/test_service_credentials.py::"
        "test_2_10_the_fingertips_syncs_system_user_cannot_sign_in",
    )),
    "2.5.5": Requirement(MET, (
        NOTICES + "test_setting_up_and_removing_the_authenticator_app_email_its_owner",
        NOTICES + "test_removing_a_passkey_emails_its_owner",
        NOTICES + "test_new_recovery_codes_email_their_owner",
        NOTICES + "test_changing_the_password_emails_its_owner",
        "tests/browser/test_second_factor_pages.py::test_a_passkey_is_enrolled_and_used",
    )),
    "2.5.6": Requirement(MET, (
        RECOVERY + "test_2_5_6_after_a_reset_the_second_factor_is_still_asked",
        RECOVERY + "test_2_3_1_the_link_is_random_works_once_and_expires",
    )),
    "2.5.7": Requirement(MET, (
        "tests/cdp/test_second_factor.py::"
        "test_a_national_admin_resets_a_lost_second_factor_and_it_is_logged",
        "tests/cdp/test_second_factor.py::test_a_reset_needs_a_reason_and_is_not_ones_own",
        "tests/cdp/test_second_factor.py::test_the_command_resets_a_national_admin_and_is_logged",
    )),
    "2.6.1": Requirement(MET, (
        "tests/cdp/test_second_factor.py::test_a_recovery_code_works_once",
        "tests/browser/test_second_factor_pages.py::test_recovery_codes_work_once_each",
    )),
    "2.6.2": Requirement(MET, (
        CODES + "test_2_6_2_recovery_codes_are_never_stored_and_come_from_320_random_bits",
        "tests/cdp/test_second_factor.py::test_wrong_codes_are_limited_per_user",
    )),
    "2.6.3": Requirement(MET, (CODES + "test_2_6_3_recovery_codes_cannot_be_predicted",)),
    "2.7.1": Requirement(
        NOT_APPLICABLE, (), "No out-of-band authenticator: no SMS, telephone or push codes.",
    ),
    **{row: Requirement(
        NOT_APPLICABLE, (),
        "No out-of-band authenticator (2.7.1). The only links emailed are to choose a "
        "password, which are recovery (2.5), not a second factor.",
    ) for row in ("2.7.2", "2.7.3", "2.7.4", "2.7.5", "2.7.6")},
    "2.8.1": Requirement(MET, (HERE + "test_2_8_1_codes_from_the_app_last_their_30_seconds",)),
    "2.8.2": Requirement(MET, (
        "tests/cdp/test_second_factor_secrets.py::"
        "test_the_authenticator_apps_key_and_the_recovery_codes_seed_are_encrypted",
        "tests/cdp/test_second_factor_secrets.py::"
        "test_without_the_key_the_database_gives_nothing_away",
        "tests/cdp/test_second_factor_secrets.py::"
        "test_the_migration_encrypts_secrets_stored_before",
        "tests/cdp/test_settings.py::test_production_needs_a_key_for_the_second_factors_secrets",
    )),
    "2.8.3": Requirement(MET, (CODES + "test_2_8_3_codes_are_rfc_6238_with_160_bit_random_keys",)),
    "2.8.4": Requirement(MET, (
        HERE + "test_2_8_4_a_code_signs_in_once",
        "tests/cdp/test_second_factor.py::test_a_recovery_code_works_once",
    )),
    "2.8.5": Requirement(MET, (
        NOTICES + "test_a_used_code_tried_again_is_refused_logged_and_its_holder_told",
        NOTICES + "test_a_wrong_code_is_not_taken_for_a_used_one",
        NOTICES + "test_the_token_endpoint_reports_a_used_code_too",
    )),
    "2.8.6": Requirement(
        NOT_APPLICABLE, (),
        "No physical one-time-password generator (hardware token) is issued. An authenticator "
        "app is removed by its owner, or reset by a national administrator (2.5.7), and its "
        "codes stop working at once.",
    ),
    "2.8.7": Requirement(
        NOT_APPLICABLE, (),
        "The service takes no biometric. A passkey may be unlocked by a fingerprint or face on "
        "the person's own device, which then signs with its key, and only after the password.",
    ),
    "2.9.1": Requirement(MET, (
        "tests/browser/test_second_factor_pages.py::test_a_passkey_is_enrolled_and_used",)),
    "2.9.2": Requirement(MET, (
        CODES + "test_2_9_2_and_2_9_3_webauthn_challenges_are_random_and_algorithms_approved",)),
    "2.9.3": Requirement(MET, (
        CODES + "test_2_9_2_and_2_9_3_webauthn_challenges_are_random_and_algorithms_approved",)),
    "2.10.1": Requirement(MET, (
        SERVICE + "test_2_10_2_and_2_10_4_no_credentials_in_the_code_or_the_compose_file",
        "tests/cdp/test_settings.py::test_database_and_broker_urls_are_read_from_the_environment",
    )),
    "2.10.2": Requirement(MET, (
        SERVICE + "test_2_10_2_and_2_10_4_no_credentials_in_the_code_or_the_compose_file",
        SERVICE + "test_2_10_the_fingertips_syncs_system_user_cannot_sign_in",
    )),
    "2.10.3": Requirement(MET, (
        SERVICE + "test_2_10_2_and_2_10_4_no_credentials_in_the_code_or_the_compose_file",)),
    "2.10.4": Requirement(MET, (
        SERVICE + "test_2_10_2_and_2_10_4_no_credentials_in_the_code_or_the_compose_file",
        "tests/cdp/test_settings.py::test_production_mode_requires_a_secret_key",
        "tests/cdp/test_settings.py::test_production_needs_a_password_pepper",
        "tests/cdp/test_settings.py::test_production_needs_a_key_for_the_second_factors_secrets",
    )),
    # --- V3 Session management ---------------------------------------------------------
    "3.1.1": Requirement(MET, (
        "tests/test_asvs_sessions.py::test_3_1_1_the_session_token_is_never_in_a_url",)),
    "3.2.1": Requirement(MET, (HERE + "test_3_2_1_signing_in_gives_a_new_session",)),
    "3.2.2": Requirement(MET, (
        HERE + "test_3_2_2_session_tokens_have_at_least_64_bits_of_entropy",)),
    "3.2.3": Requirement(MET, (
        "tests/test_asvs_sessions.py::"
        "test_3_2_3_the_session_token_is_kept_only_in_an_httponly_cookie",
        "tests/browser/test_session_token_storage.py::"
        "test_3_2_3_scripts_never_see_the_session_token",
    )),
    "3.2.4": Requirement(MET, (
        "tests/test_asvs_sessions.py::"
        "test_3_2_4_session_and_api_tokens_come_from_a_cryptographically_secure_generator",)),
    "3.3.1": Requirement(MET, (
        HERE + "test_3_3_1_signing_out_ends_the_session_for_good",
        "tests/sso/test_sso.py::test_signing_out_also_signs_out_at_the_issuer",
    )),
    "3.3.2": Requirement(MET, (
        HERE + "test_3_3_2_an_idle_session_expires_on_the_server",
        HERE + "test_3_3_2_level_2_timeouts",
        "tests/cdp/test_sessions.py::test_a_session_idle_past_the_limit_is_ended_and_says_why",
        "tests/cdp/test_sessions.py::"
        "test_a_session_older_than_the_absolute_limit_ends_however_busy",
        "tests/cdp/test_sessions.py::test_requests_a_script_makes_by_itself_renew_nothing",
        "tests/browser/test_session_timeout.py::"
        "test_the_warning_keeps_the_session_when_answered_and_signs_out_when_not",
    )),
    "3.3.3": Requirement(MET, (
        "tests/cdp/test_user_sessions.py::test_changing_the_password_signs_out_every_session",
    )),
    "3.3.4": Requirement(MET, (
        "tests/cdp/test_user_sessions.py::test_a_person_sees_each_browser_they_are_signed_in_with",
        "tests/cdp/test_user_sessions.py::"
        "test_signing_out_of_another_browser_asks_to_confirm_first_then_ends_it",
        "tests/cdp/test_user_sessions.py::test_signing_out_of_all_the_others_keeps_this_one",
        "tests/cdp/test_user_sessions.py::test_another_persons_session_cannot_be_ended_or_seen",
        "tests/cdp/test_user_sessions.py::"
        "test_sessions_past_their_limits_or_signed_out_are_not_listed",
        "tests/browser/test_user_session_pages.py::"
        "test_a_person_sees_where_they_are_signed_in_and_signs_out_elsewhere",
    )),
    "3.4.1": Requirement(MET, (
        "tests/cdp/test_settings.py::test_production_settings_are_hardened",)),
    "3.4.2": Requirement(MET, (HERE + "test_3_4_2_and_3_4_3_the_session_cookie_flags",)),
    "3.4.3": Requirement(MET, (HERE + "test_3_4_2_and_3_4_3_the_session_cookie_flags",)),
    "3.4.4": Requirement(MET, (HERE + "test_3_4_4_the_session_cookie_has_the_host_prefix",)),
    "3.4.5": Requirement(
        NOT_APPLICABLE, (),
        "The service has a host name of its own; its cookies are host-only with path /.",
    ),
    "3.5.1": Requirement(MET, (
        "tests/cdp/test_api_auth.py::"
        "test_the_tokens_page_makes_shows_once_and_revokes_ones_own_tokens",
        "tests/cdp/test_step_up.py::"
        "test_making_and_revoking_tokens_asks_to_confirm_by_password_without_a_second_factor",
    )),
    "3.5.2": Requirement(MET, (
        "tests/test_asvs_sessions.py::"
        "test_3_5_2_the_api_takes_each_persons_own_expiring_tokens_not_a_static_key",
        "tests/cdp/test_api_auth.py::test_expired_and_revoked_tokens_are_refused",
    )),
    "3.5.3": Requirement(
        NOT_APPLICABLE, ("tests/test_asvs_sessions.py::test_3_5_3_no_stateless_token_is_taken",),
        "The service issues and takes no stateless token: sessions and API tokens are random "
        "keys looked up on the server. Single sign-on's ID tokens are checked by "
        "django-allauth once at sign-in and never used as a session.",
    ),
    "3.7.1": Requirement(MET, (
        "tests/cdp/test_step_up.py::test_inviting_a_member_asks_to_confirm_and_keeps_the_form",
        "tests/cdp/test_step_up.py::"
        "test_a_recent_sign_in_needs_no_confirmation_and_the_limit_is_15_minutes",
        "tests/cdp/test_step_up.py::"
        "test_the_password_alone_does_not_do_for_someone_with_a_second_factor",
        "tests/cdp/test_step_up.py::test_second_factor_settings_ask_to_confirm",
        "tests/cdp/test_step_up_admin.py::"
        "test_a_change_in_the_admin_asks_to_confirm_and_goes_through_after",
    )),
    # --- V4 Access control -------------------------------------------------------------
    "4.1.1": Requirement(MET, (
        "tests/actionplans/views/test_milestones.py::"
        "test_a_viewer_sees_no_edit_controls_and_a_crafted_post_is_refused",
        "tests/actionplans/services/test_milestones.py::"
        "test_only_leads_and_admins_change_the_plan",
        "tests/outcomes/services/test_imports.py::"
        "test_only_analysts_and_admins_of_the_partnership_may_import",
        "tests/actionplans/test_api.py::test_members_who_may_not_edit_the_plan_get_403",
    )),
    "4.1.2": Requirement(MET, (
        HERE + "test_4_1_2_users_cannot_change_what_access_is_decided_on",
        "tests/test_isolation.py::test_removed_member_loses_access_at_once",
    )),
    "4.1.3": Requirement(MET, (
        "tests/test_isolation.py::test_every_url_has_an_expectation",
        "tests/test_isolation.py::test_access",
        "tests/partnerships/test_access.py::test_for_user_returns_only_the_users_partnerships_rows",
        "tests/partnerships/test_access.py::test_a_viewset_may_not_override_get_queryset",
    )),
    "4.1.4": Requirement(
        NOT_APPLICABLE, (),
        "ASVS 4.0.3 removed it as a duplicate of 4.1.3 (least privilege), which is met.",
    ),
    "4.1.5": Requirement(MET, (
        HERE + "test_4_1_5_access_control_fails_closed_when_it_breaks",
        "tests/partnerships/test_access.py::test_unknown_action_is_an_error",
        "tests/partnerships/test_access.py::test_inactive_user_sees_nothing",
    )),
    "4.2.1": Requirement(MET, (
        "tests/test_isolation.py::test_own_partnership_with_another_partnerships_object_is_404",
        "tests/actionplans/test_api.py::test_another_partnerships_milestone_is_404_to_patch",
        "tests/cdp/test_api_auth.py::test_the_tokens_page_makes_shows_once_and_revokes_ones_own_tokens",
    )),
    "4.2.2": Requirement(MET, (
        HERE + "test_4_2_2_forms_need_the_csrf_token",
        "tests/cdp/test_api_auth.py::test_session_writes_need_the_csrf_token",
    )),
    "4.3.1": Requirement(MET, (
        "tests/cdp/test_second_factor.py::test_the_django_admin_signs_in_with_the_second_factor",
        "tests/cdp/test_second_factor.py::test_an_admins_sign_in_is_refused_until_the_code_is_given",
        "tests/cdp/test_second_factor.py::"
        "test_an_admin_with_no_second_factor_sets_one_up_before_anything_else",
        "tests/browser/test_second_factor_pages.py::"
        "test_an_admins_sign_in_is_refused_until_the_code_is_given",
        "tests/sso/test_sso.py::test_the_issuers_mfa_counts_as_the_second_factor",
        "tests/sso/test_sso.py::test_an_issuer_that_enforces_mfa_needs_no_second_factor_here",
        "tests/test_isolation.py::test_access",
    )),
    "4.3.2": Requirement(MET, (HERE + "test_4_3_2_no_directory_listing_or_metadata_files",)),
    "4.3.3": Requirement(MET, (
        "tests/cdp/test_step_up.py::test_inviting_a_member_asks_to_confirm_and_keeps_the_form",
        "tests/cdp/test_step_up.py::test_changing_a_role_asks_to_confirm",
        "tests/cdp/test_step_up.py::test_removing_a_member_asks_to_confirm",
        "tests/cdp/test_step_up.py::"
        "test_resending_an_invitation_asks_to_confirm_and_comes_back_to_the_list",
        "tests/cdp/test_step_up.py::"
        "test_making_and_revoking_tokens_asks_to_confirm_by_password_without_a_second_factor",
        "tests/cdp/test_step_up.py::"
        "test_publishing_the_public_page_asks_to_confirm_and_keeps_the_choices",
        "tests/cdp/test_step_up.py::test_second_factor_settings_ask_to_confirm",
        "tests/cdp/test_second_factor.py::"
        "test_a_national_admin_resets_a_lost_second_factor_and_it_is_logged",
        "tests/cdp/test_step_up_admin.py::"
        "test_a_change_in_the_admin_asks_to_confirm_and_goes_through_after",
        "tests/cdp/test_step_up_admin.py::"
        "test_adding_deleting_and_list_actions_in_the_admin_ask_to_confirm",
        "tests/cdp/test_user_sessions.py::"
        "test_signing_out_of_another_browser_asks_to_confirm_first_then_ends_it",
    )),
    # --- V5 Validation, sanitisation and encoding --------------------------------------
    "5.1.1": Requirement(MET, (HERE + "test_5_1_1_repeated_or_misplaced_parameters",)),
    "5.1.2": Requirement(MET, (
        HERE + "test_5_1_2_forms_take_only_their_own_fields",
        "tests/actionplans/test_api.py::test_a_bad_change_is_400_naming_the_field",
    )),
    "5.1.3": Requirement(MET, (
        HERE + "test_5_1_3_input_is_checked_against_allow_lists",
        "tests/outcomes/test_api.py::test_bad_queries_are_400s_naming_the_field",
        "tests/actionplans/views/test_milestones.py::"
        "test_an_evidence_file_of_the_wrong_kind_is_refused",
    )),
    "5.1.4": Requirement(MET, (
        "tests/outcomes/test_importers.py::test_bad_rows_are_reported_with_their_line",
        "tests/outcomes/test_framework_views.py::test_targets_are_checked_and_removable",
        "tests/actionplans/services/test_milestones.py::"
        "test_a_milestone_needs_a_due_date_or_a_plan_year_inside_the_plan",
    )),
    "5.1.5": Requirement(MET, (HERE + "test_5_1_5_redirects_stay_on_the_site",)),
    "5.2.1": Requirement(
        NOT_APPLICABLE, (),
        "No rich text or HTML is accepted: every text is plain and escaped on output (5.3.3).",
    ),
    "5.2.2": Requirement(MET, (HERE + "test_5_2_2_overlong_text_is_refused",)),
    "5.2.3": Requirement(MET, (HERE + "test_5_2_3_no_mail_header_injection",)),
    "5.2.4": Requirement(MET, (
        HERE + "test_5_2_4_no_eval_or_dynamic_code",
        "tests/cdp/test_pages.py::test_content_security_policy_forbids_inline_and_eval",
    )),
    "5.2.5": Requirement(MET, (HERE + "test_5_2_5_template_syntax_in_input_is_text",)),
    "5.2.6": Requirement(
        MET, (HERE + "test_5_2_6_the_server_fetches_no_url_a_user_gives",),
        "The server requests one service, the Fingertips API at the operator's "
        "FINGERTIPS_API_URL, with paths it names itself and integer indicator ids; links users "
        "enter are stored and shown only, never requested.",
    ),
    "5.2.7": Requirement(MET, (HERE + "test_5_2_7_svg_evidence_is_refused",)),
    "5.2.8": Requirement(
        NOT_APPLICABLE, (HERE + "test_5_2_8_markdown_is_rendered_without_html",),
        "Users cannot enter Markdown, CSS or XSL; the API guide renders the schema's own "
        "Markdown with raw HTML off.",
    ),
    "5.3.1": Requirement(MET, (
        "tests/actionplans/views/test_plan.py::test_html_in_every_text_field_is_escaped",
        "tests/outcomes/test_api.py::test_csv_has_the_json_columns_streams_and_escapes_formulas",
        HERE + "test_5_3_6_chart_data_cannot_break_out_of_its_script_element",
    )),
    "5.3.2": Requirement(MET, (HERE + "test_5_3_2_text_keeps_its_characters",)),
    "5.3.3": Requirement(MET, (
        "tests/actionplans/views/test_plan.py::test_html_in_every_text_field_is_escaped",
        HERE + "test_5_3_3_reflected_input_is_escaped",
        "tests/browser/test_content_security_policy.py::test_no_page_violates_the_policy",
    )),
    "5.3.4": Requirement(MET, (HERE + "test_5_3_4_queries_are_parameterised",)),
    "5.3.5": Requirement(
        NOT_APPLICABLE, (HERE + "test_5_3_4_queries_are_parameterised",),
        "Every query is the ORM's or bound by the database driver; none is built by hand.",
    ),
    "5.3.6": Requirement(MET, (
        HERE + "test_5_3_6_chart_data_cannot_break_out_of_its_script_element",)),
    "5.3.7": Requirement(NOT_APPLICABLE, (), "No LDAP."),
    "5.3.8": Requirement(
        NOT_APPLICABLE, (HERE + "test_5_3_8_no_operating_system_commands",),
        "The application runs no operating-system commands.",
    ),
    "5.3.9": Requirement(MET, (
        HERE + "test_5_3_9_uploaded_file_names_cannot_choose_a_path",
        "tests/outcomes/services/test_imports.py::"
        "test_files_are_stored_outside_the_web_root_with_random_names",
        "tests/actionplans/views/test_milestones.py::"
        "test_evidence_is_uploaded_and_served_only_to_members",
    )),
    "5.3.10": Requirement(
        NOT_APPLICABLE, (), "No XPath; the only XML read is inside XLSX files (5.5.2).",
    ),
    "5.4.1": Requirement(NOT_APPLICABLE, (), "Python: memory-safe, no native code of ours."),
    "5.4.2": Requirement(NOT_APPLICABLE, (), "Python: no format strings with user control."),
    "5.4.3": Requirement(NOT_APPLICABLE, (), "Python: integers do not overflow."),
    "5.5.1": Requirement(
        NOT_APPLICABLE, (),
        "No serialized objects are taken from clients: sessions are kept on the server, and "
        "Django signs its messages cookie.",
    ),
    "5.5.2": Requirement(MET, (
        HERE + "test_5_5_2_xml_entities_in_a_workbook_are_refused",
        "tests/outcomes/test_importers.py::"
        "test_a_zip_bomb_dressed_as_xlsx_is_refused_before_unpacking",
    )),
    "5.5.3": Requirement(MET, (HERE + "test_5_5_3_only_json_is_deserialised",)),
    "5.5.4": Requirement(MET, (HERE + "test_5_5_4_the_browser_parses_json_with_json_parse",)),
}


# --- The list itself ------------------------------------------------------------------------
def _functions(path: str) -> set[str]:
    tree = ast.parse((ROOT / path).read_text())
    return {node.name for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}


def test_every_proof_names_a_test_that_exists():
    for requirement_id, requirement in REQUIREMENTS.items():
        for node in requirement.proof:
            path, _, name = node.partition("::")
            assert name.startswith("test_"), node
            assert (ROOT / path).exists(), f"{requirement_id}: no file {path}"
            assert name in _functions(path), f"{requirement_id}: no test {node}"


def test_every_requirement_is_proved_or_says_why_not():
    for requirement_id, requirement in REQUIREMENTS.items():
        assert requirement.status in (MET, NOT_MET, NOT_APPLICABLE), requirement_id
        if requirement.status == MET:
            assert requirement.proof, f"{requirement_id} is met: name the tests that prove it"
        else:
            assert requirement.reason, f"{requirement_id}: say why it is {requirement.status}"


def test_every_test_here_belongs_to_a_requirement():
    named = {node.partition("::")[2] for r in REQUIREMENTS.values() for node in r.proof
             if node.startswith(HERE)}
    own = {name for name in _functions("tests/test_asvs.py")
           if re.match(r"test_\d", name)}
    assert own <= named, f"add to REQUIREMENTS: {sorted(own - named)}"


def test_the_readme_table_says_the_same():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Security: OWASP ASVS level 2", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| (\d+\.\d+\.\d+) \| [^|]+ \| ([^|]+?) \|", section, re.M))
    assert rows == {k: r.status for k, r in REQUIREMENTS.items()}


# --- Helpers --------------------------------------------------------------------------------
def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def sign_in(client: Client, username: str) -> None:
    response = client.post("/sign-in/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def choose_password(user, password: str):
    """Sets a password through the password-reset pages, as an invited member does."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    client = Client()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    page = client.get(f"/password-reset/{uid}/{token}/", follow=True)
    return client.post(page.redirect_chain[-1][0],
                       {"new_password1": password, "new_password2": password})


def project_sources() -> list[Path]:
    return [path for app in PROJECT_APPS for path in (ROOT / app).rglob("*.py")
            if "migrations" not in path.parts]


def calls(path: Path) -> list[tuple[str, ast.Call]]:
    """Every call in a module, with the called name (`f` or `x.f` gives f)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            found.append((name, node))
    return found


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


# --- V2 Authentication ----------------------------------------------------------------------
@pytest.mark.django_db
def test_2_1_1_passwords_need_at_least_12_characters(tenants):
    """ASVS 2.1.1: passwords of fewer than 12 characters are refused."""
    user = tenants.users["a_viewer"]
    refused = choose_password(user, "kettle-orb1")  # 11
    assert refused.status_code == 200
    assert "at least 12 characters" in refused.content.decode()
    assert choose_password(user, "kettle-orbit").status_code == 302  # 12
    user.refresh_from_db()
    assert user.check_password("kettle-orbit")


@pytest.mark.django_db
def test_2_1_7_common_and_breached_passwords_are_refused(tenants):
    """ASVS 2.1.7: Django's CommonPasswordValidator refuses the 20,000 most common
    passwords (from breaches) and the NumericPasswordValidator all-digit ones."""
    user = tenants.users["a_viewer"]
    for password in ("password1234", "qwertyuiop123", "administrator", "314159265358979"):
        response = choose_password(user, password)
        assert response.status_code == 200, password
        assert re.search(r"too common|entirely numeric", response.content.decode()), password
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def project_hashers():
    """The project's PASSWORD_HASHERS (the suite's own settings use a fast one)."""
    from cdp import settings as project_settings

    return project_settings.PASSWORD_HASHERS


def test_2_4_1_passwords_are_stored_with_argon2id(settings):
    """ASVS 2.4.1: passwords are salted and hashed with an approved password hashing
    function: Argon2id at OWASP's recommended cost (19 MiB, 2 passes, 1 lane)."""
    from django.contrib.auth.hashers import check_password, make_password

    settings.PASSWORD_HASHERS = project_hashers()
    stored = make_password("kettle-orbit-lamp")
    assert re.match(r"argon2pep\$[0-9a-f]{6}\$argon2id\$v=19\$m=19456,t=2,p=1\$", stored)
    assert "kettle-orbit-lamp" not in stored
    assert check_password("kettle-orbit-lamp", stored)
    assert not check_password("kettle-orbit-lamq", stored)


@pytest.mark.django_db
def test_2_4_1_older_pbkdf2_passwords_are_rehashed_at_sign_in(tenants, settings):
    """A password stored with PBKDF2 (before Argon2id) still signs in, and is stored again
    with Argon2id as it does."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    settings.PASSWORD_HASHERS = project_hashers()
    user = tenants.users["a_viewer"]
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    sign_in(Client(), user.username)
    user.refresh_from_db()
    assert user.password.startswith("argon2pep$")
    sign_in(Client(), user.username)  # and the new hash verifies


def test_2_4_2_each_password_has_its_own_random_salt(settings):
    """ASVS 2.4.2: the salt is random and at least 32 bits: the same password stored twice
    gives two different hashes, each with a salt of 22 characters drawn from 62 (131 bits)."""
    from django.contrib.auth.hashers import identify_hasher, make_password

    settings.PASSWORD_HASHERS = project_hashers()
    first, second = make_password("kettle-orbit-lamp"), make_password("kettle-orbit-lamp")
    assert first != second
    salts = {identify_hasher(h).decode(h)["salt"] for h in (first, second)}
    assert len(salts) == 2
    assert all(len(salt) * math.log2(62) >= 32 for salt in salts)


def test_2_4_5_passwords_are_peppered_with_a_secret_kept_outside_the_database(settings):
    """ASVS 2.4.5: a hash made with the pepper (PASSWORD_PEPPER, an environment secret) does
    not verify without it, so a copy of the database alone is not enough to start guessing."""
    from django.contrib.auth.hashers import check_password, make_password

    from cdp.passwords import Argon2idPasswordHasher

    settings.PASSWORD_HASHERS = project_hashers()
    assert settings.PASSWORD_PEPPER and settings.PASSWORD_PEPPER not in str(
        settings.DATABASES)
    stored = make_password("kettle-orbit-lamp")
    assert check_password("kettle-orbit-lamp", stored)
    # The Argon2id hash inside, checked as if there were no pepper: the password fails.
    unpeppered = "argon2$" + stored.split("$", 2)[2]
    assert not Argon2idPasswordHasher().verify("kettle-orbit-lamp", unpeppered)
    # Another pepper (an attacker's guess at it, or none at all): nothing verifies.
    settings.PASSWORD_PEPPER = "another-pepper-of-at-least-32-characters"
    assert not check_password("kettle-orbit-lamp", stored)


@pytest.mark.django_db
def test_2_4_5_hashes_from_before_the_pepper_sign_in_and_are_peppered(tenants, settings):
    """A password stored with Argon2id before the pepper still signs in, and is stored again
    with the pepper as it does."""
    from cdp.passwords import Argon2idPasswordHasher

    settings.PASSWORD_HASHERS = project_hashers()
    user = tenants.users["a_viewer"]
    hasher = Argon2idPasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    sign_in(Client(), user.username)
    user.refresh_from_db()
    assert user.password.startswith("argon2pep$")
    sign_in(Client(), user.username)


@pytest.mark.django_db
def test_2_4_5_a_rotated_pepper_keeps_hashes_working_until_the_next_sign_in(tenants, settings):
    """Rotation: with the old pepper in PASSWORD_PEPPERS_OLD, a hash made under it still
    signs in, and is made again under the new one; then the old pepper can go."""
    from django.contrib.auth.hashers import make_password

    from cdp.passwords import PepperedArgon2idPasswordHasher as Peppered

    settings.PASSWORD_HASHERS = project_hashers()
    old, new = "old-pepper-" + "o" * 32, "new-pepper-" + "n" * 32
    user = tenants.users["a_viewer"]
    settings.PASSWORD_PEPPER = old
    user.password = make_password(PASSWORD)
    user.save(update_fields=["password"])
    settings.PASSWORD_PEPPER, settings.PASSWORD_PEPPERS_OLD = new, []
    response = Client().post("/sign-in/", {"username": "a_viewer", "password": PASSWORD})
    assert response.status_code == 200  # refused: its pepper is gone
    settings.PASSWORD_PEPPERS_OLD = [old]
    sign_in(Client(), user.username)
    user.refresh_from_db()
    assert user.password.split("$")[1] == Peppered.pepper_id(new) != Peppered.pepper_id(old)
    settings.PASSWORD_PEPPERS_OLD = []
    sign_in(Client(), user.username)


def totp_code(offset: float = 0) -> str:
    import time

    import pyotp

    return pyotp.TOTP(TOTP_SECRET).at(time.time() + offset)


@pytest.mark.django_db
def test_2_8_1_codes_from_the_app_last_their_30_seconds(tenants):
    """ASVS 2.8.1: a code from the authenticator app is valid for its 30 seconds and for the
    periods either side (clock drift, MFA_TOTP_TOLERANCE = 1); older and later ones fail."""
    from allauth.mfa import app_settings
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    assert (app_settings.TOTP_PERIOD, app_settings.TOTP_TOLERANCE) == (30, 1)
    totp = TOTP(Authenticator.objects.get(user=tenants.users["a_admin"], type="totp"))
    assert not totp.validate_code(totp_code(-95))
    assert not totp.validate_code(totp_code(95))
    assert totp.validate_code(totp_code(-30))
    assert totp.validate_code(totp_code())


@pytest.mark.django_db
def test_2_8_4_a_code_signs_in_once(tenants):
    """ASVS 2.8.4: a code from the authenticator app is taken once: the same code again, in
    its period, is refused (allauth keeps the codes used for as long as they are valid)."""
    code = totp_code()
    first, second = Client(), Client()
    for client in (first, second):
        sign_in(client, "a_admin")
    assert first.post("/sign-in/second-factor/", {"code": code}).status_code == 302
    again = second.post("/sign-in/second-factor/", {"code": code})
    assert again.status_code == 200 and "govuk-error-summary" in again.content.decode()
    assert b"Signed in as" not in second.get("/").content


# --- V3 Session management ------------------------------------------------------------------
@pytest.mark.django_db
def test_3_2_1_signing_in_gives_a_new_session(tenants):
    """ASVS 3.2.1: a new session token on sign-in (no session fixation)."""
    from django.contrib.sessions.backends.db import SessionStore

    planted = SessionStore()
    planted["planted"] = True
    planted.create()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    sign_in(client, "a_viewer")
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != planted.session_key
    assert not Session.objects.filter(session_key=planted.session_key).exists()


@pytest.mark.django_db
def test_3_2_2_session_tokens_have_at_least_64_bits_of_entropy(tenants):
    """ASVS 3.2.2: the session key is 32 characters drawn at random (Python's secrets) from
    36: about 165 bits."""
    client = Client()
    sign_in(client, "a_lead")
    keys = {client.session.session_key}
    client.post("/sign-out/")
    sign_in(client, "a_lead")
    keys.add(client.session.session_key)
    assert len(keys) == 2
    for key in keys:
        assert re.fullmatch(r"[a-z0-9]{32,}", key)
        assert len(key) * math.log2(36) >= 64


@pytest.mark.django_db
def test_3_3_1_signing_out_ends_the_session_for_good(tenants):
    """ASVS 3.3.1: after signing out, the old session token signs no one in."""
    client = Client()
    sign_in(client, "a_viewer")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/partnerships/rotherham/about/").status_code == 200
    assert client.post("/sign-out/").status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    page = replay.get("/partnerships/rotherham/about/")
    assert page.status_code == 302 and page["Location"].startswith("/sign-in/")
    assert replay.get("/api/v1/partnerships/").status_code in (401, 403)


@pytest.mark.django_db
def test_3_3_2_an_idle_session_expires_on_the_server(tenants):
    """ASVS 3.3.2 (in part): each request renews the session for SESSION_COOKIE_AGE; a
    session left idle longer is refused by the server, whatever the browser keeps."""
    client = Client()
    sign_in(client, "a_viewer")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.get("/partnerships/rotherham/about/")
    expiry = Session.objects.get(session_key=key).expire_date
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs(expiry - (timezone.now() + idle)) < timedelta(minutes=1)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(1))
    page = client.get("/partnerships/rotherham/about/")
    assert page.status_code == 302 and page["Location"].startswith("/sign-in/")


@pytest.mark.django_db
def test_3_3_2_level_2_timeouts(tenants):
    """ASVS 3.3.2 at level 2: at most 30 minutes idle and 12 hours however active, both
    decided by the server (cdp/sessions.py; tests/cdp/test_sessions.py tests each limit)."""
    from cdp.sessions import SIGNED_IN_AT, SessionLimitMiddleware

    assert settings.SESSION_COOKIE_AGE <= 30 * 60
    assert settings.SESSION_IDLE_SECONDS <= 30 * 60
    assert settings.SESSION_ABSOLUTE_SECONDS <= 12 * 3600
    middleware = f"{SessionLimitMiddleware.__module__}.{SessionLimitMiddleware.__name__}"
    assert middleware in settings.MIDDLEWARE
    client = Client()
    sign_in(client, "a_viewer")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    session = Session.objects.get(session_key=key)
    data = session.get_decoded()
    data[SIGNED_IN_AT] -= 12 * 3600
    Session.objects.filter(session_key=key).update(
        session_data=Session.objects.encode(data))
    page = client.get("/partnerships/rotherham/about/")
    assert page.status_code == 302 and page["Location"].startswith("/signed-out/inactive/")
    assert not Session.objects.filter(session_key=key).exists()


@pytest.mark.django_db
def test_3_4_2_and_3_4_3_the_session_cookie_flags(tenants):
    """ASVS 3.4.2: the session cookie is HttpOnly. ASVS 3.4.3: it is SameSite=Lax.
    (3.4.1, Secure, holds in production mode: tests/cdp/test_settings.py.)"""
    response = Client().post("/sign-in/", {"username": "a_viewer", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/" and not cookie["domain"]  # host-only (3.4.5)


def test_3_4_4_the_session_cookie_has_the_host_prefix():
    """ASVS 3.4.4: in production mode the session and CSRF cookies are named __Host-…, and
    have what that prefix requires of them (secure, no domain, path /)."""
    from .cdp.test_settings import PRODUCTION, settings_value

    cookies = settings_value(
        "[(getattr(settings, n + '_COOKIE_NAME'), getattr(settings, n + '_COOKIE_SECURE'), "
        "getattr(settings, n + '_COOKIE_DOMAIN'), getattr(settings, n + '_COOKIE_PATH')) "
        "for n in ('SESSION', 'CSRF')]", env=PRODUCTION)
    assert cookies == ("[('__Host-sessionid', True, None, '/'), "
                       "('__Host-csrftoken', True, None, '/')]")


# --- V4 Access control ----------------------------------------------------------------------
@pytest.mark.django_db
def test_4_1_2_users_cannot_change_what_access_is_decided_on(tenants):
    """ASVS 4.1.2: roles are changed only by a partnership's administrators, within it, to
    a role that exists; the session holds no role, so nothing a browser sends can claim one."""
    from partnerships.models import Membership

    lead = tenants.users["a_lead"]
    own = Membership.objects.get(user=lead)
    url = reverse("partnerships:member_role", args=["rotherham", own.pk])
    assert signed_in(lead).post(url, {"role": "admin"}).status_code == 403

    admin = signed_in(tenants.users["a_admin"])
    other = Membership.objects.get(user=tenants.users["b_lead"])
    for slug in ("darlington", "rotherham"):
        url_b = reverse("partnerships:member_role", args=[slug, other.pk])
        assert admin.post(url_b, {"role": "admin"}).status_code == 404
    refused = admin.post(url, {"role": "superuser"})
    assert refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
    assert Membership.objects.get(pk=own.pk).role == "lead"
    assert Membership.objects.get(pk=other.pk).role == "lead"

    from cdp.sessions import LAST_USED_AT, SIGNED_IN_AT

    client = Client()
    sign_in(client, "a_lead")
    # Who is signed in, when they signed in and last used the service (3.3.2), and allauth's
    # record of how this session signed in (the methods, for step-up and the second factor,
    # and whose they are): no role.
    assert set(client.session.keys()) <= {"_auth_user_id", "_auth_user_backend",
                                          "_auth_user_hash", SIGNED_IN_AT, LAST_USED_AT,
                                          "account_authentication_methods",
                                          "account_authentication_methods_user"}


@pytest.mark.django_db
def test_4_1_5_access_control_fails_closed_when_it_breaks(tenants, monkeypatch):
    """ASVS 4.1.5: if deciding access fails, the answer is the error page, never the data."""
    from partnerships import access

    def broken(*args, **kwargs):
        raise RuntimeError("the permission tables cannot be read")

    monkeypatch.setattr(access, "actions_for", broken)
    monkeypatch.setattr(access, "permitted_partnership_ids", broken)
    client = signed_in(tenants.users["a_lead"], raise_request_exception=False)
    for url in ("/partnerships/", "/partnerships/rotherham/about/",
                "/partnerships/rotherham/plan/", "/api/v1/milestones/",
                "/api/v1/observations/"):
        response = client.get(url)
        assert response.status_code == 500, url
        body = response.content.decode()
        assert "Rotherham" not in body and "Prison leavers" not in body, url


@pytest.mark.django_db
def test_4_2_2_forms_need_the_csrf_token(tenants):
    """ASVS 4.2.2: a signed-in form post without the CSRF token is refused, and so is the
    (signed-out) sign-in form."""
    from partnerships.models import Membership

    membership = tenants.memberships["a"]
    url = reverse("partnerships:member_role", args=["rotherham", membership.pk])
    client = signed_in(tenants.users["a_admin"], enforce_csrf_checks=True)
    assert client.post(url, {"role": "viewer"}).status_code == 403
    assert Membership.objects.get(pk=membership.pk).role == "lead"
    client.get(url)
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    assert client.post(url, {"role": "viewer", "csrfmiddlewaretoken": token}).status_code == 302

    anonymous = Client(enforce_csrf_checks=True)
    refused = anonymous.post("/sign-in/", {"username": "a_admin", "password": PASSWORD})
    assert refused.status_code == 403


@pytest.mark.django_db
def test_4_3_2_no_directory_listing_or_metadata_files(tenants):
    """ASVS 4.3.2: no folder is listed, and no file or folder metadata is served."""
    for client in (Client(), signed_in(tenants.users["superuser"])):
        for path in ("/static/", "/static/js/", "/static/build/", "/media/", "/media/imports/",
                     "/.git/", "/.git/HEAD", "/.git/config", "/.env", "/static/.DS_Store",
                     "/Thumbs.db", "/.svn/entries", "/pyproject.toml", "/db.sqlite3"):
            assert client.get(path).status_code == 404, path


# --- V5 Validation, sanitisation and encoding -----------------------------------------------
@pytest.mark.django_db
def test_5_1_1_repeated_or_misplaced_parameters(tenants):
    """ASVS 5.1.1: a parameter given twice cannot widen what is read, and a form reads its
    fields from the body only, never from the query string."""
    from partnerships.models import Membership

    client = signed_in(tenants.users["a_analyst"])
    # One value is used (the last), and it only narrows what the user may see anyway: a
    # partnership they may not see is refused, naming the value, and nothing is read.
    response = client.get("/api/v1/observations/?partnership=rotherham&partnership=darlington")
    assert response.status_code == 400 and "results" not in response.json()
    response = client.get("/api/v1/observations/?partnership=darlington&partnership=rotherham")
    assert {row["partnership"] for row in response.json()["results"]} == {"rotherham"}

    membership = tenants.memberships["a"]
    url = reverse("partnerships:member_role", args=["rotherham", membership.pk])
    admin = signed_in(tenants.users["a_admin"])
    assert admin.post(url + "?role=admin", {"role": "viewer"}).status_code == 302
    assert Membership.objects.get(pk=membership.pk).role == "viewer"


@pytest.mark.django_db
def test_5_1_2_forms_take_only_their_own_fields(tenants):
    """ASVS 5.1.2: extra fields in a post (another partnership, another title) are ignored."""
    from actionplans.models import Milestone

    milestone = tenants.milestones["a"]
    other = tenants.milestones["b"]
    response = signed_in(tenants.users["a_lead"]).post(
        f"/partnerships/rotherham/plan/milestones/{milestone.pk}/progress/",
        {"version": milestone.version, "status": "complete", "progress_note": "Done",
         "progress_on_0": "", "progress_on_1": "", "progress_on_2": "", "evidence_link": "",
         "partnership": tenants.b.pk, "partnership_id": tenants.b.pk,
         "key_action": other.key_action_id, "title": "Taken over", "id": other.pk})
    assert response.status_code == 302
    saved = Milestone.objects.get(pk=milestone.pk)
    assert (saved.status, saved.partnership_id, saved.key_action_id, saved.title) == (
        "complete", tenants.a.pk, milestone.key_action_id, milestone.title)
    assert Milestone.objects.get(pk=other.pk).status == other.status


@pytest.mark.django_db
def test_5_1_3_input_is_checked_against_allow_lists(tenants):
    """ASVS 5.1.3: choices, file formats and link schemes come from allow lists."""
    from actionplans.models import Milestone
    from outcomes.models import ImportBatch

    milestone = tenants.milestones["a"]
    lead = signed_in(tenants.users["a_lead"])
    for link in ("javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
                 "file:///etc/passwd"):
        response = lead.post(
            f"/partnerships/rotherham/plan/milestones/{milestone.pk}/progress/",
            {"version": milestone.version, "status": "on_track", "progress_note": "",
             "progress_on_0": "", "progress_on_1": "", "progress_on_2": "",
             "evidence_link": link})
        assert response.status_code == 200, link
    assert Milestone.objects.get(pk=milestone.pk).evidence_link == milestone.evidence_link
    bad_status = lead.post(
        f"/partnerships/rotherham/plan/milestones/{milestone.pk}/progress/",
        {"version": milestone.version, "status": "finished", "progress_note": "",
         "progress_on_0": "", "progress_on_1": "", "progress_on_2": "", "evidence_link": ""})
    assert bad_status.status_code == 200

    analyst = signed_in(tenants.users["a_analyst"])
    file = SimpleUploadedFile("f.csv", b"metric,area_code,period,value\n")
    response = analyst.post("/partnerships/rotherham/data/imports/new/",
                            {"file": file, "format": "pickle"})
    assert response.status_code == 200
    assert not ImportBatch.objects.filter(file_name="f.csv").exists()


@pytest.mark.django_db
def test_5_1_5_redirects_stay_on_the_site(tenants):
    """ASVS 5.1.5: a `next` address off the site is not followed after signing in or out."""
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example/",
                   "https:evil.example", "javascript:alert(1)"):
        client = Client()
        response = client.post(f"/sign-in/?next={quote(target)}",
                               {"username": "a_viewer", "password": PASSWORD})
        assert response.status_code == 302 and response["Location"] == "/", target
        response = client.post(f"/sign-out/?next={quote(target)}")
        assert response.status_code == 302 and response["Location"] == "/signed-out/", target
    client = Client()
    response = client.post("/sign-in/?next=/partnerships/rotherham/about/",
                           {"username": "a_viewer", "password": PASSWORD})
    assert response["Location"] == "/partnerships/rotherham/about/"


@pytest.mark.django_db
def test_5_2_2_overlong_text_is_refused(tenants):
    """ASVS 5.2.2: free text has a length limit, checked before anything is saved."""
    from outcomes.models import LocalAim

    analyst = signed_in(tenants.users["a_analyst"])
    response = analyst.post("/partnerships/rotherham/data/framework/aims/new/",
                            {"name": "x" * 201})
    assert response.status_code == 200
    assert "at most 200 characters" in response.content.decode()
    assert not LocalAim.objects.filter(name__startswith="xxx").exists()


@pytest.mark.django_db
def test_5_2_3_no_mail_header_injection(tenants, mailoutbox, django_capture_on_commit_callbacks):
    """ASVS 5.2.3: an address carrying mail headers is refused before any mail is sent."""
    from django.contrib.auth import get_user_model

    admin = signed_in(tenants.users["a_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        for email in ("new@example.org\r\nBcc: victim@example.org",
                      "new@example.org\nSubject: Your password", "new@example.org%0ABcc:x@y.z",
                      "a@example.org, b@example.org"):
            response = admin.post("/partnerships/rotherham/members/add/",
                                  {"email": email, "role": "viewer"})
            assert response.status_code == 200, email
            assert "govuk-error-summary" in response.content.decode(), email
    assert mailoutbox == []
    assert not get_user_model().objects.filter(email__icontains="new@").exists()


def test_5_2_4_no_eval_or_dynamic_code():
    """ASVS 5.2.4: no eval, exec or compile of anything, in our Python or our JavaScript
    (and the CSP forbids eval in the browser: tests/cdp/test_pages.py)."""
    for path in project_sources():
        dynamic = [name for name, call in calls(path) if isinstance(call.func, ast.Name)
                   and name in ("eval", "exec", "compile", "__import__")]
        assert not dynamic, f"{path}: {dynamic}"
    for path in (ROOT / "static" / "js").rglob("*.js"):
        text = path.read_text()
        assert not re.search(r"\beval\s*\(|new\s+Function\s*\(|setTimeout\s*\(\s*['\"]",
                             text), path


@pytest.mark.django_db
def test_5_2_5_template_syntax_in_input_is_text(tenants):
    """ASVS 5.2.5: template syntax typed into a field is shown as typed, never run; and no
    template is ever made from a string at run time."""
    from actionplans import services

    milestone = tenants.milestones["a"]
    note = "{{ settings.SECRET_KEY }} {% debug %} ${7*7} #{7*7} {{7*7}}"
    services.milestone_update(milestone=milestone, user=tenants.users["a_lead"],
                              version=milestone.version, changes={"progress_note": note})
    body = signed_in(tenants.users["a_viewer"]).get(
        f"/partnerships/rotherham/plan/milestones/{milestone.pk}/").content.decode()
    assert "{{ settings.SECRET_KEY }} {% debug %} ${7*7} #{7*7} {{7*7}}" in body
    assert settings.SECRET_KEY not in body
    for path in project_sources():
        built = [name for name, _ in calls(path) if name in ("Template", "from_string")]
        assert not built, f"{path} makes a template at run time: {built}"


def test_5_2_6_the_server_fetches_no_url_a_user_gives():
    """ASVS 5.2.6 (SSRF): one module uses an HTTP client, the Fingertips sync's, and it asks
    only the operator's FINGERTIPS_API_URL for paths it names itself, with integer ids; no
    URL a user enters (links on milestones, documents) is ever requested by the server."""
    clients = {"requests", "httpx", "urllib.request", "urllib3", "http.client", "aiohttp",
               "pycurl"}
    fetching = set()
    for path in project_sources():
        used = {m for m in imported_modules(path) if m in clients or m.split(".")[0] in
                {"requests", "httpx", "urllib3", "aiohttp", "pycurl"}}
        if used:
            fetching.add(path.relative_to(ROOT).as_posix())
    assert fetching == {"outcomes/fingertips/client.py"}, f"check 5.2.6 (SSRF): {fetching}"
    # Its one request: the configured base and a path given as a constant by the caller.
    source = (ROOT / "outcomes/fingertips/client.py").read_text()
    assert source.count("self.session.get(") == 1
    assert "self.session.get(self.base_url + path, params=params" in source
    tree = ast.parse(source)
    paths = [call.args[0] for call in ast.walk(tree) if isinstance(call, ast.Call)
             and isinstance(call.func, ast.Attribute) and call.func.attr == "_get"]
    assert paths and all(isinstance(arg, ast.Constant) for arg in paths)
    # The indicators a national admin adds are integers, not addresses.
    from outcomes.sync_views import IndicatorAddForm

    form = IndicatorAddForm(data={"indicator_id": "http://169.254.169.254/",
                               "child_area_type_id": "502", "parent_area_type_id": "6"})
    assert not form.is_valid() and "indicator_id" in form.errors


@pytest.mark.django_db
def test_5_2_7_svg_evidence_is_refused(tenants):
    """ASVS 5.2.7: SVG (scriptable) cannot be uploaded as evidence."""
    from actionplans.models import Milestone

    milestone = tenants.milestones["a"]
    svg = SimpleUploadedFile("chart.svg", b'<svg xmlns="http://www.w3.org/2000/svg">'
                                          b"<script>alert(1)</script></svg>", "image/svg+xml")
    response = signed_in(tenants.users["a_lead"]).post(
        f"/partnerships/rotherham/plan/milestones/{milestone.pk}/progress/",
        {"version": milestone.version, "status": "on_track", "progress_note": "",
         "progress_on_0": "", "progress_on_1": "", "progress_on_2": "", "evidence_link": "",
         "evidence_file": svg})
    assert response.status_code == 200
    assert "The file must be a PDF, Word" in response.content.decode()
    assert Milestone.objects.get(pk=milestone.pk).evidence_file_name != "chart.svg"


def test_5_2_8_markdown_is_rendered_without_html():
    """ASVS 5.2.8 (not applicable to user input): the one Markdown renderer escapes HTML."""
    from cdp.api.guide import prose

    html = prose("A <script>alert(1)</script> and <img src=x onerror=alert(1)>")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.django_db
def test_5_3_2_text_keeps_its_characters(tenants):
    """ASVS 5.3.2: pages are UTF-8 and show what was typed, in whatever script."""
    from actionplans import services

    title = "Café – naloxone £5 ✓ Ölçü Ćwierć 薬物"
    services.risk_save(partnership=tenants.a, user=tenants.users["a_lead"],
                       risk=tenants.risks["a"], title=title)
    response = signed_in(tenants.users["a_viewer"]).get("/partnerships/rotherham/plan/risks/")
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert title in response.content.decode("utf-8")


@pytest.mark.django_db
def test_5_3_3_reflected_input_is_escaped(tenants):
    """ASVS 5.3.3: what a query string brings back into a page is escaped."""
    client = signed_in(tenants.users["a_viewer"])
    attack = "<script>alert(1)</script>"
    body = client.get("/partnerships/rotherham/plan/report/", {"year": attack}).content.decode()
    assert "There is no year" in body
    assert attack not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


@pytest.mark.django_db
def test_5_3_4_queries_are_parameterised(tenants):
    """ASVS 5.3.4 (and 5.3.5): SQL in a filter is just a value that matches nothing; no query
    is made by hand from text: no raw() or extra(), and every execute() binds parameters."""
    from outcomes.models import Observation

    before = Observation.objects.count()
    client = signed_in(tenants.users["a_analyst"])
    for attack in ("' OR '1'='1", "1; DROP TABLE outcomes_observation; --",
                   "E08000018' --", "rotherham' OR 1=1 --"):
        for field in ("area", "metric", "partnership", "period_from"):
            response = client.get("/api/v1/observations/", {field: attack})
            assert response.status_code in (200, 400), (field, attack)
            if response.status_code == 200:
                assert response.json()["results"] == [], (field, attack)
    assert Observation.objects.count() == before

    # COPY has no parameters: these build it from a query bound by the driver (mogrify) and
    # from names the models give, quoted by quote_name. Nowhere else. The reference data's
    # statistics are written through a temporary table whose statements, likewise, hold only
    # the model's quoted names and a constant table name: reviewed, and nowhere else.
    copies = {"outcomes/services/summaries.py", "outcomes/services/summary_reads.py",
              "outcomes/bulk.py", "outcomes/services/reference.py"}
    built_from_names = {"outcomes/services/reference.py"}
    for path in project_sources():
        relative = path.relative_to(ROOT).as_posix()
        for name, call in calls(path):
            method = isinstance(call.func, ast.Attribute)
            assert not (method and name in ("raw", "extra")), f"{relative}: .{name}()"
            assert name != "RawSQL", f"{relative}: RawSQL()"
            if name == "execute":
                bound = len(call.args) > 1 or isinstance(call.args[0], ast.Constant)
                assert bound or relative in built_from_names, (
                    f"{relative}:{call.lineno}: execute() without parameters")
            if name == "copy_expert":
                assert relative in copies, f"{relative}:{call.lineno}: review this COPY"


@pytest.mark.django_db
def test_5_3_6_chart_data_cannot_break_out_of_its_script_element(tenants):
    """ASVS 5.3.6 (and 5.3.1): chart data goes into the page with json_script, which escapes
    <, > and &: a metric name cannot close the element and start a script."""
    from datetime import date

    from outcomes.models import Metric, Observation
    from outcomes.services import summaries_recompute

    name = "Naloxone </script><script>alert(1)</script> kits"
    metric = Metric.objects.create(
        owner=tenants.a, code="naloxone_kits", name=name, tier=Metric.Tier.LOCAL,
        unit=Metric.Unit.COUNT, polarity=Metric.Polarity.HIGHER_IS_BETTER,
        frequency=Metric.Frequency.ANNUAL)
    Observation.objects.create(
        partnership=tenants.a, metric=metric, area_code="E08000018", period_label="2022/23",
        period_start=date(2022, 4, 1), period_end=date(2023, 3, 31),
        period_year_type="financial", period_sortable=20220000, value=120)
    summaries_recompute(partnership_ids=[tenants.a.pk])
    response = signed_in(tenants.users["a_viewer"]).get(
        f"/partnerships/rotherham/metrics/{metric.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'type="application/json"' in body
    assert "</script><script>alert(1)" not in body
    assert "\\u003C/script\\u003E" in body


def test_5_3_8_no_operating_system_commands():
    """ASVS 5.3.8 (not applicable): the application starts no process and calls no shell."""
    for path in project_sources():
        modules = imported_modules(path)
        assert not modules & {"subprocess", "pty", "commands"}, path
        shell = [name for name, _ in calls(path)
                 if name in ("system", "popen", "spawnl", "spawnv", "execv", "execl")]
        assert not shell, f"{path}: {shell}"


@pytest.mark.django_db
def test_5_3_9_uploaded_file_names_cannot_choose_a_path(tenants):
    """ASVS 5.3.9: the name a file is uploaded with is kept as a label only; it is stored
    under a random name in its own folder, and nothing reads a file by a path from a user."""
    from actionplans.models import Milestone
    from outcomes.models import ImportBatch

    media = Path(settings.MEDIA_ROOT).resolve()
    analyst = signed_in(tenants.users["a_analyst"])
    data = b"metric,area_code,period,value\ncontinuity_of_care,E08000018,2022/23,41.5\n"
    for name in ("../../../../tmp/evil.csv", "..\\..\\evil.csv", "/etc/cron.d/evil.csv"):
        analyst.post("/partnerships/rotherham/data/imports/new/",
                     {"file": SimpleUploadedFile(name, data), "format": "tidy"})
    for batch in ImportBatch.objects.filter(file_name__contains="evil"):
        assert re.fullmatch(r"imports/[0-9a-f]{32}\.csv", batch.stored_file)
        assert batch.file_name == "evil.csv"
        assert (media / batch.stored_file).resolve().is_relative_to(media)
    assert ImportBatch.objects.filter(file_name__contains="evil").count() == 3

    milestone = tenants.milestones["a"]
    signed_in(tenants.users["a_lead"]).post(
        f"/partnerships/rotherham/plan/milestones/{milestone.pk}/progress/",
        {"version": milestone.version, "status": "on_track", "progress_note": "Settings",
         "progress_on_0": "", "progress_on_1": "", "progress_on_2": "", "evidence_link": "",
         "evidence_file": SimpleUploadedFile("../../../settings.pdf", b"%PDF-1.4")})
    saved = Milestone.objects.get(pk=milestone.pk)
    assert saved.evidence_file_name == "settings.pdf"  # stored, under a name of its own
    assert ".." not in saved.evidence_file.name and "settings" not in saved.evidence_file.name
    assert Path(saved.evidence_file.path).resolve().is_relative_to(media)


def _workbook_with_an_external_entity() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["metric", "area_code", "period", "value"])
    workbook.active.append(["continuity_of_care", "E08000018", "2022/23", 41.5])
    plain = io.BytesIO()
    workbook.save(plain)
    source, crafted = zipfile.ZipFile(plain), io.BytesIO()
    with zipfile.ZipFile(crafted, "w") as archive:
        for name in source.namelist():
            part = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                part = part.replace(b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM '
                                    b'"file:///etc/passwd">]><worksheet', 1)
                part = part.replace(b">continuity_of_care<", b">&xxe;<")
            archive.writestr(name, part)
    return crafted.getvalue()


@pytest.mark.django_db
def test_5_5_2_xml_entities_in_a_workbook_are_refused(tenants):
    """ASVS 5.5.2: an XLSX whose XML declares an external entity (XXE) is refused: openpyxl
    parses through defusedxml, which forbids entity declarations."""
    from openpyxl.xml import DEFUSEDXML

    from outcomes import services
    from outcomes.models import ImportBatch, Observation

    assert DEFUSEDXML
    batch = services.import_file(partnership=tenants.a, user=tenants.users["a_analyst"],
                                 file_name="figures.xlsx", format="tidy",
                                 data=_workbook_with_an_external_entity())
    assert batch.status == ImportBatch.Status.FAILED
    assert "root:" not in batch.failure
    assert not Observation.objects.filter(batch=batch).exists()


def test_5_5_3_only_json_is_deserialised():
    """ASVS 5.5.3: tasks, results and sessions are JSON; nothing is unpickled."""
    from cdp.celery import app

    assert set(app.conf.accept_content) == {"json"}
    assert app.conf.task_serializer == app.conf.result_serializer == "json"
    assert settings.SESSION_SERIALIZER == "django.contrib.sessions.serializers.JSONSerializer"
    for path in project_sources():
        assert not imported_modules(path) & {"pickle", "marshal", "shelve", "dill"}, path
        loads = [name for name, call in calls(path) if name in ("load", "unsafe_load")
                 and "yaml" in ast.unparse(call.func)]
        assert not loads, path


def test_5_5_4_the_browser_parses_json_with_json_parse():
    """ASVS 5.5.4: our JavaScript reads the page's JSON with JSON.parse, never eval."""
    scripts = {path.name: path.read_text() for path in (ROOT / "static" / "js").glob("*.js")}
    assert "JSON.parse(" in scripts["charts.js"]
    for name, text in scripts.items():
        assert not re.search(r"\beval\s*\(", text), name
