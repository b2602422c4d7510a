"""The database cache's table (CACHES without REDIS_URL), created by migrate so that a
server needs no separate `createcachetable` step. Created whichever backend is configured
now, so that unsetting REDIS_URL later needs nothing either."""

from django.db import migrations

TABLE = "mbc_cache"


def create_cache_table(apps, schema_editor):
    from django.core.management.commands.createcachetable import Command

    command = Command()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    if TABLE in schema_editor.connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
