"""Content versions: tokens in the shared cache that say whether a stored page is still current.

Every public page depends on the site's version, which changes when a story or a section is
written and renews itself when the next scheduled story goes live. A story page also depends on
its story's version, which changes when a comment or trackback on it changes and renews itself
when its discussion closes by age. Changing a version
stores a new token, so every process sharing the cache (Redis) sees the change at once. While the
cache is unreachable there are no versions and nothing is kept (`current()` answers None), and
changes that could not be stored are stored again once it answers; a process that found it
unreachable also renews the site's version then, since the process that wrote may be gone.
"""

import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.core.cache import cache
from django.db import transaction

from .cache import cache_available

PREFIX = "v1:version:"
SITE = f"{PREFIX}site"
STORY_PREFIX = f"{PREFIX}story:"

# When the next scheduled change happens by itself (a story going live); set by the app that
# knows (articles), so that this module needs none.
_schedule: Callable[[], datetime | None] = lambda: None  # noqa: E731
# When a story's page next changes by itself (its discussion closing); set by comments.
_story_schedule: Callable[[int], datetime | None] = lambda pk: None  # noqa: E731
# Where the primary's log stands now; set by newsroom.replica when a read replica is configured.
_position: Callable[[], int | None] = lambda: None  # noqa: E731
# Told of every version handed out; set by newsroom.replica: a request that saw a version (a
# page's, or one a cached count or list is kept under) reads only a replica that has its writes.
_seen: Callable[[Iterable["Version"]], None] = lambda found: None  # noqa: E731
# Changes the cache missed while unreachable, made again once it answers.
_missed: set[str] = set()
_missed_lock = threading.Lock()


@dataclass(frozen=True)
class Version:
    token: str
    changed_at: float  # seconds since the epoch: what Last-Modified says
    until: float | None = None  # the next scheduled change ends this version
    # Where the primary's log stood when it was made (newsroom/replica.py): a page rendered under
    # this version may be read from a replica that has replayed this far. None: the primary only.
    lsn: int | None = None


def story(pk: int) -> str:
    """The version key of one story's discussion (comments and trackbacks)."""
    return f"{STORY_PREFIX}{pk}"


def schedule_register(next_change: Callable[[], datetime | None]) -> None:
    """Tell the site's version when the next change that needs no write will happen."""
    global _schedule
    _schedule = next_change


def position_register(position: Callable[[], int | None]) -> None:
    """Record with each new version where the primary's log stands (for replica reads)."""
    global _position
    _position = position


def seen_register(seen: Callable[[Iterable[Version]], None]) -> None:
    """Be told of the versions handed out by `peek` and `current` (for replica reads)."""
    global _seen
    _seen = seen


def story_schedule_register(next_change: Callable[[int], datetime | None]) -> None:
    """Tell story versions when a story's page next changes with no write."""
    global _story_schedule
    _story_schedule = next_change


def peek(keys: Iterable[str]) -> dict[str, Version]:
    """The current versions among `keys` that exist and have not run out; never makes any."""
    now = time.time()
    found = {
        key: version
        for key, version in cache.get_many(list(keys)).items()
        if isinstance(version, Version) and (version.until is None or now < version.until)
    }
    _seen(found.values())
    return found


def current(keys: Iterable[str]) -> dict[str, Version] | None:
    """The versions of `keys`, making those missing or run out; None while the cache is away."""
    _retry_missed()
    keys = list(keys)
    found = peek(keys)
    for key in keys:
        if key not in found:
            version = _renew(key)
            if version is None:
                _away()
                return None
            found[key] = version
            _seen([version])
    return found


def _fresh(key: str, lsn: int | None = None) -> Version:
    at = None
    if key == SITE:
        at = _schedule()  # one query, paid by writers (and by readers after a cache flush)
    elif key.startswith(STORY_PREFIX):
        at = _story_schedule(int(key.removeprefix(STORY_PREFIX)))
    until = at.timestamp() if at is not None else None
    return Version(
        token=secrets.token_hex(8), changed_at=time.time(), until=until, lsn=lsn or _position()
    )


def _renew(key: str) -> Version | None:
    version = _fresh(key)
    # Only a missing key is filled: two processes renewing at once agree on the first token.
    # A version that ran out is still there, so it is replaced; the last writer wins then.
    if not cache.add(key, version, timeout=None):
        stored = cache.get(key)
        if isinstance(stored, Version) and (stored.until is None or time.time() < stored.until):
            return stored
        cache.set(key, version, timeout=None)
    stored = cache.get(key)
    return stored if isinstance(stored, Version) else None


def change(*keys: str) -> None:
    """Give these versions new tokens now, and again after the transaction commits.

    Now, so this process and the tests see the change at once; after the commit, because a
    reader may have rendered the old rows under the first new token in between. Every process
    sharing the cache sees the new token at its next request.
    """
    _replace(keys)
    transaction.on_commit(partial(_replace, keys), robust=True)


def _replace(keys: Iterable[str]) -> None:
    keys = list(keys)
    position = _position()  # one look at the primary's log for all of them
    fresh = {key: _fresh(key, position) for key in keys}
    try:
        cache.set_many(fresh, timeout=None)
        stored = cache_available()
    except Exception:  # a cache backend that raises when down: a write must still succeed
        stored = False
    if not stored:
        with _missed_lock:
            _missed.update(keys)


def _away() -> None:
    # The cache is unreachable from here: a change made meanwhile by another process may be
    # lost with it (a server recycled or stopped before the cache came back). Once it is back,
    # this process forgets every stored page, whoever wrote; each process that saw it away does.
    with _missed_lock:
        _missed.add(SITE)


def _retry_missed() -> None:
    if not _missed or not cache_available():
        return
    with _missed_lock:
        keys = list(_missed)
        _missed.clear()
    _replace(keys)
