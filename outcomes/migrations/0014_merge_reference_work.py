"""Joins the catalogue's Fingertips metadata and the Fingertips sync, made side by side."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0013_catalogue_metadata"),
        ("outcomes", "0013_fingertips_sync"),
    ]

    operations = []
