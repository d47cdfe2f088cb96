"""The pages of one import, wherever it loads: a partnership's data (`views.imports`) or the
national reference data (`views.reference`). Each concrete view mixes one of these with the
mixin that finds the batch for the signed-in user and names its URLs (`batch_urls`)."""

import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.views.generic import FormView, TemplateView, View

from .. import selectors
from ..forms import ImportCommitForm
from ..models import ImportBatch
from ..services import expiry, imports, metadata


class BatchPagesMixin:
    """Finds the batch (`get_batch`) and names its pages (`batch_urls`)."""

    def get_batch(self) -> ImportBatch:
        raise NotImplementedError

    def batch_urls(self, batch: ImportBatch) -> dict[str, str]:
        """detail, progress, problems_csv, cancel, rollback and list."""
        raise NotImplementedError

    def batch_url(self, batch: ImportBatch) -> str:
        return self.batch_urls(batch)["detail"]

    def refused(self, error: ValidationError, batch: ImportBatch) -> HttpResponseRedirect:
        """Back to the import's page, saying why the service refused."""
        messages.error(self.request, " ".join(error.messages))
        return HttpResponseRedirect(self.batch_url(batch))


class BatchDetailView(BatchPagesMixin, FormView):
    """An import's page: what it would do or did, with its rows left out and the metadata of
    any metric it would create. POSTed to, it applies the checked import (rejected rows must
    be accepted first; new metrics are created with the metadata confirmed)."""

    template_name = "outcomes/import_detail.html"
    form_class = ImportCommitForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.batch = self.get_batch()
            self.new_metrics = metadata.new_indicators(self.batch)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "rejected": self.batch.rejected,
                "new_metrics": self.new_metrics}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = self.batch
        context.update(
            batch=batch,
            urls=self.batch_urls(batch),
            destination=(batch.partnership.name if batch.partnership_id
                         else "National reference data"),
            progress=selectors.import_progress(batch),
            running=batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.VALIDATING,
                                     ImportBatch.Status.IMPORTING),
            problems=selectors.import_problems(batch=batch),
            expires_at=expiry.preview_expires_at(batch.created_at),
            skipped_reasons=(batch.problems.filter(kind="skipped").values("reason")
                             .annotate(rows=Count("pk")).order_by("-rows")[:10]),
        )
        form = context["form"]
        context["new_metric_rows"] = [(indicator, known, form.metric_fields(indicator))
                                      for indicator, known in self.new_metrics.items()]
        return context

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        try:
            if self.new_metrics:
                metadata.new_metrics_create(batch=self.batch, user=self.request.user,
                                            choices=form.metric_choices())
            batch, queued = imports.import_apply(batch=self.batch, user=self.request.user,
                                                 accept_valid=form.cleaned_data["accept_valid"])
        except ValidationError as error:
            return self.refused(error, self.batch)
        if queued:
            messages.success(self.request, "The import has started.")
        elif batch.inserted or batch.updated:
            messages.success(self.request, f"Imported: {batch.inserted} new, {batch.updated} "
                             f"changed, {batch.unchanged} unchanged.")
        else:
            messages.success(self.request, "Nothing new to import: every row is already held "
                             "or was skipped, as listed below.")
        return HttpResponseRedirect(self.batch_url(batch))


class BatchProgressView(BatchPagesMixin, View):
    """JSON for the progress bar, polled by static/js/progress.js."""

    def get(self, request, *args, **kwargs):
        batch = self.get_batch()
        progress = selectors.import_progress(batch)
        total = progress["total"] or 0
        percent = min(100, round(100 * progress["done"] / total)) if total else 0
        return JsonResponse({**progress, "percent": percent})


class BatchConfirmView(BatchPagesMixin, TemplateView):
    """GET asks "Are you sure?" on a page of its own; only its POST acts (no JavaScript)."""

    template_name = "outcomes/import_confirm.html"
    action = ""  # "cancel" or "rollback"
    allowed: tuple[str, ...] = ()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = self.get_batch()
        context.update(batch=batch, urls=self.batch_urls(batch), action=self.action,
                       possible=batch.status in self.allowed,
                       destination=(batch.partnership.name if batch.partnership_id
                                    else "National reference data"))
        return context


class BatchCancelView(BatchConfirmView):
    action = "cancel"
    allowed = (ImportBatch.Status.PREVIEW, ImportBatch.Status.FAILED, ImportBatch.Status.QUEUED)

    def post(self, request, *args, **kwargs):
        batch = self.get_batch()
        try:
            imports.import_cancel(batch=batch, user=request.user)
        except ValidationError as error:
            return self.refused(error, batch)
        messages.success(request, f"{batch.file_name} was not imported.")
        return HttpResponseRedirect(self.batch_urls(batch)["list"])


class BatchRollbackView(BatchConfirmView):
    action = "rollback"
    allowed = (ImportBatch.Status.COMPLETE,)

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


class BatchProblemsCsvView(BatchPagesMixin, View):
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
