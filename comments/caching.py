"""What comments tells others about stored pages: a discussion that changed, through any door,
and when a story's discussion closes by age (its page changes then with no write)."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .models import Comment
from .signals import discussion_changed


def stories_discussion_changed(article_ids: Iterable[int]) -> None:
    """The discussion under these stories changed (a queryset update, which row signals miss)."""
    ids = {pk for pk in article_ids if pk is not None}
    if ids:
        discussion_changed.send(sender=Comment, story_ids=ids, stories=())


def comment_changed(sender, instance, **kwargs) -> None:
    """A comment or trackback was stored, changed or deleted (a row signal)."""
    if instance.article_id is None:
        return
    at_hand = type(instance).article.is_cached(instance)  # no query for the story then
    stories = (instance.article,) if at_hand else ()
    discussion_changed.send(sender=sender, story_ids={instance.article_id}, stories=stories)


def story_comment_paths(story: Article) -> list[str]:
    """What this app serves under a story page that a change to the story makes stale."""
    return [reverse("comments:feed", kwargs=story.url_kwargs())]


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
