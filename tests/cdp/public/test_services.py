"""cdp/public/services.py: who may change what a partnership publishes, and its history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cdp.models import PublicPage
from cdp.public.services import public_page_save
from outcomes.models import Metric
from partnerships.models import KeyDocument

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["a_viewer", "a_lead", "a_analyst", "regional", "b_admin",
                                      "outsider"])
def test_only_its_administrators_may_publish(tenants, username):
    with pytest.raises(PermissionDenied):
        public_page_save(partnership=tenants.a, user=tenants.users[username], published=True)
    assert not PublicPage.objects.get(partnership=tenants.a).published


def test_rows_of_another_partnership_are_refused(tenants):
    admin = tenants.users["a_admin"]
    b_local = Metric.objects.get(owner=tenants.b, code="digital_iba")
    for rows in ({"documents": KeyDocument.objects.filter(partnership=tenants.b)},
                 {"milestones": [tenants.milestones["b"]]}, {"risks": [tenants.risks["b"]]},
                 {"metrics": [b_local]}):
        with pytest.raises(ValidationError):
            public_page_save(partnership=tenants.a, user=admin, published=True, **rows)
    assert not PublicPage.objects.get(partnership=tenants.a).published


def test_a_save_is_one_history_row_with_the_user_and_what_was_marked(tenants):
    admin = tenants.users["a_admin"]
    a_local = Metric.objects.get(owner=tenants.a, code="digital_iba")
    page = public_page_save(partnership=tenants.a, user=admin, published=True,
                            show_metrics=True, metrics=[a_local],
                            risks=[tenants.risks["a"]], milestones=[tenants.milestones["a"]])
    latest = page.history.latest("history_id")
    assert (latest.history_type, latest.history_user, latest.published,
            latest.show_metrics, latest.show_members) == ("~", admin, True, True, False)
    assert [row.metric_id for row in latest.metrics.all()] == [a_local.pk]
    assert [row.risk_id for row in latest.risks.all()] == [tenants.risks["a"].pk]
    assert page.history.count() == 2  # the fixture's row, and this save

    # A partnership without settings yet gets its row made.
    PublicPage.objects.filter(partnership=tenants.a).delete()
    made = public_page_save(partnership=tenants.a, user=tenants.users["superuser"],
                            published=False)
    assert made.history.latest("history_id").history_type == "+"
