from django.db import migrations, models

BATCH = 500


def fill_stored_text(apps, schema_editor):
    """Render every existing story once, as saving it now would."""
    from articles.rendering import article_description_text, render_markdown

    stories = apps.get_model("articles", "Article").objects.using(schema_editor.connection.alias)
    # Batches by primary key: no cursor stays open while rows are written (SQLite).
    ids = list(stories.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = list(stories.filter(pk__in=ids[start : start + BATCH]).only("body", "standfirst"))
        for article in batch:
            article.body_rendered = render_markdown(article.body)
            article.description = article_description_text(
                article.standfirst, article.body_rendered
            )
        stories.bulk_update(batch, ["body_rendered", "description"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_trackback_unreachable"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="body_rendered",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="article",
            name="description",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_stored_text, migrations.RunPython.noop, elidable=True),
    ]
