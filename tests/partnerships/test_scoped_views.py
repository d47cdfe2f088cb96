"""The generic case (tests/scoped_views.py) for each page of partnerships/urls.py."""

import pytest

from partnerships import access
from partnerships.models import KeyDocument, Membership

from ..scoped_views import ScopedObjectViewCase, ScopedViewCase, slug

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenants(shared_tenants):
    """Built once for this module (tests/conftest.py `module_tenants`): each test only reads
    them or changes them inside its own transaction."""
    return shared_tenants


def member(t, side: str) -> dict:
    """The lead's membership of the side's partnership."""
    return {**slug(t, side), "pk": t.memberships[side].pk}


class TestOverview(ScopedViewCase):
    url_name = "partnerships:overview"
    actions = {"GET": access.VIEW}


class TestMembers(ScopedViewCase):
    url_name = "partnerships:members"
    actions = {"GET": access.MANAGE_MEMBERS}


class TestMemberInvite(ScopedViewCase):
    url_name = "partnerships:member_invite"
    actions = {"GET": access.MANAGE_MEMBERS, "POST": access.MANAGE_MEMBERS}

    def post_data(self, t, side):
        return {"email": "new.member@example.org", "role": "viewer"}

    def state(self, t, side):
        return Membership.objects.filter(partnership=t.partnership(side)).count()


class TestMemberRole(ScopedObjectViewCase):
    url_name = "partnerships:member_role"
    actions = {"GET": access.MANAGE_MEMBERS, "POST": access.MANAGE_MEMBERS}
    url_kwargs = staticmethod(member)

    def post_data(self, t, side):
        return {"role": "analyst"}

    def state(self, t, side):
        return Membership.objects.get(pk=t.memberships[side].pk).role


class TestMemberResend(ScopedObjectViewCase):
    """Sends a member who has not signed in yet their invitation again."""

    url_name = "partnerships:member_resend"
    actions = {"POST": access.MANAGE_MEMBERS}
    url_kwargs = staticmethod(member)

    def state(self, t, side):
        return Membership.objects.get(pk=t.memberships[side].pk).invited_at


class TestMemberRemove(ScopedObjectViewCase):
    url_name = "partnerships:member_remove"
    actions = {"GET": access.MANAGE_MEMBERS, "POST": access.MANAGE_MEMBERS}
    url_kwargs = staticmethod(member)

    def state(self, t, side):
        return Membership.objects.filter(pk=t.memberships[side].pk).exists()


def document(t, side: str) -> dict:
    """The side's entry in its key-documents register."""
    return {**slug(t, side),
            "pk": KeyDocument.objects.get(partnership=t.partnership(side)).pk}


def document_data(version: int | None = None) -> dict:
    data = {"title": "Drug market profile 2024", "kind": "drug_market_profile",
            "status": "completed", "date_0": "31", "date_1": "3", "date_2": "2024",
            "link": "https://www.example.gov.uk/drug-market-profile.pdf"}
    if version is not None:
        data["version"] = str(version)
    return data


class TestDocuments(ScopedViewCase):
    url_name = "partnerships:documents"
    actions = {"GET": access.VIEW}


class TestDocumentAdd(ScopedViewCase):
    url_name = "partnerships:document_add"
    actions = {"GET": access.MANAGE_DOCUMENTS, "POST": access.MANAGE_DOCUMENTS}

    def post_data(self, t, side):
        return document_data()

    def state(self, t, side):
        return KeyDocument.objects.filter(partnership=t.partnership(side)).count()


class TestDocumentEdit(ScopedObjectViewCase):
    url_name = "partnerships:document_edit"
    actions = {"GET": access.MANAGE_DOCUMENTS, "POST": access.MANAGE_DOCUMENTS}
    url_kwargs = staticmethod(document)

    def post_data(self, t, side):
        return document_data(version=1)

    def state(self, t, side):
        row = KeyDocument.objects.get(pk=self.kwargs_for(t, side)["pk"])
        return row.title, row.link, row.version


class TestDocumentRemove(ScopedObjectViewCase):
    url_name = "partnerships:document_remove"
    actions = {"GET": access.MANAGE_DOCUMENTS, "POST": access.MANAGE_DOCUMENTS}
    url_kwargs = staticmethod(document)

    def state(self, t, side):
        return KeyDocument.objects.filter(pk=self.kwargs_for(t, side)["pk"]).exists()
