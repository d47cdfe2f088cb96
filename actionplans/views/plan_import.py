"""The plan as a spreadsheet: exported, and imported back (uploaded, previewed, then
confirmed or dropped)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView, View

from outcomes.importers import FileProblem
from partnerships import access

from .. import selectors, spreadsheet
from ..forms import PlanImportApplyForm, PlanUploadForm
from ..models import PlanImport
from ..services.plan_import import (
    StalePreview,
    plan_import_apply,
    plan_import_cancel,
    plan_import_refresh,
    plan_import_start,
)
from .base import PlanViewMixin

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PlanExportView(PlanViewMixin, View):
    """The plan as a spreadsheet that imports back unchanged."""

    write_action = None

    def get(self, request, *args, **kwargs):
        if self.get_plan() is None:
            raise Http404("No plan yet")
        rows = selectors.plan_rows(partnership=self.partnership, user=request.user)
        if kwargs["format"] == "xlsx":
            body = spreadsheet.write_xlsx(rows, sheet_title="Action plan")
            content_type = XLSX
        else:
            body, content_type = spreadsheet.write_csv(rows), "text/csv; charset=utf-8"
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="{self.partnership.slug}-action-plan.{kwargs["format"]}"')
        return response


class PlanImportMixin(PlanViewMixin):
    read_action = access.EDIT_PLAN

    def get_import(self) -> PlanImport:
        return self.get_scoped(PlanImport.objects.select_related("created_by"),
                               access.EDIT_PLAN, pk=self.kwargs["pk"])

    def import_url(self, plan_import) -> str:
        return reverse("actionplans:plan_import", args=[self.partnership.slug, plan_import.pk])


class PlanImportNewView(PlanImportMixin, FormView):
    template_name = "actionplans/import_upload.html"
    form_class = PlanUploadForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = spreadsheet.COLUMNS
        context["plan"] = self.get_plan()
        context["imports"] = selectors.plan_imports(partnership=self.partnership,
                                                    user=self.request.user)[:20]
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            plan_import = plan_import_start(
                partnership=self.partnership, user=self.request.user, file_name=upload.name,
                data=upload.read())
        except FileProblem as error:
            form.add_error("file", str(error)[:1].upper() + str(error)[1:])
            return self.form_invalid(form)
        return HttpResponseRedirect(self.import_url(plan_import))


class PlanImportDetailView(PlanImportMixin, FormView):
    """An import's page: what the file would do or did, with its rejected rows. POSTed to,
    it applies the previewed import (rejected rows must be accepted first)."""

    template_name = "actionplans/import_detail.html"
    form_class = PlanImportApplyForm

    def get(self, request, *args, **kwargs):
        self.plan_import = self.get_import()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.plan_import = self.get_import()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(),
                "rejected": self.plan_import.summary.get("rejected", 0)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        summary = self.plan_import.summary
        changes = summary.get("changes", [])
        context.update(plan_import=self.plan_import, summary=summary,
                       changed=[c for c in changes if c.get("kind") == "changed"],
                       added=[c for c in changes if c.get("kind") == "added"])
        return context

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        try:
            plan_import = plan_import_apply(
                plan_import=self.plan_import, user=self.request.user,
                accept_valid=form.cleaned_data["accept_valid"])
        except StalePreview as error:
            # Checked again against the plan as it is now, to read before confirming.
            plan_import_refresh(plan_import=self.plan_import, user=self.request.user)
            messages.error(self.request, error.messages[0].replace(
                "Check the file again to see what it would do now.",
                "Below is what it would do now: check it, then import it again."))
            return HttpResponseRedirect(self.import_url(self.plan_import))
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return HttpResponseRedirect(self.import_url(self.plan_import))
        except FileProblem as error:
            messages.error(self.request, f"The file cannot be imported: {error}.")
            return HttpResponseRedirect(self.import_url(self.plan_import))
        s = plan_import.summary
        messages.success(self.request, f"Imported: {s['milestones_added']} milestones added, "
                                       f"{s['milestones_changed']} changed, "
                                       f"{s['milestones_unchanged']} unchanged.")
        return HttpResponseRedirect(self.plan_url())


class PlanImportCancelView(PlanImportMixin, TemplateView):
    """GET asks "Are you sure?"; only the POST drops the file."""

    template_name = "actionplans/import_cancel.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "plan_import": self.get_import()}

    def post(self, request, *args, **kwargs):
        plan_import = self.get_import()
        try:
            plan_import_cancel(plan_import=plan_import, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(self.import_url(plan_import))
        messages.success(request, f"{plan_import.file_name} was not imported.")
        return HttpResponseRedirect(reverse("actionplans:plan_import_new",
                                            args=[self.partnership.slug]))
