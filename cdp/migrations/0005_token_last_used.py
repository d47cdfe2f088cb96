"""API tokens: when each was last used, and one name per token of a user (a user's tokens of
the same name made before are renamed "Name (2)", "Name (3)"… so that they can be told
apart)."""

from django.conf import settings
from django.db import migrations, models


def rename_duplicates(apps, schema_editor):
    ApiToken = apps.get_model("cdp", "ApiToken")
    seen: dict[tuple[int, str], int] = {}
    for token in ApiToken.objects.order_by("user_id", "created", "digest"):
        key = (token.user_id, token.name)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            token.name = f"{token.name[:90]} ({seen[key]})"
            token.save(update_fields=["name"])


class Migration(migrations.Migration):

    dependencies = [
        ("cdp", "0004_board_pack"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="last_used",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(rename_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="apitoken",
            constraint=models.UniqueConstraint(fields=("user", "name"),
                                               name="api_token_name_unique"),
        ),
    ]
