"""The site's public address: the one place that turns paths into absolute URLs.

`SITE_URL` is required in production (settings refuse to start without it) and defaults to
`http://127.0.0.1:$PORT` (8000) with DEBUG, so every layer (views, feeds, tasks run by the
worker, mail) gets the same answer without a request to ask.
"""

from django.conf import settings
from django.templatetags.static import static


def site_origin() -> str:
    """`scheme://host` of the public site."""
    return settings.SITE_URL


def absolute_url(path: str) -> str:
    """Make a site path absolute; URLs that already carry a scheme are returned unchanged."""
    if path.startswith(("http://", "https://")):
        return path
    return site_origin() + path


def _static_or_absolute(value: str) -> str:
    return absolute_url(value if "://" in value else static(value))


def publisher_logo_url() -> str:
    """Absolute URL of the publisher logo (PUBLISHER_LOGO: a static path or a full URL)."""
    return _static_or_absolute(settings.PUBLISHER_LOGO)


def default_social_image_url() -> str:
    """Absolute URL of the picture for stories without their own (DEFAULT_SOCIAL_IMAGE)."""
    return _static_or_absolute(settings.DEFAULT_SOCIAL_IMAGE)
