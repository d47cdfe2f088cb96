"""What the action plan's pages share: members read the plan, leads and administrators
change it, each change through one service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView

from partnerships import access
from partnerships.mixins import PartnershipViewMixin, add_service_error

from .. import selectors


def date_today():
    """Today where the partnership is (settings.TIME_ZONE), not on the server's clock."""
    return timezone.localdate()


class PlanViewMixin(PartnershipViewMixin):
    """Members read the plan; leads and administrators change it."""

    read_action = access.VIEW
    write_action = access.EDIT_PLAN

    def plan_url(self) -> str:
        return reverse("actionplans:plan", args=[self.partnership.slug])

    def get_plan(self):
        if not hasattr(self, "_plan"):
            self._plan = selectors.action_plan(partnership=self.partnership,
                                               user=self.request.user)
        return self._plan


class PlanFormView(PlanViewMixin, FormView):
    """A form that changes the plan through one service, then goes back to the plan."""

    template_name = "actionplans/form.html"
    heading = ""
    needs_plan = True
    read_action = access.EDIT_PLAN

    def get(self, request, *args, **kwargs):
        if self.needs_plan and self.get_plan() is None:
            return self.no_plan_yet()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.needs_plan and self.get_plan() is None:
            return self.no_plan_yet()
        return super().post(request, *args, **kwargs)

    def no_plan_yet(self):
        messages.info(self.request, "Set up the plan first: its title and the years it covers.")
        return HttpResponseRedirect(reverse("actionplans:plan_edit", args=[self.partnership.slug]))

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, plan=self.get_plan(), **kwargs)

    def form_valid(self, form):
        try:
            message, url = self.save(form.cleaned_data)
        except ValidationError as error:
            return self.form_invalid(add_service_error(form, error))
        messages.success(self.request, message)
        return HttpResponseRedirect(url or self.plan_url())
