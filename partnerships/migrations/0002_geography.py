from django.db import migrations


def load(apps, schema_editor):
    from partnerships.geography import load_geography

    load_geography(apps.get_model("partnerships", "Region"), apps.get_model("partnerships", "LocalAuthority"))


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
