"""The one place that decides who sees and changes what.

Membership(user, partnership, role) is the source of truth. `partnerships.services` mirrors it
into django-guardian: one group per partnership and role, holding object permissions on that
Partnership, and one group per region for regional viewers. Child rows carry no permission
rows: they are scoped through their partnership foreign key.

Every tenant-owned model uses `ScopedQuerySet` and every scoped query goes through
`Model.objects.for_user(user, action)`. The default manager never filters implicitly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps
from django.db import models
from django.http import Http404

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from .models import Partnership

# The actions a user can take on a partnership's data, and the Partnership permission each needs.
VIEW = "view"
EDIT_PLAN = "edit_plan"
LOAD_DATA = "load_data"
MANAGE_MEMBERS = "manage_members"
ACTION_PERMISSIONS = {
    VIEW: "view_partnership",
    EDIT_PLAN: "edit_plan",
    LOAD_DATA: "load_data",
    MANAGE_MEMBERS: "manage_members",
}
PERMISSION_ACTIONS = {codename: action for action, codename in ACTION_PERMISSIONS.items()}

# What each membership role may do. Regional viewers may only view.
ROLE_ACTIONS = {
    "viewer": frozenset({VIEW}),
    "lead": frozenset({VIEW, EDIT_PLAN}),
    "analyst": frozenset({VIEW, LOAD_DATA}),
    "admin": frozenset({VIEW, EDIT_PLAN, LOAD_DATA, MANAGE_MEMBERS}),
}
REGIONAL_ACTIONS = frozenset({VIEW})


def role_group_name(partnership_id: int, role: str) -> str:
    return f"partnership:{partnership_id}:{role}"


def region_group_name(region_id: int) -> str:
    return f"region:{region_id}:viewer"


def _check_action(action: str) -> str:
    try:
        return ACTION_PERMISSIONS[action]
    except KeyError:
        raise ValueError(
            f"unknown action {action!r}; use one of {sorted(ACTION_PERMISSIONS)}"
        ) from None


def _is_signed_in(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def permitted_partnership_ids(user: AbstractBaseUser, action: str) -> models.QuerySet:
    """A subquery of the ids of partnerships on which `user` may take `action`."""
    codename = _check_action(action)
    group_permission = apps.get_model("partnerships", "PartnershipGroupObjectPermission")
    return group_permission.objects.filter(
        group__user=user,
        permission__codename=codename,
        permission__content_type__app_label="partnerships",
        permission__content_type__model="partnership",
    ).values("content_object_id")


def member_partnership_ids(user: AbstractBaseUser | AnonymousUser | None) -> models.QuerySet:
    """A subquery of the ids of the partnerships `user` is a member of. Everyone else who may
    see a partnership (a regional viewer, a national admin) is outside it: figures that cross
    partnerships are shown to them with disclosure control."""
    membership = apps.get_model("partnerships", "Membership")
    if not _is_signed_in(user):
        return membership.objects.none().values("partnership_id")
    return membership.objects.filter(user=user).values("partnership_id")


class ScopedQuerySet(models.QuerySet):
    """The queryset of every tenant-owned model (NetBox's RestrictedQuerySet.restrict)."""

    def for_user(self, user: AbstractBaseUser | AnonymousUser | None, action: str = VIEW):
        _check_action(action)
        if not _is_signed_in(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        field = getattr(self.model, "partnership_field", "partnership")
        return self.filter(**{f"{field}__in": permitted_partnership_ids(user, action)})


def actions_for(
    user: AbstractBaseUser | AnonymousUser | None, partnership_slug: str
) -> frozenset[str]:
    """The actions `user` may take on the partnership with this slug (none if it is hidden).

    One query."""
    if not _is_signed_in(user):
        return frozenset()
    if user.is_superuser:
        exists = apps.get_model("partnerships", "Partnership").objects.filter(
            slug=partnership_slug
        )
        return frozenset(ACTION_PERMISSIONS) if exists.exists() else frozenset()
    group_permission = apps.get_model("partnerships", "PartnershipGroupObjectPermission")
    codenames = group_permission.objects.filter(
        group__user=user,
        content_object__slug=partnership_slug,
        permission__content_type__app_label="partnerships",
        permission__content_type__model="partnership",
    ).values_list("permission__codename", flat=True)
    return frozenset(PERMISSION_ACTIONS[c] for c in codenames if c in PERMISSION_ACTIONS)


def partnership_for_user(
    user: AbstractBaseUser | AnonymousUser | None, slug: str, action: str = VIEW
) -> Partnership:
    """The partnership with this slug if `user` may take `action` on it; otherwise 404."""
    partnership_model = apps.get_model("partnerships", "Partnership")
    try:
        return partnership_model.objects.for_user(user, action).select_related("region").get(
            slug=slug
        )
    except partnership_model.DoesNotExist:
        raise Http404("No such partnership") from None


class SharedQuerySet(models.QuerySet):
    """Rows every signed-in user may read and only national admins change: England's and
    the regions' benchmark figures."""

    def for_user(self, user: AbstractBaseUser | AnonymousUser | None, action: str = VIEW):
        _check_action(action)
        if not _is_signed_in(user):
            return self.none()
        return self.all() if action == VIEW or user.is_superuser else self.none()
