"""An index of the published all-persons figures by period and metric: one partnership's
recompute reads every area's figure for the latest periods through it, not the whole table."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('outcomes', '0015_metric_short_name'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='referencefigure',
            index=models.Index(condition=models.Q(('category', ''), ('category_type', ''), ('sex__in', ('', 'Persons'))), fields=['period_end', 'metric'], name='reference_headline_period'),
        ),
    ]
