"""The partnership's public accountability page and what it shows."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cdp", "0002_api_token_history"),
        ("actionplans", "0002_plan_progress"),
        ("outcomes", "0009_history"),
        ("partnerships", "0003_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalPublicPage',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('published', models.BooleanField(default=False)),
                ('show_members', models.BooleanField(default=False, verbose_name='member organisations and named roles (senior responsible owner, chair)')),
                ('show_plan', models.BooleanField(default=False, verbose_name="the action plan's priorities with progress counts")),
                ('show_documents', models.BooleanField(default=False, verbose_name='published documents')),
                ('show_metrics', models.BooleanField(default=False, verbose_name='headline metrics of public framework data, with sentences and charts')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('partnership', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='partnerships.partnership')),
            ],
            options={
                'verbose_name': 'historical public page',
                'verbose_name_plural': 'historical public pages',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='PublicPage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('published', models.BooleanField(default=False)),
                ('show_members', models.BooleanField(default=False, verbose_name='member organisations and named roles (senior responsible owner, chair)')),
                ('show_plan', models.BooleanField(default=False, verbose_name="the action plan's priorities with progress counts")),
                ('show_documents', models.BooleanField(default=False, verbose_name='published documents')),
                ('show_metrics', models.BooleanField(default=False, verbose_name='headline metrics of public framework data, with sentences and charts')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('documents', models.ManyToManyField(blank=True, related_name='+', to='partnerships.keydocument')),
                ('metrics', models.ManyToManyField(blank=True, help_text='Local metrics and police figures.', related_name='+', to='outcomes.metric')),
                ('milestones', models.ManyToManyField(blank=True, help_text='Whose title and progress note show.', related_name='+', to='actionplans.milestone')),
                ('partnership', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='public_page', to='partnerships.partnership')),
                ('risks', models.ManyToManyField(blank=True, related_name='+', to='actionplans.risk')),
            ],
        ),
        migrations.CreateModel(
            name='HistoricalPublicPage_risks',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='cdp.historicalpublicpage')),
                ('risk', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='actionplans.risk')),
                ('publicpage', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cdp.publicpage')),
            ],
            options={
                'verbose_name': 'HistoricalPublicPage_risks',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalPublicPage_milestones',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='cdp.historicalpublicpage')),
                ('milestone', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='actionplans.milestone')),
                ('publicpage', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cdp.publicpage')),
            ],
            options={
                'verbose_name': 'HistoricalPublicPage_milestones',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalPublicPage_metrics',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='cdp.historicalpublicpage')),
                ('metric', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='outcomes.metric')),
                ('publicpage', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cdp.publicpage')),
            ],
            options={
                'verbose_name': 'HistoricalPublicPage_metrics',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalPublicPage_documents',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='cdp.historicalpublicpage')),
                ('keydocument', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='partnerships.keydocument')),
                ('publicpage', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cdp.publicpage')),
            ],
            options={
                'verbose_name': 'HistoricalPublicPage_documents',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
    ]
