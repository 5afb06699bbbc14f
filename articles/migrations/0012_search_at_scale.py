"""Search at scale: a stored excerpt for snippets, and the relevance-ordered RUM index on
PostgreSQL when the rum extension can be created (else the GIN index stays, with a title index)."""

from django.db import migrations, models

from articles import search_index

BATCH = 500


def fill_excerpts(apps, schema_editor):
    """Cut every existing story's excerpt from its stored HTML, as saving it now would."""
    from articles.rendering import search_excerpt_text

    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        # Rewriting every row would update the full-text index row by row (minutes at 100,000
        # stories with RUM); `choose_index` below builds it again in one pass.
        with connection.cursor() as cursor:
            for index in (search_index.RUM_INDEX, search_index.GIN_INDEX):
                cursor.execute(f"DROP INDEX IF EXISTS {index}")
    stories = apps.get_model("articles", "Article").objects.using(connection.alias)
    ids = list(stories.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = list(stories.filter(pk__in=ids[start : start + BATCH]).only("body_rendered"))
        for article in batch:
            article.search_excerpt = search_excerpt_text(article.body_rendered)
        stories.bulk_update(batch, ["search_excerpt"])


def choose_index(apps, schema_editor):
    search_index.index_ensure(schema_editor.connection)


def back_to_gin(apps, schema_editor):
    # (Every `migrate` ends with `index_ensure`, which prefers RUM whenever the server has it.)
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {search_index.RUM_INDEX}")
            for statement in search_index.PG_GIN_INSTALL:
                cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_desk"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_excerpt",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_excerpts, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(choose_index, back_to_gin, elidable=False),
    ]
