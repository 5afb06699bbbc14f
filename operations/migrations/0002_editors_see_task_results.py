"""Let the Editors group see background task results in the admin (failed mail, checks, pings).

The same permission accounts/apps.py contributes to the role (kept in step by `setup_roles`).
Databases made before the move already ran it as newsroom's 0002; granting twice changes nothing.
"""

from django.db import migrations

EDITORS = {"Editors": ["django_tasks_database.view_dbtaskresult"]}


def grant(apps, schema_editor):
    from articles.roles import permissions_make, roles_ensure

    permissions_make(["django_tasks_database"], apps=apps)
    roles_ensure(EDITORS, apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0001_worker_heartbeat"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
