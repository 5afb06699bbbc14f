from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from newsroom.tasks import TransientError, retry_with_backoff

from .models import Article, TrackbackPing
from .search_backends import search_backend
from .trackbacks import article_send_trackbacks

# The first retry of a site that did not answer; later ones double (about 30 min in all).
RETRY_AFTER = timedelta(seconds=60)


def _unreachable(pings: list[TrackbackPing]) -> bool:
    return any(ping.status == TrackbackPing.Status.UNREACHABLE for ping in pings)


@task
def send_trackbacks(article_id: int) -> None:
    """Send a story's trackbacks after publication, off the editor's request.

    A site that answered (accepted, refused, or not in TrackBack) is done with; only sites that
    did not answer at all are pinged again later, by `retry_trackbacks`.
    """
    article = Article.objects.filter(pk=article_id).first()
    if article is None or not _unreachable(article_send_trackbacks(article=article)):
        return
    if retry_trackbacks.get_backend().supports_defer:
        retry = retry_trackbacks.using(run_after=timezone.now() + RETRY_AFTER)
        retry.enqueue(article_id)
    # Otherwise `manage.py send_trackbacks` (cron) catches up.


@task
@retry_with_backoff(attempts=5, base_delay=RETRY_AFTER.total_seconds() * 2)
def retry_trackbacks(article_id: int) -> None:
    """Ping again the targets of a story that did not answer at all; never one that answered."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return
    if _unreachable(article_send_trackbacks(article=article, only_unreachable=True)):
        raise TransientError("some trackback targets did not answer")


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
