"""The pings a story sent move to the linkbacks app (as SentLinkback, in this same table): only
the state changes here; the content type moves in linkbacks' first migration."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_author_pages"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="TrackbackPing")],
        ),
    ]
