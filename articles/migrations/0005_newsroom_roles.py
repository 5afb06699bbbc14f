"""Create the Journalists and Editors groups, and a first revision for stories that predate history.

The permission lists are frozen here on purpose: later changes (and other apps' contributions)
arrive through `python manage.py setup_roles`, which this migration must not depend on.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Journalists": ["articles.add_article", "articles.change_article", "articles.view_article",
                    "articles.view_category"],
    "Editors": ["articles.add_article", "articles.change_article", "articles.delete_article",
                "articles.view_article", "articles.publish_article", "articles.edit_any_article",
                "articles.add_category", "articles.change_category", "articles.delete_category",
                "articles.view_category", "auth.view_user"],
}  # fmt: skip


def roles_create(apps, schema_editor):
    from articles.roles import roles_ensure

    # Permissions are normally made after the last migration; these groups need them now.
    for label in ("auth", "articles"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_ensure(ROLES, apps=apps)


def first_revisions_create(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    HistoricalArticle = apps.get_model("articles", "HistoricalArticle")
    copied = [f.attname for f in HistoricalArticle._meta.fields if not f.name.startswith("history")]
    HistoricalArticle.objects.bulk_create(
        HistoricalArticle(
            **{name: getattr(article, name) for name in copied},
            history_date=article.updated_at,
            history_type="+",
            history_change_reason="Revision made when history began",
        )
        for article in Article.objects.exclude(pk__in=HistoricalArticle.objects.values("id"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_workflow_revisions_images"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(roles_create, migrations.RunPython.noop),
        migrations.RunPython(first_revisions_create, migrations.RunPython.noop),
    ]
