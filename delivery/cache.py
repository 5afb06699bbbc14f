"""A Redis cache that steps aside while Redis is unreachable, so pages are served without it.

Every call that cannot reach Redis answers as a cache miss (or a refused write) instead of
raising. The first failure logs one warning for the outage; for `RETRY_SECONDS` after a
failure the server is not even tried (so an outage costs no time per request), then one call
tries again. Recovery is logged once too. Callers that must know (rate limits) ask
`cache_available()`.
"""

import logging
import threading
import time
from urllib.parse import urlsplit

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_SECONDS = 5.0
_SKIPPED = object()


class Outage:
    """Whether one Redis server is down, shared by every thread of the process."""

    def __init__(self, server: str):
        parts = urlsplit(server)
        self.server = f"{parts.hostname}:{parts.port or 6379}"  # never the password
        self.since: float | None = None
        self.retry_at = 0.0
        self._lock = threading.Lock()

    @property
    def ongoing(self) -> bool:
        return self.since is not None

    def skip(self) -> bool:
        """True while the server is known to be down and not yet due for another try."""
        return self.since is not None and time.monotonic() < self.retry_at

    def failed(self, error: Exception) -> None:
        with self._lock:
            now = time.monotonic()
            if self.since is None:
                self.since = now
                logger.warning(
                    "Cache at %s is unreachable (%s); serving without it until it returns.",
                    self.server,
                    error,
                )
            self.retry_at = now + RETRY_SECONDS

    def recovered(self) -> None:
        if self.since is None:
            return
        with self._lock:
            if self.since is not None:
                logger.warning(
                    "Cache at %s is reachable again after %.0f s.",
                    self.server,
                    time.monotonic() - self.since,
                )
                self.since = None


_outages: dict[str, Outage] = {}
_outages_lock = threading.Lock()


def outage_for(server: str) -> Outage:
    with _outages_lock:
        return _outages.setdefault(server, Outage(server))


def cache_available() -> bool:
    """False while the default cache is a Redis that cannot be reached."""
    return getattr(cache, "available", True)


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client maker, keeping one client per connection pool.

    Django builds a new redis-py client (and its table of ~170 response callbacks) for every
    cache call: several per page. A client over a pool is thread-safe, so one per pool will do.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._clients_lock = threading.Lock()

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            with self._clients_lock:
                client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class DegradingRedisCache(RedisCache):
    """Django's Redis cache, answering like an empty cache while Redis is unreachable."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self.outage = outage_for(self._servers[0])

    @property
    def available(self) -> bool:
        return not self.outage.ongoing

    def _guarded(self, method, *args, **kwargs):
        if self.outage.skip():
            return _SKIPPED
        try:
            result = method(*args, **kwargs)
        except UNREACHABLE as error:
            self.outage.failed(error)
            return _SKIPPED
        self.outage.recovered()
        return result

    def _or(self, result, fallback):
        return fallback if result is _SKIPPED else result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(self._guarded(super().add, key, value, timeout, version), False)

    def get(self, key, default=None, version=None):
        return self._or(self._guarded(super().get, key, default, version), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(self._guarded(super().set, key, value, timeout, version), None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(self._guarded(super().touch, key, timeout, version), False)

    def delete(self, key, version=None):
        return self._or(self._guarded(super().delete, key, version), False)

    def get_many(self, keys, version=None):
        return self._or(self._guarded(super().get_many, keys, version), {})

    def has_key(self, key, version=None):
        return self._or(self._guarded(super().has_key, key, version), False)

    def incr(self, key, delta=1, version=None):
        result = self._guarded(super().incr, key, delta, version)
        if result is _SKIPPED:
            raise ValueError(f"Key '{key}' not found: the cache is unreachable.")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(self._guarded(super().set_many, data, timeout, version), list(data))

    def delete_many(self, keys, version=None):
        return self._or(self._guarded(super().delete_many, keys, version), None)

    def clear(self):
        return self._or(self._guarded(super().clear), None)
