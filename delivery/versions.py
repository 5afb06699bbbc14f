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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.core.cache import cache
from django.db import transaction

import hooks

from .cache import cache_available

PREFIX = "v1:version:"
SITE = f"{PREFIX}site"
STORY_PREFIX = f"{PREFIX}story:"

# Changes the cache missed while unreachable, made again once it answers.
_missed: set[str] = set()
_missed_lock = threading.Lock()


@dataclass(frozen=True)
class Version:
    token: str
    changed_at: float  # seconds since the epoch: what Last-Modified says
    until: float | None = None  # the next scheduled change ends this version
    # Where the primary's log stood when it was made (operations/replica.py): a page rendered under
    # this version may be read from a replica that has replayed this far. None: the primary only.
    lsn: int | None = None


def story(pk: int) -> str:
    """The version key of one story's discussion (comments and trackbacks)."""
    return f"{STORY_PREFIX}{pk}"


def _earliest(answers: Iterable[datetime | None]) -> datetime | None:
    return min((at for at in answers if at is not None), default=None)


def _expires(key: str) -> datetime | None:
    """When the version of `key` next changes with no write, as the apps answer (hooks)."""
    if key == SITE:
        # A query, paid by writers (and by readers after a cache flush): the next story to go live.
        return _earliest(expires() for expires in hooks.get("site_version_expires"))
    if key.startswith(STORY_PREFIX):
        pk = int(key.removeprefix(STORY_PREFIX))
        return _earliest(expires(pk) for expires in hooks.get("story_version_expires"))
    return None


def _position() -> int | None:
    """Where the primary's log stands now (read replicas, `version_position`); the first answer."""
    for position in hooks.get("version_position"):
        if (answer := position()) is not None:
            return answer
    return None


def _seen(found: Iterable["Version"]) -> None:
    # A request that saw a version (a page's, or one a cached count or list is kept under)
    # reads only a replica that has its writes (`versions_seen`).
    listeners = hooks.get("versions_seen")
    if listeners:
        found = list(found)
        for seen in listeners:
            seen(found)


def peek(keys: Iterable[str]) -> dict[str, Version]:
    """The current versions among `keys` that exist and have not run out; never makes any.

    Changes missed while the cache was away are stored first: the first request after its
    return (a stored page's check, too) sees the new tokens, never the ones before the outage.
    """
    _retry_missed()
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
    at = _expires(key)
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
    replace(keys)
    transaction.on_commit(partial(replace, keys), robust=True)


def replace(keys: Iterable[str]) -> None:
    """Give these versions new tokens now (made again once the cache answers, if it is away)."""
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
    replace(keys)
