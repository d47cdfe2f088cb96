"""Every county and unitary authority of England (153), where there were the demo's eight."""

from django.db import migrations


def load(apps, schema_editor):
    from partnerships.geography import load_geography

    load_geography(apps.get_model("partnerships", "Region"),
                   apps.get_model("partnerships", "LocalAuthority"))


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0003_history")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
