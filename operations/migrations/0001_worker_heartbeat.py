"""WorkerHeartbeat, once the `newsroom` app's: its table (newsroom_workerheartbeat) is kept.

Databases made before the move have the table and its rows (newsroom's 0001 made it): only the
state and the ContentType row (with its permissions and the grants on them) move here. A fresh
database gets the table made here, since the `newsroom` app is no longer installed.
"""

from django.db import migrations, models

TABLE = "newsroom_workerheartbeat"


def table_make_unless_kept(apps, schema_editor):
    if TABLE not in schema_editor.connection.introspection.table_names():
        schema_editor.create_model(apps.get_model("operations", "WorkerHeartbeat"))


def content_type_move(old_label: str, new_label: str):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        Permission = apps.get_model("auth", "Permission")
        db = schema_editor.connection.alias
        old = ContentType.objects.using(db).filter(app_label=old_label, model="workerheartbeat")
        old = old.first()
        if old is None:
            return
        new = ContentType.objects.using(db).filter(app_label=new_label, model="workerheartbeat")
        new = new.first()
        if new is None:
            old.app_label = new_label
            old.save(using=db, update_fields=["app_label"])
            return
        # Both exist (post_migrate made the new one): keep the new, with the old one's grants.
        for perm in Permission.objects.using(db).filter(content_type=old):
            kept = Permission.objects.using(db).filter(content_type=new, codename=perm.codename)
            kept = kept.first()
            if kept is None:
                perm.content_type = new
                perm.save(using=db, update_fields=["content_type"])
                continue
            for group in perm.group_set.all():
                group.permissions.add(kept)
            for user in perm.user_set.all():
                user.user_permissions.add(kept)
            perm.delete()
        old.delete()

    return move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="WorkerHeartbeat",
                    fields=[
                        (
                            "worker_id",
                            models.CharField(max_length=64, primary_key=True, serialize=False),
                        ),
                        ("hostname", models.CharField(max_length=255)),
                        ("pid", models.PositiveIntegerField()),
                        ("started_at", models.DateTimeField()),
                        ("beat_at", models.DateTimeField(db_index=True)),
                    ],
                    options={"db_table": TABLE},
                ),
            ],
        ),
        # Going back leaves the table and its rows, as they were before the move.
        migrations.RunPython(table_make_unless_kept, migrations.RunPython.noop),
        migrations.RunPython(
            content_type_move("newsroom", "operations"), content_type_move("operations", "newsroom")
        ),
    ]
