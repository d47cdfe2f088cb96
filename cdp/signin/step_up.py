"""Step-up (OWASP ASVS 4.3.3 and 3.7.1): proving who one is again before a sensitive change.

Managing a partnership's members, making or revoking API tokens, publishing or changing the
public page, changing one's own second factors (passkeys, authenticator app, recovery
codes), signing out one's other sessions and any change in the Django admin need a sign-in,
or a confirmation of who one is, within the last ACCOUNT_REAUTHENTICATION_TIMEOUT (15
minutes): with the second factor where the person has one, the password (or single sign-on)
otherwise.

The views say so with django-allauth's `reauthentication_required` (our views through
partnerships.mixins.PartnershipViewMixin.step_up, allauth's second-factor pages by
themselves). Both ask `recently_authenticated` (through cdp.signin.adapters), and whatever
raises allauth's ReauthenticationRequired is answered by `StepUpMiddleware` with
`confirm_redirect`: one way out, whichever page asked. The Django admin's views are not ours
to decorate: `StepUpMiddleware.process_view` asks for them (`admin_needs_step_up`), before
any change is sent and before the forms that make one (adding, changing, deleting, a
password) are shown.

Single sign-on: `confirm_url` is the one place that says where someone confirms who they are.
Someone whose session began at their organisation's identity provider confirms there, made to
ask again (`prompt=login`, `max_age=0`: cdp.signin.sso.step_up_url); the fresh "socialaccount"
record that sign-in leaves then counts here like a password (and the provider vouching for
MFA, as at sign-in, like the second factor), timed by the issuer's `auth_time`.
"""

from __future__ import annotations

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import get_adapter
from allauth.account.authentication import get_authentication_records
from allauth.core.exceptions import ReauthenticationRequired
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db.models import Min
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from partnerships.mixins import KEPT_FORM_SESSION_KEY, SAFE_METHODS

from . import sso

# How a session proved who it is (allauth's records): signing in or confirming.
FIRST_FACTORS = frozenset({"password", "socialaccount"})
SECOND_FACTOR = "mfa"
# Never kept for the page a form comes back to: the CSRF token, secrets and codes.
NOT_KEPT = frozenset({"csrfmiddlewaretoken", "password", "code", "otp", "revoke"})
CHANGE_HELD_BACK = (
    "For your security, confirm it is you before this change. Nothing has been changed yet: "
    "after confirming, check the form and send it again.")
ADMIN_CHANGE_HELD_BACK = (
    "For your security, confirm it is you before this change. Nothing has been changed yet: "
    "after confirming, make the change again.")
# The Django admin's pages that exist to make a change (their URL names end so: adding,
# changing or deleting an object, a password); its other pages (the index, lists, history)
# are read without a recent sign-in. Signing out never needs one.
ADMIN_FORM_SUFFIXES = ("_add", "_change", "_delete")
ADMIN_NEVER = frozenset({"logout", "login", "jsi18n"})


def has_second_factor(user) -> bool:
    enrolled = getattr(user, "has_second_factor", None)  # cdp.signin.backends loads it
    return is_mfa_enabled(user) if enrolled is None else enrolled


def last_authenticated_at(request: HttpRequest) -> float | None:
    """When this session last proved who its user is, in a way that counts for them: by the
    second factor for someone who has one; by password or single sign-on otherwise. Signing
    in counts, as does confirming later (allauth's reauthentication)."""
    user = request.user
    if not user.is_authenticated:
        return None
    records = _as_proved(get_authentication_records(request, user))
    if not has_second_factor(user):
        return max((r["at"] for r in records if r.get("method") in FIRST_FACTORS),
                   default=None)
    times = [r["at"] for r in records if r.get("method") == SECOND_FACTOR]
    if not times and any(r.get("method") in FIRST_FACTORS for r in records):
        # Signed in before they had a second factor, and set one up since: that sign-in was
        # with everything they had (it counts until the time limit, as any other).
        first = Authenticator.objects.filter(user=user).aggregate(Min("created_at"))
        since = first["created_at__min"].timestamp() if first["created_at__min"] else 0
        times = [r["at"] for r in records
                 if r.get("method") in FIRST_FACTORS and r["at"] <= since]
    return max(times, default=None)


def _as_proved(records: list[dict]) -> list[dict]:
    """The session's records, each timed by when its person actually authenticated: a
    single sign-on (and the second factor its issuer vouched for) by the issuer's
    `auth_time` where it gave one, since an issuer that remembered its own session signs
    people in again without asking them anything."""
    proved, issuer_auth_time = [], None
    for record in records:
        at = record.get("at", 0)
        if record.get("method") == "socialaccount":
            issuer_auth_time = record.get("auth_time")
        if issuer_auth_time is not None and (
                record.get("method") == "socialaccount" or record.get("type") == "sso"):
            at = min(at, float(issuer_auth_time))
        proved.append({**record, "at": at})
    return proved


def recently_authenticated(request: HttpRequest | None) -> bool:
    if request is None:
        return False
    at = last_authenticated_at(request)
    return at is not None and time.time() - at < account_settings.REAUTHENTICATION_TIMEOUT


def confirm_url(request: HttpRequest, back: str) -> str:
    """Where this person confirms who they are, coming back to `back` after: for a session
    that began by single sign-on, at their issuer, made to ask again (cdp.signin.sso,
    `prompt=login`); otherwise the first of the adapter's ways (cdp.signin.adapters puts the
    second factor first)."""
    at_issuer = sso.step_up_url(request, back)
    if at_issuer:
        return at_issuer
    methods = get_adapter(request).get_reauthentication_methods(request.user)
    url = methods[0]["url"] if methods else reverse("account_reauthenticate")
    return f"{url}?{urlencode({REDIRECT_FIELD_NAME: back})}"


def confirm_redirect(request: HttpRequest, keep_form: bool = True) -> HttpResponseRedirect:
    """To the confirmation, and back after it. A page asked for (GET) comes back as it was. A
    change sent without a recent sign-in is not made: back comes the page it was sent from,
    its form filled in again (partnerships.mixins.kept_form_data) unless `keep_form` is off
    (the Django admin, whose forms cannot take it back), with a message."""
    if request.method in SAFE_METHODS:
        back = request.get_full_path()
    else:
        back = _page_sent_from(request)
        if keep_form:
            request.session[KEPT_FORM_SESSION_KEY] = {"path": back.split("?", 1)[0], "data": {
                field: request.POST.getlist(field) for field in request.POST
                if field not in NOT_KEPT}}
        messages.warning(request, CHANGE_HELD_BACK if keep_form else ADMIN_CHANGE_HELD_BACK)
    return HttpResponseRedirect(confirm_url(request, back))


def admin_needs_step_up(request: HttpRequest) -> bool:
    """Whether this request to the Django admin makes a change, or shows a form that makes
    one: staff must have signed in or confirmed who they are within the time limit first."""
    match = request.resolver_match
    if match is None or match.namespace != "admin" or match.url_name in ADMIN_NEVER:
        return False
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False  # the admin sends them to sign in
    return request.method not in SAFE_METHODS or (match.url_name or "").endswith(
        ADMIN_FORM_SUFFIXES)


def _page_sent_from(request: HttpRequest) -> str:
    """The page a change was sent from: the address itself, unless it answers only changes
    (the browser's Referer, when it is one of ours, says which page had the button)."""
    referer = request.headers.get("Referer", "")
    host = f"{request.scheme}://{request.get_host()}"
    if referer.startswith(host + "/") and url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return referer[len(host):]
    return request.path


class StepUpMiddleware:
    """Answers allauth's ReauthenticationRequired, from our views and allauth's own, for a
    signed-in person (before allauth's middleware would, which replays a held-back change
    without showing it again); anyone else goes on to sign in. Asks it of the Django admin's
    changes itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if admin_needs_step_up(request) and not recently_authenticated(request):
            return confirm_redirect(request, keep_form=False)
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, ReauthenticationRequired) and request.user.is_authenticated:
            return confirm_redirect(request)
        return None
