"""The table of the `accounts` cache (accounts/allauth_cache.py): allauth's rate limits and used
second-factor codes, kept in the database so that a Redis outage cannot lock staff out."""

from django.core.management import call_command
from django.db import migrations

TABLE = "accounts_cache"  # accounts.allauth_cache.TABLE, as it was when this migration was made


def create_table(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_table, drop_table)]
