"""A generic case for every page of one partnership (NetBox's `ViewTestCases`, for our tenancy).

A page of partnership A is tried four ways, each method it answers in turn:

- signed out: sent to sign in, nothing changed;
- signed in without the action it needs: a 403 for A's members whose role lacks it (and for
  the regional viewer, who may only view), a 404 that does not name A for someone outside A;
  nothing changed;
- by a member of partnership B (B's administrator, who may do anything in B): a 404 that
  does not name A, nothing changed;
- by A's least privileged member who may: the page (200), or for a POST with valid data the
  redirect a successful form gives, and the change made.

A page of one object (a URL with `pk`) is also tried with A's slug and B's object, by a member
of A who may take the action on A's own (NetBox's "constrained permission"): a 404 that does
not name B, and B's object unchanged.

Each app's `tests/<app>/test_scoped_views.py` declares its pages: one subclass per URL name,
saying which methods it answers, the action each needs (partnerships/access.py), the URL's
arguments, valid POST data and what a POST changes. tests/test_scoped_views.py fails if a URL
with a `partnership_slug` has no case.
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from partnerships import access

from .conftest import Tenants

# Who may take each action in partnership A, stated here again (rather than read from
# partnerships/access.py) so that a change to who may do what fails a test. Least privileged
# first: the first is the one `test_permitted` signs in as.
MAY = {
    access.VIEW: ["a_viewer", "a_lead", "a_analyst", "a_admin", "regional"],
    access.EDIT_PLAN: ["a_lead", "a_admin"],
    access.LOAD_DATA: ["a_analyst", "a_admin"],
    access.MANAGE_MEMBERS: ["a_admin"],
    access.ANNOTATE: ["a_lead", "a_analyst", "a_admin"],
    access.GENERATE_BOARD_PACK: ["a_lead", "a_analyst", "a_admin"],
    access.PUBLISH: ["a_admin"],
    access.MANAGE_DOCUMENTS: ["a_admin"],
}
# Everyone signed in who is not partnership B's: A's members, the regional viewer of A's
# region, and someone with no membership at all.
SIGNED_IN = ["a_viewer", "a_lead", "a_analyst", "a_admin", "regional", "outsider"]
# Who sees A's pages: the outsider sees none of them (a 404, never a 403 that confirms it).
SEES_A = frozenset(MAY[access.VIEW])
# B's administrator: a member of the other partnership who may do anything there.
OTHER_MEMBER = "b_admin"

# Words that only one partnership's pages contain: its name, slug, area code and people.
MARKERS = {
    "a": ("Rotherham", "rotherham", "E08000018", "a.lead@", "a_lead"),
    "b": ("Darlington", "darlington", "E06000005", "b.lead@", "b_lead"),
}


def slug(t: Tenants, side: str) -> dict:
    return {"partnership_slug": t.partnership(side).slug}


def client_for(t: Tenants, user: str | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(t.users[user])
    return client


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


class ScopedViewCase:
    """Subclass once per URL name (a `Test…` class), and declare:

    url_name  the URL's name, e.g. "actionplans:risk_new";
    actions   the methods tried and the action each needs, e.g. {"GET": access.EDIT_PLAN,
              "POST": access.EDIT_PLAN} (a method the page refuses with 405 is left out:
              tests/test_isolation.py checks those);
    ok        the status of a permitted request, by method (200 for GET, 302 for POST);

    and, where they differ from the defaults, the methods `url_kwargs(t, side)` (the URL's
    arguments for partnership "a" or "b"; default: its slug), `post_data(t, side)` (valid
    POST data) and `state(t, side)` (what a POST on that side's URL changes: a count, a
    field; compared before and after).
    """

    url_name: ClassVar[str]
    actions: ClassVar[dict[str, str]]
    ok: ClassVar[dict[str, int]] = {"GET": 200, "POST": 302}

    def url_kwargs(self, t: Tenants, side: str) -> dict:
        return slug(t, side)

    def post_data(self, t: Tenants, side: str) -> dict:
        return {}

    def state(self, t: Tenants, side: str):
        raise NotImplementedError(f"{type(self).__name__} takes POST: say what it changes")

    # --- the requests -------------------------------------------------------------------
    def kwargs_for(self, t: Tenants, side: str) -> dict:
        """The URL's arguments, built once per test (a builder may make the object)."""
        cache = self.__dict__.setdefault("_kwargs", {})
        if side not in cache:
            cache[side] = self.url_kwargs(t, side)
        return cache[side]

    def url(self, t: Tenants, side: str = "a") -> str:
        return reverse(self.url_name, kwargs=self.kwargs_for(t, side))

    def request(self, client: Client, method: str, url: str, data: dict):
        if method == "GET":
            return client.get(url)
        return client.post(url, data)

    def snapshot(self, t: Tenants) -> tuple | None:
        if "POST" not in self.actions:
            return None
        return self.state(t, "a"), self.state(t, "b")

    def assert_refused(self, t: Tenants, response, status: int, *, hides: str | None,
                       before, who: str, method: str) -> None:
        """`response` has `status`; a 404 names nothing of partnership `hides`; nothing
        changed."""
        where = f"{method} {self.url_name} as {who}"
        assert response.status_code == status, f"{where}: {response.status_code}, not {status}"
        if hides is not None:
            leaked = [m for m in MARKERS[hides] if m in body(response)]
            assert not leaked, f"{where}: the {status} page names the partnership: {leaked}"
        assert self.snapshot(t) == before, f"{where}: a refused request changed something"

    # --- the generic tests --------------------------------------------------------------
    def test_anonymous(self, tenants):
        t = tenants
        sign_in = resolve_url(settings.LOGIN_URL)
        for method in self.actions:
            before = self.snapshot(t)
            url = self.url(t)
            response = self.request(client_for(t, None), method, url, self.post_data(t, "a"))
            self.assert_refused(t, response, 302, hides=None, before=before, who="anonymous",
                                method=method)
            location = urlsplit(response["Location"])
            assert location.path == sign_in, (method, response["Location"])
            assert parse_qs(location.query)["next"] == [url], (method, response["Location"])

    def test_without_permission(self, tenants):
        t = tenants
        for method, action in self.actions.items():
            for user in SIGNED_IN:
                if user in MAY[action]:
                    continue
                before = self.snapshot(t)
                sees = user in SEES_A
                response = self.request(client_for(t, user), method, self.url(t),
                                        self.post_data(t, "a"))
                self.assert_refused(t, response, 403 if sees else 404,
                                    hides=None if sees else "a", before=before, who=user,
                                    method=method)

    def test_other_partnership(self, tenants):
        t = tenants
        for method in self.actions:
            before = self.snapshot(t)
            response = self.request(client_for(t, OTHER_MEMBER), method, self.url(t),
                                    self.post_data(t, "a"))
            self.assert_refused(t, response, 404, hides="a", before=before, who=OTHER_MEMBER,
                                method=method)

    def test_permitted(self, tenants):
        t = tenants
        # Reads first: a POST may change what they show.
        for method in sorted(self.actions, key=lambda m: m != "GET"):
            user = MAY[self.actions[method]][0]
            before = self.snapshot(t)
            response = self.request(client_for(t, user), method, self.url(t),
                                    self.post_data(t, "a"))
            wanted = self.ok[method]
            assert response.status_code == wanted, (
                f"{method} {self.url_name} as {user}: {response.status_code}, not {wanted}"
                + (f" ({response.context['form'].errors.as_data()})"
                   if response.context and "form" in response.context else ""))
            if method == "POST":
                after = self.snapshot(t)
                assert after[0] != before[0], f"POST {self.url_name} as {user} changed nothing"
                assert after[1] == before[1], f"POST {self.url_name} changed partnership B"


class ScopedObjectViewCase(ScopedViewCase):
    """A page of one object: `url_kwargs` gives its `pk`."""

    def test_object_of_other_partnership(self, tenants):
        t = tenants
        theirs = self.kwargs_for(t, "b")["pk"]
        url = reverse(self.url_name, kwargs={**self.kwargs_for(t, "a"), "pk": theirs})
        for method, action in self.actions.items():
            user = MAY[action][0]
            before = self.snapshot(t)
            response = self.request(client_for(t, user), method, url, self.post_data(t, "b"))
            self.assert_refused(t, response, 404, hides="b", before=before, who=user,
                                method=f"{method} (B's object)")


def all_cases() -> dict[str, type[ScopedViewCase]]:
    """Every declared case by URL name (the modules declaring them must be imported)."""
    found: dict[str, type[ScopedViewCase]] = {}
    pending = list(ScopedViewCase.__subclasses__())
    while pending:
        case = pending.pop()
        pending.extend(case.__subclasses__())
        if "url_name" in vars(case):
            assert case.url_name not in found, f"two cases for {case.url_name}"
            found[case.url_name] = case
    return found
