from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_migrate, post_save


def _search_index_ensure(sender, using, **kwargs):
    # SQLite drops a table's triggers when a migration rebuilds the table: put them back.
    from django.db import connections

    from articles.search_index import index_ensure

    index_ensure(connections[using])


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
        from .tasks import search_index_follow

        # The index lives on articles' table, so it is put back after articles migrate.
        articles = apps.get_app_config("articles")
        post_migrate.connect(_search_index_ensure, sender=articles)
        # A search engine beside the database (SEARCH_BACKEND) hears of every write to a story.
        article = articles.get_model("Article")
        post_save.connect(search_index_follow, sender=article, dispatch_uid="search:save")
        post_delete.connect(search_index_follow, sender=article, dispatch_uid="search:delete")
