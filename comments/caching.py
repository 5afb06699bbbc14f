"""Forget a story's stored pages when a comment or trackback on it changes state or closes."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from articles.models import Article
from newsroom import versions


def stories_discussion_changed(article_ids: Iterable[int]) -> None:
    """The discussion under these stories changed: their pages must be rendered again."""
    keys = {versions.story(pk) for pk in article_ids if pk is not None}
    if keys:
        versions.change(*keys)


def comment_changed(sender, instance, **kwargs) -> None:
    """A comment or trackback was stored, changed or deleted (a row signal)."""
    stories_discussion_changed([instance.article_id])


def discussion_closes(article_pk: int) -> datetime | None:
    """When the story's comments or trackbacks next close by age (no query when neither does)."""
    days = {
        "comments_open": settings.COMMENTS_CLOSE_AFTER_DAYS,
        "trackbacks_open": settings.TRACKBACKS_CLOSE_AFTER_DAYS,
    }
    days = {field: after for field, after in days.items() if after is not None}
    if not days:
        return None
    story = Article.objects.filter(pk=article_pk).values("published_at", *days).first()
    if story is None or story["published_at"] is None:
        return None
    now, closes = timezone.now(), []
    for field, after in days.items():
        try:
            at = story["published_at"] + timedelta(days=after)
        except OverflowError:  # past the calendar's end: open for good
            continue
        if story[field] and at > now:
            closes.append(at)
    return min(closes, default=None)
