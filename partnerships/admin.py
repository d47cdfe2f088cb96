"""Site admins (national administrators) manage partnerships here. Writes go through services."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models

from . import services
from .forms import PartnershipAdminForm
from .models import (
    KeyDocument,
    LocalAuthority,
    Membership,
    NamedRole,
    Organisation,
    Partnership,
    Region,
    RegionalMembership,
    SubGroup,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region"]
    list_filter = ["region"]
    search_fields = ["name", "code"]


class OrganisationInline(admin.TabularInline):
    model = Organisation
    extra = 0


class NamedRoleInline(admin.TabularInline):
    model = NamedRole
    extra = 0


class SubGroupInline(admin.TabularInline):
    model = SubGroup
    extra = 0


class KeyDocumentInline(admin.TabularInline):
    model = KeyDocument
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    exclude = ["version"]  # moved on by each change saved here (PartnershipAdmin.save_formset)


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    form = PartnershipAdminForm
    list_display = ["name", "slug", "region", "parent", "date_established"]
    list_filter = ["region"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OrganisationInline, NamedRoleInline, SubGroupInline, KeyDocumentInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        obj.local_authorities.set(form.local_authorities)
        services.partnership_sync_permissions(partnership=obj)

    def save_formset(self, request, form, formset, change):
        """A key document changed here moves on its version, as the register's own page
        does: a form opened there before this change is then refused, not overwriting it."""
        if formset.model is KeyDocument:
            for inline_form in formset.forms:
                if inline_form.instance.pk and inline_form.has_changed():
                    inline_form.instance.version += 1
        super().save_formset(request, form, formset, change)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "partnership", "role", "created_at"]
    list_filter = ["partnership", "role"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]
    actions = None  # bulk delete would bypass the last-administrator check

    def get_readonly_fields(self, request, obj=None):
        return ["user", "partnership"] if obj else []

    def save_model(self, request, obj, form, change):
        try:
            if change:
                role = obj.role
                obj.role = form.initial["role"]
                services.membership_change_role(membership=obj, role=role)
            else:
                services.membership_create(
                    partnership=obj.partnership, user=obj.user, role=obj.role
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))

    def delete_model(self, request, obj):
        try:
            services.membership_remove(membership=obj)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))


@admin.register(RegionalMembership)
class RegionalMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "region"]
    autocomplete_fields = ["user"]
    actions = None

    def save_model(self, request, obj, form, change):
        services.regional_membership_create(user=obj.user, region=obj.region)

    def delete_model(self, request, obj):
        services.regional_membership_remove(membership=obj)
