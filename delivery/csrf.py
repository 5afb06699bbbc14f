"""CSRF protection without a per-page token, for forms on pages that shared caches keep.

Browsers say where a request comes from: `Sec-Fetch-Site` (Fetch Metadata, every current
browser) and `Origin` (on every cross-origin POST since 2020). A request that says it comes from
this site is accepted; one that says it comes from elsewhere is refused. This is the check of
Go's `http.CrossOriginProtection` and of django-modern-csrf, with one difference: a request that
carries neither header (old browsers, scripts) falls back to Django's own token check, instead
of being let through. Every other form keeps Django's CSRF middleware as it is.
"""

import logging
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.http import is_same_domain
from django.views.decorators.csrf import csrf_exempt

from operations.errors import csrf_failure

from .site import site_origin

logger = logging.getLogger("django.security.csrf")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
CROSS_SITE = "Cross-site request: Sec-Fetch-Site is %s and the origin %s is not trusted."
BAD_ORIGIN = "Origin checking failed: %s is not this site."


def trusted_origin(request, origin: str) -> bool:
    """Whether `origin` is this site (as asked, or its SITE_URL) or in CSRF_TRUSTED_ORIGINS."""
    try:
        own = f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        own = None
    if origin in {own, site_origin(), *settings.CSRF_TRUSTED_ORIGINS}:
        return True
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    wildcards = [urlsplit(o) for o in settings.CSRF_TRUSTED_ORIGINS if "*" in o]
    return any(
        parts.scheme == w.scheme and is_same_domain(parts.netloc, w.netloc.lstrip("*"))
        for w in wildcards
    )


def refusal(request) -> str | None:
    """Why the browser's own headers show a cross-site request; None when they show none.

    Raises LookupError when the request carries neither header.
    """
    site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if site is not None:
        if site in ("same-origin", "none"):  # "none": the reader's own action (a bookmark)
            return None
        if origin is not None and trusted_origin(request, origin):
            return None  # a sibling subdomain the site trusts
        return CROSS_SITE % (site, origin)
    if origin is not None:
        return None if trusted_origin(request, origin) else BAD_ORIGIN % origin
    raise LookupError("neither Sec-Fetch-Site nor Origin")


def same_site_required(view):
    """Protect a POST view by where the browser says it comes from, with no token needed."""

    @csrf_exempt  # Django's token check is replaced here (and kept as the fallback), not dropped
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method in SAFE_METHODS:
            return view(request, *args, **kwargs)
        try:
            reason = refusal(request)
        except LookupError:
            # No header to judge by: only Django's cookie-and-token check can tell.
            refused = CsrfViewMiddleware(view).process_view(request, view, args, kwargs)
            return refused or view(request, *args, **kwargs)
        if reason is not None:
            logger.warning("Forbidden (%s): %s", reason, request.path)
            return csrf_failure(request, reason=reason)
        return view(request, *args, **kwargs)

    return wrapped
