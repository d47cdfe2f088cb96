"""actionplans/services/registers.py against PostgreSQL: risks and asks."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actionplans import services

pytestmark = pytest.mark.django_db


def test_risks_and_asks_are_validated_and_kept_in_history(tenants):
    lead = tenants.users["a_lead"]
    risk = services.risk_save(partnership=tenants.a, user=lead, risk=tenants.risks["a"],
                              status="managed", mitigation="Op CHILL referrals")
    assert risk.history.count() == 2 and risk.score == 16 and risk.rating == "High"
    with pytest.raises(ValidationError):
        services.risk_save(partnership=tenants.a, user=lead, title="No scores", owner="x")
    with pytest.raises(PermissionDenied):
        services.risk_save(partnership=tenants.a, user=lead, risk=tenants.risks["b"],
                           status="closed")
    with pytest.raises(PermissionDenied):
        services.ask_save(partnership=tenants.a, user=tenants.users["a_viewer"],
                          title="x", request="y", directed_to="z")
