"""A lead's weekly email: its day, or off."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from partnerships import access

from .. import selectors
from ..forms import DigestPreferenceForm
from ..services.digests import (
    DRAFT_PLAN_REASON,
    digest_preference_save,
    digest_preview,
    digest_test_send,
)
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
            draft_reason=DRAFT_PLAN_REASON,
            digest=selectors.digest_for(partnership=self.partnership, lead=self.request.user,
                                        today=date_today()),
        )
        return context

    def form_valid(self, form):
        preference = digest_preference_save(
            partnership=self.partnership, user=self.request.user, **form.preference())
        if not preference.enabled:
            text = "You will not get the weekly email."
        elif selectors.plan_is_signed_off(partnership=self.partnership):
            text = f"Your weekly email will come on {preference.get_weekday_display()}s."
        else:
            text = (f"Your weekly email is set for {preference.get_weekday_display()}s. "
                    + DRAFT_PLAN_REASON)
        messages.success(self.request, text)
        return HttpResponseRedirect(reverse("actionplans:digest", args=[self.partnership.slug]))


class DigestPreviewView(PlanViewMixin, TemplateView):
    """The weekly email exactly as it would be sent to the signed-in person today (the same
    templates and context as the send task), whether it would go, and why not. POSTed to,
    it sends them a test of it, to their own address."""

    template_name = "actionplans/digest_preview.html"
    read_action = access.EDIT_PLAN

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        preview = digest_preview(partnership=self.partnership, user=self.request.user,
                                 on=date_today())
        context.update(preview=preview, message=preview.message, draft_reason=DRAFT_PLAN_REASON,
                       preference=selectors.digest_preference(partnership=self.partnership,
                                                              user=self.request.user),
                       **preview.context)
        return context

    def post(self, request, *args, **kwargs):
        try:
            address = digest_test_send(partnership=self.partnership, user=request.user,
                                       on=date_today())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"A test of your weekly email was sent to {address}.")
        return HttpResponseRedirect(reverse("actionplans:digest_preview",
                                            args=[self.partnership.slug]))
