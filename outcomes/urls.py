from django.urls import path

from . import views

app_name = "outcomes"

urlpatterns = [
    path("imports/", views.ImportListView.as_view(), name="imports"),
    path("imports/new/", views.ImportUploadView.as_view(), name="import_new"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/progress/", views.ImportProgressView.as_view(),
         name="import_progress"),
    path("imports/<int:pk>/rows-left-out.csv", views.ImportProblemsCsvView.as_view(),
         name="import_problems_csv"),
    path("imports/<int:pk>/cancel/", views.ImportCancelView.as_view(), name="import_cancel"),
    path("imports/<int:pk>/roll-back/", views.ImportRollbackView.as_view(),
         name="import_rollback"),
    path("values/new/", views.ObservationEntryView.as_view(), name="observation_new"),
    path("framework/", views.FrameworkView.as_view(), name="framework"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path("framework/aims/new/", views.LocalAimCreateView.as_view(), name="aim_new"),
    path("framework/metrics/add/", views.FrameworkMetricAddView.as_view(),
         name="framework_metric_add"),
    path("framework/metrics/<int:pk>/remove/",
         views.FrameworkMetricRemoveView.as_view(),
         name="framework_metric_remove"),
    path("framework/local-metrics/new/", views.LocalMetricCreateView.as_view(),
         name="local_metric_new"),
    path("framework/targets/new/", views.TargetCreateView.as_view(), name="target_new"),
    path("framework/targets/<int:pk>/remove/",
         views.TargetRemoveView.as_view(), name="target_remove"),
]
