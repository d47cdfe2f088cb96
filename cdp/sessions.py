"""How long a signed-in session lasts: an idle limit and an absolute limit (OWASP ASVS 3.3.2).

The server decides, whatever the browser's script does. `SessionLimitMiddleware` keeps two
times in the session: when the person signed in (`user_logged_in` sets it, so every way of
signing in does) and when they last used the service. A session idle for
SESSION_IDLE_SECONDS, or older than SESSION_ABSOLUTE_SECONDS however busy, is ended at the
next request, and a page asked for with it leads to "You were signed out" with a link to
sign in again that comes back.

Only what the person does counts as use: pages they open and forms they send. Requests a
page's script makes by itself (a progress bar's polling, this module's own status check;
browsers mark them with `Sec-Fetch-Mode` other than `navigate`) neither renew the session
nor keep it alive, so a tab left open on a polling page still times out. The idle clock is
renewed at most once a minute (RENEW_AFTER): the idle limit is exact to within that minute,
and the session is not saved on every page. The one script
request that renews it is "Stay signed in" in the timeout warning (`extend`), which the
person answers. Requests with an API token (`Authorization: Token ...`) carry no session
and are left alone.

Why not a library: django-session-security and django-auto-logout renew the session on
every request the page's script makes, show their warning with inline script or jQuery
(both refused by the Content Security Policy), and have no absolute limit.
static/js/session.js is the warning (the GOV.UK Design System's timeout pattern) and keeps
what a form holds in sessionStorage so that a timeout loses no typed text.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout, user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

SIGNED_IN_AT = "cdp_signed_in_at"
LAST_USED_AT = "cdp_last_used_at"
IDLE, ABSOLUTE = "idle", "absolute"
# The idle clock is renewed at most once a minute: a page opened within a minute of the last
# renewal writes nothing (no session save, three queries fewer), so a session may end up to
# a minute before SESSION_IDLE_SECONDS after the person's very last use, never later.
RENEW_AFTER = 60


def _now() -> int:
    return int(time.time())


def is_background(request: HttpRequest) -> bool:
    """A request a page's script made by itself, not a page or form the person opened."""
    mode = request.headers.get("Sec-Fetch-Mode")
    return mode is not None and mode != "navigate"


def seconds_left(session, now: int | None = None) -> int:
    """Seconds until the session ends, by whichever limit comes first."""
    now = _now() if now is None else now
    idle_end = session.get(LAST_USED_AT, now) + settings.SESSION_IDLE_SECONDS
    absolute_end = session.get(SIGNED_IN_AT, now) + settings.SESSION_ABSOLUTE_SECONDS
    return max(0, min(idle_end, absolute_end) - now)


def limit_reached(session, now: int) -> str | None:
    if now - session.get(SIGNED_IN_AT, now) >= settings.SESSION_ABSOLUTE_SECONDS:
        return ABSOLUTE
    if now - session.get(LAST_USED_AT, now) >= settings.SESSION_IDLE_SECONDS:
        return IDLE
    return None


@receiver(user_logged_in, dispatch_uid="cdp.sessions.signed_in")
def _start_the_clocks(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session[SIGNED_IN_AT] = session[LAST_USED_AT] = _now()


def _signed_out_address(request: HttpRequest, reason: str) -> str:
    query = {"next": request.get_full_path()} if request.method == "GET" else {"next": request.path}
    if reason == ABSOLUTE:
        query["limit"] = ABSOLUTE
    return f"{reverse('signed_out_inactive')}?{urlencode(query)}"


def _exempt_paths() -> set[str]:
    """Signing in and out, and the signed-out pages: no detour to "You were signed out"."""
    paths = {resolve_url(settings.LOGIN_URL), resolve_url(settings.LOGOUT_REDIRECT_URL)}
    for name in ("logout", "signed_out_inactive"):
        try:
            paths.add(reverse(name))
        except NoReverseMatch:
            pass
    return paths


class SessionLimitMiddleware:
    """Ends a session past its idle or absolute limit; renews it on the person's own use."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # No session cookie: nothing to check, and the session is not even read (reading it
        # would add "Vary: Cookie" to answers shared caches may keep, like the public page).
        if settings.SESSION_COOKIE_NAME not in request.COOKIES or request.headers.get(
            "Authorization", ""
        ).startswith("Token "):
            return self.get_response(request)
        session = request.session
        if SESSION_KEY not in session:
            return self.get_response(request)
        now = _now()
        # A session from before these limits: its clocks start now.
        session.setdefault(SIGNED_IN_AT, now)
        reason = limit_reached(session, now)
        if reason:
            logout(request)
            if not is_background(request) and request.path not in _exempt_paths():
                return redirect(_signed_out_address(request, reason))
        elif not is_background(request) and now - session.get(LAST_USED_AT, 0) >= RENEW_AFTER:
            session[LAST_USED_AT] = now
        return self.get_response(request)


class SessionLimits:
    """What the timeout warning and the draft keeping need to know, for templates."""

    def __init__(self, request: HttpRequest):
        self.request = request

    @property
    def seconds_left(self) -> int:
        return seconds_left(self.request.session)

    idle_seconds = property(lambda self: settings.SESSION_IDLE_SECONDS)
    warning_seconds = property(lambda self: settings.SESSION_WARNING_SECONDS)

    @property
    def draft_owner(self) -> str:
        """Names whose drafts these are, without saying who (not secret)."""
        return salted_hmac(
            "cdp.sessions.draft-owner", str(self.request.user.pk), algorithm="sha256"
        ).hexdigest()[:16]

    @property
    def draft_key(self) -> str:
        """The key a person's drafts are encrypted with in the browser: given only on their
        own signed-in pages, so a draft left in a tab after a timeout is unreadable to the
        next person at the same computer."""
        return salted_hmac(
            "cdp.sessions.draft-key", str(self.request.user.pk), algorithm="sha256"
        ).hexdigest()


def session_limits(request: HttpRequest) -> dict:
    return {"session_limits": SessionLimits(request)}


# --- Pages and the warning's endpoints ------------------------------------------------------
@never_cache
@require_GET
def status(request: HttpRequest) -> JsonResponse:
    """How long the session has left. A background request: it renews nothing."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "seconds_left": 0}, status=401)
    return JsonResponse({"signed_in": True, "seconds_left": seconds_left(request.session)})


@never_cache
@require_POST
def extend(request: HttpRequest) -> JsonResponse:
    """Stay signed in: the person answered the warning, so the idle clock starts again (the
    absolute limit stays)."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "seconds_left": 0}, status=401)
    request.session[LAST_USED_AT] = _now()
    return JsonResponse({"signed_in": True, "seconds_left": seconds_left(request.session)})


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed and target.startswith("/") else ""


def _sign_in_link(request: HttpRequest) -> str:
    target = _safe_next(request)
    return resolve_url(settings.LOGIN_URL) + (f"?{urlencode({'next': target})}" if target else "")


@never_cache
@require_GET
def signed_out(request: HttpRequest) -> HttpResponse:
    """Where signing out leads. Its script clears every draft the tab kept."""
    if request.user.is_authenticated:
        return redirect("home")
    return render(
        request,
        "registration/signed_out.html",
        {"sign_in_link": resolve_url(settings.LOGIN_URL), "clear_storage": "all"},
    )


@never_cache
@require_GET
def signed_out_inactive(request: HttpRequest) -> HttpResponse:
    """Where a timed-out session leads. Drafts stay in the tab, encrypted, until the same
    person signs in again (or the tab is closed); anything else the app kept is cleared.
    Someone still signed in (another tab kept the session) goes back where they were."""
    if request.user.is_authenticated:
        return redirect(_safe_next(request) or "home")
    return render(
        request,
        "registration/signed_out_inactive.html",
        {
            "sign_in_link": _sign_in_link(request),
            "absolute": request.GET.get("limit") == ABSOLUTE,
            "idle_minutes": settings.SESSION_IDLE_SECONDS // 60,
            "absolute_hours": settings.SESSION_ABSOLUTE_SECONDS // 3600,
            "clear_storage": "except-drafts",
        },
    )
