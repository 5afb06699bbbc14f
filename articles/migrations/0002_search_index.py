"""Full-text search: a trigger-kept tsvector + GIN index on PostgreSQL, FTS5 + triggers on SQLite."""

import django.contrib.postgres.search
from django.db import migrations

from articles import search_index


def install(apps, schema_editor):
    # Vendor-specific DDL; see articles/search_index.py for what each database gets.
    search_index.index_ensure(schema_editor.connection)


def uninstall(apps, schema_editor):
    search_index.index_drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
