"""The cache and page delivery: what is kept, how long, and the cache in front told of changes."""

from .base import DEBUG, env

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://newsroom")}
# Before every key: several sites (or make cluster) share one Redis database, each its own keys.
# `CACHE_KEY_PREFIX`, or `?key_prefix=` in CACHE_URL (which django-environ leaves lowercase,
# where Django would ignore it).
CACHES["default"]["KEY_PREFIX"] = CACHES["default"].pop("key_prefix", None) or env.str(
    "CACHE_KEY_PREFIX", default=""
)
# --- Outages: the cache --------------------------------------------------------------------
# Redis unreachable: pages are served without it (delivery.cache answers like an empty cache,
# logs one warning per outage, and rate limits let requests through), and no call waits long.
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "delivery.cache.DegradingRedisCache"
    _cache_timeout = env.float("CACHE_CONNECT_TIMEOUT", default=1.0)
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": _cache_timeout, "socket_timeout": _cache_timeout}
    )
# django-allauth's rate limits and used second-factor codes, in the database (a table made by
# `migrate`): a Redis outage neither locks staff out nor lets a used code pass
# (accounts/allauth_cache.py).
CACHES["accounts"] = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "accounts_cache",
    "OPTIONS": {"MAX_ENTRIES": 100_000},  # past it, expired entries go first
}
# ---------------------------------------------------------------------------------------------

# --- Speed: what is cached and when it is forgotten (delivery/pagecache.py, versions.py) ----
# Anonymous pages are kept server-side at most PAGE_CACHE_SECONDS (a write forgets them at once;
# this bounds only what a cache outage could leave behind). Browsers may keep them PAGE_MAX_AGE
# seconds and shared caches (a CDN) PAGE_SHARED_MAX_AGE, never past the next scheduled story.
# A local-memory cache is one per process: `make run`'s worker (another process) would change
# versions the web server never sees, so it keeps no pages unless told to. `make serve` refuses it.
LOCAL_MEMORY_CACHE = CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
PAGE_CACHE_SECONDS = env.int(
    "PAGE_CACHE_SECONDS", default=0 if DEBUG and LOCAL_MEMORY_CACHE else 3600
)
PAGE_MAX_AGE = env.int("PAGE_MAX_AGE", default=60)
PAGE_SHARED_MAX_AGE = env.int("PAGE_SHARED_MAX_AGE", default=60)
PAGE_STALE_WHILE_REVALIDATE = env.int("PAGE_STALE_WHILE_REVALIDATE", default=60)
# ---------------------------------------------------------------------------------------------

# A cache in front (Varnish, a CDN) told of every change by HTTP PURGE (delivery/purge.py):
# e.g. http://127.0.0.1:6081. Empty: nothing is sent. The token goes as `X-Purge-Token`.
FRONTEND_PURGE_URL = env.str("FRONTEND_PURGE_URL", default="")
FRONTEND_PURGE_TOKEN = env.str("FRONTEND_PURGE_TOKEN", default="")
FRONTEND_PURGE_TIMEOUT = env.float("FRONTEND_PURGE_TIMEOUT", default=5.0)
