"""Tell a cache in front (a CDN, Varnish) to forget the pages a write made stale: HTTP PURGE.

With `FRONTEND_PURGE_URL` set, the module that forgets pages when facts change
(delivery/invalidation.py) also names the public paths that changed: those named during one
transaction are gathered, and after it commits one task is queued with them (sorted, each
once). The worker sends one `PURGE <path>` per path to that URL, with the public site's `Host`
(from `SITE_URL`) and `X-Purge-Token` when `FRONTEND_PURGE_TOKEN` is set. A request never
waits for the front cache: an endpoint that is down or answers 5xx costs the task a later
attempt (`retry_with_backoff`), never the write. PURGE is idempotent, so a retry sends them all.

Without the setting nothing is gathered and no query is made.
"""

import http.client
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.tasks import task

from operations.tasks import TransientError, retry_with_backoff

logger = logging.getLogger(__name__)

# Answers that mean "forgotten" (404: it held no copy; Varnish and most CDNs say so).
DONE = {200, 201, 202, 204, 404}


class PurgeRefused(Exception):
    """The front cache refused the purge (403, 405...): its configuration, not a passing fault."""


def enabled() -> bool:
    """Whether a front cache is to be told of changes."""
    return bool(settings.FRONTEND_PURGE_URL)


def _target() -> tuple[str, str, int | None, str]:
    parts = urlsplit(settings.FRONTEND_PURGE_URL)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PurgeRefused("FRONTEND_PURGE_URL must be an http(s) URL.")
    return parts.scheme, parts.hostname, parts.port, parts.path.rstrip("/")


def purge_one(path: str) -> int:
    """Send one PURGE for `path` to the front cache; its status code."""
    scheme, host, port, prefix = _target()
    connection_class = (
        http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(host, port, timeout=settings.FRONTEND_PURGE_TIMEOUT)
    headers = {"Host": urlsplit(settings.SITE_URL).netloc, "User-Agent": "NewsroomPurge/1.0"}
    if settings.FRONTEND_PURGE_TOKEN:
        headers["X-Purge-Token"] = settings.FRONTEND_PURGE_TOKEN
    try:
        connection.request("PURGE", prefix + path, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)
        return response.status
    except http.client.HTTPException as error:  # a garbled answer: try again later
        raise TransientError(f"bad answer from the front cache: {error!r}") from error
    finally:
        connection.close()


@task
@retry_with_backoff(attempts=5)
def frontend_purge(paths: list[str]) -> dict:
    """Have the front cache forget these paths. A refused or unreachable endpoint (OSError)
    stops at once and the task is tried again later; so do 429 and 5xx answers."""
    statuses = {}
    for path in paths:
        statuses[path] = purge_one(path)  # OSError (refused, timed out) propagates: retried
    passing = {p: s for p, s in statuses.items() if s == 429 or s >= 500}
    if passing:
        raise TransientError(f"the front cache answered {sorted(set(passing.values()))}")
    refused = {p: s for p, s in statuses.items() if s not in DONE}
    if refused:
        raise PurgeRefused(f"the front cache refused: {refused}")
    return {"purged": len(paths)}
