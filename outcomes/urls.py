from django.urls import path

from . import views

app_name = "outcomes"

urlpatterns = [
    path("imports/", views.ImportListView.as_view(), name="imports"),
    path("imports/new/", views.ImportUploadView.as_view(), name="import_new"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/progress/", views.ImportProgressView.as_view(),
         name="import_progress"),
    path("imports/<int:pk>/apply/", views.ImportCommitView.as_view(), name="import_commit"),
    path("imports/<int:pk>/cancel/", views.ImportCancelView.as_view(), name="import_cancel"),
    path("imports/<int:pk>/roll-back/", views.ImportRollbackView.as_view(),
         name="import_rollback"),
    path("values/new/", views.ObservationEntryView.as_view(), name="observation_new"),
]
