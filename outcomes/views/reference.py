"""The imports of the national reference data, for national administrators: the list, and
each batch's page (check, apply, cancel, roll back). A reference batch belongs to no
partnership; everyone else gets a 403 here, and never sees one."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse
from django.views.generic import TemplateView

from partnerships import access

from ..models import ImportBatch
from .batches import (
    BatchCancelView,
    BatchDetailView,
    BatchPagesMixin,
    BatchProblemsCsvView,
    BatchProgressView,
    BatchRollbackView,
)


def reference_batch_urls(batch: ImportBatch) -> dict[str, str]:
    args = [batch.pk]
    return {
        "detail": reverse("reference_imports:detail", args=args),
        "progress": reverse("reference_imports:progress", args=args),
        "problems_csv": reverse("reference_imports:problems_csv", args=args),
        "cancel": reverse("reference_imports:cancel", args=args),
        "rollback": reverse("reference_imports:rollback", args=args),
        "list": reverse("reference_imports:list"),
    }


class NationalViewMixin(LoginRequiredMixin, BatchPagesMixin):
    """Signed in, and a national administrator (`access.require_national`)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        access.require_national(request.user, "see the national reference data's imports")
        return super().dispatch(request, *args, **kwargs)

    def reference_batches(self):
        return (ImportBatch.objects.for_user(self.request.user, access.LOAD_DATA)
                .filter(partnership__isnull=True).select_related("created_by"))

    def get_batch(self) -> ImportBatch:
        return access.get_for_user(self.reference_batches(), self.request.user,
                                   access.LOAD_DATA, pk=self.kwargs["pk"])

    def batch_urls(self, batch: ImportBatch) -> dict[str, str]:
        return reference_batch_urls(batch)


class ReferenceImportListView(NationalViewMixin, TemplateView):
    template_name = "outcomes/reference_import_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["batches"] = self.reference_batches().order_by("-created_at")[:100]
        return context


class ReferenceImportDetailView(NationalViewMixin, BatchDetailView):
    pass


class ReferenceImportProgressView(NationalViewMixin, BatchProgressView):
    pass


class ReferenceImportCancelView(NationalViewMixin, BatchCancelView):
    pass


class ReferenceImportRollbackView(NationalViewMixin, BatchRollbackView):
    pass


class ReferenceImportProblemsCsvView(NationalViewMixin, BatchProblemsCsvView):
    pass
