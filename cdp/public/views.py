"""The public page at /p/<slug>/, its preview and its settings page.

The public page holds nothing per user: it is rendered from the partnership's published
settings alone, without the request (so no context processors: no user, no messages, no
CSRF token, and the session is never touched, so no `Vary: Cookie`), and cached whole in
Django's cache under a key made of everything it shows (`selectors.public_page_version`):
a warm hit is that one query and a cache read. Any change to what it shows changes the key;
stale entries are never read again and expire.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe
from django.views.generic import FormView, View

from cdp import fragments
from cdp.models import PublicPage
from partnerships import access
from partnerships.mixins import STEP_UP_WRITE, PartnershipViewMixin

from . import selectors, services
from .forms import PublicPageForm

log = logging.getLogger(__name__)

TEMPLATE = "cdp/public/page.html"
CACHE_SECONDS = 24 * 3600
# The code that shapes the page: a release that changes any of it changes every page's key.
SHAPING = ["templates/cdp/public", "templates/cdp/_figure.html", "templates/includes",
           "cdp/public", "cdp/dashboards.py", "outcomes/charts", "outcomes/stats.py",
           "outcomes/periods.py", "actionplans/selectors.py", "actionplans/aggregates.py"]


def code_fingerprint() -> str:
    """A digest of the templates and modules that shape the page, taken once per process."""
    return fragments.code_fingerprint(tuple(SHAPING))


def cache_key(version: dict, today) -> str:
    """The server-side cache's key for a published page: it changes when anything the page
    shows changes, on a new day (overdue milestones, targets), with a release that changes
    the code that shapes it (`code_fingerprint`) and with new assets (their hashed names)."""
    parts = [code_fingerprint(), today.isoformat(), static("build/app.css"),
             static("js/charts.js"), *(str(version[k]) for k in sorted(version))]
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]
    return f"public-page:{version['partnership_id']}:{digest}"


def render_public_page(*, partnership_id: int, today, preview: bool = False) -> str:
    content = selectors.public_page_content(partnership_id=partnership_id, today=today)
    return render_to_string(TEMPLATE, {**content, "preview": preview})


@require_safe
def public_page(request, partnership_slug: str) -> HttpResponse:
    """A partnership's published page, for anyone. Not published, or no such partnership:
    the same 404."""
    version = selectors.public_page_version(slug=partnership_slug)
    if version is None:
        raise Http404("No such partnership")
    today = timezone.localdate()
    key = cache_key(version, today)
    # Browsers and shared caches keep the page but ask again each time (no-cache): the answer
    # is then the one version query and a 304 while nothing on it has changed, and an
    # unpublished page is gone at once, not after an age.
    etag = f'"{key.rsplit(":", 1)[1]}"'
    unchanged = get_conditional_response(request, etag=etag)
    if unchanged is not None:
        return _cache_headers(request, unchanged, etag)
    try:
        html = cache.get(key)
    except Exception:  # noqa: BLE001 - the cache is down: render it, slower
        log.warning("public page: the cache cannot be reached", exc_info=True)
        html, key = None, None
    if html is None:
        html = render_public_page(partnership_id=version["partnership_id"], today=today)
        if key is not None:
            try:
                cache.set(key, html, CACHE_SECONDS)
            except Exception:  # noqa: BLE001
                log.warning("public page: the cache cannot be reached", exc_info=True)
    return _cache_headers(request, HttpResponse(html), etag)


def _cache_headers(request, response: HttpResponse, etag: str) -> HttpResponse:
    """A request carrying a session (a member signed in) may get its session cookie renewed
    on the way out (each page a member opens renews their session: cdp/sessions.py): such an
    answer is for them only. The page itself is the same for everyone, so no Vary header."""
    shared = settings.SESSION_COOKIE_NAME not in request.COOKIES
    response["ETag"] = etag
    patch_cache_control(response, **{"public" if shared else "private": True}, no_cache=True)
    return response


class PublicPageSettingsView(PartnershipViewMixin, FormView):
    """The administrator chooses whether the page is published and what it shows."""

    template_name = "cdp/public/settings.html"
    form_class = PublicPageForm
    read_action = access.PUBLISH
    write_action = access.PUBLISH
    step_up = STEP_UP_WRITE  # publishing, or changing what is public

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        self.choices = selectors.publication_choices(partnership=self.partnership,
                                                     user=self.request.user)
        kwargs["choices"] = self.choices
        return kwargs

    def get_initial(self):
        self.page = selectors.public_page_settings(partnership=self.partnership,
                                                   user=self.request.user)
        return PublicPageForm.initial_for(self.page)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = self.page
        # Published documents the page shows by title only: the register is where a link is
        # added.
        published = {d.pk for d in self.page.documents.all()} if self.page else set()
        context["unlinked_documents"] = [d for d in self.choices["documents"]
                                         if d.pk in published and not d.link]
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        page = services.public_page_save(
            partnership=self.partnership, user=self.request.user,
            published=data["published"],
            **{name: name in data["sections"] for name in services.SECTIONS},
            documents=data["documents"], milestones=data["milestones"], risks=data["risks"],
            metrics=data["metrics"],
        )
        messages.success(self.request, published_summary(page))
        return HttpResponseRedirect(reverse("public_page_settings",
                                            kwargs={"partnership_slug": self.partnership.slug}))


def published_summary(page) -> str:
    """What is public now, in a sentence."""
    if not page.published:
        return "The public page is not published: nobody can see it."
    shown = [label for flag, label in (
        (page.show_members, "members and named roles"), (page.show_plan, "plan progress"),
        (page.show_documents, f"{_count(page.documents.count(), 'document')}"),
        (page.show_metrics, "headline metrics"
         + (f" and {_count(page.metrics.count(), 'other metric')}"
            if page.metrics.exists() else "")),
    ) if flag]
    marked = [_count(n, word) for n, word in ((page.milestones.count(), "milestone"),
                                              (page.risks.count(), "risk")) if n]
    text = f"The public page is published at /p/{page.partnership.slug}/. It shows "
    text += ", ".join(shown) if shown else "no sections"
    text += "; marked public one by one: " + " and ".join(marked) if marked else ""
    return text + "."


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class PublicPagePreviewView(PartnershipViewMixin, View):
    """The page as it is (or would be) published, for the administrator: never cached."""

    read_action = access.PUBLISH

    def get(self, request, *args, **kwargs):
        self.get_scoped(PublicPage, access.PUBLISH)  # nothing chosen yet: not found
        html = render_public_page(partnership_id=self.partnership.pk,
                                  today=timezone.localdate(), preview=True)
        response = HttpResponse(html)
        patch_cache_control(response, private=True, no_store=True)
        return response
