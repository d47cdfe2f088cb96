"""The national reference data's imports, for national administrators: /data/reference-imports/."""

from django.urls import path

from . import views

app_name = "reference_imports"

urlpatterns = [
    path("", views.ReferenceImportListView.as_view(), name="list"),
    path("<int:pk>/", views.ReferenceImportDetailView.as_view(), name="detail"),
    path("<int:pk>/progress/", views.ReferenceImportProgressView.as_view(), name="progress"),
    path("<int:pk>/rows-left-out.csv", views.ReferenceImportProblemsCsvView.as_view(),
         name="problems_csv"),
    path("<int:pk>/cancel/", views.ReferenceImportCancelView.as_view(), name="cancel"),
    path("<int:pk>/roll-back/", views.ReferenceImportRollbackView.as_view(), name="rollback"),
]
