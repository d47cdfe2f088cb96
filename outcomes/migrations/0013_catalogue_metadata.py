"""The catalogue's metrics take their Fingertips metadata (value type, comparator method,
confidence level, year type, period length, area types, pinned area type) from
fixtures/outcomes_framework.json, and alcohol-specific mortality (Fingertips 91380) joins as
a related national indicator. Idempotent: it runs the catalogue's own loader."""

from django.db import migrations


def load(apps, schema_editor):
    from outcomes.catalogue import load_framework

    load_framework(apps.get_model("outcomes", "Outcome"), apps.get_model("outcomes", "Metric"))


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0012_reference_data")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
