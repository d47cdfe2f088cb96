"""The local outcomes framework's services."""

import pytest
from django.core.exceptions import ValidationError

from outcomes.models import FrameworkMetric, LocalAim, Metric
from outcomes.services import framework

pytestmark = pytest.mark.django_db


def test_services_refuse_another_partnerships_metric_and_aim(tenants):
    b_local = Metric.objects.get(owner=tenants.b)
    with pytest.raises(ValidationError, match="belongs to another partnership"):
        framework.framework_metric_add(partnership=tenants.a, user=tenants.users["a_analyst"],
                                      metric=b_local, aim=None)
    b_aim = LocalAim.objects.get(partnership=tenants.b)
    national = Metric.objects.get(code="drug_misuse_deaths", owner=None)
    with pytest.raises(ValidationError, match="belongs to another partnership"):
        framework.framework_metric_add(partnership=tenants.a, user=tenants.users["a_analyst"],
                                      metric=national, aim=b_aim)
    assert not FrameworkMetric.objects.filter(partnership=tenants.a, metric=national).exists()
