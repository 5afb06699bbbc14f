"""The archive's navigation: the months with published stories, in every page's footer."""

from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from delivery import versions
from delivery.release import deploy_salt

from .models import Article


def _archive_key() -> str:
    site = versions.peek([versions.SITE]).get(versions.SITE)
    token = site.token if site is not None else "-"
    return f"articles:archive-months:{timezone.get_current_timezone_name()}:{token}"


def archive_nav_html() -> SafeString:
    """The footer's archive links, rendered once per site version and deploy: ten years are
    120 links, whose rendering cost more than the rest of a page."""
    key = f"{_archive_key()}:html:{deploy_salt()}:{translation.get_language()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("includes/archive_nav.html", {"archive_years": archive_months()})
        cache.set(key, html, settings.ARCHIVE_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by the (escaping) template just above


def archive_months() -> list[tuple[int, list[date]]]:
    """Years with their months that have published stories, newest first; cached.

    One query on a cache miss (`dates()` groups in the database), none on a hit. The key carries
    the time zone because months are cut in it, and the site's version, so a story written
    forgets it at once; otherwise a new month shows within ARCHIVE_CACHE_SECONDS.
    """
    key = _archive_key()
    years = cache.get(key)
    if years is None:
        months = Article.objects.published().dates("published_at", "month", order="DESC")
        grouped: dict[int, list[date]] = {}
        for month in months:
            grouped.setdefault(month.year, []).append(month)
        years = list(grouped.items())
        cache.set(key, years, settings.ARCHIVE_CACHE_SECONDS)
    return years
