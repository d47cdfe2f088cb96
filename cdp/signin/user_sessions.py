"""Where one is signed in (OWASP ASVS 3.3.4): one's active sessions, and signing out of any or
all of the others, after confirming who one is (step-up, cdp.signin.step_up).

django-allauth's `usersessions` keeps a row per signed-in session (made at sign-in: the
browser and the address it signed in from) and ends them (`flows.sessions`). Its own page
offers only "sign out of all other sessions", so this is ours, on its model and flows.
allauth's activity tracking (`USERSESSIONS_TRACK_ACTIVITY`) stays off: it writes on every
request. When a session was last used is read from the session itself instead, where
cdp.sessions keeps it (renewed at most once a minute), and only here.

A session signed in before this page existed (it has no row) gets one when its person first
opens the page. A session past its idle or absolute limit, or no longer valid (signed out,
its password changed: Django's session hash), is not listed, and its row is removed, as
allauth's `purge_and_list` does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import import_module

from allauth.account.decorators import reauthentication_required
from allauth.core.internal.sessionkit import get_session_user
from allauth.usersessions.internal.flows import sessions as session_flows
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render

from cdp.sessions import LAST_USED_AT, SIGNED_IN_AT, limit_reached

# Browsers and systems by the token their user agent carries, first match wins (Edge and
# Opera also say Chrome and Safari; Chrome says Safari; Android says Linux).
BROWSERS = (("Edg/", "Edge"), ("EdgA/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
            ("FxiOS/", "Firefox"), ("CriOS/", "Chrome"), ("Chrome/", "Chrome"),
            ("Safari/", "Safari"))
SYSTEMS = (("iPhone", "an iPhone"), ("iPad", "an iPad"), ("Android", "Android"),
           ("Windows", "Windows"), ("CrOS", "ChromeOS"), ("Mac OS X", "a Mac"),
           ("Linux", "Linux"))


def describe_browser(user_agent: str) -> str:
    """"Chrome on Windows", from a browser's user agent; "An unknown browser" otherwise."""
    browser = next((name for token, name in BROWSERS if token in user_agent), None)
    system = next((name for token, name in SYSTEMS if token in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or (f"A browser on {system}" if system else "An unknown browser")


@dataclass(frozen=True)
class ActiveSession:
    pk: int
    browser: str
    user_agent: str
    ip: str
    signed_in_at: datetime
    last_used_at: datetime | None
    is_current: bool


def active_sessions(request: HttpRequest) -> list[ActiveSession]:
    """The signed-in user's sessions still in use, this one first, then the latest used."""
    now, current, found = int(time.time()), request.session.session_key, []
    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    if not UserSession.objects.filter(session_key=current).exists():
        UserSession.objects.create_from_request(request)
    for row in UserSession.objects.filter(user_id=request.user.pk).order_by("-created_at"):
        store = session_store(row.session_key)
        if get_session_user(store) is None or limit_reached(store, now):
            row.delete()
            continue
        signed_in, last = store.get(SIGNED_IN_AT), store.get(LAST_USED_AT)
        found.append(ActiveSession(
            pk=row.pk, browser=describe_browser(row.user_agent), user_agent=row.user_agent,
            ip=row.ip,
            signed_in_at=datetime.fromtimestamp(signed_in, UTC) if signed_in else row.created_at,
            last_used_at=datetime.fromtimestamp(last, UTC) if last else None,
            is_current=row.session_key == current))
    return sorted(found, key=lambda s: (not s.is_current, -(s.last_used_at or s.signed_in_at)
                                        .timestamp()))


def _end(request: HttpRequest) -> int:
    """Ends the session the form names (one of the user's others), or all the others."""
    others = UserSession.objects.filter(user_id=request.user.pk).exclude(
        session_key=request.session.session_key)
    if "end_all" in request.POST:
        ended = list(others)
    elif request.POST.get("end", "").isdigit():
        ended = list(others.filter(pk=int(request.POST["end"])))
        if not ended:
            raise Http404("No such session of yours.")
    else:
        return -1
    session_flows.end_sessions(request, ended)
    return len(ended)


@login_required
@reauthentication_required(allow_get=True)  # step-up to sign out elsewhere
def user_sessions(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        ended = _end(request)
        if ended < 0:
            return HttpResponseBadRequest("Say which session to sign out of.")
        messages.success(request, f"Signed out of {ended} other session"
                         f"{'' if ended == 1 else 's'}." if ended else
                         "You were not signed in anywhere else.")
        return redirect("usersessions_list")
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    found = active_sessions(request)
    return render(request, "account/sessions.html", {
        "sessions": found, "others": sum(not s.is_current for s in found),
        "idle_minutes": settings.SESSION_IDLE_SECONDS // 60,
        "absolute_hours": settings.SESSION_ABSOLUTE_SECONDS // 3600})
