"""Fixtures shared by the outcomes tests."""

import pytest


@pytest.fixture
def untracked_91380(db):
    """Alcohol-specific mortality (Fingertips 91380) as an indicator the service does not
    track yet. It is in the catalogue (the demo shows it), so these tests, which are about
    what an import does with an indicator it does not know, take it out first."""
    from outcomes.models import Metric

    Metric.objects.filter(fingertips_id=91380, owner=None).delete()
