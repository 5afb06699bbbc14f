from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _search_index_ensure(sender, using, **kwargs):
    # SQLite drops a table's triggers when a migration rebuilds the table: put them back.
    from django.db import connections

    from .search_index import index_ensure

    index_ensure(connections[using])


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Stories"

    def ready(self):
        post_migrate.connect(_search_index_ensure, sender=self)
