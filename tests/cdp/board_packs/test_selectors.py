"""Board packs' reads: what a pack says is read in the same number of queries whatever the
partnership's size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cdp.board_packs import selectors
from cdp.models import BoardPack


@pytest.fixture
def tenants(tenants):
    """The shared partnerships, before anyone has asked for a board pack (the shared fixture
    holds a failed one in each, for the isolation tests)."""
    BoardPack.objects.all().delete()
    return tenants


@pytest.mark.django_db
def test_reading_the_pack_takes_the_same_queries_whatever_the_data(tenants):
    from tests.test_query_counts import grow

    lead = tenants.users["a_lead"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            selectors.board_pack_content(partnership=tenants.a, user=lead)
        return len(captured)

    before = queries()
    grow(tenants)
    content = selectors.board_pack_content(partnership=tenants.a, user=lead)
    assert len(content["risks"]) == 5 and content["attention_total"] > 5
    assert queries() == before
