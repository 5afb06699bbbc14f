"""Verified sites (whose Webmentions and Pingbacks count as their owner's trackbacks), and the
Editors' right to see them (`setup_roles` keeps the group in step with comments/apps.py)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

EDITORS = {"Editors": ["comments.view_verifiedsite"]}


def grant(apps, schema_editor):
    from articles.roles import permissions_make, roles_ensure

    permissions_make(["comments"], apps=apps)
    roles_ensure(EDITORS, apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0005_stored_html"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="VerifiedSite",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("origin", models.CharField(help_text="scheme://host[:port]", max_length=300)),
                ("code", models.CharField(editable=False, max_length=64)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("checked_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("check_note", models.CharField(blank=True, editable=False, max_length=300)),
                ("verified_at", models.DateTimeField(blank=True, editable=False, null=True)),
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
                "ordering": ["origin", "pk"],
                "indexes": [models.Index(fields=["origin", "verified_at"], name="site_origin_idx")],
                "constraints": [
                    models.UniqueConstraint(fields=("user", "origin"), name="site_once_per_user")
                ],
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
