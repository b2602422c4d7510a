"""Cases are archived, never deleted; the history records the archiving."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recurrence", "0004_case_ruleset_2_0_fields"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="archive_reason",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="case",
            name="archived_at",
            field=models.DateTimeField(blank=True, db_index=True, null=True),
        ),
        migrations.AddField(
            model_name="case",
            name="archived_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="casechange",
            name="action",
            field=models.CharField(
                choices=[("create", "created"), ("update", "updated"), ("archive", "archived")],
                max_length=10,
            ),
        ),
    ]
