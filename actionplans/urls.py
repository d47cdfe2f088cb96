from django.urls import path, re_path

from .views import digests, milestones, overdue, plan, plan_import, registers, report

app_name = "actionplans"

urlpatterns = [
    path("", plan.PlanView.as_view(), name="plan"),
    path("details/", plan.PlanEditView.as_view(), name="plan_edit"),
    path("objectives/new/", plan.ObjectiveCreateView.as_view(), name="objective_new"),
    path("actions/new/", plan.KeyActionCreateView.as_view(), name="key_action_new"),
    path("milestones/new/", milestones.MilestoneCreateView.as_view(), name="milestone_new"),
    path("milestones/overdue/", overdue.OverdueMilestonesView.as_view(),
         name="overdue_milestones"),
    path("milestones/<int:pk>/", milestones.MilestoneDetailView.as_view(), name="milestone"),
    path("milestones/<int:pk>/progress/", milestones.MilestoneProgressView.as_view(),
         name="milestone_progress"),
    path("milestones/<int:pk>/details/", milestones.MilestoneDetailsView.as_view(),
         name="milestone_details"),
    path("milestones/<int:pk>/evidence/", milestones.MilestoneEvidenceView.as_view(),
         name="milestone_evidence"),
    path("milestones/<int:pk>/evidence/<int:evidence_pk>/",
         milestones.MilestoneEvidenceView.as_view(), name="milestone_evidence_item"),
    path("risks/", registers.RisksView.as_view(), name="risks"),
    path("risks/new/", registers.RiskFormView.as_view(), name="risk_new"),
    path("risks/<int:pk>/", registers.RiskFormView.as_view(), name="risk_edit"),
    path("asks/new/", registers.AskFormView.as_view(), name="ask_new"),
    path("asks/<int:pk>/", registers.AskFormView.as_view(), name="ask_edit"),
    path("weekly-email/", digests.DigestPreferenceView.as_view(), name="digest"),
    path("weekly-email/preview/", digests.DigestPreviewView.as_view(), name="digest_preview"),
    path("report/", report.ReportView.as_view(), name="report"),
    path("report.csv", report.ReportCsvView.as_view(), name="report_csv"),
    re_path(r"^export\.(?P<format>csv|xlsx)$", plan_import.PlanExportView.as_view(),
            name="plan_export"),
    path("import/", plan_import.PlanImportNewView.as_view(), name="plan_import_new"),
    path("import/<int:pk>/", plan_import.PlanImportDetailView.as_view(), name="plan_import"),
    path("import/<int:pk>/cancel/", plan_import.PlanImportCancelView.as_view(),
         name="plan_import_cancel"),
]
