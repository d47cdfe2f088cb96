"""The base of every page that belongs to one partnership. Other apps' views use it."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404

from . import access
from .models import Partnership

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
        access.require(request.user, slug, needed, held=self.actions)
        self.partnership = access.get_for_user(
            Partnership.objects.select_related("region"), request.user, needed, slug=slug)
        return super().dispatch(request, *args, **kwargs)

    def scoped(self, model: type[models.Model], action: str = access.VIEW) -> models.QuerySet:
        """`model`'s rows in this partnership that the user may take `action` on."""
        return model.objects.for_user(self.request.user, action).filter(
            partnership=self.partnership
        )

    def get_scoped(self, source: type[models.Model] | models.QuerySet,
                   action: str = access.VIEW, **lookup):
        """The one row of `source` in this partnership matching `lookup` that the user may
        take `action` on; otherwise 404."""
        queryset = source._default_manager.all() if isinstance(source, type) else source
        field = getattr(queryset.model, "partnership_field", "partnership")
        return access.get_for_user(queryset, self.request.user, action,
                                   **{field: self.partnership}, **lookup)

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
