"""The read-replica router's rules, in one process (the real replica: tests/cluster).

Who may read the replica, what a page needs it to have replayed, what the health check reads
from a PostgreSQL server, and the read-your-writes cookie. The suite has no standby, so the
health check is pointed at the test database itself, which answers as a replica that is never
behind."""

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

import hooks
from delivery import versions
from delivery.pagecache import Page
from delivery.versions import Version
from operations import replica
from operations.replica import (
    PRIMARY,
    REPLICA,
    STICKY_COOKIE,
    Reads,
    ReplicaHealth,
    ReplicaReadsMiddleware,
    ReplicaRouter,
    lsn_number,
)

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="log positions are PostgreSQL's"
)
factory = RequestFactory()


@given(
    st.integers(0, 2**32 - 1),
    st.integers(0, 2**32 - 1),
    st.integers(0, 2**32 - 1),
    st.integers(0, 2**32 - 1),
)
def test_log_positions_compare_as_postgresql_orders_them(high1, low1, high2, low2):
    first, second = lsn_number(f"{high1:X}/{low1:X}"), lsn_number(f"{high2:X}/{low2:X}")
    assert (first < second) == ((high1, low1) < (high2, low2))
    assert (first == second) == ((high1, low1) == (high2, low2))


def test_no_position_is_none():
    assert lsn_number(None) is None and lsn_number("") is None


def page_with(*positions):
    page = Page(key="k", shareable=True)
    page.held = {f"v{n}": Version("t", 0.0, lsn=lsn) for n, lsn in enumerate(positions)}
    return page


def reads_for(request, page=None):
    if page is not None:
        request.page = page
    return Reads(request)


def test_a_page_needs_the_furthest_position_of_its_versions():
    assert reads_for(factory.get("/"), page_with(10, 300, 20)).needed() == 300


@pytest.mark.parametrize(
    "page", [None, page_with(), page_with(10, None)], ids=["no page", "no versions", "unknown"]
)
def test_a_page_that_cannot_say_what_it_needs_reads_the_primary(page):
    reads = reads_for(factory.get("/"), page)
    assert reads.needed() is None
    assert reads.database() is None


@pytest.mark.parametrize(
    "request_",
    [
        factory.post("/"),
        factory.get("/", HTTP_COOKIE="sessionid=abc"),
        factory.get("/", HTTP_COOKIE="messages=abc"),
        factory.get("/", HTTP_COOKIE=f"{STICKY_COOKIE}=1"),
        factory.get("/", HTTP_AUTHORIZATION="Bearer token"),
    ],
    ids=["a form", "logged in", "a message waiting", "has just written", "software with a token"],
)
def test_only_anonymous_readers_who_have_not_just_written_may_read_the_replica(request_):
    assert not Reads(request_).allowed


def test_an_anonymous_reader_may():
    assert Reads(factory.get("/category/news/")).allowed


@postgres_only
@pytest.mark.django_db
def test_the_health_check_reads_how_far_the_server_has_replayed(settings):
    settings.REPLICA_CHECK_SECONDS = 0
    health = ReplicaHealth(alias=PRIMARY)  # not in recovery: answers its own position, no lag
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        now = lsn_number(cursor.fetchone()[0])
    assert health.usable(now)
    assert health.lag == 0 and health.replayed >= now
    # Until the next check it goes by what it saw (other databases of the server move the log
    # on meanwhile, so asking again could already answer further).
    settings.REPLICA_CHECK_SECONDS = 3600
    assert not health.usable(health.replayed + 1)  # a page needing more than it has


@postgres_only
@pytest.mark.django_db
def test_a_replica_lagging_past_the_bound_is_not_read(settings):
    settings.REPLICA_CHECK_SECONDS = 0
    settings.REPLICA_MAX_LAG = -1  # any lag at all is too much
    assert not ReplicaHealth(alias=PRIMARY).usable(0)


def test_a_failed_replica_is_left_alone_for_the_retry_pause(settings):
    settings.REPLICA_RETRY_SECONDS = 60
    health = ReplicaHealth(alias=PRIMARY, replayed=10**9, lag=0)
    health.failed(ConnectionError("refused"))
    assert not health.usable(0)  # not even asked: no request waits on it
    assert health.outage


@postgres_only
@pytest.mark.django_db
def test_versions_record_where_the_primary_log_stood(with_replica, monkeypatch):
    monkeypatch.setattr(hooks, "_registered", {**hooks._registered})
    monkeypatch.setitem(hooks._registered, "version_position", [replica.primary_position])
    made = versions.current([versions.SITE])[versions.SITE]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()")
        assert 0 < made.lsn <= lsn_number(cursor.fetchone()[0])


def test_every_write_and_migration_goes_to_the_primary():
    router = ReplicaRouter()
    assert router.db_for_write(None) == PRIMARY
    assert router.allow_migrate(PRIMARY, "articles") and not router.allow_migrate(REPLICA, "x")
    assert router.db_for_read(None) == PRIMARY  # outside a request: the worker, commands


def test_the_middleware_is_not_used_without_a_replica():
    from django.core.exceptions import MiddlewareNotUsed

    with pytest.raises(MiddlewareNotUsed):
        ReplicaReadsMiddleware(lambda request: HttpResponse())


@pytest.fixture
def with_replica(monkeypatch):
    """As if DATABASE_REPLICA_URL were set (the suite's databases are made once, without it)."""
    monkeypatch.setattr(replica, "configured", lambda: True)


def middleware(status):
    return ReplicaReadsMiddleware(lambda request: HttpResponse(status=status))


def test_a_write_that_succeeded_sends_the_browser_to_the_primary_for_a_while(
    settings, with_replica
):
    settings.REPLICA_STICKY_SECONDS = 30
    response = middleware(302)(factory.post("/2026/11/30/story/comments/"))
    cookie = response.cookies[STICKY_COOKIE]
    assert cookie["max-age"] == 30 and cookie["httponly"]


@pytest.mark.parametrize(("method", "status"), [("get", 200), ("post", 429), ("post", 400)])
def test_reads_and_refused_writes_set_no_cookie(with_replica, method, status):
    response = middleware(status)(getattr(factory, method)("/"))
    assert STICKY_COOKIE not in response.cookies


def test_inside_a_request_reads_follow_its_rules(with_replica):
    """The router asks the request being served (a contextvar set by the middleware)."""
    seen = {}

    def view(request):
        seen["allowed"] = replica._reads.get().allowed
        seen["database"] = ReplicaRouter().db_for_read(None)  # no versions: the primary
        return HttpResponse()

    ReplicaReadsMiddleware(view)(factory.get("/"))
    assert seen == {"allowed": True, "database": PRIMARY}
    assert replica._reads.get() is None  # nothing left behind for the thread's next request


def test_a_replica_failing_mid_request_costs_the_reader_nothing(with_replica, monkeypatch):
    """The view is run again with every read on the primary, and the replica is left alone."""
    from django.db import OperationalError

    monkeypatch.setattr(replica, "_answers", lambda alias: False)  # the replica went away
    monkeypatch.setattr(replica, "health", ReplicaHealth(alias=PRIMARY, replayed=10, lag=0))
    runs = []

    def view(request):
        reads = replica._reads.get()
        runs.append(reads.allowed)
        if len(runs) == 1:
            reads.used_replica = True
            raise OperationalError("server closed the connection unexpectedly")
        return HttpResponse("the page")

    middleware = ReplicaReadsMiddleware(lambda request: HttpResponse())
    request = factory.get("/")
    token = replica._reads.set(Reads(request))
    try:
        middleware.process_view(request, view, (), {})
        try:
            view(request)
        except OperationalError as error:
            response = middleware.process_exception(request, error)
    finally:
        replica._reads.reset(token)
    assert response.content == b"the page"
    assert runs == [True, False]  # the second run may not read the replica
    assert replica.health.outage and not replica.health.usable(0)


def test_an_error_of_the_primary_is_left_to_the_outage_page(with_replica, monkeypatch):
    from django.db import OperationalError

    monkeypatch.setattr(replica, "_answers", lambda alias: True)  # the replica is fine
    request = factory.get("/")
    reads = Reads(request)
    reads.used_replica = True
    token = replica._reads.set(reads)
    try:
        middleware = ReplicaReadsMiddleware(lambda request: HttpResponse())
        middleware.process_view(request, lambda request: HttpResponse(), (), {})
        answer = middleware.process_exception(request, OperationalError("primary down"))
    finally:
        replica._reads.reset(token)
    assert answer is None  # operations.middleware.DatabaseOutageMiddleware answers 503


# --- Caches filled under a version newer than the page's --------------------------------------
@pytest.fixture
def replica_wiring(monkeypatch):
    """The hooks `operations` installs at start when DATABASE_REPLICA_URL is set, as it installs
    them; put back as they were afterwards."""
    from django.apps import apps

    monkeypatch.setattr(replica, "configured", lambda: True)
    monkeypatch.setattr(hooks, "_registered", {k: list(v) for k, v in hooks._registered.items()})
    apps.get_app_config("operations").ready()


def _archive_key():
    from articles.archive import _archive_key

    return _archive_key()


def _count_key():
    from delivery.pagination import IndexedPaginator

    return IndexedPaginator([], 20, count_key="/")._count_cache_key()


@pytest.mark.parametrize("kept_under", [_count_key, _archive_key], ids=["count", "archive"])
def test_what_is_kept_under_a_newer_version_than_the_page_is_not_read_from_the_replica(
    replica_wiring, monkeypatch, settings, kept_under
):
    """A page began under the site's version v1 (which the replica has replayed); a story was
    published (v2) before the page counted its list (or listed the archive's months). The count
    is kept under v2 for every reader: a replica that has not replayed v2's writes would store
    the old count under it (a new author's page answering 404, the new month missing) until
    the next change."""
    import time

    from django.core.cache import cache

    from articles.models import Article

    settings.REPLICA_CHECK_SECONDS = 3600  # the replica's position below is the one to trust
    monkeypatch.setattr(
        replica,
        "health",
        ReplicaHealth(alias=PRIMARY, replayed=150, lag=0, checked_at=time.monotonic()),
    )
    request = factory.get("/")
    request.page = page_with(100)  # the page's version: replayed
    cache.set(versions.SITE, Version("v2", time.time(), lsn=200), timeout=None)  # not yet
    token = replica._reads.set(Reads(request))
    try:
        router = ReplicaRouter()
        assert router.db_for_read(Article) == REPLICA
        assert "v2" in kept_under()
        assert router.db_for_read(Article) == PRIMARY
    finally:
        replica._reads.reset(token)


# --- A hot standby cancelling a query ----------------------------------------------------------
@postgres_only
@pytest.mark.django_db
def test_a_query_the_replica_cancels_for_recovery_is_run_again_on_the_primary(
    with_replica, monkeypatch
):
    """'canceling statement due to conflict with recovery' (SQLSTATE 40001) while the replica
    answers: the reader gets the page from the primary, not the outage page."""
    from django.db import OperationalError, transaction

    monkeypatch.setattr(replica, "REPLICA", PRIMARY)  # the suite's database answers as replica
    monkeypatch.setattr(replica, "health", ReplicaHealth(alias=PRIMARY))

    request = factory.get("/")
    reads = Reads(request)
    runs = []

    def view(request):
        runs.append(replica._reads.get().allowed)
        if len(runs) == 1:
            replica._reads.get().used_replica = True
            with transaction.atomic(), connection.cursor() as cursor:  # PostgreSQL's own error
                cursor.execute(
                    "DO $$ BEGIN RAISE EXCEPTION 'canceling statement due to conflict with "
                    "recovery' USING ERRCODE = '40001'; END $$"
                )
        return HttpResponse("the page")

    token = replica._reads.set(reads)
    try:
        middleware = ReplicaReadsMiddleware(lambda request: HttpResponse())
        middleware.process_view(request, view, (), {})
        with pytest.raises(OperationalError) as raised:
            view(request)
        answer = middleware.process_exception(request, raised.value)
    finally:
        replica._reads.reset(token)
    assert answer is not None and answer.content == b"the page"
    assert runs == [True, False]
    assert not replica.health.outage  # the replica is not down: it is read again next time
