from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from actionplans.api.views import ActionPlanViewSet, MilestoneViewSet
from outcomes.api.views import (
    AnnotationViewSet,
    BenchmarkViewSet,
    CoverageViewSet,
    ImportBatchViewSet,
    MetricSummaryViewSet,
    MetricViewSet,
    ObservationViewSet,
    ReferenceViewSet,
    TargetViewSet,
)
from partnerships.api.views import PartnershipViewSet

from .auth import ObtainTokenView
from .guide import api_guide

app_name = "api"

router = DefaultRouter()
router.register("partnerships", PartnershipViewSet, basename="partnership")
router.register("metrics", MetricViewSet, basename="metric")
router.register("observations", ObservationViewSet, basename="observation")
router.register("reference", ReferenceViewSet, basename="reference")
# Deprecated: the reference data's England and regions, for one more release.
router.register("benchmarks", BenchmarkViewSet, basename="benchmark")
router.register("summaries", MetricSummaryViewSet, basename="summary")
router.register("targets", TargetViewSet, basename="target")
router.register("annotations", AnnotationViewSet, basename="annotation")
router.register("coverage", CoverageViewSet, basename="coverage")
router.register("imports", ImportBatchViewSet, basename="import")
router.register("action-plans", ActionPlanViewSet, basename="action-plan")
router.register("milestones", MilestoneViewSet, basename="milestone")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The API guide, as a GOV.UK page made from the schema.
    path("docs/", api_guide, name="docs"),
    # Swagger UI from npm (static/build/swagger-ui), to try calls out; its set-up script is
    # served separately so that the page runs under the content security policy.
    path("docs/explorer/", SpectacularSwaggerSplitView.as_view(
        url_name="api:schema", template_name="cdp/api_docs.html"), name="explorer"),
    path("auth/token/", ObtainTokenView.as_view(), name="token"),
    path("", include(router.urls)),
]
