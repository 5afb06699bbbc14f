"""Fixed-window rate limits in Django's cache, so they hold across processes with Redis."""

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the hop our own proxies added to X-Forwarded-For."""
    if settings.NUM_PROXIES:
        hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= settings.NUM_PROXIES:
            return _valid_ip(hops[-settings.NUM_PROXIES])
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))


def _valid_ip(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""


def rate_limit_exceeded(scope: str, identities: list[str], *, limit: int, window: int) -> bool:
    """Count one attempt for each identity; True when any of them went past `limit`."""
    bucket = int(time.time() // window)
    exceeded = False
    for identity in identities:
        key = f"ratelimit:{scope}:{identity}:{bucket}"
        cache.add(key, 0, timeout=window + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=window + 1)
            count = 1
        exceeded = exceeded or count > limit
    return exceeded


def request_identities(request) -> list[str]:
    identities = [f"ip:{client_ip(request)}"]
    if request.user.is_authenticated:
        identities.append(f"user:{request.user.pk}")
    return identities
