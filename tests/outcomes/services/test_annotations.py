"""Notes on a metric's charts: written, changed and deleted by those who may annotate."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from outcomes.models import Metric
from outcomes.services import annotations

pytestmark = pytest.mark.django_db


def test_a_lead_adds_changes_and_deletes_a_note_with_its_history(tenants):
    from datetime import date

    from outcomes.models import Annotation

    lead, analyst = tenants.users["a_lead"], tenants.users["a_analyst"]
    metric = Metric.objects.get(code="continuity_of_care", owner=None)
    note = annotations.annotation_create(partnership=tenants.a, user=lead, metric=metric,
                                      on=date(2023, 4, 1),
                                      text="  New treatment provider\nfrom 1 April ")
    assert (note.partnership, note.metric, note.date, note.text, note.created_by) == (
        tenants.a, metric, date(2023, 4, 1), "New treatment provider from 1 April", lead)
    annotations.annotation_update(annotation=note, user=analyst, on=date(2023, 4, 3),
                               text="New provider from 3 April")
    note.refresh_from_db()
    assert (note.date, note.text, note.created_by) == (date(2023, 4, 3),
                                                      "New provider from 3 April", lead)
    pk = note.pk
    annotations.annotation_delete(annotation=note, user=tenants.users["a_admin"])
    assert not Annotation.objects.filter(pk=pk).exists()
    history = list(Annotation.history.filter(id=pk).order_by("history_id").values_list(
        "history_type", "text", "history_user"))
    assert history == [("+", "New treatment provider from 1 April", lead.pk),
                       ("~", "New provider from 3 April", analyst.pk),
                       ("-", "New provider from 3 April", tenants.users["a_admin"].pk)]


@pytest.mark.parametrize("username", ["a_viewer", "regional", "outsider", "b_lead", "b_admin"])
def test_only_those_who_may_annotate_the_partnership_write_its_notes(tenants, username):
    from datetime import date

    user = tenants.users[username]
    metric = Metric.objects.get(code="numbers_in_treatment", owner=None)
    with pytest.raises(PermissionDenied):
        annotations.annotation_create(partnership=tenants.a, user=user, metric=metric,
                                   on=date(2023, 4, 1), text="Not mine to write")
    note = tenants.annotations["a"]
    with pytest.raises(PermissionDenied):
        annotations.annotation_update(annotation=note, user=user, on=date(2023, 4, 1), text="x")
    with pytest.raises(PermissionDenied):
        annotations.annotation_delete(annotation=note, user=user)
    note.refresh_from_db()
    assert note.text.startswith("New treatment provider")


def test_a_note_is_checked(tenants):
    from datetime import date

    lead = tenants.users["a_lead"]
    metric = Metric.objects.get(code="numbers_in_treatment", owner=None)
    cases = [(date(2023, 4, 1), "   ", "text"), (date(2023, 4, 1), "x" * 201, "text"),
             (date(1999, 12, 31), "Too early", "date"), (date(2999, 1, 1), "Too late", "date")]
    for on, text, field in cases:
        with pytest.raises(ValidationError) as error:
            annotations.annotation_create(partnership=tenants.a, user=lead, metric=metric, on=on,
                                       text=text)
        assert set(error.value.message_dict) == {field}
    assert annotations.annotation_create(partnership=tenants.a, user=lead, metric=metric,
                                      on=date(2023, 4, 1), text="x" * 200).text == "x" * 200
    # Another partnership's local metric is not one to write on.
    theirs = Metric.objects.get(owner=tenants.b, code="digital_iba")
    with pytest.raises(ValidationError, match="another partnership"):
        annotations.annotation_create(partnership=tenants.a, user=lead, metric=theirs,
                                   on=date(2023, 4, 1), text="Not ours")
