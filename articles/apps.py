from django.apps import AppConfig
from django.db.models.signals import post_migrate

from newsroom import roles


def _search_index_ensure(sender, using, **kwargs):
    # SQLite drops a table's triggers when a migration rebuilds the table: put them back.
    from django.db import connections

    from .search_index import index_ensure

    index_ensure(connections[using])


# Journalists write; whose stories they may change, and when, is decided in `workflow`.
ROLE_PERMISSIONS = {
    roles.JOURNALISTS: ["articles.add_article", "articles.change_article",
                        "articles.view_article", "articles.view_category"],
    roles.EDITORS: ["articles.add_article", "articles.change_article", "articles.delete_article",
                    "articles.view_article", "articles.publish_article",
                    "articles.edit_any_article", "articles.add_category",
                    "articles.change_category", "articles.delete_category",
                    "articles.view_category",
                    # Lets editors pick any staff member as a story's author (admin autocomplete).
                    "auth.view_user"],
}  # fmt: skip


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Stories"

    def ready(self):
        post_migrate.connect(_search_index_ensure, sender=self)
        for role, permissions in ROLE_PERMISSIONS.items():
            roles.contribute(role, permissions)
