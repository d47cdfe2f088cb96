"""The generic case (tests/scoped_views.py) for each partnership page of cdp/urls.py: the
dashboard and metric pages, notes on a metric, the public page and its settings, and board
packs."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from cdp.models import BoardPack, PublicPage
from outcomes.models import Annotation, Metric
from partnerships import access

from ..scoped_views import (
    MAY,
    ScopedObjectViewCase,
    ScopedViewCase,
    body,
    client_for,
    slug,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenants(shared_tenants):
    """Built once for this module (tests/conftest.py `module_tenants`): each test only reads
    them or changes them inside its own transaction."""
    return shared_tenants


def metric(t, side: str) -> dict:
    """A national metric's page in the side's partnership."""
    return {**slug(t, side), "metric_id": Metric.objects.get(code="numbers_in_treatment",
                                                             owner=None).pk}


def annotation(t, side: str) -> dict:
    """The side's note on that metric (tests/conftest.py)."""
    return {**metric(t, side), "pk": t.annotations[side].pk}


def ready_pack(t, side: str) -> dict:
    """A ready board pack of the side's, with its PDF in the file store."""
    stored = default_storage.save(f"board-packs/scoped-{side}.pdf",
                                  ContentFile(b"%PDF-1.7 " + str(t.partnership(side)).encode()))
    pack = BoardPack.objects.create(partnership=t.partnership(side), stored_file=stored,
                                    requested_by=t.users[f"{side}_lead"],
                                    status=BoardPack.Status.READY, file_size=9)
    return {**slug(t, side), "pk": pack.pk}


def failed_pack(t, side: str) -> dict:
    """The side's failed board pack (tests/conftest.py)."""
    pack = BoardPack.objects.get(partnership=t.partnership(side), status=BoardPack.Status.FAILED)
    return {**slug(t, side), "pk": pack.pk}


class TestDashboard(ScopedViewCase):
    url_name = "dashboard"
    actions = {"GET": access.VIEW}


class TestMetric(ScopedViewCase):
    url_name = "metric"
    actions = {"GET": access.VIEW}
    url_kwargs = staticmethod(metric)


class TestMetricCsv(ScopedViewCase):
    url_name = "metric_csv"
    actions = {"GET": access.VIEW}
    url_kwargs = staticmethod(metric)


class TestSpine(ScopedViewCase):
    url_name = "spine"
    actions = {"GET": access.VIEW}


class TestPlanProgressCsv(ScopedViewCase):
    url_name = "plan_progress_csv"
    actions = {"GET": access.VIEW}


# --- Notes on a metric ---------------------------------------------------------------------
class TestAnnotationNew(ScopedViewCase):
    url_name = "annotation_new"
    actions = {"GET": access.ANNOTATE, "POST": access.ANNOTATE}
    url_kwargs = staticmethod(metric)

    def post_data(self, t, side):
        return {"date_0": "1", "date_1": "6", "date_2": "2023", "text": "Outreach van started"}

    def state(self, t, side):
        return Annotation.objects.filter(partnership=t.partnership(side)).count()


class TestAnnotationEdit(ScopedObjectViewCase):
    url_name = "annotation_edit"
    actions = {"GET": access.ANNOTATE, "POST": access.ANNOTATE}
    url_kwargs = staticmethod(annotation)

    def post_data(self, t, side):
        return {"date_0": "3", "date_1": "4", "date_2": "2023", "text": "Provider changed"}

    def state(self, t, side):
        return Annotation.objects.get(pk=t.annotations[side].pk).text


class TestAnnotationDelete(ScopedObjectViewCase):
    url_name = "annotation_delete"
    actions = {"GET": access.ANNOTATE, "POST": access.ANNOTATE}
    url_kwargs = staticmethod(annotation)

    def state(self, t, side):
        return Annotation.objects.filter(pk=t.annotations[side].pk).exists()


# --- The public page -----------------------------------------------------------------------
class TestPublicPage(ScopedViewCase):
    """Not a members' page: anyone reads a published page, signed in or not, and an
    unpublished one is the same 404 as an unknown slug for everyone, its own administrator
    included (they use the preview). The four generic tests say so for this page."""

    url_name = "public_page"
    actions = {"GET": access.VIEW}

    def publish(self, t, side: str) -> None:
        PublicPage.objects.filter(partnership=t.partnership(side)).update(published=True)

    def assert_hidden(self, t, user, side: str) -> None:
        response = client_for(t, user).get(self.url(t, side))
        assert response.status_code == 404, (user, side, response.status_code)
        leaked = [m for m in ("Rotherham", "Darlington") if m in body(response)]
        assert not leaked, (user, side, leaked)

    def test_anonymous(self, tenants):
        self.assert_hidden(tenants, None, "a")
        self.publish(tenants, "a")
        assert client_for(tenants, None).get(self.url(tenants)).status_code == 200

    def test_without_permission(self, tenants):
        self.assert_hidden(tenants, "outsider", "a")
        self.publish(tenants, "a")
        assert client_for(tenants, "outsider").get(self.url(tenants)).status_code == 200

    def test_other_partnership(self, tenants):
        self.assert_hidden(tenants, "b_admin", "a")
        self.publish(tenants, "a")
        assert client_for(tenants, "b_admin").get(self.url(tenants)).status_code == 200

    def test_permitted(self, tenants):
        for user in MAY[access.PUBLISH] + ["superuser"]:
            self.assert_hidden(tenants, user, "a")
        self.publish(tenants, "a")
        for user in MAY[access.VIEW]:
            assert client_for(tenants, user).get(self.url(tenants)).status_code == 200, user


class TestPublicPageSettings(ScopedViewCase):
    url_name = "public_page_settings"
    actions = {"GET": access.PUBLISH, "POST": access.PUBLISH}

    def post_data(self, t, side):
        return {"published": "on"}

    def state(self, t, side):
        return PublicPage.objects.get(partnership=t.partnership(side)).published


class TestPublicPagePreview(ScopedViewCase):
    url_name = "public_page_preview"
    actions = {"GET": access.PUBLISH}


# --- Board packs ---------------------------------------------------------------------------
class TestBoardPacks(ScopedViewCase):
    """The packs; a POST makes a new one."""

    url_name = "board_packs"
    actions = {"GET": access.VIEW, "POST": access.GENERATE_BOARD_PACK}

    def state(self, t, side):
        return BoardPack.objects.filter(partnership=t.partnership(side)).count()


class TestBoardPack(ScopedObjectViewCase):
    url_name = "board_pack"
    actions = {"GET": access.VIEW}
    url_kwargs = staticmethod(ready_pack)


class TestBoardPackProgress(ScopedObjectViewCase):
    url_name = "board_pack_progress"
    actions = {"GET": access.VIEW}
    url_kwargs = staticmethod(ready_pack)


class TestBoardPackDownload(ScopedObjectViewCase):
    url_name = "board_pack_download"
    actions = {"GET": access.VIEW}
    url_kwargs = staticmethod(ready_pack)


class TestBoardPackRetry(ScopedObjectViewCase):
    url_name = "board_pack_retry"
    actions = {"POST": access.GENERATE_BOARD_PACK}
    url_kwargs = staticmethod(failed_pack)

    def state(self, t, side):
        return BoardPack.objects.get(pk=self.kwargs_for(t, side)["pk"]).status

