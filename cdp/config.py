"""The settings too long to read inside cdp/settings.py: the REST framework's and the
OpenAPI schema's, the logging's, and the second factor's encryption key. Plain values read
from the environment: cdp/settings.py takes them as they are."""

import os

from django.core.exceptions import ImproperlyConfigured

# Development only (DJANGO_DEBUG): a fixed Fernet key for the second factor's secrets.
DEVELOPMENT_MFA_ENCRYPTION_KEY = "ZGV2ZWxvcG1lbnQta2V5LW5ldmVyLWluLXByb2R1Y3Q="


def mfa_encryption_keys(debug: bool) -> tuple[str, list[str]]:
    """MFA_ENCRYPTION_KEY, the Fernet key the second factor's secrets are encrypted with
    (cdp/signin/secrets.py), required in production; and MFA_ENCRYPTION_KEYS_OLD, earlier
    keys still read while rotating (comma-separated)."""
    from cryptography.fernet import Fernet

    key = os.environ.get("MFA_ENCRYPTION_KEY", "").strip()
    if not key and debug:
        key = DEVELOPMENT_MFA_ENCRYPTION_KEY
    old = [k.strip() for k in os.environ.get("MFA_ENCRYPTION_KEYS_OLD", "").split(",")
           if k.strip()]
    for each in (key, *old):
        try:
            Fernet(each.encode())
        except ValueError:
            raise ImproperlyConfigured(
                "MFA_ENCRYPTION_KEY must be set, to a Fernet key (32 random bytes, URL-safe "
                "base64: python -c \"from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())\"), when DJANGO_DEBUG is off "
                "(production mode); MFA_ENCRYPTION_KEYS_OLD likewise.") from None
    return key, old

# Passwords: 12 to 128 characters, not like the user's name, not common, not all digits; no
# rules about which characters (OWASP ASVS 2.1.1, 2.1.2, 2.1.7, 2.1.9).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "cdp.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth's second-factor forms, which also catch a code used before (ASVS 2.8.5).
MFA_FORMS = {
    "authenticate": "cdp.signin.second_factor.AuthenticateForm",
    "reauthenticate": "cdp.signin.second_factor.ReauthenticateForm",
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cdp.api.authentication.TokenAuthentication",  # Authorization: Token <key> (knox)
        "rest_framework.authentication.SessionAuthentication",  # the browsable API, with CSRF
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "partnerships.api.csv.CsvRenderer",  # ?format=csv or Accept: text/csv
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "cdp.api.throttling.AnonymousThrottle",
        "cdp.api.throttling.UserThrottle",
    ],
    # Requests per second, minute, hour or day. Answers over the rate are 429 with
    # Retry-After.
    "DEFAULT_THROTTLE_RATES": {
        "anonymous": os.environ.get("API_THROTTLE_ANONYMOUS", "60/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "1200/minute"),
        "token": os.environ.get("API_THROTTLE_TOKEN", "10/minute"),  # POST auth/token/
    },
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Like django-filter's, but an unknown query parameter is a 400, not silently ignored.
    "DEFAULT_FILTER_BACKENDS": ["partnerships.api.filters.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "cdp.api.pagination.StableCursorPagination",
    # Services' errors (ValidationError, StaleEdit, FileProblem...) become answers here, once.
    "EXCEPTION_HANDLER": "cdp.api.exceptions.exception_handler",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CDP Dashboard API",
    "DESCRIPTION": "Metrics, summaries and action plans of Combating Drugs Partnerships.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "cdp.api.schema.document_errors"],
    # Stable names for the enums that share a field name, for clients generated from the schema.
    "ENUM_NAME_OVERRIDES": {
        "ImportStatusEnum": "outcomes.models.ImportBatch.Status",
        "MilestoneStatusEnum": "actionplans.models.MilestoneStatus",
        "ActionPlanStatusEnum": "actionplans.models.ActionPlan.Status",
    },
}


def logging_settings(log_format: str) -> dict:
    """Django's LOGGING for the chosen format (json or plain)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "cdp.observability.ContextFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "format": "%(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s "
                          "%(partnership)s",
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": "time",  # ISO 8601, UTC
            },
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format,
                                 "filters": ["context"]}},
        "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
        # Each request is logged once, by cdp.requests; Django's own line would repeat it.
        "loggers": {"axes": {"level": "WARNING"}, "django.server": {"level": "WARNING"},
                    # A board pack's PDF and charts: each page and font step is logged at INFO.
                    "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"},
                    "choreographer": {"level": "WARNING"}, "kaleido": {"level": "WARNING"}},
    }


def oidc_providers(raw: str) -> list[dict]:
    """OIDC_PROVIDERS (a JSON list, README "Single sign-on") as django-allauth's
    `openid_connect` apps. Each: id, name, issuer (its base address; `server_url` also
    accepted), client_id, secret, domains (the email domains it may link by email),
    enforces_mfa (default false), password_sign_in (default true)."""
    import json

    from django.core.exceptions import ImproperlyConfigured

    if not raw.strip():
        return []
    try:
        entries = json.loads(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"OIDC_PROVIDERS is not valid JSON: {exc}") from exc
    if not isinstance(entries, list):
        raise ImproperlyConfigured("OIDC_PROVIDERS must be a JSON list of issuers.")
    apps, seen = [], set()
    for entry in entries:
        issuer = entry.get("issuer") or entry.get("server_url") if isinstance(entry, dict) else ""
        missing = [key for key in ("id", "name", "client_id", "secret")
                   if not isinstance(entry, dict) or not str(entry.get(key, "")).strip()]
        if missing or not issuer:
            raise ImproperlyConfigured(
                f"Each OIDC_PROVIDERS entry needs id, name, issuer, client_id and secret: "
                f"{entry!r} lacks {', '.join(missing) or 'issuer'}.")
        if entry["id"] in seen:
            raise ImproperlyConfigured(f"OIDC_PROVIDERS has the id {entry['id']!r} twice.")
        seen.add(entry["id"])
        apps.append({
            "provider_id": entry["id"], "name": entry["name"],
            "client_id": entry["client_id"], "secret": entry["secret"],
            "settings": {
                "server_url": issuer,
                "domains": [str(d).strip().lower() for d in entry.get("domains", [])],
                "enforces_mfa": bool(entry.get("enforces_mfa", False)),
                "password_sign_in": bool(entry.get("password_sign_in", True)),
                "oauth_pkce_enabled": True,
            },
        })
    return apps

