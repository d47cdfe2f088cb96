"""Writes of the partnerships app. Membership changes keep the guardian groups in step."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.module_loading import import_string

from . import access
from .models import (
    KeyDocument,
    LocalAuthority,
    Membership,
    Organisation,
    Partnership,
    PartnershipGroupObjectPermission,
    Region,
    RegionalMembership,
)

User = get_user_model()


def local_authorities_from_codes(codes: Iterable[str]) -> list[LocalAuthority]:
    """The local authorities with these ONS codes; a ValidationError names any unknown code."""
    wanted = [c.strip().upper() for c in codes if c.strip()]
    if not wanted:
        raise ValidationError("Enter at least one local authority ONS code.")
    found = {la.code: la for la in LocalAuthority.objects.filter(code__in=wanted)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        raise ValidationError(
            f"Unknown ONS code{plural}: {', '.join(unknown)}. Use the code of an English "
            "local authority, for example E08000018 for Rotherham."
        )
    return [found[c] for c in dict.fromkeys(wanted)]


@transaction.atomic
def partnership_sync_permissions(*, partnership: Partnership) -> None:
    """Makes the partnership's guardian rows exactly what its roles and region call for.

    One group per role holds that role's permissions on the partnership; the group of the
    partnership's region (regional viewers) holds view. Idempotent, and a fixed number of
    queries whatever was there before.
    """
    permissions = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(Partnership),
            codename__in=access.ACTION_PERMISSIONS.values(),
        )
    }
    wanted: set[tuple[int, int]] = set()
    for role, actions in access.ROLE_ACTIONS.items():
        group, _ = Group.objects.get_or_create(name=access.role_group_name(partnership.pk, role))
        wanted |= {(group.pk, permissions[access.ACTION_PERMISSIONS[a]].pk) for a in actions}
    region_group, _ = Group.objects.get_or_create(
        name=access.region_group_name(partnership.region_id)
    )
    wanted |= {
        (region_group.pk, permissions[access.ACTION_PERMISSIONS[a]].pk)
        for a in access.REGIONAL_ACTIONS
    }
    rows = PartnershipGroupObjectPermission.objects.filter(content_object=partnership)
    existing = set(rows.values_list("group_id", "permission_id"))
    stale = existing - wanted
    if stale:
        rows.filter(
            pk__in=[
                pk for pk, group_id, permission_id in rows.values_list(
                    "pk", "group_id", "permission_id"
                ) if (group_id, permission_id) in stale
            ]
        ).delete()
    PartnershipGroupObjectPermission.objects.bulk_create(
        [
            PartnershipGroupObjectPermission(
                group_id=group_id, permission_id=permission_id, content_object=partnership
            )
            for group_id, permission_id in sorted(wanted - existing)
        ]
    )


@transaction.atomic
def partnership_create(
    *,
    name: str,
    slug: str,
    region: Region,
    local_authority_codes: Iterable[str],
    parent: Partnership | None = None,
    reports_to: str = "",
    date_established: date | None = None,
    terms_of_reference: str = "",
) -> Partnership:
    local_authorities = local_authorities_from_codes(local_authority_codes)
    partnership = Partnership(
        name=name,
        slug=slug,
        region=region,
        parent=parent,
        reports_to=reports_to,
        date_established=date_established,
        terms_of_reference=terms_of_reference,
    )
    partnership.full_clean()
    partnership.save()
    partnership.local_authorities.set(local_authorities)
    partnership_sync_permissions(partnership=partnership)
    return partnership


def _role_group(partnership: Partnership, role: str) -> Group:
    group, created = Group.objects.get_or_create(
        name=access.role_group_name(partnership.pk, role)
    )
    if created:
        partnership_sync_permissions(partnership=partnership)
    return group


def _check_role(role: str) -> None:
    if role not in Membership.Role.values:
        raise ValidationError(f"Unknown role {role!r}.")


@transaction.atomic
def membership_create(
    *, partnership: Partnership, user: AbstractBaseUser, role: str
) -> Membership:
    _check_role(role)
    already = ValidationError(
        f"{user.get_username()} is already a member of {partnership}. Change their role instead."
    )
    if Membership.objects.filter(partnership=partnership, user=user).exists():
        raise already
    try:
        with transaction.atomic():
            membership = Membership.objects.create(partnership=partnership, user=user, role=role)
    except IntegrityError:  # added by someone else at the same moment
        raise already from None
    _set_role_group(user, partnership, role)
    return membership


def _lock_membership(membership: Membership) -> Membership:
    """Re-reads the membership under a row lock: a stale copy must not decide group changes."""
    try:
        return Membership.objects.select_for_update().select_related("user", "partnership").get(
            pk=membership.pk
        )
    except Membership.DoesNotExist:
        raise ValidationError("This person is no longer a member.") from None


def _set_role_group(user: AbstractBaseUser, partnership: Partnership, role: str | None) -> None:
    """Leaves the user in exactly one of the partnership's role groups (none if role is None)."""
    prefix = access.role_group_name(partnership.pk, "")
    stale = user.groups.filter(name__startswith=prefix)
    if role is not None:
        stale = stale.exclude(name=access.role_group_name(partnership.pk, role))
    user.groups.remove(*stale)
    if role is not None:
        user.groups.add(_role_group(partnership, role))


def _lock_admins(partnership: Partnership) -> list[int]:
    """Locks the partnership's admin memberships, so two removals cannot race past the check."""
    return list(
        Membership.objects.select_for_update()
        .filter(partnership=partnership, role=Membership.Role.ADMIN)
        .values_list("pk", flat=True)
    )


def _refuse_losing_last_admin(membership: Membership) -> None:
    admins = _lock_admins(membership.partnership)
    if membership.role == Membership.Role.ADMIN and admins == [membership.pk]:
        raise ValidationError(
            f"{membership.user.get_username()} is the only administrator of "
            f"{membership.partnership}. Make someone else an administrator first."
        )


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str) -> Membership:
    _check_role(role)
    current = _lock_membership(membership)
    if role != Membership.Role.ADMIN:
        _refuse_losing_last_admin(current)
    if role != current.role:
        current.role = role
        current.save(update_fields=["role"])
    _set_role_group(current.user, current.partnership, role)
    membership.role = role
    return current


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """Removes a member. Access ends at once: every request checks the permission groups."""
    current = _lock_membership(membership)
    _refuse_losing_last_admin(current)
    _set_role_group(current.user, current.partnership, None)
    current.delete()


@transaction.atomic
def regional_membership_create(*, user: AbstractBaseUser, region: Region) -> RegionalMembership:
    membership, _ = RegionalMembership.objects.get_or_create(user=user, region=region)
    group, created = Group.objects.get_or_create(name=access.region_group_name(region.pk))
    if created:
        for partnership in Partnership.objects.filter(region=region):
            partnership_sync_permissions(partnership=partnership)
    user.groups.add(group)
    return membership


@transaction.atomic
def regional_membership_remove(*, membership: RegionalMembership) -> None:
    group = Group.objects.filter(name=access.region_group_name(membership.region_id)).first()
    if group:
        membership.user.groups.remove(group)
    membership.delete()


@dataclass(frozen=True)
class Invitation:
    membership: Membership
    new_account: bool


@transaction.atomic
def organisation_get_or_create(
    *, partnership: Partnership, name: str, sector: str = Organisation.Sector.OTHER
) -> tuple[Organisation, bool]:
    """The partnership's member organisation with this name (ignoring case), or a new one."""
    name = " ".join(name.split())[:200]
    existing = Organisation.objects.filter(partnership=partnership, name__iexact=name).first()
    if existing is not None:
        return existing, False
    return Organisation.objects.create(partnership=partnership, name=name, sector=sector), True


def _username_for(email: str) -> str:
    base = email.split("@")[0][:140] or "member"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def password_off_issuer(user: AbstractBaseUser):
    """The single sign-on issuer that has switched passwords off for this person's address,
    or None: asked of the function PASSWORD_OFF_ISSUER names (cdp.signin.sso decides)."""
    return import_string(settings.PASSWORD_OFF_ISSUER)(None, email=user.email, user=user)


def _invitation_email(*, membership: Membership, inviter: AbstractBaseUser, site_url: str,
                      again: bool = False) -> tuple[str, str]:
    """The subject and body of an invitation: a link to choose a password for someone who
    has none yet, a link to sign in for someone who has one, and for someone whose
    organisation signs them in (passwords switched off for its addresses) the button to use,
    never a password."""
    user, partnership = membership.user, membership.partnership
    role_label = membership.get_role_display().lower()
    by = inviter.get_full_name() or inviter.get_username()
    added = f"{by} has added you to {partnership} on the CDP Dashboard as {role_label}."
    if again:
        added = f"{by} has sent you this invitation again. " + added
    sign_in = f"{site_url.rstrip('/')}{reverse('login')}"
    issuer = password_off_issuer(user)
    if issuer is not None:
        body = (f"{added}\n\nSign in with your {issuer.name} account: go to {sign_in} and "
                f"choose \u201cSign in with {issuer.name}\u201d. You do not need a password "
                "for the CDP Dashboard.")
    elif not user.has_usable_password():
        link = site_url.rstrip("/") + reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        body = (f"{added}\n\nYour user name is {user.username}. Choose a password to sign "
                f"in:\n\n{link}\n\nThe link works once and expires in a few days.")
    else:
        body = f"{added}\n\nSign in as {user.username}: {sign_in}"
    return f"You have been added to {partnership} on the CDP Dashboard", body


def _send_invitation(membership: Membership, inviter: AbstractBaseUser, site_url: str,
                     again: bool = False) -> None:
    """Notes who invited them and when (in the membership's history), and emails them after
    the transaction commits."""
    membership.invited_at, membership.invited_by = timezone.now(), inviter
    membership._history_user = inviter
    membership.save(update_fields=["invited_at", "invited_by"])
    subject, body = _invitation_email(membership=membership, inviter=inviter,
                                      site_url=site_url, again=again)
    email = membership.user.email
    # robust: a mail server failure is logged and does not undo or break the invitation.
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]), robust=True)


@transaction.atomic
def member_invite(
    *,
    partnership: Partnership,
    email: str,
    role: str,
    invited_by: AbstractBaseUser,
    site_url: str,
    first_name: str = "",
    last_name: str = "",
) -> Invitation:
    """Adds the person with this email address, creating their account if they have none
    (with the name given; an account with no name yet takes it too).

    A new account gets an email with a link to choose a password; an existing one gets a note
    that they now have access. Emails go after the transaction commits.
    """
    email = User.objects.normalize_email(email.strip())
    first_name, last_name = " ".join(first_name.split())[:150], " ".join(last_name.split())[:150]
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    new_account = user is None
    if new_account:
        try:
            with transaction.atomic():
                user = User(username=_username_for(email), email=email,
                            first_name=first_name, last_name=last_name)
                user.set_unusable_password()
                user.save()
        except IntegrityError:  # the same address invited twice at the same moment
            raise ValidationError("Someone else is adding this person. Try again.") from None
    elif (first_name or last_name) and not user.get_full_name():
        user.first_name, user.last_name = first_name, last_name
        user.save(update_fields=["first_name", "last_name"])
    membership = membership_create(partnership=partnership, user=user, role=role)
    _send_invitation(membership, invited_by, site_url)
    return Invitation(membership=membership, new_account=new_account)


@transaction.atomic
def member_invite_resend(*, membership: Membership, invited_by: AbstractBaseUser,
                         site_url: str) -> Membership:
    """Emails a member who has not yet signed in their invitation again (a new link to choose
    a password, the old one may have expired). Recorded in the membership's history. Raises
    ValidationError once they have signed in."""
    membership = (Membership.objects.select_for_update(of=("self",))
                  .select_related("user", "partnership").get(pk=membership.pk))
    if not membership.pending:
        raise ValidationError(f"{membership.user.get_full_name() or membership.user.username} "
                              "has already signed in: there is no invitation to send again.")
    _send_invitation(membership, invited_by, site_url, again=True)
    return membership


# --- The key-documents register: kept by the partnership's administrators ---------------------
class StaleKeyDocument(Exception):
    """The document was changed (or removed) by someone else after the editor opened it."""

    def __init__(self, current: KeyDocument | None):
        super().__init__("the key document has changed since it was opened")
        self.current = current


def _document_fields(*, title: str, kind: str, status: str, on: date | None,
                     link: str) -> dict:
    return {"title": " ".join(title.split()), "kind": kind, "status": status, "date": on,
            "link": link.strip()}


def _save_document(document: KeyDocument, user: AbstractBaseUser) -> None:
    """Validated (the link an https address, the kind and status known), then saved with a
    history row naming `user`."""
    document.full_clean(exclude=["partnership"])
    document._history_user = user
    document.save()


@transaction.atomic
def key_document_create(*, partnership: Partnership, user: AbstractBaseUser, title: str,
                        kind: str, status: str, on: date | None = None,
                        link: str = "") -> KeyDocument:
    """Adds an entry to the register. Raises ValidationError naming the field at fault."""
    access.require(user, partnership, access.MANAGE_DOCUMENTS)
    document = KeyDocument(partnership=partnership, **_document_fields(
        title=title, kind=kind, status=status, on=on, link=link))
    _save_document(document, user)
    return document


@transaction.atomic
def key_document_update(*, document: KeyDocument, user: AbstractBaseUser, version: int,
                        title: str, kind: str, status: str, on: date | None = None,
                        link: str = "") -> KeyDocument:
    """Changes the entry if it is still at `version`; else raises StaleKeyDocument with what
    is saved now (None once removed). An edit that changes nothing saves nothing."""
    access.require(user, document.partnership, access.MANAGE_DOCUMENTS)
    current = KeyDocument.objects.select_for_update().filter(pk=document.pk).first()
    if current is None or current.version != version:
        raise StaleKeyDocument(current)
    access.require_own(document.partnership, current)
    changes = _document_fields(title=title, kind=kind, status=status, on=on, link=link)
    if all(getattr(current, name) == value for name, value in changes.items()):
        return current
    for name, value in changes.items():
        setattr(current, name, value)
    current.version += 1
    _save_document(current, user)
    return current


@transaction.atomic
def key_document_delete(*, document: KeyDocument, user: AbstractBaseUser) -> None:
    """Removes the entry from the register (and from the public page); its history keeps
    what it said and who removed it."""
    access.require(user, document.partnership, access.MANAGE_DOCUMENTS)
    document._history_user = user
    document.delete()
