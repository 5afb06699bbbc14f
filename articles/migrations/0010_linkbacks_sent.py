"""Linkbacks by every protocol: what was used, when to try again, body links told; and the
right to see the answers for the roles that already exist (`setup_roles` keeps them in step).
"""

from django.db import migrations, models

VIEW_ANSWERS = {
    "Journalists": ["articles.view_trackbackping"],
    "Editors": ["articles.view_trackbackping"],
}


def grant(apps, schema_editor):
    from articles.roles import permissions_make, roles_ensure

    permissions_make(["articles"], apps=apps)
    roles_ensure(VIEW_ANSWERS, apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_corrections_embargo"),
    ]

    operations = [
        # Stories written before this told only their "send trackbacks to" list: they keep
        # to it (False), or the first cron catch-up would ping every link in the archive;
        # stories written from now on tell their links (True).
        migrations.AddField(
            model_name="article",
            name="notify_linked_pages",
            field=models.BooleanField(default=False, verbose_name="notify linked pages"),
        ),
        migrations.AlterField(
            model_name="article",
            name="notify_linked_pages",
            field=models.BooleanField(
                default=True,
                help_text="Also tell every other site this story links to (by TrackBack, Webmention or Pingback, whichever it offers), as WordPress does.",
                verbose_name="notify linked pages",
            ),
        ),
        migrations.AddField(
            model_name="trackbackping",
            name="next_attempt_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="trackbackping",
            name="protocol",
            field=models.CharField(
                blank=True,
                choices=[
                    ("trackback", "TrackBack"),
                    ("pingback", "Pingback"),
                    ("webmention", "Webmention"),
                ],
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="trackbackping",
            name="status",
            field=models.CharField(
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
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
