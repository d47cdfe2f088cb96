"""The outcomes app's pages: a partnership's data imports and entry (`imports`), the pages
every import has wherever it loads (`batches`), the national reference data's imports
(`reference`), and the local framework and chart notes (`framework`)."""

from .framework import (
    AnnotationCreateView,
    AnnotationDeleteView,
    AnnotationUpdateView,
    CoverageView,
    FrameworkMetricAddView,
    FrameworkMetricRemoveView,
    FrameworkView,
    LocalAimCreateView,
    LocalMetricCreateView,
    TargetCreateView,
    TargetRemoveView,
)
from .imports import (
    DataViewMixin,
    ImportCancelView,
    ImportDetailView,
    ImportListView,
    ImportProblemsCsvView,
    ImportProgressView,
    ImportRollbackView,
    ImportUploadView,
    ObservationEntryView,
)
from .reference import (
    ReferenceImportCancelView,
    ReferenceImportDetailView,
    ReferenceImportListView,
    ReferenceImportProblemsCsvView,
    ReferenceImportProgressView,
    ReferenceImportRollbackView,
)

__all__ = [
    "AnnotationCreateView",
    "AnnotationDeleteView",
    "AnnotationUpdateView",
    "CoverageView",
    "DataViewMixin",
    "FrameworkMetricAddView",
    "FrameworkMetricRemoveView",
    "FrameworkView",
    "ImportCancelView",
    "ImportDetailView",
    "ImportListView",
    "ImportProblemsCsvView",
    "ImportProgressView",
    "ImportRollbackView",
    "ImportUploadView",
    "LocalAimCreateView",
    "LocalMetricCreateView",
    "ObservationEntryView",
    "ReferenceImportCancelView",
    "ReferenceImportDetailView",
    "ReferenceImportListView",
    "ReferenceImportProblemsCsvView",
    "ReferenceImportProgressView",
    "ReferenceImportRollbackView",
    "TargetCreateView",
    "TargetRemoveView",
]
