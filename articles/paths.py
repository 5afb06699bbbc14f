"""A story's address without a `reverse()` for each story: lists, search pages and sitemaps
write many of them, and `reverse()` cost more than the rest of a teaser."""

import re
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

# What the URL pattern's slug converter takes, and needs no quoting.
_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_SAMPLE = {"year": 1999, "month": 12, "day": 31, "slug": "slug-here"}


@lru_cache(maxsize=32)
def _story_path_format(urlconf, script_prefix: str) -> str:
    sample = reverse("articles:detail", kwargs=_SAMPLE, urlconf=urlconf)
    escaped = sample.replace("{", "{{").replace("}", "}}")
    return escaped.replace("1999/12/31/slug-here", "{:04d}/{:02d}/{:02d}/{}")


def story_path_format() -> str:
    """The story URL as a format string (year, month, day, slug): reverse() once per URLconf
    and script prefix, not once per story."""
    return _story_path_format(get_urlconf(), get_script_prefix())


def story_path(*, year: int, month: int, day: int, slug: str) -> str:
    """What `reverse("articles:detail", kwargs=...)` answers, for a fraction of its cost."""
    if not _PLAIN_SLUG.fullmatch(slug):  # reverse() quotes, or refuses, any other slug
        return reverse(
            "articles:detail", kwargs={"year": year, "month": month, "day": day, "slug": slug}
        )
    return story_path_format().format(year, month, day, slug)


@receiver(setting_changed)
def _urlconf_changed(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":  # tests swap URLconfs under the same (default) key
        _story_path_format.cache_clear()
