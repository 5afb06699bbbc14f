"""The site's public address: one place that turns paths into absolute URLs."""

from django.conf import settings
from django.templatetags.static import static


def site_origin(request=None) -> str:
    """Return `scheme://host` of the public site: SITE_URL, else the request's own origin.

    Behind a proxy the request's origin is right only with BEHIND_PROXY on (which trusts
    X-Forwarded-Proto/Host); SITE_URL pins it whatever the proxy sends.
    """
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is None:
        return ""
    return f"{request.scheme}://{request.get_host()}"


def absolute_url(request, path: str) -> str:
    """Make a site path absolute; URLs that already carry a scheme are returned unchanged."""
    if path.startswith(("http://", "https://")):
        return path
    return site_origin(request) + path


def publisher_logo_url(request) -> str:
    """Absolute URL of the publisher logo (PUBLISHER_LOGO: a static path or a full URL)."""
    logo = settings.PUBLISHER_LOGO
    return absolute_url(request, logo if "://" in logo else static(logo))
