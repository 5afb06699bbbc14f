"""What articles tells others about stored pages: every write to a story, a section or an
author becomes a fact (articles/signals.py), whatever door it came through, and the next
scheduled story going live is when every public page changes by itself."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save

from .models import Article, Category
from .people import AuthorProfile
from .signals import byline_changed, section_changed, story_changed


def next_publication() -> datetime | None:
    """When the next scheduled story goes live, if one is waiting."""
    return (
        Article.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )


def _written(sender, instance, **kwargs) -> None:
    deleted = kwargs["signal"] is post_delete
    if sender is Article:
        story_changed.send(sender=Article, story=instance, deleted=deleted)
    elif sender is Category:
        section_changed.send(sender=Category, section=instance, deleted=deleted)
    else:
        byline_changed.send(sender=AuthorProfile, author=None, page=instance, deleted=deleted)


def _author_saved(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
        return  # every login saves the user; no byline changes then
    if instance.is_staff or Article.objects.filter(author_id=instance.pk).exists():
        byline_changed.send(sender=sender, author=instance, page=None, deleted=False)


def facts_connect() -> None:
    """Send the facts from the row signals: a section has no service, and stories are also
    written by the demo loader, the shell and test builders; none may go untold."""
    for model in (Article, Category, AuthorProfile):
        post_save.connect(_written, sender=model, dispatch_uid=f"facts:save:{model.__name__}")
        post_delete.connect(_written, sender=model, dispatch_uid=f"facts:delete:{model.__name__}")
    post_save.connect(_author_saved, sender=get_user_model(), dispatch_uid="facts:author")
