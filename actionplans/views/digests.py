"""A lead's weekly email: its day, or off."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.generic import FormView

from partnerships import access

from .. import selectors
from ..forms import DigestPreferenceForm
from ..services.digests import digest_preference_save
from .base import PlanViewMixin, date_today


class DigestPreferenceView(PlanViewMixin, FormView):
    """A lead's weekly email in this partnership: its day or off, and what it would list
    today. Open to everyone who may edit the plan: the email goes to each key action's lead."""

    template_name = "actionplans/digest.html"
    read_action = access.EDIT_PLAN
    form_class = DigestPreferenceForm

    def get_preference(self):
        if not hasattr(self, "_preference"):
            self._preference = selectors.digest_preference(partnership=self.partnership,
                                                           user=self.request.user)
        return self._preference

    def get_initial(self):
        return self.get_form_class().initial_for(self.get_preference())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        preference = self.get_preference()
        context.update(
            preference=preference,
            signed_off=selectors.plan_is_signed_off(partnership=self.partnership),
            digest=selectors.digest_for(partnership=self.partnership, lead=self.request.user,
                                        today=date_today()),
        )
        return context

    def form_valid(self, form):
        preference = digest_preference_save(
            partnership=self.partnership, user=self.request.user, **form.preference())
        messages.success(self.request, (
            f"Your weekly email will come on {preference.get_weekday_display()}s."
            if preference.enabled else "You will not get the weekly email."))
        return HttpResponseRedirect(reverse("actionplans:digest", args=[self.partnership.slug]))
