"""Those who must sign in with a second factor and have none set one up before anything else.

`partnerships.access.must_use_second_factor` says who must. It is asked on every request of a
session that was not signed in with a second factor, so a member made a partnership
administrator mid-session is sent to set one up before their first admin action. A session
signed in with a second factor costs no query here, and others none either: the user is loaded
with what this needs (cdp.signin.backends)."""

from __future__ import annotations

from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect

from partnerships import access

# Where someone who must set up a second factor may still go: setting one up, signing out,
# and the pages every visitor may read.
ALLOWED_URL_NAMES = frozenset({
    "logout", "account_logout", "login", "account_login", "account_reauthenticate",
    "mfa_index", "mfa_activate_totp", "mfa_add_webauthn", "mfa_list_webauthn",
    "mfa_reauthenticate", "mfa_reauthenticate_webauthn", "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes", "mfa_download_recovery_codes",
    "healthz", "metrics", "accessibility", "privacy",
})
NOTICE = "Your role needs two-factor sign-in. Set up a second factor to carry on."


def signed_in_with_second_factor(request) -> bool:
    return any(record.get("method") == "mfa"
               for record in get_authentication_records(request, request.user))


def needs_second_factor(request) -> bool:
    """Whether this signed-in request must first set up a second factor. With no session
    cookie nobody is signed in, and the session is not read (reading it would add "Vary:
    Cookie" to answers shared caches may keep, like the public page)."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = request.user
    if not user.is_authenticated or signed_in_with_second_factor(request):
        return False
    if not access.must_use_second_factor(user):
        return False
    enrolled = getattr(user, "has_second_factor", None)  # cdp.signin.backends loads it
    return not (is_mfa_enabled(user) if enrolled is None else enrolled)


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        if match.url_name in ALLOWED_URL_NAMES or not needs_second_factor(request):
            return None
        if match.namespace == "api" or request.path.startswith("/api/"):
            # Token requests are not signed in here (DRF authenticates them in the view).
            return JsonResponse({"detail": NOTICE}, status=403)
        if request.method == "GET":
            messages.warning(request, NOTICE)
        return redirect("mfa_index")
