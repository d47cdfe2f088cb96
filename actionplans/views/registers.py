"""The risk register and the asks: one page for both, and a form for each row."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.generic import TemplateView

from partnerships import access
from partnerships.mixins import add_service_error

from .. import selectors
from ..forms import AskForm, RiskForm
from ..models import Ask, Risk
from ..services.registers import ask_save, risk_save
from .base import PlanFormView, PlanViewMixin


class RisksView(PlanViewMixin, TemplateView):
    write_action = None
    template_name = "actionplans/risks.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["risks"] = selectors.risks(partnership=self.partnership, user=self.request.user)
        context["asks"] = selectors.asks(partnership=self.partnership, user=self.request.user)
        return context


class RegisterFormView(PlanFormView):
    """Adds or changes a risk or an ask through its service, then back to the register."""

    needs_plan = False
    model = None

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        return self.get_scoped(self.model, access.EDIT_PLAN, pk=self.kwargs["pk"])

    def get_initial(self):
        row = self.get_object()
        return model_to_dict(row, fields=self.form_class._meta.fields) if row else {}

    def form_valid(self, form):
        try:
            row = self.save_row(instance=self.get_object(), fields=form.cleaned_data)
        except ValidationError as error:
            return self.form_invalid(add_service_error(form, error))
        messages.success(self.request, f"Saved: {row.title}.")
        return HttpResponseRedirect(reverse("actionplans:risks", args=[self.partnership.slug]))


class RiskFormView(RegisterFormView):
    model = Risk
    form_class = RiskForm

    @property
    def heading(self):
        return "Change the risk" if "pk" in self.kwargs else "Add a risk"

    def save_row(self, *, instance, fields):
        return risk_save(partnership=self.partnership, user=self.request.user, risk=instance,
                         **fields)


class AskFormView(RegisterFormView):
    model = Ask
    form_class = AskForm

    @property
    def heading(self):
        return "Change the ask" if "pk" in self.kwargs else "Add an ask"

    def save_row(self, *, instance, fields):
        return ask_save(partnership=self.partnership, user=self.request.user, ask=instance,
                        **fields)
