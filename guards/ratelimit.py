"""Fixed-window rate limits in Django's cache, so they hold across processes with Redis."""

import logging
import time

from django.core.cache import cache

from delivery.cache import cache_available

logger = logging.getLogger(__name__)


def rate_limit_exceeded(scope: str, identities: list[str], *, limit: int, window: int) -> bool:
    """Count one attempt for each identity; True when any of them went past `limit`.

    Without a reachable cache nothing can be counted: the request is let through (a reader's
    comment or a password reset matters more than a missed limit) and that is logged.
    """
    bucket = int(time.time() // window)
    exceeded = False
    for identity in identities:
        key = f"ratelimit:{scope}:{identity}:{bucket}"
        cache.add(key, 0, timeout=window + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr(), or the cache is unreachable
            cache.set(key, 1, timeout=window + 1)
            count = 1
        exceeded = exceeded or count > limit
    if not cache_available():
        logger.info("Rate limit %r not enforced for this request: the cache is unreachable.", scope)
        return False
    return exceeded
