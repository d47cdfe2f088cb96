from django.urls import path, re_path

from . import views

app_name = "actionplans"

urlpatterns = [
    path("", views.PlanView.as_view(), name="plan"),
    path("details/", views.PlanEditView.as_view(), name="plan_edit"),
    path("objectives/new/", views.ObjectiveCreateView.as_view(), name="objective_new"),
    path("actions/new/", views.KeyActionCreateView.as_view(), name="key_action_new"),
    path("milestones/new/", views.MilestoneCreateView.as_view(), name="milestone_new"),
    path("milestones/<int:pk>/", views.MilestoneDetailView.as_view(), name="milestone"),
    path("milestones/<int:pk>/progress/", views.MilestoneProgressView.as_view(),
         name="milestone_progress"),
    path("milestones/<int:pk>/details/", views.MilestoneDetailsView.as_view(),
         name="milestone_details"),
    path("milestones/<int:pk>/evidence/", views.MilestoneEvidenceView.as_view(),
         name="milestone_evidence"),
    path("risks/", views.RisksView.as_view(), name="risks"),
    path("risks/new/", views.RiskFormView.as_view(), name="risk_new"),
    path("risks/<int:pk>/", views.RiskFormView.as_view(), name="risk_edit"),
    path("asks/new/", views.AskFormView.as_view(), name="ask_new"),
    path("asks/<int:pk>/", views.AskFormView.as_view(), name="ask_edit"),
    path("weekly-email/", views.DigestPreferenceView.as_view(), name="digest"),
    path("report/", views.ReportView.as_view(), name="report"),
    path("report.csv", views.ReportCsvView.as_view(), name="report_csv"),
    re_path(r"^export\.(?P<format>csv|xlsx)$", views.PlanExportView.as_view(),
            name="plan_export"),
    path("import/", views.PlanImportNewView.as_view(), name="plan_import_new"),
    path("import/<int:pk>/", views.PlanImportDetailView.as_view(), name="plan_import"),
    path("import/<int:pk>/apply/", views.PlanImportApplyView.as_view(),
         name="plan_import_apply"),
    path("import/<int:pk>/cancel/", views.PlanImportCancelView.as_view(),
         name="plan_import_cancel"),
]
