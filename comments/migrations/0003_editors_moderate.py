"""Give the Editors group the right to moderate comments and trackbacks and manage tokens.

The same list as comments/apps.py contributes to the role (kept in step by `setup_roles`).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = [
    "can_moderate",
    "view_comment",
    "change_comment",
    "delete_comment",
    "view_moderationrule",
    "add_moderationrule",
    "change_moderationrule",
    "delete_moderationrule",
    "view_trackbacktoken",
    "add_trackbacktoken",
    "change_trackbacktoken",
]


def grant(apps, schema_editor):
    # Permissions are normally made after migrations; make them now so the group can have them.
    config = apps.get_app_config("comments")
    config.models_module = True  # the migration state's stub has none; create_permissions asks
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments", codename__in=EDITOR_PERMISSIONS
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0002_trackbacks"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
