from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from actionplans.api.views import ActionPlanViewSet, MilestoneViewSet
from outcomes.api.views import (
    BenchmarkViewSet,
    ImportBatchViewSet,
    MetricSummaryViewSet,
    MetricViewSet,
    ObservationViewSet,
    TargetViewSet,
)
from partnerships.api.views import PartnershipViewSet

from .auth import ObtainTokenView

app_name = "api"

router = DefaultRouter()
router.register("partnerships", PartnershipViewSet, basename="partnership")
router.register("metrics", MetricViewSet, basename="metric")
router.register("observations", ObservationViewSet, basename="observation")
router.register("benchmarks", BenchmarkViewSet, basename="benchmark")
router.register("summaries", MetricSummaryViewSet, basename="summary")
router.register("targets", TargetViewSet, basename="target")
router.register("imports", ImportBatchViewSet, basename="import")
router.register("action-plans", ActionPlanViewSet, basename="action-plan")
router.register("milestones", MilestoneViewSet, basename="milestone")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from npm (static/build/swagger-ui), its set-up script served separately so
    # that the page runs under the content security policy.
    path("docs/", SpectacularSwaggerSplitView.as_view(
        url_name="api:schema", template_name="cdp/api_docs.html"), name="docs"),
    path("auth/token/", ObtainTokenView.as_view(), name="token"),
    path("", include(router.urls)),
]
