from functools import partial

from django.conf import settings
from django.db import transaction
from django.tasks import task

from .search_backends import search_backend


@task
def search_index_update(article_ids: list[int]) -> None:
    """Bring these stories up to date in the search backend's own index (not the database's)."""
    search_backend().index(article_ids)


def search_index_follow(sender, instance, **kwargs) -> None:
    """After the commit of any write to a story, have the worker send it to the search engine."""
    if settings.SEARCH_BACKEND == "database" or instance.pk is None:
        return  # the database's index follows by itself (triggers)
    transaction.on_commit(partial(search_index_update.enqueue, [instance.pk]))


@task
def sitemaps_prebuild() -> None:
    """Build every sitemap page into the page cache after a write, so no crawler waits for one."""
    from newsroom.pagecache import page_prerender

    from .crawler_views import sitemap_paths

    for path, query in sitemap_paths():
        page_prerender(path, query)
