"""When stored pages are forgotten: any write to a story or a section, whatever door it came
through (services, admin, shell, demo loader), a change to a story's author (bylines), and the
next scheduled story going live."""

from datetime import datetime

from django.conf import settings
from django.db import transaction

from delivery import versions

from . import purging
from .models import Article
from .tasks import sitemaps_prebuild


def next_publication() -> datetime | None:
    """When the next scheduled story goes live, if one is waiting."""
    return (
        Article.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )


def site_changed(sender, instance, **kwargs) -> None:
    """Forget every stored page: lists, feeds, section navigation and related stories change."""
    keys = [versions.SITE]
    if isinstance(instance, Article) and instance.pk is not None:
        keys.append(versions.story(instance.pk))  # when its discussion closes may have moved
    versions.change(*keys)
    purging.written(sender, instance)  # the cache in front, when there is one
    # After the commit, and after the new version (queued first); only where pages are kept.
    if settings.SITEMAP_PREBUILD and settings.PAGE_CACHE_SECONDS > 0:
        transaction.on_commit(sitemaps_prebuild.enqueue)


def author_changed(sender, instance, update_fields=None, **kwargs) -> None:
    """Forget every stored page when a user whose name may be a byline is saved."""
    if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
        return  # every login saves the user; no byline changes then
    if instance.is_staff or Article.objects.filter(author_id=instance.pk).exists():
        versions.change(versions.SITE)
        purging.author_written(instance)
