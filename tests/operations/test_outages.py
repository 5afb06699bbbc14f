"""Fault injection: PostgreSQL and Redis taken away for real, through a forwarder we can cut."""

import logging
import os
import socket
import time
import urllib.error
import urllib.request
from functools import partial
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.urls import reverse

from comments.models import Comment
from tests.factories import comment_form_data, make_article
from tests.operations.tcp_forwarder import TcpForwarder

REDIS_PORT = 6379
# Redis's database for these tests (TEST_REDIS_DB, if set); each run keeps its keys under its own
# prefix and clears only those (tests/conftest.py).
REDIS_DB = int(os.environ.get("TEST_REDIS_DB", "14"))


def timed(call, *args, **kwargs):
    started = time.monotonic()
    response = call(*args, **kwargs)
    return response, time.monotonic() - started


# PostgreSQL ------------------------------------------------------------------------------------


@pytest.fixture
def database_forwarder(transactional_db):
    """Route the default database's pool through a forwarder to the real PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip("the pool and its timeouts are PostgreSQL's; SQLite is a local file")
    saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
    with TcpForwarder(int(saved["PORT"] or 5432), saved["HOST"] or "127.0.0.1") as forwarder:
        connection.close()
        connection.close_pool()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(forwarder.port))
        try:
            yield forwarder
        finally:
            forwarder.restore()
            connection.close()
            connection.close_pool()
            connection.settings_dict.update(saved)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def fetch(url, data=None, cookies=""):
    """One real HTTP request: (status, headers, body), 4xx and 5xx included."""
    body = urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Cookie": cookies})  # noqa: S310
    try:
        with _opener.open(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.mark.parametrize("mode", ["refused", "silent"])
def test_database_outage_answers_503_quickly_and_recovers_without_a_500(
    live_server, database_forwarder, mode, caplog, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # every page rendered: a stored one needs no database
    article = make_article(title="Harbour reopens", slug="harbour-reopens")
    story = live_server.url + article.get_absolute_url()
    post_url = live_server.url + reverse("comments:post", kwargs=article.url_kwargs())
    status, headers, _ = fetch(story)  # a pooled connection now exists
    assert status == 200 and "Set-Cookie" not in headers  # a page shared by every reader
    # Sent without Fetch Metadata headers (as urllib does), the comment form wants the token
    # pair, which the login page hands out.
    _, headers, _ = fetch(live_server.url + "/accounts/login/")
    csrf = SimpleCookie(headers["Set-Cookie"])["csrftoken"].value
    comment = partial(comment_form_data, article, csrfmiddlewaretoken=csrf)
    cookies = f"csrftoken={csrf}"

    database_forwarder.cut(mode)
    (status, headers, page), seconds = timed(fetch, story)
    assert status == 503, page[:300]
    assert seconds < 5, f"the 503 took {seconds:.1f} s"
    assert headers["Retry-After"] == "30"
    assert b"Back in a moment" in page and b"Harbour" not in page
    (status, _, page), seconds = timed(fetch, post_url, comment(body="Lost?"), cookies)
    assert status == 503 and seconds < 5
    assert b"has not been saved" in page  # the reader is told to send it again
    assert "Database unavailable, answered 503" in caplog.text
    assert "Traceback" not in caplog.text

    database_forwarder.restore()
    seen, deadline = [], time.monotonic() + 20
    while time.monotonic() < deadline and seen[-3:] != [200, 200, 200]:
        seen.append(fetch(story)[0])
    assert seen[-3:] == [200, 200, 200], seen
    assert set(seen) <= {200, 503}, seen  # never a 500 from a connection the outage broke
    assert fetch(post_url, comment(body="Sent again."), cookies)[0] == 302
    connection.close()  # this thread's own connection was cut too; hand it back to the pool
    assert list(Comment.objects.values_list("body", flat=True)) == ["Sent again."]


# Redis -----------------------------------------------------------------------------------------


def redis_cache(port, **options):
    return {
        "default": {
            "BACKEND": "delivery.cache.DegradingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/{REDIS_DB}",
            "OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 1.0, **options},
        }
    }


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cache_warnings(caplog):
    return [r for r in caplog.records if r.name == "delivery.cache" and r.levelname == "WARNING"]


@pytest.fixture
def story(db):
    return make_article(title="Harbour reopens", slug="harbour-reopens")


def read_every_public_page(client, article):
    pages = [
        "/",
        article.get_absolute_url(),
        article.category.get_absolute_url(),
        reverse("search:search") + "?q=harbour",
        reverse("account_login"),
        "/feed/",
        reverse("comments:feed", kwargs=article.url_kwargs()),
    ]
    return {page: client.get(page).status_code for page in pages}


def test_cache_nobody_listens_pages_served_comments_stored_one_warning(
    client, story, settings, caplog
):
    settings.CACHES = redis_cache(unused_port())
    settings.COMMENTS_RATE_LIMIT = 1
    caplog.set_level(logging.INFO)

    for _ in range(3):
        assert set(read_every_public_page(client, story).values()) == {200}
    post_url = reverse("comments:post", kwargs=story.url_kwargs())
    for n in range(3):  # over the limit of 1: the limit cannot be counted, so it lets them in
        response = client.post(post_url, comment_form_data(story, body=f"Comment {n}."))
        assert response.status_code == 302
    assert Comment.objects.count() == 3

    assert len(cache_warnings(caplog)) == 1, [r.getMessage() for r in cache_warnings(caplog)]
    assert "is unreachable" in cache_warnings(caplog)[0].getMessage()
    assert "Traceback" not in caplog.text
    not_enforced = [r for r in caplog.records if "not enforced" in r.getMessage()]
    assert len(not_enforced) == 3


def wait_for(condition, *, seconds):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.25)
    return condition()


@pytest.mark.parametrize("mode", ["refused", "silent"])
def test_real_redis_goes_away_and_comes_back(client, story, settings, caplog, mode):
    from django.core.cache import cache

    caplog.set_level(logging.INFO)
    post_url = reverse("comments:post", kwargs=story.url_kwargs())
    with TcpForwarder(REDIS_PORT) as redis:
        settings.CACHES = redis_cache(redis.port)
        settings.COMMENTS_RATE_LIMIT = 1
        settings.COMMENTS_RATE_WINDOW = 10**6  # one window for the whole test
        cache.clear()
        cache.set("probe", "here")
        assert client.post(post_url, comment_form_data(story, body="One.")).status_code == 302
        # With Redis up, the limit holds.
        assert client.post(post_url, comment_form_data(story, body="Two.")).status_code == 429

        redis.cut(mode)
        response, seconds = timed(client.get, story.get_absolute_url())
        assert response.status_code == 200 and seconds < 10, seconds
        assert set(read_every_public_page(client, story).values()) == {200}
        response = client.post(post_url, comment_form_data(story, body="While it was away."))
        assert response.status_code == 302
        assert Comment.objects.filter(body="While it was away.").exists()

        redis.restore()
        # After the retry pause the cache is used again: what was in it is there.
        assert wait_for(lambda: cache.get("probe") == "here", seconds=15)
        assert client.post(post_url, comment_form_data(story, body="Three.")).status_code == 429
        cache.clear()
    messages = [r.getMessage() for r in cache_warnings(caplog)]
    assert sum("is unreachable" in m for m in messages) == 1, messages
    assert sum("reachable again" in m for m in messages) == 1, messages
    assert "Traceback" not in caplog.text


def test_one_redis_client_serves_every_call_and_every_thread(settings):
    from concurrent.futures import ThreadPoolExecutor

    from django.core.cache import cache

    settings.CACHES = redis_cache(6379)
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client  # Django makes one per call

    def round_trip(n):
        cache.set(f"thread-{n}", n)
        return cache.get(f"thread-{n}")

    with ThreadPoolExecutor(8) as pool:  # a client over a pool is shared safely by threads
        assert list(pool.map(round_trip, range(64))) == list(range(64))
    assert cache._cache.get_client() is client


def request_log_lines(caplog) -> list[str]:
    """What the app logged for requests (the pool's own reconnection attempts aside)."""
    return [
        f"{r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.levelno >= logging.WARNING and not r.name.startswith("psycopg")
    ]


def test_a_database_that_stops_answering_holds_no_request(
    live_server, database_forwarder, settings, caplog, admin_user, client
):
    """The drill: a proxy holds every connection open and forwards nothing."""
    from tests.conftest import log_in_staff

    settings.PAGE_CACHE_SECONDS = 0  # every page rendered: a stored one needs no database
    pool_timeout = connection.settings_dict["OPTIONS"]["pool"]["timeout"]
    article = make_article(title="Harbour reopens", slug="harbour-reopens")
    story = live_server.url + article.get_absolute_url()
    post_url = live_server.url + reverse("comments:post", kwargs=article.url_kwargs())
    staff = f"sessionid={log_in_staff(client, admin_user).cookies['sessionid'].value}"
    _, headers, _ = fetch(live_server.url + "/accounts/login/")
    csrf = SimpleCookie(headers["Set-Cookie"])["csrftoken"].value
    comment = partial(comment_form_data, article, csrfmiddlewaretoken=csrf)
    cookies = f"csrftoken={csrf}"
    assert fetch(post_url, comment(body="Before."), cookies)[0] == 302
    assert fetch(live_server.url + "/admin/", cookies=staff)[0] == 200
    connection.close()  # the pool holds connections made before the cut

    database_forwarder.cut("hold")
    caplog.clear()
    for cookie in ("", staff):  # no middleware in front of it reads the session or the user
        (status, _, _), seconds = timed(fetch, live_server.url + "/healthz", cookies=cookie)
        assert status == 200 and seconds < pool_timeout
    (status, headers, page), seconds = timed(fetch, story)
    assert status == 503 and seconds < pool_timeout + 1, seconds
    assert headers["Retry-After"] == "30" and b"Back in a moment" in page
    (status, _, page), seconds = timed(fetch, post_url, comment(body="Lost?"), cookies)
    assert status == 503 and seconds < pool_timeout + 1, seconds
    # The admin's second factor reads request.user in a middleware: a 503 there too.
    (status, headers, _), seconds = timed(fetch, live_server.url + "/admin/", cookies=staff)
    assert status == 503 and headers["Retry-After"] == "30"
    lines = request_log_lines(caplog)
    assert len(lines) == 3, lines  # one line per request answered 503
    assert all("Database unavailable, answered 503" in line for line in lines), lines
    assert "Traceback" not in caplog.text

    database_forwarder.restore()
    seen, deadline = [], time.monotonic() + 20
    while time.monotonic() < deadline and seen[-3:] != [200, 200, 200]:
        seen.append(fetch(story)[0])
    assert seen[-3:] == [200, 200, 200] and set(seen) <= {200, 503}, seen
    assert fetch(post_url, comment(body="Sent again."), cookies)[0] == 302
    connection.close()
    # What the reader was told failed is not stored; what was answered 2xx is.
    assert sorted(Comment.objects.values_list("body", flat=True)) == ["Before.", "Sent again."]


@pytest.mark.django_db
def test_a_statement_cut_short_is_logged_with_its_traceback_not_as_an_outage(caplog):
    from django.db import OperationalError, transaction

    from operations.middleware import outage_page

    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's")
    with pytest.raises(OperationalError) as cut, transaction.atomic(), connection.cursor() as c:
        c.execute("SET LOCAL statement_timeout = 1")
        c.execute("SELECT pg_sleep(0.2)")
    caplog.clear()
    response = outage_page(cut.value)
    assert response.status_code == 503
    assert "Database statement failed" in caplog.text and "Traceback" in caplog.text
    assert "Database unavailable" not in caplog.text
