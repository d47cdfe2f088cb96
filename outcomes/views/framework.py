"""A partnership's local outcomes framework, and the notes on its metrics' charts."""


from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView, View

from partnerships import access
from partnerships.mixins import PartnershipViewMixin, add_service_error

from .. import selectors
from ..forms import (
    AnnotationForm,
    FrameworkMetricForm,
    LocalAimForm,
    LocalMetricForm,
    TargetForm,
)
from ..models import Annotation, FrameworkMetric, LocalAim, Metric, Target
from ..services import annotations, framework
from .imports import DataViewMixin


class FrameworkView(PartnershipViewMixin, TemplateView):
    """The partnership's local outcomes framework, with latest values and targets."""

    template_name = "outcomes/framework.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.framework_for_partnership(
            partnership=self.partnership, user=self.request.user))
        return context


class CoverageView(PartnershipViewMixin, TemplateView):
    """For the data and digital group: each framework metric's latest period held, the
    period expected by now (its frequency and publication lag) and whether it is behind."""

    template_name = "outcomes/coverage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.coverage_for_partnership(
            partnership=self.partnership, user=self.request.user))
        return context


class FrameworkFormView(DataViewMixin, FormView):
    """A form that changes the framework, through one service, then back to the framework."""

    template_name = "outcomes/framework_form.html"
    heading = ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["partnership"] = self.partnership
        return kwargs

    def metrics(self):
        return selectors.metrics_for_entry(partnership=self.partnership, user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, **kwargs)

    def form_valid(self, form):
        try:
            message = self.save(form.cleaned_data)
        except ValidationError as error:
            return self.form_invalid(add_service_error(form, error))
        messages.success(self.request, message)
        return HttpResponseRedirect(reverse("outcomes:framework", args=[self.partnership.slug]))


class LocalAimCreateView(FrameworkFormView):
    form_class = LocalAimForm
    heading = "Add an aim"

    def save(self, data) -> str:
        aim = framework.local_aim_create(partnership=self.partnership, user=self.request.user,
                                        name=data["name"])
        return f"Aim added: {aim.name}."


class FrameworkMetricAddView(FrameworkFormView):
    form_class = FrameworkMetricForm
    heading = "Add a metric to the framework"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["metrics"] = self.metrics()
        kwargs["aims"] = self.scoped(LocalAim)
        return kwargs

    def save(self, data) -> str:
        entry = framework.framework_metric_add(partnership=self.partnership,
                                              user=self.request.user, metric=data["metric"],
                                              aim=data["aim"])
        return f"{entry.metric.name} is now in the framework."


class LocalMetricCreateView(FrameworkFormView):
    form_class = LocalMetricForm
    heading = "Create a local metric"

    def save(self, data) -> str:
        metric = framework.local_metric_create(partnership=self.partnership,
                                              user=self.request.user, **data)
        return f"Local metric created: {metric.name}. Add it to the framework to track it."


class TargetCreateView(FrameworkFormView):
    form_class = TargetForm
    heading = "Add a target"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["metrics"] = self.metrics()
        return kwargs

    def save(self, data) -> str:
        target = framework.target_create(partnership=self.partnership, user=self.request.user,
                                        **data)
        return f"Target added: {target.description}."


class FrameworkRemoveView(DataViewMixin, View):
    """POST only: removes one of this partnership's rows of `model`, through `remove`."""

    model = None

    def post(self, request, *args, **kwargs):
        row = self.get_scoped(self.model, access.LOAD_DATA, pk=kwargs["pk"])
        messages.success(request, self.remove(row))
        return HttpResponseRedirect(reverse("outcomes:framework", args=[self.partnership.slug]))


class FrameworkMetricRemoveView(FrameworkRemoveView):
    model = FrameworkMetric

    def remove(self, entry) -> str:
        framework.framework_metric_remove(entry=entry, user=self.request.user)
        return f"{entry.metric.name} is no longer in the framework."


class TargetRemoveView(FrameworkRemoveView):
    model = Target

    def remove(self, target) -> str:
        framework.target_delete(target=target, user=self.request.user)
        return f"Target removed: {target.description}."


# --- Annotations: dated notes on a metric, reached from its page --------------------------
class AnnotationViewMixin(PartnershipViewMixin):
    """The pages that add, change and delete a partnership's notes on one metric (a national
    metric, or one of its own): for those who may annotate (partnerships.access.ANNOTATE)."""

    read_action = access.ANNOTATE
    write_action = access.ANNOTATE

    def dispatch(self, request, *args, **kwargs):
        self.metric = None
        return super().dispatch(request, *args, **kwargs)

    def get_metric(self) -> Metric:
        if self.metric is None:
            self.metric = (selectors.metrics_for_entry(partnership=self.partnership,
                                                       user=self.request.user)
                           .filter(pk=self.kwargs["metric_id"]).first())
            if self.metric is None:
                raise Http404("No such metric")
        return self.metric

    def get_annotation(self) -> Annotation:
        annotation = selectors.annotation_to_change(
            partnership=self.partnership, user=self.request.user,
            metric_id=self.kwargs["metric_id"], pk=self.kwargs["pk"])
        if annotation is None:
            raise Http404("No such note")
        return annotation

    def metric_url(self) -> str:
        return reverse("metric", args=[self.partnership.slug, self.kwargs["metric_id"]]) + \
            "#annotations"

    def get_context_data(self, **kwargs):
        return super().get_context_data(metric=self.get_metric(), metric_url=self.metric_url(),
                                        **kwargs)


class AnnotationFormView(AnnotationViewMixin, FormView):
    template_name = "outcomes/annotation_form.html"
    form_class = AnnotationForm
    heading = ""
    button = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "button": self.button}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, **kwargs)

    def form_valid(self, form):
        try:
            message = self.save(form.cleaned_data)
        except ValidationError as error:
            return self.form_invalid(add_service_error(form, error))
        messages.success(self.request, message)
        return HttpResponseRedirect(self.metric_url())


class AnnotationCreateView(AnnotationFormView):
    heading = "Add a note"
    button = "Add the note"

    def get(self, request, *args, **kwargs):
        self.get_metric()
        return super().get(request, *args, **kwargs)

    def save(self, data) -> str:
        annotation = annotations.annotation_create(
            partnership=self.partnership, user=self.request.user, metric=self.get_metric(),
            on=data["date"], text=data["text"])
        return f"Note added: {annotation}."


class AnnotationUpdateView(AnnotationFormView):
    heading = "Change a note"
    button = "Save the note"

    def dispatch(self, request, *args, **kwargs):
        self.annotation = None
        return super().dispatch(request, *args, **kwargs)

    def annotation_or_404(self) -> Annotation:
        if self.annotation is None:
            self.annotation = self.get_annotation()
        return self.annotation

    def get_metric(self) -> Metric:
        return self.annotation_or_404().metric  # fetched with the note

    def get_initial(self):
        annotation = self.annotation_or_404()
        return {"date": annotation.date, "text": annotation.text}

    def save(self, data) -> str:
        annotation = annotations.annotation_update(annotation=self.annotation_or_404(),
                                                user=self.request.user, on=data["date"],
                                                text=data["text"])
        return f"Note changed: {annotation}."


class AnnotationDeleteView(AnnotationViewMixin, TemplateView):
    """Asks first (GET), deletes on POST: its history keeps what it said."""

    template_name = "outcomes/annotation_delete.html"

    def get_context_data(self, **kwargs):
        annotation = self.get_annotation()
        self.metric = annotation.metric
        return super().get_context_data(annotation=annotation, **kwargs)

    def post(self, request, *args, **kwargs):
        annotation = self.get_annotation()
        annotations.annotation_delete(annotation=annotation, user=request.user)
        messages.success(request, f"Note deleted: {annotation}.")
        return HttpResponseRedirect(self.metric_url())
