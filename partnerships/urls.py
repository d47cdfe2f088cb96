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
]
