"""The national admins' page of the Fingertips sync: each indicator's state, "Sync now", and
adding an indicator. Anyone else gets a 404: the page is not theirs to know of."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Layout
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import TemplateView

from partnerships import access

from .fingertips.selectors import sync_indicator_list, sync_status
from .models import FingertipsIndicator
from .models.sync import COUNTIES_AND_UAS_FROM_2023, ENGLAND, REGIONS
from .services.background import tasks_run_in_process


class IndicatorAddForm(forms.Form):
    indicator_id = forms.IntegerField(
        label="Fingertips indicator id", min_value=1, max_value=10_000_000,
        help_text="As in the indicator's address on Fingertips, for example 92432.")
    child_area_type_id = forms.IntegerField(
        label="Area type id", min_value=1, max_value=32_767, initial=COUNTIES_AND_UAS_FROM_2023,
        help_text="Pinned: 502 counties and unitary authorities from April 2023; 402, 302 and "
                  "202 for series that ended with older boundaries.")
    parent_area_type_id = forms.TypedChoiceField(
        label="Compared with", coerce=int, initial=REGIONS,
        choices=[(REGIONS, "Regions (6): each area's region, as Fingertips publishes it"),
                 (ENGLAND, "England only (15)")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("indicator_id", field_width=Fixed.TEN),
            Field.text("child_area_type_id", field_width=Fixed.FIVE),
            Field.radios("parent_area_type_id"),
            Button("add", "Add the indicator", css_class="govuk-button--secondary"),
        )


class FingertipsSyncView(LoginRequiredMixin, TemplateView):
    template_name = "outcomes/fingertips_sync.html"
    http_method_names = ["get", "head", "post"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access.is_national(request.user):
            raise Http404("No such page.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(indicators=sync_indicator_list(), status=sync_status(),
                       form=kwargs.get("form") or IndicatorAddForm(),
                       in_process=tasks_run_in_process())
        return context

    def post(self, request, *args, **kwargs):
        from .services import sync  # the HTTP client loads only where it is used

        if "indicator_id" in request.POST:
            form = IndicatorAddForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(form=form), status=400)
            try:
                added = sync.sync_indicator_add(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error("indicator_id", error)
                return self.render_to_response(self.get_context_data(form=form), status=400)
            messages.success(request, f"Indicator {added.indicator_id} added: the next sync "
                                      f"fetches it.")
            return HttpResponseRedirect(reverse("fingertips_sync"))
        return self._sync_now(request, sync)

    def _sync_now(self, request, sync):
        from . import tasks

        one = None
        if request.POST.get("indicator"):
            one = FingertipsIndicator.objects.filter(pk=request.POST["indicator"]).first()
            if one is None:
                raise Http404("No such indicator.")
        restarted = sync.sync_restart(user=request.user, indicator=one)
        ids = [one.indicator_id] if one else None
        note = f" {restarted} stopped indicator{'s' if restarted != 1 else ''} restarted." \
            if restarted else ""
        if tasks_run_in_process():  # no broker (the embedded default): here and now
            messages.success(request, f"Synced now: {_says(tasks.sync_fingertips(ids))}.{note}")
            return HttpResponseRedirect(reverse("fingertips_sync"))
        try:
            tasks.sync_fingertips.delay(ids)
        except Exception:  # noqa: BLE001 - the broker does not answer
            messages.error(request, "The sync could not start: the task queue is not "
                                    f"answering. Try again in a few minutes.{note}")
        else:
            messages.success(request, "Sync started: this page shows each indicator's state "
                                      f"once it has run.{note}")
        return HttpResponseRedirect(reverse("fingertips_sync"))


def _says(outcome: dict) -> str:
    if "skipped" in outcome:
        return "another sync is running"
    return ", ".join(f"{n} {action}" for action, n in outcome.items()) or "nothing to do"
