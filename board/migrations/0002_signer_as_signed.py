"""Signatures keep the signer's name and role as signed."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    """Existing signatures take the signer's name as it stands now (the best record left);
    every signer of a decision or amendment held the oncologist role, which signing needs."""
    for model_name, user_field in (("Decision", "signed_by"), ("Amendment", "amended_by")):
        model = apps.get_model("board", model_name)
        for row in model.objects.select_related(user_field).filter(signer_name=""):
            user = getattr(row, user_field)
            name = f"{user.first_name} {user.last_name}".strip() or user.username
            model.objects.filter(pk=row.pk).update(signer_name=name, signer_role="oncologist")


class Migration(migrations.Migration):
    dependencies = [
        ("board", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="amendment",
            name="signer_name",
            field=models.CharField(default="", max_length=300),
        ),
        migrations.AddField(
            model_name="amendment",
            name="signer_role",
            field=models.CharField(default="", max_length=40),
        ),
        migrations.AddField(
            model_name="decision",
            name="signer_name",
            field=models.CharField(default="", max_length=300),
        ),
        migrations.AddField(
            model_name="decision",
            name="signer_role",
            field=models.CharField(default="", max_length=40),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
