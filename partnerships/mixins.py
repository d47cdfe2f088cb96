"""The base of every page that belongs to one partnership. Other apps' views use it."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from . import access

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class PartnershipViewMixin(LoginRequiredMixin):
    """Resolves the `partnership_slug` URL argument for the signed-in user.

    A partnership the user cannot see is a 404, never a 403 that confirms it exists. Within a
    partnership the user can see, a request needing an action their role lacks is a 403.
    `read_action` guards GET and HEAD; `write_action` guards every other method.
    """

    read_action: str = access.VIEW
    write_action: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        slug = kwargs["partnership_slug"]
        self.actions = access.actions_for(request.user, slug)
        if access.VIEW not in self.actions:
            raise Http404("No such partnership")
        needed = self.read_action if request.method in SAFE_METHODS else self.write_action
        if needed is None:
            return self.http_method_not_allowed(request, *args, **kwargs)
        if needed not in self.actions:
            raise PermissionDenied
        self.partnership = access.partnership_for_user(request.user, slug, needed)
        return super().dispatch(request, *args, **kwargs)

    def scoped(self, model: type[models.Model], action: str = access.VIEW) -> models.QuerySet:
        """`model`'s rows in this partnership that the user may take `action` on."""
        return model.objects.for_user(self.request.user, action).filter(
            partnership=self.partnership
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["partnership"] = self.partnership
        context["can"] = {action: action in self.actions for action in access.ACTIONS}
        return context
