"""Joins the catalogue's Fingertips metadata, the Fingertips sync and the summaries' own
figure, made side by side; and leaves room on the reference data's pages for its statistics.

The statistics columns (comparisons, trend, rank) are rewritten after each reference batch
and none of them is indexed: with 30% of each page free, PostgreSQL updates those rows in
place (heap-only tuples) without touching the table's five indexes."""

from django.db import migrations


def leave_room(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE outcomes_referencefigure SET (fillfactor = 70)")


def take_back(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE outcomes_referencefigure RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0013_catalogue_metadata"),
        ("outcomes", "0013_fingertips_sync"),
        ("outcomes", "0013_summary_local_value"),
    ]

    operations = [migrations.RunPython(leave_room, take_back)]
