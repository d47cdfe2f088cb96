from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView, View

from . import access, selectors, services
from .forms import InviteMemberForm, MemberRoleForm
from .mixins import STEP_UP_ALWAYS, STEP_UP_WRITE, PartnershipViewMixin
from .models import Membership


class PartnershipChooserView(LoginRequiredMixin, TemplateView):
    """Choose a partnership: shown only to people with more than one."""

    template_name = "partnerships/chooser.html"

    def get(self, request, *args, **kwargs):
        partnerships = list(selectors.partnership_list_for_user(user=request.user))
        if len(partnerships) == 1:
            return redirect("dashboard", partnership_slug=partnerships[0].slug)
        return self.render_to_response(self.get_context_data(partnerships=partnerships))


class PartnershipOverviewView(PartnershipViewMixin, TemplateView):
    template_name = "partnerships/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        overview = selectors.partnership_overview(
            partnership=self.partnership, user=self.request.user
        )
        context["overview"] = overview
        context["organisations_by_sector"] = _group_by(
            overview.organisations.all(), lambda o: o.get_sector_display()
        )
        context["members_by_role"] = _group_by(
            overview.memberships.all(), lambda m: m.get_role_display()
        )
        return context


def _group_by(items, key):
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


class MemberListView(PartnershipViewMixin, TemplateView):
    template_name = "partnerships/members.html"
    read_action = access.MANAGE_MEMBERS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = selectors.membership_list(
            partnership=self.partnership, user=self.request.user
        )
        return context


class MemberInviteView(PartnershipViewMixin, FormView):
    template_name = "partnerships/member_invite.html"
    form_class = InviteMemberForm
    read_action = access.MANAGE_MEMBERS
    write_action = access.MANAGE_MEMBERS
    step_up = STEP_UP_ALWAYS

    def form_valid(self, form):
        try:
            invitation = services.member_invite(
                partnership=self.partnership,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=self.request.user,
                site_url=self.request.build_absolute_uri("/"),
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except ValidationError as error:
            form.add_error("email", error)
            return self.form_invalid(form)
        user = invitation.membership.user
        # The same words whether or not they had an account: that is not the admin's business.
        messages.success(
            self.request,
            f"{user.email} added as {invitation.membership.get_role_display().lower()}. "
            "We have emailed them how to sign in.",
        )
        return HttpResponseRedirect(self.members_url())

    def members_url(self) -> str:
        return reverse("partnerships:members", kwargs={"partnership_slug": self.partnership.slug})


class MembershipMixin(PartnershipViewMixin):
    read_action = access.MANAGE_MEMBERS
    write_action = access.MANAGE_MEMBERS
    step_up = STEP_UP_ALWAYS

    def get_membership(self) -> Membership:
        try:
            return (
                self.scoped(Membership, access.MANAGE_MEMBERS)
                .select_related("user", "partnership")
                .get(pk=self.kwargs["pk"])
            )
        except Membership.DoesNotExist:
            raise Http404("No such member") from None

    def members_url(self) -> str:
        return reverse("partnerships:members", kwargs={"partnership_slug": self.partnership.slug})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["membership"] = self.membership
        return context


class MemberRoleView(MembershipMixin, FormView):
    template_name = "partnerships/member_role.html"
    form_class = MemberRoleForm

    def get_initial(self):
        return {"role": self.membership.role}

    def get(self, request, *args, **kwargs):
        self.membership = self.get_membership()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.membership = self.get_membership()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.membership_change_role(
                membership=self.membership, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            form.add_error("role", error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"{self.membership.user.get_username()} is now "
            f"{self.membership.get_role_display().lower()}.",
        )
        return HttpResponseRedirect(self.members_url())


class MemberRemoveView(MembershipMixin, TemplateView):
    template_name = "partnerships/member_remove.html"

    def get(self, request, *args, **kwargs):
        self.membership = self.get_membership()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.membership = self.get_membership()
        try:
            services.membership_remove(membership=self.membership)
        except ValidationError as error:
            context = self.get_context_data(error=error.messages[0])
            return self.render_to_response(context, status=400)
        messages.success(
            request,
            f"{self.membership.user.get_username()} no longer has access to {self.partnership}.",
        )
        return HttpResponseRedirect(self.members_url())


class MemberInviteResendView(MembershipMixin, View):
    """POST: emails a member who has not signed in yet their invitation again."""

    read_action = None  # nothing to GET
    step_up = STEP_UP_WRITE

    def post(self, request, *args, **kwargs):
        membership = self.get_membership()
        try:
            services.member_invite_resend(membership=membership, invited_by=request.user,
                                          site_url=request.build_absolute_uri("/"))
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, f"Invitation sent again to {membership.user.email}.")
        return HttpResponseRedirect(self.members_url())
