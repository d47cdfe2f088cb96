"""A milestone's pages: adding one, its page with its progress log and history, the progress
and details forms (versioned: a stale edit shows both versions), and its evidence files."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView, View

from outcomes.selectors import metrics_for_entry
from partnerships import access, files
from partnerships.mixins import add_service_error

from .. import selectors
from ..forms import MilestoneForm, ProgressForm
from ..log_selectors import progress_log
from ..models import KeyAction, Milestone, MilestoneStatus, ProgressEvidence
from ..services.milestones import StaleEdit, milestone_create, milestone_update
from ..services.progress_log import progress_update_add
from .base import PlanFormView, PlanViewMixin, date_today


def milestone_url(milestone: Milestone) -> str:
    return reverse("actionplans:milestone", args=[milestone.partnership.slug, milestone.pk])


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
        milestone = milestone_create(user=self.request.user, **data)
        return "Milestone added.", milestone_url(milestone)


class MilestoneMixin(PlanViewMixin):
    def milestones(self):
        """Where the page takes its milestone from: with what it shows."""
        return selectors.milestone_detail()

    def get_milestone(self) -> Milestone:
        if not hasattr(self, "milestone"):
            self.milestone = self.get_scoped(self.milestones(), pk=self.kwargs["pk"])
            # The partnership it was found in, already read: not read again for its links.
            self.milestone.partnership = self.partnership
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
                       log=progress_log(milestone=milestone),
                       history=selectors.milestone_history(milestone=milestone))
        return context


class MilestoneEditMixin(MilestoneMixin):
    """Saves an edit made from a version of the milestone. If someone else saved it in the
    meantime, the edit is refused and the page shows their version beside the editor's, with
    the editor's text kept in the form: nothing is lost, and nothing is merged silently."""

    template_name = "actionplans/milestone_form.html"
    read_action = access.EDIT_PLAN
    adds = False  # whether saving adds to what is there (the log) or replaces it

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
        except StaleEdit as stale:
            return self.conflict(form, stale.current, proposed)
        except ValidationError as error:
            return self.form_invalid(add_service_error(form, error))
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
                "adds": self.adds,
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
    adds = True
    compared = [
        ("Status", lambda m: m.get_status_display()),
        ("Progress", lambda m: m.progress_note or "None"),
        ("Date of update", lambda m: _text_date(m.progress_on)),
        ("Link to evidence", lambda m: m.evidence_link or "None"),
    ]

    def milestones(self):
        """The progress form shows the milestone's own fields only: not its plan, metrics or
        partners (two queries and three joins fewer)."""
        return Milestone.objects.all()

    def get_initial(self):
        milestone = self.get_milestone()
        return {"version": milestone.version, "status": milestone.status,
                "progress_on": date_today()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(latest=self.get_milestone(), **kwargs)

    def update(self, milestone, version, data):
        upload, link = data.pop("evidence_file", None), data.pop("evidence_link", "")
        progress_update_add(milestone=milestone, user=self.request.user, version=version,
                            status=data["status"], text=data["progress_note"],
                            progress_on=data["progress_on"], links=[link] if link else [],
                            files=[upload] if upload else [])


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
        milestone_update(milestone=milestone, user=self.request.user, version=version,
                         changes=data, metrics=metrics)


class MilestoneEvidenceView(MilestoneMixin, View):
    """The uploaded evidence, to members only: uploads are never served from the web root.
    Without `evidence_pk`, the latest file; with it, a file of an entry in the log."""

    write_action = None

    def milestones(self):
        return Milestone.objects.all()  # its files only

    def get(self, request, *args, **kwargs):
        milestone = self.get_milestone()
        if "evidence_pk" in kwargs:
            item = (ProgressEvidence.objects.filter(update__milestone=milestone,
                                                    pk=kwargs["evidence_pk"])
                    .exclude(file="").first())
            if item is None:
                raise Http404("No such evidence file")
            stored, name = item.file.name, item.name
        elif milestone.evidence_file:
            stored, name = milestone.evidence_file.name, milestone.evidence_file_name
        else:
            raise Http404("No evidence file")
        name = name or stored
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return FileResponse(files.open_stored(stored), as_attachment=True, filename=name,
                            content_type=content_type)
