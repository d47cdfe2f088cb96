"""The action plan's pages: thin, through selectors and services. Leads edit; everyone reads."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView, View

from outcomes.selectors import metrics_for_entry
from partnerships import access
from partnerships.mixins import PartnershipViewMixin
from partnerships.models import Organisation

from . import selectors, services
from .forms import (
    ActionPlanForm,
    AskForm,
    KeyActionForm,
    MilestoneForm,
    ObjectiveForm,
    ProgressForm,
    RiskForm,
)
from .models import Ask, KeyAction, Milestone, MilestoneStatus, Objective, Risk


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

    def add_errors(self, form, error: ValidationError):
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                for text in errors:
                    form.add_error(field if field in form.fields else None, text)
        else:
            form.add_error(None, error)
        return self.form_invalid(form)


class PlanView(PlanViewMixin, TemplateView):
    write_action = None
    template_name = "actionplans/plan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.get_plan()
        grouping = "strand" if self.request.GET.get("group") == "strand" else "priority"
        context.update(plan=plan, grouping=grouping)
        if plan is not None:
            context.update(selectors.plan_page(
                partnership=self.partnership, user=self.request.user, plan=plan,
                params=self.request.GET, grouping=grouping))
            query = self.request.GET.copy()
            query.pop("group", None)
            context["filter_query"] = query.urlencode()
            context["filtered"] = any(v for k, v in self.request.GET.items() if k != "group")
            context["years"] = [(y, plan.year_label(y)) for y in range(1, plan.years + 1)]
            context["milestone_base"] = f"{self.plan_url()}milestones/"
        return context


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
            return self.add_errors(form, error)
        messages.success(self.request, message)
        return HttpResponseRedirect(url or self.plan_url())


class PlanEditView(PlanFormView):
    form_class = ActionPlanForm
    needs_plan = False

    @property
    def heading(self):
        return "Change the plan's details" if self.get_plan() else "Set up the action plan"

    def get_initial(self):
        plan = self.get_plan()
        if plan is None:
            return {"title": f"{self.partnership.name} action plan", "years": 3,
                    "status": "draft"}
        return {name: getattr(plan, name) for name in (
            "title", "first_year", "years", "status", "signed_off_on", "signed_off_by")}

    def save(self, data):
        plan = services.action_plan_save(partnership=self.partnership, user=self.request.user,
                                         **data)
        return f"Plan saved: {plan.title}, {plan.span}.", None


class ObjectiveCreateView(PlanFormView):
    form_class = ObjectiveForm
    heading = "Add an objective"

    def save(self, data):
        objective = services.objective_create(plan=self.get_plan(), user=self.request.user,
                                              **data)
        return f"Objective added: {objective.title}.", None


class KeyActionCreateView(PlanFormView):
    form_class = KeyActionForm
    heading = "Add a key action"

    def get_form_kwargs(self):
        from partnerships.selectors import member_users

        kwargs = super().get_form_kwargs()
        kwargs["objectives"] = self.scoped(Objective, access.EDIT_PLAN)
        kwargs["members"] = member_users(partnership=self.partnership, user=self.request.user)
        kwargs["organisations"] = self.scoped(Organisation).order_by("name")
        return kwargs

    def save(self, data):
        action = services.key_action_create(user=self.request.user, **data)
        return f"Key action added: {action.title}.", None


class MilestoneCreateView(PlanFormView):
    form_class = MilestoneForm
    heading = "Add a milestone"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["plan"] = self.get_plan()
        kwargs["metrics"] = metrics_for_entry(partnership=self.partnership,
                                              user=self.request.user)
        kwargs["key_actions"] = (self.scoped(KeyAction, access.EDIT_PLAN)
                                 .select_related("objective").order_by("objective__order",
                                                                       "order"))
        return kwargs

    def save(self, data):
        milestone = services.milestone_create(user=self.request.user, **data)
        return "Milestone added.", milestone_url(milestone)


def milestone_url(milestone: Milestone) -> str:
    return reverse("actionplans:milestone", args=[milestone.partnership.slug, milestone.pk])


class MilestoneMixin(PlanViewMixin):
    def get_milestone(self) -> Milestone:
        if not hasattr(self, "milestone"):
            try:
                self.milestone = selectors.milestone_detail(
                    partnership=self.partnership, user=self.request.user, pk=self.kwargs["pk"])
            except Milestone.DoesNotExist:
                raise Http404("No such milestone") from None
        return self.milestone


class MilestoneDetailView(MilestoneMixin, TemplateView):
    write_action = None
    template_name = "actionplans/milestone.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        milestone = self.get_milestone()
        plan = milestone.key_action.objective.plan
        selectors.annotate_due([milestone], plan, date_today())
        context.update(milestone=milestone, plan=plan,
                       history=selectors.milestone_history(milestone=milestone))
        return context


def date_today():
    """Today where the partnership is (settings.TIME_ZONE), not on the server's clock."""
    return timezone.localdate()


class MilestoneEditMixin(MilestoneMixin):
    """Saves an edit made from a version of the milestone. If someone else saved it in the
    meantime, the edit is refused and the page shows their version beside the editor's, with
    the editor's text kept in the form: nothing is lost, and nothing is merged silently."""

    template_name = "actionplans/milestone_form.html"
    read_action = access.EDIT_PLAN

    def get_context_data(self, **kwargs):
        milestone = self.get_milestone()
        return super().get_context_data(milestone=milestone, heading=self.heading, **kwargs)

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version")
        milestone = self.get_milestone()
        proposed = dict(data)  # `update` takes the file out of `data`; the conflict needs it
        try:
            self.update(milestone, version, data)
        except services.StaleEdit as stale:
            return self.conflict(form, stale.current, proposed)
        except ValidationError as error:
            for field, errors in getattr(error, "message_dict", {None: error.messages}).items():
                for text in errors:
                    form.add_error(field if field in form.fields else None, text)
            return self.form_invalid(form)
        messages.success(self.request, "Milestone saved.")
        return HttpResponseRedirect(milestone_url(milestone))

    def conflict(self, form, current: Milestone, data: dict):
        current.refresh_from_db()
        latest = current.history.select_related("history_user").first()
        who = latest.history_user if latest else None
        # The form keeps the editor's values; saving again means "keep mine" knowingly.
        values = form.data.copy()
        values["version"] = str(current.version)
        again = self.get_form_class()(values, **{k: v for k, v in self.get_form_kwargs().items()
                                                 if k not in ("data", "files")})
        again.is_valid()
        theirs = [(label, value(current)) for label, value in self.compared]
        yours = [(label, value(_Proposed(current, data))) for label, value in self.compared]
        return self.render_to_response(self.get_context_data(
            form=again,
            conflict={
                "who": (who.get_full_name() or who.username) if who else "Someone",
                "when": latest.history_date if latest else current.updated_at,
                "rows": [(label, t, y, t != y) for (label, t), (_, y) in zip(theirs, yours,
                                                                               strict=True)],
                "lost_file": bool(data.get("evidence_file")),
            },
        ), status=409)


class _Proposed:
    """The milestone as the stale edit would have left it, for the side-by-side view."""

    def __init__(self, current: Milestone, data: dict):
        self._current, self._data = current, data

    def __getattr__(self, name):
        if name in self._data:
            return self._data[name]
        return getattr(self._current, name)

    def get_status_display(self):
        return dict(MilestoneStatus.choices).get(self.status, self.status)


def _text_date(value) -> str:
    return f"{value:%-d %B %Y}" if value else "None"


class MilestoneProgressView(MilestoneEditMixin, FormView):
    form_class = ProgressForm
    heading = "Update progress"
    compared = [
        ("Status", lambda m: m.get_status_display()),
        ("Progress", lambda m: m.progress_note or "None"),
        ("Date of update", lambda m: _text_date(m.progress_on)),
        ("Link to evidence", lambda m: m.evidence_link or "None"),
    ]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["has_file"] = bool(self.get_milestone().evidence_file)
        return kwargs

    def get_initial(self):
        milestone = self.get_milestone()
        return {"version": milestone.version, "status": milestone.status,
                "progress_note": milestone.progress_note, "progress_on": date_today(),
                "evidence_link": milestone.evidence_link}

    def update(self, milestone, version, data):
        upload = data.pop("evidence_file", None)
        remove = data.pop("remove_evidence_file", False)
        if (services._clean_text(data["progress_note"]) == milestone.progress_note
                and data["status"] == milestone.status):
            # No new update: the form's date (today, by default) does not re-date the old one.
            data.pop("progress_on")
        services.milestone_update(milestone=milestone, user=self.request.user, version=version,
                                  changes=data, evidence_file=upload,
                                  remove_evidence_file=remove)


class MilestoneDetailsView(MilestoneEditMixin, FormView):
    form_class = MilestoneForm
    heading = "Change the milestone's details"
    compared = [
        ("Milestone", lambda m: m.title),
        ("Due date", lambda m: _text_date(m.due_date)),
        ("Plan year", lambda m: str(m.plan_year or "None")),
    ]

    def get_form_class(self):
        base = MilestoneForm

        class VersionedMilestoneForm(base):
            version = ProgressForm.base_fields["version"]

        return VersionedMilestoneForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        milestone = self.get_milestone()
        kwargs["plan"] = milestone.key_action.objective.plan
        kwargs["metrics"] = metrics_for_entry(partnership=self.partnership,
                                              user=self.request.user)
        return kwargs

    def get_initial(self):
        milestone = self.get_milestone()
        return {"version": milestone.version, "title": milestone.title,
                "due_date": milestone.due_date,
                "plan_year": None if milestone.due_date else milestone.plan_year,
                "metrics": list(milestone.metrics.all())}

    def update(self, milestone, version, data):
        metrics = data.pop("metrics")
        services.milestone_update(milestone=milestone, user=self.request.user, version=version,
                                  changes=data, metrics=metrics)


class MilestoneEvidenceView(MilestoneMixin, View):
    """The uploaded evidence, to members only: uploads are never served from the web root."""

    write_action = None

    def get(self, request, *args, **kwargs):
        milestone = self.get_milestone()
        if not milestone.evidence_file:
            raise Http404("No evidence file")
        name = milestone.evidence_file_name or milestone.evidence_file.name
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return FileResponse(milestone.evidence_file.open("rb"), as_attachment=True,
                            filename=name, content_type=content_type)


# --- Risks and asks ------------------------------------------------------------------------
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
        try:
            return self.scoped(self.model, access.EDIT_PLAN).get(pk=self.kwargs["pk"])
        except self.model.DoesNotExist:
            raise Http404("Not found") from None

    def get_initial(self):
        from django.forms.models import model_to_dict

        row = self.get_object()
        return model_to_dict(row, fields=self.form_class._meta.fields) if row else {}

    def form_valid(self, form):
        try:
            row = self.save_row(instance=self.get_object(), fields=form.cleaned_data)
        except ValidationError as error:
            return self.add_errors(form, error)
        messages.success(self.request, f"Saved: {row.title}.")
        return HttpResponseRedirect(reverse("actionplans:risks", args=[self.partnership.slug]))


class RiskFormView(RegisterFormView):
    model = Risk
    form_class = RiskForm

    @property
    def heading(self):
        return "Change the risk" if "pk" in self.kwargs else "Add a risk"

    def save_row(self, *, instance, fields):
        return services.risk_save(partnership=self.partnership, user=self.request.user,
                                  risk=instance, **fields)


class AskFormView(RegisterFormView):
    model = Ask
    form_class = AskForm

    @property
    def heading(self):
        return "Change the ask" if "pk" in self.kwargs else "Add an ask"

    def save_row(self, *, instance, fields):
        return services.ask_save(partnership=self.partnership, user=self.request.user,
                                 ask=instance, **fields)


# --- The annual progress report ------------------------------------------------------------
class ReportMixin(PlanViewMixin):
    write_action = None
    def report(self):
        plan = self.get_plan()
        if plan is None:
            raise Http404("No plan yet")
        default = selectors.default_report_year(plan)
        self.year_problem = ""
        try:
            year = int(self.request.GET.get("year", default))
        except ValueError:
            year = None
        if year is None or not 1 <= year <= plan.years:
            self.year_problem = (f"There is no year {self.request.GET.get('year')!s} in this "
                                 f"plan; it has years 1 to {plan.years}.")
            year = default
        return plan, selectors.annual_report(partnership=self.partnership,
                                             user=self.request.user, plan=plan, year=year)


class ReportView(ReportMixin, TemplateView):
    template_name = "actionplans/report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan, report = self.report()
        context.update(plan=plan, report=report, year_problem=self.year_problem)
        return context


class ReportCsvView(ReportMixin, View):
    """The report's milestones, one row each, for a spreadsheet."""

    def get(self, request, *args, **kwargs):
        import csv

        from django.http import HttpResponse

        from partnerships.csvsafe import escape_formula

        plan, report = self.report()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{self.partnership.slug}-progress-year-{report["year"]}.csv"')
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(["plan_year", "priority", "strand", "objective", "key_action",
                         "milestone", "due", "status", "progress_category", "progress_date",
                         "progress", "performance_measures"])
        labels = dict(selectors.REPORT_CATEGORIES)
        for m in report["milestones"]:
            objective = m.key_action.objective
            writer.writerow([escape_formula(v) for v in [
                report["year_label"], objective.get_priority_display(),
                objective.get_strand_display(), objective.title, m.key_action.title, m.title,
                m.due_by.isoformat() if m.due_by else "", m.get_status_display(),
                labels[m.category], m.progress_on.isoformat() if m.progress_on else "",
                m.progress_note, "; ".join(metric.code for metric in m.metrics.all()),
            ]])
        return response


# --- Export and import ---------------------------------------------------------------------
class PlanExportView(PlanViewMixin, View):
    """The plan as a spreadsheet that imports back unchanged."""

    write_action = None

    def get(self, request, *args, **kwargs):
        from django.http import HttpResponse

        from . import spreadsheet

        if self.get_plan() is None:
            raise Http404("No plan yet")
        rows = selectors.plan_rows(partnership=self.partnership, user=request.user)
        if kwargs["format"] == "xlsx":
            body = spreadsheet.write_xlsx(rows, sheet_title="Action plan")
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            body, content_type = spreadsheet.write_csv(rows), "text/csv; charset=utf-8"
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="{self.partnership.slug}-action-plan.{kwargs["format"]}"')
        return response


class PlanImportMixin(PlanViewMixin):
    read_action = access.EDIT_PLAN

    def get_import(self):
        from .models import PlanImport

        try:
            return self.scoped(PlanImport, access.EDIT_PLAN).select_related("created_by").get(
                pk=self.kwargs["pk"])
        except PlanImport.DoesNotExist:
            raise Http404("No such import") from None

    def import_url(self, plan_import) -> str:
        return reverse("actionplans:plan_import", args=[self.partnership.slug, plan_import.pk])


class PlanImportNewView(PlanImportMixin, FormView):
    template_name = "actionplans/import_upload.html"

    def get_form_class(self):
        from .forms import PlanUploadForm

        return PlanUploadForm

    def get_context_data(self, **kwargs):
        from .spreadsheet import COLUMNS

        context = super().get_context_data(**kwargs)
        context["columns"] = COLUMNS
        context["plan"] = self.get_plan()
        context["imports"] = selectors.plan_imports(partnership=self.partnership,
                                                    user=self.request.user)[:20]
        return context

    def form_valid(self, form):
        from outcomes.importers import FileProblem

        upload = form.cleaned_data["file"]
        try:
            plan_import = services.plan_import_start(
                partnership=self.partnership, user=self.request.user, file_name=upload.name,
                data=upload.read())
        except FileProblem as error:
            form.add_error("file", str(error)[:1].upper() + str(error)[1:])
            return self.form_invalid(form)
        return HttpResponseRedirect(self.import_url(plan_import))


class PlanImportDetailView(PlanImportMixin, TemplateView):
    write_action = None
    template_name = "actionplans/import_detail.html"

    def get_context_data(self, **kwargs):
        from .forms import PlanImportApplyForm

        context = super().get_context_data(**kwargs)
        plan_import = kwargs.get("plan_import") or self.get_import()
        context.update(
            plan_import=plan_import, summary=plan_import.summary,
            form=kwargs.get("form") or PlanImportApplyForm(
                rejected=plan_import.summary.get("rejected", 0)))
        return context


class PlanImportApplyView(PlanImportMixin, View):
    def post(self, request, *args, **kwargs):
        from outcomes.importers import FileProblem

        from .forms import PlanImportApplyForm

        plan_import = self.get_import()
        form = PlanImportApplyForm(request.POST,
                                   rejected=plan_import.summary.get("rejected", 0))
        if not form.is_valid():
            view = PlanImportDetailView(request=request, kwargs=self.kwargs, args=self.args)
            view.partnership, view.actions = self.partnership, self.actions
            return view.render_to_response(
                view.get_context_data(plan_import=plan_import, form=form), status=400)
        try:
            plan_import = services.plan_import_apply(
                plan_import=plan_import, user=request.user,
                accept_valid=form.cleaned_data["accept_valid"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(self.import_url(plan_import))
        except FileProblem as error:
            messages.error(request, f"The file cannot be imported: {error}.")
            return HttpResponseRedirect(self.import_url(plan_import))
        s = plan_import.summary
        messages.success(request, f"Imported: {s['milestones_added']} milestones added, "
                                  f"{s['milestones_changed']} changed, "
                                  f"{s['milestones_unchanged']} unchanged.")
        return HttpResponseRedirect(self.plan_url())


class PlanImportCancelView(PlanImportMixin, View):
    def post(self, request, *args, **kwargs):
        plan_import = self.get_import()
        try:
            services.plan_import_cancel(plan_import=plan_import, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(self.import_url(plan_import))
        messages.success(request, f"{plan_import.file_name} was not imported.")
        return HttpResponseRedirect(reverse("actionplans:plan_import_new",
                                            args=[self.partnership.slug]))


# --- The weekly digest ---------------------------------------------------------------------
class DigestPreferenceView(PlanViewMixin, FormView):
    """A lead's weekly email in this partnership: its day or off, and what it would list
    today. Open to everyone who may edit the plan: the email goes to each key action's lead."""

    template_name = "actionplans/digest.html"
    read_action = access.EDIT_PLAN

    def get_form_class(self):
        from .forms import DigestPreferenceForm

        return DigestPreferenceForm

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
        preference = services.digest_preference_save(
            partnership=self.partnership, user=self.request.user, **form.preference())
        messages.success(self.request, (
            f"Your weekly email will come on {preference.get_weekday_display()}s."
            if preference.enabled else "You will not get the weekly email."))
        return HttpResponseRedirect(reverse("actionplans:digest", args=[self.partnership.slug]))
