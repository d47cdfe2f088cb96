"""An import checked and applied by a real Celery worker over Redis."""

import pytest

from outcomes import services, tasks
from outcomes.models import ImportBatch, Observation


@pytest.mark.django_db(transaction=True)
def test_worker_validates_and_applies_an_import(celery_app, celery_worker, tenants):
    rows = "".join(f"numbers_in_treatment,E08000018,{2000 + n}/{(n + 1) % 100:02d},{n}\n"
                   for n in range(1, 20))
    batch = services.import_start(
        partnership=tenants.a, user=tenants.users["a_analyst"], file_name="many.csv",
        data=("metric,area_code,period,value\n" + rows).encode(), format="tidy",
    )
    assert tasks.validate_import.delay(batch.pk).get(timeout=30) == "preview"
    batch.refresh_from_db()
    assert (batch.inserted, batch.rejected) == (19, 0)

    services.import_queue_commit(batch=batch, user=tenants.users["a_analyst"],
                                 accept_valid=False)
    result = tasks.commit_import.delay(batch.pk, tenants.users["a_analyst"].pk, False)
    assert result.get(timeout=30) == "complete"
    assert Observation.objects.filter(batch_id=batch.pk).count() == 19
    # A retried task changes nothing.
    assert tasks.commit_import.delay(batch.pk, tenants.users["a_analyst"].pk, False).get(
        timeout=30) == "complete"
    assert Observation.objects.filter(batch_id=batch.pk).count() == 19
    assert ImportBatch.objects.get(pk=batch.pk).inserted == 19
