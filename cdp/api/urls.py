from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from actionplans.api.views import ActionPlanViewSet, MilestoneViewSet
from outcomes.api.views import ImportBatchViewSet
from partnerships.api.views import PartnershipViewSet

app_name = "api"

router = DefaultRouter()
router.register("partnerships", PartnershipViewSet, basename="partnership")
router.register("imports", ImportBatchViewSet, basename="import")
router.register("action-plans", ActionPlanViewSet, basename="action-plan")
router.register("milestones", MilestoneViewSet, basename="milestone")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("", include(router.urls)),
]
