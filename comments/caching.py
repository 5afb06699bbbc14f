"""Forget a story's stored pages when a comment or trackback on it changes state or closes."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from delivery import purge, versions


def stories_discussion_changed(article_ids: Iterable[int]) -> None:
    """The discussion under these stories changed: their pages must be rendered again."""
    ids = {pk for pk in article_ids if pk is not None}
    if ids:
        versions.change(*(versions.story(pk) for pk in ids))
    if ids and purge.enabled():  # the cache in front forgets the stories' pages too
        stories_purge(Article.objects.filter(pk__in=ids).only("slug", "published_at", "status"))


def stories_purge(stories: Iterable[Article]) -> None:
    """Have the cache in front forget the pages showing these stories' discussions."""
    purge.paths_changed(
        path
        for story in stories
        if story.status == Article.Status.PUBLISHED
        for path in (story.get_absolute_url(), *purge.story_extra_paths(story))
    )


def story_comment_paths(story: Article) -> list[str]:
    """What this app serves under a story page that a change to the story makes stale."""
    return [reverse("comments:feed", kwargs=story.url_kwargs())]


def comment_changed(sender, instance, **kwargs) -> None:
    """A comment or trackback was stored, changed or deleted (a row signal)."""
    if not purge.enabled() or not type(instance).article.is_cached(instance):
        stories_discussion_changed([instance.article_id])
        return
    versions.change(versions.story(instance.article_id))
    stories_purge([instance.article])  # the story is at hand: no query


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
