"""GZip for pages that carry no secret (BREACH).

BREACH reads a secret out of a compressed HTTPS response by making the victim's browser fetch it
many times with guesses reflected beside it, and watching the size. It needs a secret in the
body: a CSRF token, a personal ping URL, anything of one reader's. So only responses with none
are compressed: no session cookie sent or set (anonymous readers; a logged-in reader's pages
name them and may hold their personal ping URL), no CSRF token used in the page (it sets the
CSRF cookie), nothing marked private. That covers every page shared caches keep, feeds and
sitemaps; the login form and everything logged in go out as they are. Static files are
WhiteNoise's (compressed ahead of time); images are never compressed again.
"""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE = (
    "text/html",
    "text/xml",
    "text/plain",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/json",
)


def carries_no_secret(request, response) -> bool:
    """Whether the response is the same for every anonymous reader (nothing of one user's)."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    if settings.SESSION_COOKIE_NAME in response.cookies:
        return False
    if settings.CSRF_COOKIE_NAME in response.cookies:  # a CSRF token was put in this page
        return False
    return "private" not in response.get("Cache-Control", "")


class SecretFreeGZipMiddleware(GZipMiddleware):
    """Django's GZip (with its random padding), for text without secrets only."""

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type not in COMPRESSIBLE or not carries_no_secret(request, response):
            return response
        return super().process_response(request, response)
