from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView, View

from . import access, selectors, services
from .forms import InviteMemberForm, KeyDocumentForm, MemberRoleForm
from .mixins import STEP_UP_ALWAYS, STEP_UP_WRITE, PartnershipViewMixin, add_service_error
from .models import KeyDocument, Membership


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


# --- The key-documents register -------------------------------------------------------------
class KeyDocumentListView(PartnershipViewMixin, TemplateView):
    """The register: read by every member; its administrators add, change and remove
    entries. What the public page shows of it is chosen on the public page's settings."""

    template_name = "partnerships/documents.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["documents"] = selectors.key_document_list(
            partnership=self.partnership, user=self.request.user)
        return context


class KeyDocumentMixin(PartnershipViewMixin):
    """The pages that change the register: its administrators only. Changing an entry can
    change what the public page shows, so a change needs a recent sign-in (step-up), as the
    public page's settings do."""

    read_action = access.MANAGE_DOCUMENTS
    write_action = access.MANAGE_DOCUMENTS
    step_up = STEP_UP_WRITE

    def get_document(self) -> KeyDocument:
        if not hasattr(self, "document"):
            self.document = self.get_scoped(KeyDocument, access.MANAGE_DOCUMENTS,
                                            pk=self.kwargs["pk"])
        return self.document

    def documents_url(self) -> str:
        return reverse("partnerships:documents",
                       kwargs={"partnership_slug": self.partnership.slug})


class KeyDocumentFormView(KeyDocumentMixin, FormView):
    template_name = "partnerships/document_form.html"
    form_class = KeyDocumentForm
    heading = button = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "button": self.button}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, **kwargs)

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        fields = {"title": data["title"], "kind": data["kind"], "status": data["status"],
                  "on": data["date"], "link": data["link"]}
        try:
            message = self.save(fields, version=data.get("version"))
        except services.StaleKeyDocument as stale:
            return self.stale(form, stale.current)
        except ValidationError as error:
            return self.form_invalid(add_service_error(form, error))
        messages.success(self.request, message)
        return HttpResponseRedirect(self.documents_url())


class KeyDocumentCreateView(KeyDocumentFormView):
    heading, button = "Add a key document", "Add the document"

    def save(self, fields: dict, version) -> str:
        document = services.key_document_create(partnership=self.partnership,
                                                user=self.request.user, **fields)
        return f"Added to the register: {document.title}."


class KeyDocumentUpdateView(KeyDocumentFormView):
    """Changes an entry, as it was when the form was opened: if someone else saved it in
    the meantime the change is refused, the page shows what is saved now, and the form keeps
    what this editor entered (saving again then replaces it, knowingly)."""

    heading, button = "Change a key document", "Save the document"

    def get_initial(self):
        document = self.get_document()
        return {"title": document.title, "kind": document.kind, "status": document.status,
                "date": document.date, "link": document.link, "version": document.version}

    def get_context_data(self, **kwargs):
        document = self.get_document()
        return super().get_context_data(
            document=document,
            history=selectors.key_document_history(document=document), **kwargs)

    def save(self, fields: dict, version) -> str:
        document = services.key_document_update(
            document=self.get_document(), user=self.request.user,
            version=version if version is not None else -1, **fields)
        return f"Saved: {document.title}."

    def stale(self, form, current: KeyDocument | None):
        if current is None:
            messages.error(self.request, "Someone else removed this document from the "
                                         "register while you were changing it.")
            return HttpResponseRedirect(self.documents_url())
        self.document = current
        values = form.data.copy()
        values["version"] = str(current.version)
        again = self.get_form_class()(values, button=self.button)
        again.is_valid()
        again.add_error(None, "Someone else changed this document after you opened it. "
                              "What is saved now is shown below; save again to replace it "
                              "with what you entered.")
        return self.render_to_response(self.get_context_data(form=again, saved_now=current),
                                       status=409)


class KeyDocumentDeleteView(KeyDocumentMixin, TemplateView):
    """Asks first (GET), removes on POST: its history keeps what it said."""

    template_name = "partnerships/document_remove.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(document=self.get_document(), **kwargs)

    def post(self, request, *args, **kwargs):
        document = self.get_document()
        services.key_document_delete(document=document, user=request.user)
        messages.success(request, f"Removed from the register: {document.title}.")
        return HttpResponseRedirect(self.documents_url())
