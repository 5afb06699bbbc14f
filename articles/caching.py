"""When stored pages are forgotten: any write to a story or a section, whatever door it came
through (services, admin, shell, demo loader), and the next scheduled story going live."""

from datetime import datetime

from newsroom import versions

from .models import Article


def next_publication() -> datetime | None:
    """When the next scheduled story goes live, if one is waiting."""
    return (
        Article.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )


def site_changed(sender, **kwargs) -> None:
    """Forget every stored page: lists, feeds, section navigation and related stories change."""
    versions.change(versions.SITE)
