import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.views.generic import FormView, TemplateView, View

from partnerships import access
from partnerships.mixins import PartnershipViewMixin, add_service_error

from . import selectors
from .forms import (
    AnnotationForm,
    FrameworkMetricForm,
    ImportCommitForm,
    ImportUploadForm,
    LocalAimForm,
    LocalMetricForm,
    ObservationEntryForm,
    TargetForm,
)
from .importers import FileProblem
from .models import Annotation, FrameworkMetric, ImportBatch, LocalAim, Metric, Target
from .services import annotations, framework, imports
from .services.entry import observation_enter


class DataViewMixin(PartnershipViewMixin):
    read_action = access.LOAD_DATA
    write_action = access.LOAD_DATA

    def batch_url(self, batch: ImportBatch) -> str:
        return reverse("outcomes:import_detail", args=[self.partnership.slug, batch.pk])

    def get_batch(self) -> ImportBatch:
        return self.get_scoped(ImportBatch.objects.select_related("created_by"),
                               access.LOAD_DATA, pk=self.kwargs["pk"])

    def refused(self, error: ValidationError, batch: ImportBatch) -> HttpResponseRedirect:
        """Back to the import's page, saying why the service refused."""
        messages.error(self.request, " ".join(error.messages))
        return HttpResponseRedirect(self.batch_url(batch))


class ImportListView(DataViewMixin, TemplateView):
    template_name = "outcomes/import_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["batches"] = selectors.import_batch_list(
            partnership=self.partnership, user=self.request.user
        )[:100]
        return context


class ImportUploadView(DataViewMixin, FormView):
    template_name = "outcomes/import_upload.html"
    form_class = ImportUploadForm

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            submitted = imports.submit(
                partnership=self.partnership,
                user=self.request.user,
                file_name=upload.name,
                data=upload.read(),
                format=form.cleaned_data["format"],
                create_missing_metrics=form.cleaned_data["create_missing_metrics"],
                preview=True,
            )
        except FileProblem as error:
            form.add_error("file", str(error)[:1].upper() + str(error)[1:])
            return self.form_invalid(form)
        return HttpResponseRedirect(self.batch_url(submitted.batch))


class ImportDetailView(DataViewMixin, FormView):
    """An import's page: what it would do or did, with its rows left out. POSTed to, it
    applies the checked import (rejected rows must be accepted first)."""

    template_name = "outcomes/import_detail.html"
    form_class = ImportCommitForm

    def get(self, request, *args, **kwargs):
        self.batch = self.get_batch()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.batch = self.get_batch()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "rejected": self.batch.rejected}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = self.batch
        context.update(
            batch=batch,
            progress=selectors.import_progress(batch),
            running=batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.VALIDATING,
                                     ImportBatch.Status.IMPORTING),
            problems=selectors.import_problems(batch=batch),
        )
        return context

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        try:
            batch, queued = imports.import_apply(batch=self.batch, user=self.request.user,
                                                 accept_valid=form.cleaned_data["accept_valid"])
        except ValidationError as error:
            return self.refused(error, self.batch)
        if queued:
            messages.success(self.request, "The import has started.")
        else:
            messages.success(self.request, f"Imported: {batch.inserted} new, {batch.updated} "
                             f"changed, {batch.unchanged} unchanged.")
        return HttpResponseRedirect(self.batch_url(batch))


class ImportProgressView(DataViewMixin, View):
    """JSON for the progress bar, polled by static/js/progress.js."""

    def get(self, request, *args, **kwargs):
        batch = self.get_batch()
        progress = selectors.import_progress(batch)
        total = progress["total"] or 0
        percent = min(100, round(100 * progress["done"] / total)) if total else 0
        return JsonResponse({**progress, "percent": percent})


class ImportCancelView(DataViewMixin, View):
    def post(self, request, *args, **kwargs):
        batch = self.get_batch()
        try:
            imports.import_cancel(batch=batch, user=request.user)
        except ValidationError as error:
            return self.refused(error, batch)
        messages.success(request, f"{batch.file_name} was not imported.")
        return HttpResponseRedirect(
            reverse("outcomes:imports", args=[self.partnership.slug])
        )


class ImportRollbackView(DataViewMixin, View):
    def post(self, request, *args, **kwargs):
        batch = self.get_batch()
        try:
            result = imports.import_rollback(batch=batch, user=request.user)
        except ValidationError as error:
            return self.refused(error, batch)
        kept = (f" {result.kept} rows changed by a later import were left as they are."
                if result.kept else "")
        messages.success(
            request,
            f"Rolled back: {result.removed} rows removed and {result.restored} restored.{kept}",
        )
        return HttpResponseRedirect(self.batch_url(batch))


class ObservationEntryView(DataViewMixin, FormView):
    template_name = "outcomes/observation_entry.html"
    form_class = ObservationEntryForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["metrics"] = selectors.metrics_for_entry(
            partnership=self.partnership, user=self.request.user
        )
        kwargs["areas"] = [
            (la.code, f"{la.name} ({la.code})")
            for la in self.partnership.local_authorities.order_by("name")
        ]
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            batch = observation_enter(
                partnership=self.partnership, user=self.request.user, metric=data["metric"],
                area_code=data["area_code"], period=data["period"], value=data["value"],
                count=data["count"], value_note=data["value_note"], source=data["source"],
            )
        except ValidationError as error:
            return self.form_invalid(add_service_error(form, error))
        change = "saved" if batch.inserted else "updated" if batch.updated else "unchanged"
        messages.success(request=self.request, message=(
            f"{data['metric'].name}, {data['period']}: value {change}."))
        return HttpResponseRedirect(reverse("outcomes:observation_new",
                                            args=[self.partnership.slug]))


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


class ImportProblemsCsvView(DataViewMixin, View):
    """Every row an import left out, as CSV, streamed (a national file may have many)."""

    def get(self, request, *args, **kwargs):
        batch = self.get_batch()
        rows = batch.problems.order_by("line").values_list("line", "kind", "reason")

        def lines():
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(["line", "what_happened", "why"])
            for row in rows.iterator(chunk_size=2000):
                writer.writerow(row)
                if buffer.tell() > 65536:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue()

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-rows.csv"'
        return response


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
