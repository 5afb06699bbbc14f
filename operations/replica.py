"""Reads from a PostgreSQL streaming replica, only when what they read is already there.

With `DATABASE_REPLICA_URL` set, an anonymous reader's public page (a GET with no session, no
message, no recent write of theirs) is read from the replica; everything else (logged-in users,
forms, the admin, the worker, commands) reads and writes the primary.

What makes that safe is the pages' versions (delivery/versions.py). Each version records where
the primary's write-ahead log stood when it was made (its LSN), so a page rendered under a
version needs the data up to that position. The replica is read only when it has replayed at
least as far as every version the page depends on, and only while its lag stays under
`REPLICA_MAX_LAG`: a page stored in the shared cache never shows less than its versions promise,
and a journalist's or a commenter's change never vanishes behind a lagging replica.

Besides, a browser that has just written (any POST that succeeded) carries a cookie for
`REPLICA_STICKY_SECONDS` that sends all its reads to the primary (read-your-writes for writes
that change no version, such as a comment held for moderation).

Each process asks the replica how far it has replayed at most every `REPLICA_CHECK_SECONDS`.
A replica that cannot be reached is left alone for `REPLICA_RETRY_SECONDS` (reads go to the
primary, no request waits on it), and a query that fails on it mid-request is run again on the
primary: the reader gets the page, never an error.
"""

import logging
import math
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DatabaseError, InterfaceError, OperationalError, connections

from delivery.pagecache import anonymous

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"
# Set on the answer to a write: this browser reads the primary for a while.
STICKY_COOKIE = "newsroom_primary"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")

# Where the replica stands: its replayed position, and how far behind the primary it is in time.
# On a server that is not in recovery (the tests' mirror) both come from the server itself.
REPLAY_SQL = """
SELECT
  CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END,
  CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()),
                  'Infinity')
  END
"""


def configured() -> bool:
    return REPLICA in settings.DATABASES


def lsn_number(text: str | None) -> int | None:
    """PostgreSQL's 'X/Y' log position as one comparable number."""
    if not text:
        return None
    high, low = str(text).split("/")
    return (int(high, 16) << 32) + int(low, 16)


def primary_position() -> int | None:
    """Where the primary's log stands now (None without a replica, or when it cannot say)."""
    if not configured():
        return None
    try:
        with connections[PRIMARY].cursor() as cursor:
            # The insert position, not the write position: with synchronous_commit off a commit
            # returns before its record is written, so the write position can still be behind it.
            cursor.execute("SELECT pg_current_wal_insert_lsn()")
            return lsn_number(cursor.fetchone()[0])
    except DatabaseError as error:  # no position: pages under this version read the primary
        logger.warning("Could not read the primary's log position: %s", error)
        return None


@dataclass
class ReplicaHealth:
    """How far this process last saw the replica, and whether it is being left alone."""

    alias: str = REPLICA
    replayed: int = -1
    lag: float = math.inf
    checked_at: float = -math.inf
    down_until: float = -math.inf
    outage: bool = False

    def __post_init__(self):
        self._lock = threading.Lock()

    def usable(self, needed: int) -> bool:
        """Whether the replica has replayed up to `needed` and lags less than REPLICA_MAX_LAG."""
        now = time.monotonic()
        if now < self.down_until:
            return False
        if now - self.checked_at >= settings.REPLICA_CHECK_SECONDS:
            self.check()
        return (
            time.monotonic() >= self.down_until
            and self.lag <= settings.REPLICA_MAX_LAG
            and self.replayed >= needed
        )

    def check(self) -> None:
        try:
            with connections[self.alias].cursor() as cursor:
                cursor.execute(REPLAY_SQL)
                position, lag = cursor.fetchone()
        except DatabaseError as error:
            self.failed(error)
            return
        with self._lock:
            self.replayed = lsn_number(position) or -1
            self.lag = float(lag)
            self.checked_at = time.monotonic()
            if self.outage:
                self.outage = False
                logger.warning("The replica answers again; anonymous pages read from it.")

    def failed(self, error: Exception) -> None:
        with self._lock:
            self.down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
            self.checked_at = -math.inf  # ask again first thing once the pause is over
            if not self.outage:
                self.outage = True
                logger.warning(
                    "The replica is unreachable (%s); reading the primary.", str(error).strip()
                )
        connections[self.alias].close()


health = ReplicaHealth()


class Reads:
    """Where one request's reads go: decided per query, since a page learns its versions late
    (a story page knows its story's version only after reading the story)."""

    def __init__(self, request):
        self.request = request
        self.allowed = anonymous(request) and STICKY_COOKIE not in request.COOKIES
        self.used_replica = False
        # Every version this request was handed (versions.peek/current), not only the page's: a
        # list's count or the archive's months are kept under the site's version read when they
        # are filled, which may be newer than the page's; what fills them must have its writes.
        self.seen: list[int | None] = []

    def saw(self, found) -> None:
        self.seen.extend(getattr(version, "lsn", None) for version in found)

    def needed(self) -> int | None:
        """The log position every version of this page needs; None: a page without versions."""
        page = getattr(self.request, "page", None)
        held = page.held if page is not None else None
        if not held:
            return None
        positions = [getattr(version, "lsn", None) for version in held.values()] + self.seen
        return None if None in positions else max(positions)

    def database(self) -> str | None:
        if not self.allowed:
            return None
        needed = self.needed()
        if needed is None or not health.usable(needed):
            return None
        self.used_replica = True
        return REPLICA


_reads: ContextVar[Reads | None] = ContextVar("newsroom_replica_reads", default=None)


def versions_seen(found) -> None:
    """versions.peek/current handed these out during the request being served (if any)."""
    reads = _reads.get()
    if reads is not None:
        reads.saw(found)


class ReplicaRouter:
    """Writes, migrations and everything outside an anonymous page go to the primary."""

    def db_for_read(self, model, **hints):
        reads = _reads.get()
        return (reads.database() if reads is not None else None) or PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


# What a hot standby answers when it cancels a query to go on replaying the primary's log
# ("canceling statement due to conflict with recovery"): serialization failure, or a deadlock
# on a buffer pin. Reads here never run serializable, so on a reader's page it is the replica's.
RECOVERY_CONFLICTS = {"40001", "40P01"}


def recovery_conflict(error: Exception) -> bool:
    """Whether a database error is the replica cancelling a query, not anything being down."""
    return getattr(error.__cause__, "sqlstate", None) in RECOVERY_CONFLICTS


def _answers(alias: str) -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


class ReplicaReadsMiddleware:
    """Decide for each request whether its reads may go to the replica; remember writes."""

    def __init__(self, get_response):
        if not configured():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        token = _reads.set(Reads(request))
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            response.set_cookie(
                STICKY_COOKIE,
                "1",
                max_age=settings.REPLICA_STICKY_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.replica_view = (view_func, view_args, view_kwargs)

    def process_exception(self, request, exception):
        """The replica failed mid-request: leave it alone and render the page from the primary."""
        reads = _reads.get()
        if (
            reads is None
            or not reads.used_replica
            or not isinstance(exception, OperationalError | InterfaceError)
            or not hasattr(request, "replica_view")
        ):
            return None
        if not recovery_conflict(exception):
            if _answers(REPLICA):
                return (
                    None  # the replica is fine: the error is the primary's (operations.middleware)
                )
            health.failed(exception)
        # The replica went away, or cancelled the query to replay the primary's log (a hot
        # standby does under load): the page is rendered again from the primary.
        reads.allowed = False
        view_func, view_args, view_kwargs = request.replica_view
        try:
            response = view_func(request, *view_args, **view_kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
        except (OperationalError, InterfaceError):
            return None  # the primary is away too: operations.middleware answers 503
        return response
