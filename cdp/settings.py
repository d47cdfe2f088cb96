"""The one settings module. Everything an operator can change is read from the environment.

Every variable is documented in README.md ("Settings"). With nothing set apart from
DJANGO_DEBUG=1 the app runs on the embedded default: SQLite in the project folder and
Celery tasks executed eagerly in process.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from cdp import config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core ------------------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if DEBUG:
    # Development only: a fixed key, and local hosts.
    SECRET_KEY = SECRET_KEY or "django-insecure-development-key-never-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
else:
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (production mode)."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off (production mode)."
        )

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "knox",
    "guardian",
    "simple_history",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_forms_gds",
    "partnerships",
    "outcomes",
    "actionplans",
    "cdp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A request id, a log line and a latency figure for each request.
    "cdp.observability.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must be last: it turns a locked-out sign-in into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cdp.urls"
WSGI_APPLICATION = "cdp.wsgi.application"
ASGI_APPLICATION = "cdp.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cdp.context_processors.demo",
            ],
        },
    },
]

# Forms render with the GOV.UK Design System's markup.
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
# GOV.UK classes for the widgets crispy-forms-gds leaves bare (a web address, a number, a
# date, a plain file input), so that every field is styled like the rest.
CRISPY_CLASS_CONVERTERS = {
    "urlinput": "govuk-input",
    "numberinput": "govuk-input",
    "dateinput": "govuk-input",
    "fileinput": "govuk-file-upload",
}

# --- Demonstration ---------------------------------------------------------------------
# A demonstration deployment (`make run`: the embedded default in development mode, with the
# demo loaded) says on every page that figures marked Illustrative are invented.
DEMO = env_bool("DJANGO_DEMO", DEBUG and not os.environ.get("DATABASE_URL", "").strip())

# --- Database --------------------------------------------------------------------------
# No DATABASE_URL: the embedded default, SQLite in the project folder (or SQLITE_PATH).
SQLITE_PATH = Path(os.environ.get("SQLITE_PATH") or BASE_DIR / "db.sqlite3")
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ---------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out user is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Argon2id at OWASP's recommended cost (cdp/passwords.py); PBKDF2 verifies passwords stored
# before, and Django rehashes them with Argon2id at the next sign-in.
PASSWORD_HASHERS = [
    "cdp.passwords.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = config.AUTH_PASSWORD_VALIDATORS  # 12 to 128 characters, no rules
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-guardian: object permissions on Partnership only; no anonymous object permissions.
GUARDIAN_ANONYMOUS_USER_NAME = None
ANONYMOUS_USER_NAME = None

# django-axes: throttle sign-in by username and IP address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address: behind DJANGO_PROXY_COUNT proxies, from X-Forwarded-For; with no
# proxy, only from the connection itself, so a forged header cannot dodge the throttle.
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0)
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT or None
ALLAUTH_TRUSTED_PROXY_COUNT = PROXY_COUNT  # the address the sign-in emails name
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if PROXY_COUNT else ("REMOTE_ADDR",)
)
AXES_VERBOSE = False

# How long sessions last: "Session limits and the password pepper" below.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Session limits and the password pepper ----------------------------------------------
# OWASP ASVS 3.3.2: a session ends after SESSION_IDLE_MINUTES without the person using the
# service, and SESSION_ABSOLUTE_HOURS after signing in however busy (cdp/sessions.py; the
# server decides). SESSION_WARNING_SECONDS before the idle limit, a warning lets them stay
# signed in (static/js/session.js). Requests a page's script makes by itself renew nothing.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_HOURS", 12) * 3600
SESSION_WARNING_SECONDS = env_int("SESSION_WARNING_SECONDS", 120)
if not 0 < SESSION_WARNING_SECONDS < SESSION_IDLE_SECONDS <= SESSION_ABSOLUTE_SECONDS:
    raise ImproperlyConfigured(
        "Session limits must satisfy 0 < SESSION_WARNING_SECONDS < SESSION_IDLE_MINUTES "
        "<= SESSION_ABSOLUTE_HOURS.")
# The session (its row and its cookie) lasts the idle limit from the last time it was saved,
# which is the last time the person used the service.
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = False
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "cdp.sessions.SessionLimitMiddleware")
TEMPLATES[0]["OPTIONS"]["context_processors"].append("cdp.sessions.session_limits")
# Signing out leads to a page that clears what the browser tab kept (typed text).
LOGOUT_REDIRECT_URL = "signed_out"

# OWASP ASVS 2.4.5: passwords are peppered with a secret kept outside the database
# (cdp/passwords.py). PASSWORD_PEPPERS_OLD (comma-separated) keeps hashes under earlier
# peppers working until their owners next sign in. Hashes from before the pepper are
# verified by the hashers after it and upgraded at the next sign-in.
PASSWORD_PEPPER = os.environ.get("PASSWORD_PEPPER", "").strip()
PASSWORD_PEPPERS_OLD = env_list("PASSWORD_PEPPERS_OLD")
if not PASSWORD_PEPPER and DEBUG:
    PASSWORD_PEPPER = "development-pepper-never-use-in-production"
if len(PASSWORD_PEPPER) < 32:
    raise ImproperlyConfigured(
        "PASSWORD_PEPPER must be set, to a random secret of at least 32 characters, when "
        "DJANGO_DEBUG is off (production mode).")
PASSWORD_HASHERS = ["cdp.passwords.PepperedArgon2idPasswordHasher", *PASSWORD_HASHERS]

# --- Security headers (production mode) -------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER"):
    # e.g. "HTTP_X_FORWARDED_PROTO" when a TLS-terminating proxy sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = (os.environ["DJANGO_SECURE_PROXY_SSL_HEADER"], "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]  # probes inside the network
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Host-only, secure, path-/ cookies, which no other host under the same domain can set
    # or overwrite (OWASP ASVS 3.4.4). Renaming them signs everyone out once, on upgrade.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Content Security Policy: self-hosted scripts and styles only, nothing inline, no eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------
STATIC_URL = "static/"
# Development serves static files from their folders; production collects them here.
STATIC_ROOT = (
    Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
    if os.environ.get("DJANGO_STATIC_ROOT") or not DEBUG
    else None
)
# static/build holds what `make assets` compiles and copies from npm packages.
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "partnerships.files.AtomicFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads live outside the web root.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "/media/"
# The Chromium that kaleido drives to draw a board pack's charts. BROWSER_PATH is also the
# variable kaleido's browser library (choreographer) reads itself.
BROWSER_PATH = os.environ.get("BROWSER_PATH", "").strip() or "/usr/bin/chromium"
# The largest file any form takes (an import: outcomes.importers.MAX_FILE_BYTES). A request
# body larger than this (and its envelope) is refused before it is read: the form shows its
# size error (partnerships/uploads.py). Below it, files over 2.5 MB are spooled to disk.
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "partnerships.uploads.RefuseOversizedUpload",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Email ------------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "CDP Dashboard <noreply@localhost>")
# The address emails link to (no request to take it from in a Celery task): by default the
# first allowed host over HTTPS, or the development server.
SITE_URL = (os.environ.get("SITE_URL", "").strip() or (
    "http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0].lstrip('.')}")).rstrip("/")
if not SITE_URL.startswith(("https://", "http://")) or "*" in SITE_URL:
    raise ImproperlyConfigured(
        f"SITE_URL must be the site's address, like https://cdp.example.gov.uk, not {SITE_URL!r}")

# --- Celery -----------------------------------------------------------------------------
# No CELERY_BROKER_URL: the embedded default, tasks run eagerly in process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip()
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "").strip() or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A task not acknowledged within this time is delivered again (acks_late).
    "visibility_timeout": CELERY_TASK_TIME_LIMIT * 2,
}
# The beat schedule lives in cdp/celery.py, next to the tasks it names.
# Changes to a partnership's data within this many seconds share one summary recompute.
SUMMARY_DEBOUNCE_SECONDS = env_int("SUMMARY_DEBOUNCE_SECONDS", 10)
# A checked import ("Ready to confirm") not confirmed within this many hours expires: it can no
# longer be applied and its stored file is deleted (cdp.tasks.expire_import_previews, hourly).
IMPORT_PREVIEW_TTL_HOURS = env_int("IMPORT_PREVIEW_TTL_HOURS", 24)

# --- Fingertips sync ---------------------------------------------------------------------
# The scheduled sync of the national reference data from OHID Fingertips' public API
# (outcomes.services.sync). Off by default (the embedded demo has no internet); on in
# docker-compose.yml. Beat runs it daily at 05:30 when on; `manage.py sync_fingertips` and a
# national admin's "Sync now" work either way.
FINGERTIPS_SYNC_ENABLED = env_bool("FINGERTIPS_SYNC_ENABLED", False)
FINGERTIPS_API_URL = os.environ.get("FINGERTIPS_API_URL", "").strip() or (
    "https://fingertips.phe.org.uk/api/")
if not FINGERTIPS_API_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"FINGERTIPS_API_URL must be an http(s) address, not {FINGERTIPS_API_URL!r}")
# Seconds to connect, and to wait for each piece of an answer; a whole download is given up
# after FINGERTIPS_DOWNLOAD_TIMEOUT however slowly it trickles in.
FINGERTIPS_CONNECT_TIMEOUT = env_int("FINGERTIPS_CONNECT_TIMEOUT", 10)
FINGERTIPS_READ_TIMEOUT = env_int("FINGERTIPS_READ_TIMEOUT", 60)
FINGERTIPS_DOWNLOAD_TIMEOUT = env_int("FINGERTIPS_DOWNLOAD_TIMEOUT", 600)
# Each call is tried this many times, waiting a random time up to 2, 4, 8... seconds (at
# most FINGERTIPS_RETRY_MAX_SECONDS) between tries: fingertipsR tries 5 times too.
FINGERTIPS_ATTEMPTS = env_int("FINGERTIPS_ATTEMPTS", 5)
FINGERTIPS_RETRY_SECONDS = env_int("FINGERTIPS_RETRY_SECONDS", 2)
FINGERTIPS_RETRY_MAX_SECONDS = env_int("FINGERTIPS_RETRY_MAX_SECONDS", 60)
# An indicator that fails this many runs in a row is stopped until a national admin restarts
# it ("Sync now"): /healthz says "degraded" and /metrics counts it meanwhile.
FINGERTIPS_STOP_AFTER = env_int("FINGERTIPS_STOP_AFTER", 5)

# --- Cache -----------------------------------------------------------------------------
# Shared by web and workers (an import's progress bar reads what its worker writes), so it
# lives in Redis whenever Celery does; the embedded default keeps it in process.
CACHE_URL = os.environ.get("DJANGO_CACHE_URL", "").strip() or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else ""
)
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
         "KEY_PREFIX": "cdp"}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- REST framework ---------------------------------------------------------------------
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)  # how long a token lasts unless chosen
REST_FRAMEWORK = config.REST_FRAMEWORK
KNOX_TOKEN_MODEL = "cdp.ApiToken"
# Knox's own migrations would make a table for its default token model, which ours replaces.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": timedelta(days=API_TOKEN_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = config.SPECTACULAR_SETTINGS

# --- Logging ----------------------------------------------------------------------------
# One JSON object per line in production, for a log collector; readable lines in
# development. Every record carries the request id, user id and partnership of the request
# or task it belongs to.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "").strip() or ("plain" if DEBUG else "json")
LOGGING = config.logging_settings(LOG_FORMAT)
if LOG_FORMAT not in LOGGING["formatters"]:
    raise ImproperlyConfigured("DJANGO_LOG_FORMAT must be json or plain")

# --- Metrics ------------------------------------------------------------------------------
# /metrics answers only a scraper that sends `Authorization: Bearer <METRICS_TOKEN>`; unset,
# there is no /metrics.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "").strip()
# gunicorn's workers share their request figures through files in this folder (empty at
# start, one per machine); prometheus-client reads the same variable.
PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip()

# --- Sign-in and two-factor (django-allauth) ----------------------------------------------
# django-allauth (cdp/signin/): the password, then a second factor for whoever has one; who
# must have one: partnerships.access.must_use_second_factor. Accounts come by invitation only.
INSTALLED_APPS += ["allauth", "allauth.account", "allauth.mfa", "allauth.usersessions"]
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
                  "allauth.account.middleware.AccountMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("allauth.account.middleware.AccountMiddleware") + 1,
                  "cdp.signin.middleware.SecondFactorRequiredMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("cdp.signin.middleware.SecondFactorRequiredMiddleware") + 1,
                  "cdp.signin.step_up.StepUpMiddleware")  # step-up: answers before allauth
# Django's ModelBackend, loading the user with whether they must and do have a second factor.
AUTHENTICATION_BACKENDS[AUTHENTICATION_BACKENDS.index(
    "django.contrib.auth.backends.ModelBackend")] = "cdp.signin.backends.SignInBackend"
ACCOUNT_ADAPTER = "cdp.signin.adapters.ClosedSignupAdapter"
ACCOUNT_FORMS = {"login": "cdp.signin.forms.SignInForm",
                 "change_password": "cdp.signin.forms.ChangePasswordForm"}
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = True  # no "remember me": sessions last as SESSION_* says
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
# Emails about changes to how someone signs in (cdp/signin/notifications.py).
ACCOUNT_EMAIL_NOTIFICATIONS, ACCOUNT_EMAIL_SUBJECT_PREFIX = True, ""
# Wrong passwords: django-axes alone (cdp.signin.adapters); wrong codes: allauth, 5 a user
# in 5 minutes ("login_failed"). Sign-ins are not otherwise limited by address: a council's
# staff share one.
ACCOUNT_RATE_LIMITS = {"login": None}
# Step-up: confirming it is you (by the second factor where there is one) lasts this long.
ACCOUNT_REAUTHENTICATION_TIMEOUT = env_int("REAUTHENTICATION_MINUTES", 15) * 60
MFA_ADAPTER = "cdp.signin.adapters.SecondFactorAdapter"
MFA_FORMS = config.MFA_FORMS  # a code used before is refused, logged and its holder told
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "").strip() or "CDP Dashboard"
MFA_TOTP_TOLERANCE = 1  # the code before and after the current one also count (clock drift)
MFA_RECOVERY_CODE_COUNT = 10
# Passkeys and security keys are a second factor after the password, not a way in alone.
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_PASSKEY_SIGNUP_ENABLED = False
# Emails are set by whoever invites, not claimed by the person: nothing to verify.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# WebAuthn needs HTTPS, except in development on http://localhost.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

# --- Single sign-on (django-allauth's openid_connect; README "Single sign-on") -----------
# Issuers from OIDC_PROVIDERS (JSON) and the admin's social applications; cdp/signin/sso.py.
INSTALLED_APPS += ["allauth.socialaccount", "allauth.socialaccount.providers.openid_connect"]
SOCIALACCOUNT_ADAPTER = "cdp.signin.sso_flow.SingleSignOnAdapter"
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {
    "APPS": config.oidc_providers(os.environ.get("OIDC_PROVIDERS", "")),
    "OAUTH_PKCE_ENABLED": True}}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # linked by email once (cdp.signin.sso), then by subject
SOCIALACCOUNT_LOGIN_ON_GET = False  # the buttons POST, with the CSRF token
PASSWORD_OFF_ISSUER = "cdp.signin.sso.sso_only_issuer"  # asked by partnerships' invitations
# The sign-in page's and an SSO session's sign-out forms may lead on to the issuer (CSP).
MIDDLEWARE.insert(MIDDLEWARE.index("csp.middleware.CSPMiddleware") + 1,
                  "cdp.signin.sso_flow.SignOutFormActionMiddleware")

# Authenticator apps' keys and recovery codes' seeds are encrypted (cdp/signin/secrets.py).
MFA_ENCRYPTION_KEY, MFA_ENCRYPTION_KEYS_OLD = config.mfa_encryption_keys(DEBUG)
