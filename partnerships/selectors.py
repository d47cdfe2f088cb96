"""Reads of the partnerships app. Query efficiency lives here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet

from .history import changed_by, field_changes
from .models import KeyDocument, Membership, NamedRole, Organisation, Partnership


def partnership_list_for_user(*, user) -> QuerySet[Partnership]:
    return Partnership.objects.for_user(user).select_related("region").order_by("name")


def partnership_overview(*, partnership: Partnership, user) -> Partnership:
    """The partnership with everything its overview page shows, in a fixed number of queries."""
    return (
        Partnership.objects.for_user(user)
        .select_related("region", "parent")
        .prefetch_related(
            "local_authorities",
            Prefetch("children", queryset=Partnership.objects.for_user(user)),
            "sub_groups",
            "key_documents",
            Prefetch("organisations", queryset=Organisation.objects.order_by("sector", "name")),
            Prefetch("named_roles", queryset=NamedRole.objects.select_related("organisation")),
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("user").order_by(
                    "role", "user__last_name", "user__username"
                ),
            ),
        )
        .get(pk=partnership.pk)
    )


def membership_list(*, partnership: Partnership, user) -> QuerySet[Membership]:
    return (
        Membership.objects.for_user(user, "manage_members")
        .filter(partnership=partnership)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def member_users(*, partnership: Partnership, user) -> QuerySet:
    """The people who belong to the partnership, for choosing one (a key action's lead)."""
    memberships = Membership.objects.for_user(user).filter(partnership=partnership)
    return get_user_model().objects.filter(memberships__in=memberships).order_by(
        "first_name", "username")


def partnership_areas(*, partnership: Partnership) -> list[tuple[str, str]]:
    """The partnership's local authorities as (ONS code, name), by name: one query. The
    partnership is one its caller was allowed to see (PartnershipViewMixin)."""
    return list(partnership.local_authorities.order_by("name").values_list("code", "name"))


def key_document_list(*, partnership: Partnership, user) -> QuerySet[KeyDocument]:
    """The partnership's key-documents register, by kind and title: one query."""
    return KeyDocument.objects.for_user(user).filter(partnership=partnership)


@dataclass(frozen=True)
class DocumentChange:
    when: datetime
    who: str
    what: str
    changes: list[tuple[str, str, str]]  # (field, before, after)


DOCUMENT_FIELDS = ("title", "kind", "status", "date", "link")


def key_document_history(*, document: KeyDocument) -> list[DocumentChange]:
    """Every change to the entry, newest first: who, when, what changed from what. One
    query; the document is one its caller was allowed to see."""
    records = list(document.history.select_related("history_user")
                   .order_by("-history_date", "-history_id"))
    entries = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        if older is None:
            entries.append(DocumentChange(newer.history_date, changed_by(newer), "Added", []))
            continue
        entries.append(DocumentChange(newer.history_date, changed_by(newer), "Changed",
                                      field_changes(KeyDocument, older, newer, DOCUMENT_FIELDS)))
    return entries
