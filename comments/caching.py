"""Forget a story's stored pages when a comment or trackback on it changes state."""

from collections.abc import Iterable

from newsroom import versions


def stories_discussion_changed(article_ids: Iterable[int]) -> None:
    """The discussion under these stories changed: their pages must be rendered again."""
    keys = {versions.story(pk) for pk in article_ids if pk is not None}
    if keys:
        versions.change(*keys)


def comment_changed(sender, instance, **kwargs) -> None:
    """A comment or trackback was stored, changed or deleted (a row signal)."""
    stories_discussion_changed([instance.article_id])
