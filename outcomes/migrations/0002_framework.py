from django.db import migrations


def load(apps, schema_editor):
    from outcomes.catalogue import load_framework

    load_framework(apps.get_model("outcomes", "Outcome"), apps.get_model("outcomes", "Metric"))


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
