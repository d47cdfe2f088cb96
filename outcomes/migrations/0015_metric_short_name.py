"""Metrics get a short name for the dashboard's tiles ("Drug misuse deaths"); the catalogue's
metrics take theirs from fixtures/outcomes_framework.json. A local metric keeps an empty one
(its tile shows its name) until its partnership gives it one."""

from django.db import migrations, models

HELP = ('A few words for a dashboard tile ("Drug misuse deaths"); the full name is on the '
        "metric's page. Empty: the full name is used.")


def fill(apps, schema_editor):
    from outcomes.catalogue import read_framework

    metric_model = apps.get_model("outcomes", "Metric")
    for metric in read_framework()["metrics"]:
        metric_model.objects.filter(code=metric["code"], owner=None).update(
            short_name=metric.get("short_name", ""))


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0014_merge_reference_work")]

    operations = [
        migrations.AddField(
            model_name="historicalmetric", name="short_name",
            field=models.CharField(blank=True, help_text=HELP, max_length=60)),
        migrations.AddField(
            model_name="metric", name="short_name",
            field=models.CharField(blank=True, help_text=HELP, max_length=60)),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
