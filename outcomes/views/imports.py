"""The data pages of a partnership: its imports (upload, check, apply, cancel, roll back) and
values entered by hand. A national administrator's upload may load the national reference
data instead (`views.reference` shows those imports)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from partnerships import access
from partnerships.mixins import PartnershipViewMixin, add_service_error

from .. import selectors
from ..forms import ImportUploadForm, ObservationEntryForm
from ..importers import FileProblem
from ..models import ImportBatch
from ..services import imports
from ..services.entry import observation_enter
from .batches import (
    BatchCancelView,
    BatchDetailView,
    BatchPagesMixin,
    BatchProblemsCsvView,
    BatchProgressView,
    BatchRollbackView,
)
from .reference import reference_batch_urls


class DataViewMixin(PartnershipViewMixin, BatchPagesMixin):
    read_action = access.LOAD_DATA
    write_action = access.LOAD_DATA

    def get_batch(self) -> ImportBatch:
        return self.get_scoped(ImportBatch.objects.select_related("created_by", "partnership"),
                               access.LOAD_DATA, pk=self.kwargs["pk"])

    def batch_urls(self, batch: ImportBatch) -> dict[str, str]:
        args = [self.partnership.slug, batch.pk]
        return {
            "detail": reverse("outcomes:import_detail", args=args),
            "progress": reverse("outcomes:import_progress", args=args),
            "problems_csv": reverse("outcomes:import_problems_csv", args=args),
            "cancel": reverse("outcomes:import_cancel", args=args),
            "rollback": reverse("outcomes:import_rollback", args=args),
            "list": reverse("outcomes:imports", args=[self.partnership.slug]),
        }


class ImportListView(DataViewMixin, TemplateView):
    template_name = "outcomes/import_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["batches"] = selectors.import_batch_list(
            partnership=self.partnership, user=self.request.user
        )[:100]
        context["national"] = access.is_national(self.request.user)
        return context


class ImportUploadView(DataViewMixin, FormView):
    """Upload a file to check. A national administrator may send it to the national
    reference data instead of this partnership."""

    template_name = "outcomes/import_upload.html"
    form_class = ImportUploadForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership_name": self.partnership.name,
                "national": access.is_national(self.request.user)}

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            submitted = imports.submit(
                partnership=None if form.is_reference else self.partnership,
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
        if submitted.batch.is_reference:
            return HttpResponseRedirect(reference_batch_urls(submitted.batch)["detail"])
        return HttpResponseRedirect(self.batch_url(submitted.batch))


class ImportDetailView(DataViewMixin, BatchDetailView):
    pass


class ImportProgressView(DataViewMixin, BatchProgressView):
    pass


class ImportCancelView(DataViewMixin, BatchCancelView):
    pass


class ImportRollbackView(DataViewMixin, BatchRollbackView):
    pass


class ImportProblemsCsvView(DataViewMixin, BatchProblemsCsvView):
    pass


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
