"""The site's public address: the one place that turns paths into absolute URLs.

`SITE_URL` is required in production (settings refuse to start without it) and defaults to
`http://127.0.0.1:$PORT` (8000) with DEBUG, so every layer (views, feeds, tasks run by the
worker, mail) gets the same answer without a request to ask.
"""

import re
from html import escape, unescape
from urllib.parse import urljoin

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


# A start tag as the sanitiser writes it (every value double-quoted, `"` escaped inside), so a
# text that reads `href="/x"` (a code sample) is never taken for a link.
_START_TAG = re.compile(r'<[a-zA-Z][^\s/>]*(?:\s+[^\s="/>]+(?:="[^"]*")?)*\s*/?>')
_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)(")')


def html_with_absolute_urls(html_text: str, base: str) -> str:
    """Sanitised HTML with each `href`, `src` and `srcset` address made absolute against `base`
    (feeds: a reader shows the content away from the page, where a site path means nothing)."""

    def absolute(address: str) -> str:
        return escape(urljoin(base, unescape(address).strip()))

    def candidates(srcset: str) -> str:
        parts = (candidate.strip().split(maxsplit=1) for candidate in unescape(srcset).split(","))
        return ", ".join(
            " ".join([escape(urljoin(base, part[0])), *part[1:]]) for part in parts if part
        )

    def tag(match: re.Match) -> str:
        written = _URL_ATTRIBUTE.sub(lambda m: m[1] + absolute(m[2]) + m[3], match[0])
        return _SRCSET.sub(lambda m: m[1] + candidates(m[2]) + m[3], written)

    return _START_TAG.sub(tag, html_text)
