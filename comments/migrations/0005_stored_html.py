from django.db import migrations, models

BATCH = 1000


def fill_stored_html(apps, schema_editor):
    """Render every existing comment's text once, as saving it now would."""
    from comments.rendering import comment_html

    comments = apps.get_model("comments", "Comment").objects.using(schema_editor.connection.alias)
    # Batches by primary key: no cursor stays open while rows are written (SQLite).
    last = 0
    while True:
        batch = list(comments.filter(pk__gt=last).order_by("pk").only("body")[:BATCH])
        if not batch:
            break
        for comment in batch:
            comment.body_rendered = comment_html(comment.body)
        comments.bulk_update(batch, ["body_rendered"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0004_thread_page_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="body_rendered",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_stored_html, migrations.RunPython.noop, elidable=True),
    ]
