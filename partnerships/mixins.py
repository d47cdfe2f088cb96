"""The base of every page that belongs to one partnership. Other apps' views use it."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, QueryDict

from . import access

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Step-up (ASVS 4.3.3): a view's `step_up` says when it needs a recent sign-in or confirmation
# of who one is. "always": every request (pages that only exist to change something);
# "write": changes only (POST and the like), so the page can be read without. The rule and
# where one confirms are cdp.signin.step_up's; django-allauth's own pages follow the same.
STEP_UP_ALWAYS, STEP_UP_WRITE = "always", "write"
# What a form sent without a recent sign-in held, kept for the page it is sent back to after
# confirming (cdp.signin.step_up writes it): {"path": ..., "data": {field: [values]}}.
KEPT_FORM_SESSION_KEY = "cdp_step_up_form"


def kept_form_data(request) -> QueryDict | None:
    """The fields of the form this page sent before its author was asked to confirm who they
    are, to show again (once); None when there is none for this page."""
    if request.method != "GET" or KEPT_FORM_SESSION_KEY not in request.session:
        return None
    kept = request.session.pop(KEPT_FORM_SESSION_KEY)
    if kept.get("path") != request.path:
        return None
    data = QueryDict(mutable=True)
    for field, values in kept.get("data", {}).items():
        data.setlist(field, values)
    return data


class PartnershipViewMixin(LoginRequiredMixin):
    """Resolves the `partnership_slug` URL argument for the signed-in user.

    A partnership the user cannot see is a 404, never a 403 that confirms it exists. Within a
    partnership the user can see, a request needing an action their role lacks is a 403.
    `read_action` guards GET and HEAD; `write_action` guards every other method.
    """

    read_action: str = access.VIEW
    write_action: str | None = None
    step_up: str | None = None  # STEP_UP_ALWAYS or STEP_UP_WRITE

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        slug = kwargs["partnership_slug"]
        # The partnership and what the user may do there, in one query.
        self.partnership, self.actions = access.partnership_and_actions(request.user, slug)
        if access.VIEW not in self.actions:
            raise Http404("No such partnership")
        needed = self.read_action if request.method in SAFE_METHODS else self.write_action
        if needed is None:
            return self.http_method_not_allowed(request, *args, **kwargs)
        access.require(request.user, slug, needed, held=self.actions)
        handler = super().dispatch
        if self.step_up is not None:
            # Raises allauth's ReauthenticationRequired: cdp.signin.step_up answers it.
            handler = reauthentication_required(handler,
                                                allow_get=self.step_up == STEP_UP_WRITE)
        return handler(request, *args, **kwargs)

    def get_form_kwargs(self):
        """Form views: the form sent before confirming who one is comes back filled in."""
        kwargs = super().get_form_kwargs()
        kept = kept_form_data(self.request) if self.step_up is not None else None
        if kept is not None:
            kwargs["data"] = kept
        return kwargs

    def scoped(self, model: type[models.Model], action: str = access.VIEW) -> models.QuerySet:
        """`model`'s rows in this partnership that the user may take `action` on (decided
        from the actions found at dispatch: no subquery of permissions)."""
        return access.in_partnership(model.objects.all(), self.request.user, self.partnership,
                                     action, held=self.actions)

    def get_scoped(self, source: type[models.Model] | models.QuerySet,
                   action: str = access.VIEW, **lookup):
        """The one row of `source` in this partnership matching `lookup` that the user may
        take `action` on; otherwise 404."""
        queryset = source._default_manager.all() if isinstance(source, type) else source
        return access.get_in_partnership(queryset, self.request.user, self.partnership,
                                         action, held=self.actions, **lookup)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["partnership"] = self.partnership
        context["can"] = {action: action in self.actions for action in access.ACTIONS}
        return context


def add_service_error(form, error: ValidationError):
    """Puts a service's ValidationError on `form`: each message on the field it names where
    the form has that field, and on the whole form otherwise. Returns the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            for text in messages:
                form.add_error(field if field in form.fields else None, text)
    else:
        for text in error.messages:
            form.add_error(None, text)
    return form
