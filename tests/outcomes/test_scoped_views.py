"""The generic case (tests/scoped_views.py) for each page of outcomes/urls.py.

The metric pages' annotation views are in cdp/urls.py: tests/cdp/test_scoped_views.py."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from outcomes.models import FrameworkMetric, ImportBatch, LocalAim, Metric, Observation, Target
from partnerships import access

from ..scoped_views import ScopedObjectViewCase, ScopedViewCase, client_for, slug

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenants(shared_tenants):
    """Built once for this module (tests/conftest.py `module_tenants`): each test only reads
    them or changes them inside its own transaction."""
    return shared_tenants

AREAS = {"a": "E08000018", "b": "E06000005"}


def in_treatment() -> Metric:
    return Metric.objects.get(code="numbers_in_treatment", owner=None)


def batch(t, side: str) -> dict:
    """The side's completed import (tests/conftest.py)."""
    return {**slug(t, side), "pk": t.batches[side].pk}


def upload(t, side: str, name: str = "figures.csv"):
    """A small tidy file, one valid row, for the side's partnership: its upload data."""
    text = f"metric,area_code,period,value\nnumbers_in_treatment,{AREAS[side]},2023/24,2200\n"
    return {"file": SimpleUploadedFile(name, text.encode()), "format": "tidy"}


def checked_batch(t, side: str) -> dict:
    """A new import of the side's, checked and waiting to be applied (made through the upload
    page, as its analyst)."""
    client = client_for(t, f"{side}_analyst")
    response = client.post(reverse("outcomes:import_new", kwargs=slug(t, side)),
                           upload(t, side, f"{side}-checked.csv"))
    assert response.status_code == 302, response.status_code
    made = ImportBatch.objects.get(partnership=t.partnership(side), file_name=f"{side}-checked.csv")
    assert made.status == ImportBatch.Status.PREVIEW, made.status
    return {**slug(t, side), "pk": made.pk}


def batch_status(case, t, side: str) -> str:
    return ImportBatch.objects.get(pk=case.kwargs_for(t, side)["pk"]).status


class TestImports(ScopedViewCase):
    url_name = "outcomes:imports"
    actions = {"GET": access.LOAD_DATA}


class TestImportNew(ScopedViewCase):
    url_name = "outcomes:import_new"
    actions = {"GET": access.LOAD_DATA, "POST": access.LOAD_DATA}

    def post_data(self, t, side):
        return upload(t, side)

    def state(self, t, side):
        return ImportBatch.objects.filter(partnership=t.partnership(side)).count()


class TestImportDetail(ScopedObjectViewCase):
    """An import's own page: its preview, and a POST there applies it."""

    url_name = "outcomes:import_detail"
    actions = {"GET": access.LOAD_DATA, "POST": access.LOAD_DATA}
    url_kwargs = staticmethod(checked_batch)

    def post_data(self, t, side):
        return {"accept_valid": "on"}

    def state(self, t, side):
        return batch_status(self, t, side)


class TestImportProgress(ScopedObjectViewCase):
    url_name = "outcomes:import_progress"
    actions = {"GET": access.LOAD_DATA}
    url_kwargs = staticmethod(batch)


class TestImportProblemsCsv(ScopedObjectViewCase):
    url_name = "outcomes:import_problems_csv"
    actions = {"GET": access.LOAD_DATA}
    url_kwargs = staticmethod(batch)


class TestImportCancel(ScopedObjectViewCase):
    url_name = "outcomes:import_cancel"
    actions = {"GET": access.LOAD_DATA, "POST": access.LOAD_DATA}
    url_kwargs = staticmethod(checked_batch)

    def state(self, t, side):
        return batch_status(self, t, side)


class TestImportRollback(ScopedObjectViewCase):
    url_name = "outcomes:import_rollback"
    actions = {"GET": access.LOAD_DATA, "POST": access.LOAD_DATA}
    url_kwargs = staticmethod(batch)

    def state(self, t, side):
        return batch_status(self, t, side)


class TestObservationNew(ScopedViewCase):
    url_name = "outcomes:observation_new"
    actions = {"GET": access.LOAD_DATA, "POST": access.LOAD_DATA}

    def post_data(self, t, side):
        return {"metric": in_treatment().pk, "area_code": AREAS[side], "period": "2023/24",
                "value": "2300"}

    def state(self, t, side):
        return Observation.objects.filter(partnership=t.partnership(side)).count()


class TestFramework(ScopedViewCase):
    url_name = "outcomes:framework"
    actions = {"GET": access.VIEW}


class TestCoverage(ScopedViewCase):
    url_name = "outcomes:coverage"
    actions = {"GET": access.VIEW}


class TestAimNew(ScopedViewCase):
    url_name = "outcomes:aim_new"
    actions = {"GET": access.LOAD_DATA, "POST": access.LOAD_DATA}

    def post_data(self, t, side):
        return {"name": "Reduce drug-related deaths"}

    def state(self, t, side):
        return LocalAim.objects.filter(partnership=t.partnership(side)).count()


class TestFrameworkMetricAdd(ScopedViewCase):
    url_name = "outcomes:framework_metric_add"
    actions = {"GET": access.LOAD_DATA, "POST": access.LOAD_DATA}

    def post_data(self, t, side):
        local = Metric.objects.get(owner=t.partnership(side), code="digital_iba")
        return {"metric": local.pk, "aim": ""}

    def state(self, t, side):
        return FrameworkMetric.objects.filter(partnership=t.partnership(side)).count()


class TestLocalMetricNew(ScopedViewCase):
    url_name = "outcomes:local_metric_new"
    actions = {"GET": access.LOAD_DATA, "POST": access.LOAD_DATA}

    def post_data(self, t, side):
        return {"code": "naloxone_kits", "name": "Naloxone kits given out", "unit": "count",
                "polarity": "higher_better", "frequency": "quarterly"}

    def state(self, t, side):
        return Metric.objects.filter(owner=t.partnership(side)).count()


class TestTargetNew(ScopedViewCase):
    url_name = "outcomes:target_new"
    actions = {"GET": access.LOAD_DATA, "POST": access.LOAD_DATA}

    def post_data(self, t, side):
        return {"metric": in_treatment().pk, "description": "2,600 adults in treatment",
                "target_value": "2600", "due_period": "2025/26"}

    def state(self, t, side):
        return Target.objects.filter(partnership=t.partnership(side)).count()


class TestFrameworkMetricRemove(ScopedObjectViewCase):
    url_name = "outcomes:framework_metric_remove"
    actions = {"POST": access.LOAD_DATA}

    def url_kwargs(self, t, side):
        entry = FrameworkMetric.objects.get(partnership=t.partnership(side))
        return {**slug(t, side), "pk": entry.pk}

    def state(self, t, side):
        return FrameworkMetric.objects.filter(partnership=t.partnership(side)).count()


class TestTargetRemove(ScopedObjectViewCase):
    url_name = "outcomes:target_remove"
    actions = {"POST": access.LOAD_DATA}

    def url_kwargs(self, t, side):
        return {**slug(t, side), "pk": Target.objects.get(partnership=t.partnership(side)).pk}

    def state(self, t, side):
        return Target.objects.filter(partnership=t.partnership(side)).count()
