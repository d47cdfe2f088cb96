"""Encrypts the second factor's secrets stored before they were encrypted at rest: each
authenticator app's key and each set of recovery codes' seed (cdp/signin/secrets.py), under
MFA_ENCRYPTION_KEY. Reversed, it decrypts them again."""

from django.db import migrations


def _change_all(apps, change) -> None:
    from cdp.signin import secrets

    Authenticator = apps.get_model("mfa", "Authenticator")
    for row in Authenticator.objects.filter(type__in=secrets.SECRET_FIELDS).iterator():
        data = secrets.transform(row.type, row.data, change)
        if data != row.data:
            row.data = data
            row.save(update_fields=["data"])


def encrypt(apps, schema_editor) -> None:
    from cdp.signin import secrets

    _change_all(apps, lambda value: value if secrets.is_encrypted(value)
                else secrets.encrypt(value))


def decrypt(apps, schema_editor) -> None:
    from cdp.signin import secrets

    _change_all(apps, secrets.decrypt)


class Migration(migrations.Migration):

    dependencies = [
        ("cdp", "0006_merge_tokens_and_second_factor"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
