from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from actionplans.views.mine import MyMilestonesView
from outcomes import sync_views as outcome_sync_views
from outcomes import views as outcome_views
from partnerships.forms import MemberPasswordResetForm

from . import compare, dashboards, observability, sessions, views
from .board_packs import views as board_pack_views
from .public import views as public_views
from .signin import views as signin_views

# The Django admin signs in through the service's sign-in, second factor included.
admin.site.login = secure_admin_login(admin.site.login)

# The pages of one partnership, under partnerships/<slug:partnership_slug>/.
partnership_patterns = [
    path("", dashboards.DashboardView.as_view(), name="dashboard"),
    path("metrics/<int:metric_id>/", dashboards.MetricView.as_view(), name="metric"),
    path("metrics/<int:metric_id>/data.csv", dashboards.MetricCsvView.as_view(),
         name="metric_csv"),
    path("metrics/<int:metric_id>/annotations/new/",
         outcome_views.AnnotationCreateView.as_view(), name="annotation_new"),
    path("metrics/<int:metric_id>/annotations/<int:pk>/",
         outcome_views.AnnotationUpdateView.as_view(), name="annotation_edit"),
    path("metrics/<int:metric_id>/annotations/<int:pk>/delete/",
         outcome_views.AnnotationDeleteView.as_view(), name="annotation_delete"),
    path("spine/", dashboards.SpineView.as_view(), name="spine"),
    # Where the administrator sets up the public page (/p/<slug>/).
    path("public-page/", public_views.PublicPageSettingsView.as_view(),
         name="public_page_settings"),
    path("public-page/preview/", public_views.PublicPagePreviewView.as_view(),
         name="public_page_preview"),
    path("plan-progress.csv", dashboards.PlanProgressCsvView.as_view(),
         name="plan_progress_csv"),
    # Board packs: the PDF paper for a board meeting, made by a task and kept.
    path("board-packs/", board_pack_views.BoardPackListView.as_view(), name="board_packs"),
    path("board-packs/<int:pk>/", board_pack_views.BoardPackDetailView.as_view(),
         name="board_pack"),
    path("board-packs/<int:pk>/progress/", board_pack_views.BoardPackProgressView.as_view(),
         name="board_pack_progress"),
    path("board-packs/<int:pk>/retry/", board_pack_views.BoardPackRetryView.as_view(),
         name="board_pack_retry"),
    path("board-packs/<int:pk>/board-pack.pdf",
         board_pack_views.BoardPackDownloadView.as_view(), name="board_pack_download"),
    path("data/", include("outcomes.urls")),
    path("plan/", include("actionplans.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", observability.metrics, name="metrics"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    # Sign-in, the second factor and step-up (django-allauth).
    path("", include("cdp.signin.urls")),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(form_class=MemberPasswordResetForm),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        signin_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # Session limits: the timeout warning's endpoints, and where signing out leads.
    path("session/", sessions.status, name="session_status"),
    path("session/extend/", sessions.extend, name="session_extend"),
    path("signed-out/", sessions.signed_out, name="signed_out"),
    path("signed-out/inactive/", sessions.signed_out_inactive, name="signed_out_inactive"),
    # Everything of one partnership, under its slug.
    path("partnerships/<slug:partnership_slug>/", include(partnership_patterns)),
    # The public accountability page, for anyone (its settings are the partnership's).
    path("p/<slug:partnership_slug>/", public_views.public_page, name="public_page"),
    # Every area of England side by side, from the national reference data.
    path("compare/", compare.CompareView.as_view(), name="compare"),
    path("compare/<int:metric_id>/", compare.CompareView.as_view(), name="compare_metric"),
    # National admins only: the scheduled Fingertips sync of the national reference data.
    path("data/fingertips-sync/", outcome_sync_views.FingertipsSyncView.as_view(),
         name="fingertips_sync"),
    path("partnerships/", include("partnerships.urls")),
    # The national reference data's imports, for national administrators.
    path("data/reference-imports/", include("outcomes.reference_urls")),
    path("account/api-tokens/", views.api_tokens, name="api_tokens"),
    # A lead's own milestones, across the partnerships they may see.
    path("my-milestones/", MyMilestonesView.as_view(), name="my_milestones"),
    path("api/v1/", include("cdp.api.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "cdp.views.page_not_found"
handler500 = "cdp.views.server_error"
