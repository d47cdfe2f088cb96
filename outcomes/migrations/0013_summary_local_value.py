from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0012_reference_data"),
    ]

    operations = [
        migrations.AddField(
            model_name="metricsummary",
            name="local_value",
            field=models.FloatField(blank=True, null=True),
        ),
    ]
