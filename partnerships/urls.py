from django.urls import path

from . import views

app_name = "partnerships"

urlpatterns = [
    path("", views.PartnershipChooserView.as_view(), name="chooser"),
    path("<slug:partnership_slug>/about/", views.PartnershipOverviewView.as_view(),
         name="overview"),
    path("<slug:partnership_slug>/members/", views.MemberListView.as_view(), name="members"),
    path(
        "<slug:partnership_slug>/members/add/",
        views.MemberInviteView.as_view(),
        name="member_invite",
    ),
    path(
        "<slug:partnership_slug>/members/<int:pk>/",
        views.MemberRoleView.as_view(),
        name="member_role",
    ),
    path(
        "<slug:partnership_slug>/members/<int:pk>/remove/",
        views.MemberRemoveView.as_view(),
        name="member_remove",
    ),
    path(
        "<slug:partnership_slug>/members/<int:pk>/resend-invitation/",
        views.MemberInviteResendView.as_view(),
        name="member_resend",
    ),
    path("<slug:partnership_slug>/documents/", views.KeyDocumentListView.as_view(),
         name="documents"),
    path("<slug:partnership_slug>/documents/add/", views.KeyDocumentCreateView.as_view(),
         name="document_add"),
    path("<slug:partnership_slug>/documents/<int:pk>/", views.KeyDocumentUpdateView.as_view(),
         name="document_edit"),
    path("<slug:partnership_slug>/documents/<int:pk>/remove/",
         views.KeyDocumentDeleteView.as_view(), name="document_remove"),
]
