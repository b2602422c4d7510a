"""Hashed, expiring API tokens replace DRF's authtoken table.

The old tokens are dropped, not carried over: they were stored in clear and shown in the
admin, so every one of them must be taken as seen. API clients ask for a new token with
POST /api/v1/auth/token/ as before.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def drop_clear_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" in connection.introspection.table_names():
        schema_editor.execute(schema_editor.sql_delete_table % {"table": "authtoken_token"})
    recorder = apps.get_model("contenttypes", "ContentType")
    recorder.objects.filter(app_label="authtoken").delete()
    schema_editor.execute("DELETE FROM django_migrations WHERE app = 'authtoken'")


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("mbc_site", "0001_cache_table"),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key_hash", models.CharField(editable=False, max_length=64, unique=True)),
                ("password_fingerprint", models.CharField(editable=False, max_length=128)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("expires_at", models.DateTimeField(db_index=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_tokens",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"verbose_name": "API token", "ordering": ["-created_at", "-id"]},
        ),
        migrations.RunPython(drop_clear_tokens, migrations.RunPython.noop),
    ]
