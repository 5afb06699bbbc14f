from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from operations.tasks import TransientError, retry_with_backoff

from .models import Article, TrackbackPing
from .search_backends import search_backend
from .trackbacks import (
    RETRY_BASE_SECONDS,
    article_send_trackbacks,
    retry_delay_asked,
    trackback_ping_resend,
)

# The first retry of a site that gave no answer; later ones double (about 30 min in all). A
# site that asked for longer (Retry-After) gets it.
RETRY_AFTER = timedelta(seconds=RETRY_BASE_SECONDS)


def _unreachable(pings: list[TrackbackPing]) -> bool:
    return any(ping.status == TrackbackPing.Status.UNREACHABLE for ping in pings)


def _retry_later(article_id: int, pings: list[TrackbackPing]) -> None:
    if retry_trackbacks.get_backend().supports_defer:
        wait = max(RETRY_AFTER.total_seconds(), retry_delay_asked(pings))
        retry = retry_trackbacks.using(run_after=timezone.now() + timedelta(seconds=wait))
        retry.enqueue(article_id)
    # Otherwise `manage.py send_trackbacks` (cron) catches up.


@task
def send_trackbacks(article_id: int) -> None:
    """Tell a story's targets after publication, off the editor's request.

    A site that answered (accepted or refused) is done with; only sites that gave no answer
    (no connection, a timeout, 429, 5xx) are told again later, by `retry_trackbacks`.
    """
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return
    pings = article_send_trackbacks(article=article)
    if _unreachable(pings):
        _retry_later(article_id, pings)


@task
@retry_with_backoff(attempts=5, base_delay=RETRY_AFTER.total_seconds() * 2)
def retry_trackbacks(article_id: int) -> None:
    """Tell again the targets of a story that gave no answer; never one that answered."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return
    pings = article_send_trackbacks(article=article, only_unreachable=True)
    if _unreachable(pings):
        raise TransientError(
            "some linkback targets gave no answer", retry_after=retry_delay_asked(pings)
        )


@task
def resend_trackback(ping_id: int, held: str | None = None) -> None:
    """Send to one target again, as an editor asked; no answer is retried like any other."""
    ping = TrackbackPing.objects.select_related("article").filter(pk=ping_id).first()
    if ping is None:
        return
    held_at = datetime.fromisoformat(held) if held else None
    ping = trackback_ping_resend(ping=ping, held=held_at)
    if ping.status == TrackbackPing.Status.UNREACHABLE:
        _retry_later(ping.article_id, [ping])


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
    from delivery.pagecache import page_prerender

    from .crawler_views import sitemap_paths

    for path, query in sitemap_paths():
        page_prerender(path, query)
