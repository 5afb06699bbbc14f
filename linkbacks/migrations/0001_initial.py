"""The linkbacks' records move here from `articles` (the pings a story sent, renamed
SentLinkback) and `comments` (personal tokens, verified sites), keeping their tables and rows.

Only the state moves (each model keeps its old table); the content types move with them, so
their permissions, and the role groups' grants of them, are the same rows under the new names.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (old app, old model, its verbose name), (new model, its verbose name)
MOVES = [
    (("articles", "trackbackping", "trackback ping"), ("sentlinkback", "sent linkback")),
    (("comments", "trackbacktoken", "trackback token"), ("trackbacktoken", "trackback token")),
    (("comments", "verifiedsite", "verified site"), ("verifiedsite", "verified site")),
]


def _move(apps, moves):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    for (old_label, old_model), (new_label, new_model), verbose in moves:
        old = ContentType.objects.filter(app_label=old_label, model=old_model).first()
        if old is None:
            continue  # never made: post_migrate makes the new one
        new = ContentType.objects.filter(app_label=new_label, model=new_model).first()
        for perm in Permission.objects.filter(content_type=old):
            action = perm.codename.partition("_")[0]  # add, change, delete, view
            codename, name = f"{action}_{new_model}", f"Can {action} {verbose}"
            twin = new and Permission.objects.filter(content_type=new, codename=codename).first()
            if twin:  # the new app has its own row already: its grants join it
                for group in Group.objects.filter(permissions=perm):
                    group.permissions.add(twin)
                for user in User.objects.filter(user_permissions=perm):
                    user.user_permissions.add(twin)
                perm.delete()
            else:
                Permission.objects.filter(pk=perm.pk).update(
                    content_type=new or old, codename=codename, name=name
                )
        if new:
            old.delete()
        else:
            ContentType.objects.filter(pk=old.pk).update(app_label=new_label, model=new_model)


def content_types_move(apps, schema_editor):
    _move(apps, [((a, m), ("linkbacks", n), nv) for (a, m, _), (n, nv) in MOVES])


def content_types_move_back(apps, schema_editor):
    _move(apps, [(("linkbacks", n), (a, m), v) for (a, m, v), (n, _) in MOVES])


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0014_sentlinkback_moved"),
        ("comments", "0006_verified_sites"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TrackbackToken",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(default="Personal token", max_length=100)),
                        ("seed", models.CharField(editable=False, max_length=64)),
                        (
                            "token_hash",
                            models.CharField(editable=False, max_length=64, unique=True),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "last_used_at",
                            models.DateTimeField(blank=True, editable=False, null=True),
                        ),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="trackback_tokens",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "comments_trackbacktoken",
                        "ordering": ["-created_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="SentLinkback",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("target_url", models.URLField(max_length=2000)),
                        ("ping_url", models.URLField(blank=True, max_length=2000)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Not sent yet"),
                                    ("sent", "Accepted"),
                                    ("refused", "Refused by the site"),
                                    ("failed", "Could not be sent"),
                                    ("unreachable", "No answer yet; trying again"),
                                    ("none", "The page takes no linkbacks"),
                                ],
                                default="pending",
                                max_length=12,
                            ),
                        ),
                        ("message", models.CharField(blank=True, max_length=500)),
                        (
                            "protocol",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("trackback", "TrackBack"),
                                    ("pingback", "Pingback"),
                                    ("webmention", "Webmention"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("last_attempt_at", models.DateTimeField(blank=True, null=True)),
                        ("next_attempt_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "article",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="pings_sent",
                                to="articles.article",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "articles_trackbackping",
                        "ordering": ["pk"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("article", "target_url"), name="ping_once_per_target"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="VerifiedSite",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "origin",
                            models.CharField(help_text="scheme://host[:port]", max_length=300),
                        ),
                        ("code", models.CharField(editable=False, max_length=64)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("checked_at", models.DateTimeField(blank=True, editable=False, null=True)),
                        (
                            "check_note",
                            models.CharField(blank=True, editable=False, max_length=300),
                        ),
                        (
                            "verified_at",
                            models.DateTimeField(blank=True, editable=False, null=True),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="verified_sites",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "comments_verifiedsite",
                        "ordering": ["origin", "pk"],
                        "indexes": [
                            models.Index(fields=["origin", "verified_at"], name="site_origin_idx")
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "origin"), name="site_once_per_user"
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_move, content_types_move_back),
    ]
