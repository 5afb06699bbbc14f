"""What a stored page or kept fragment is keyed on: nothing a visitor can vary without bound."""

import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import make_article, make_comment, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    return make_article(title="Harbour reopens", slug="harbour-reopens")


def kept(marker: str) -> list[str]:
    """The live entries whose key holds `marker` (`{% cache 0 %}` leaves expired ones behind)."""
    now = time.time()
    return [
        key
        for key, expires in cache._expire_info.items()
        if marker in key and (expires is None or expires > now)
    ]


def stored_pages():
    return kept(":v1:page:")


def thread_fragments():
    return kept("story-comments")


@pytest.mark.parametrize(
    "variant",
    [
        "?comments={n}",  # past the last page: the last page, rendered
        "?comments=x{n}",  # not a number: the first page, rendered
        "?reply=x{n}",  # not an id: no parent
        "?reply={n}",  # an id, but of no comment shown here
        "?comments=1&comments={n}",  # repeated parameters
        "?comments=0{n}",  # leading zeros
    ],
)
def test_query_strings_cannot_grow_the_page_cache_without_bound(client, story, variant):
    for n in range(50):
        assert client.get(story.get_absolute_url() + variant.format(n=n)).status_code == 200
    assert len(stored_pages()) <= 3
    assert len(thread_fragments()) <= 3


def test_list_page_variants_cannot_grow_the_page_cache_without_bound(client, story):
    for n in range(50):
        # ?page=1 spelled 50 ways: leading zeros, or a junk value overridden by the last one
        assert client.get(f"/?page={'0' * n}1").status_code == 200
        assert client.get(f"/?page=x{n}&page=1").status_code in (200, 404)
    assert len(stored_pages()) <= 3


def test_cookie_values_cannot_grow_the_fragment_cache_without_bound(client, story):
    for n in range(50):
        client.cookies["csrftoken"] = f"{n:032d}"
        # not stored (unknown parameter), so rendered each time; the fragment is kept
        assert client.get(story.get_absolute_url() + "?utm_source=x").status_code == 200
    assert len(thread_fragments()) <= 3


def test_host_ports_cannot_grow_the_page_cache_without_bound(client, story, settings):
    settings.ALLOWED_HOSTS = ["testserver"]  # Django ignores the port when it checks the host
    for n in range(50):
        assert client.get("/", HTTP_HOST=f"testserver:{1000 + n}").status_code == 200
    assert len(stored_pages()) <= 3


def test_canonical_thread_pages_and_replies_are_stored(client, settings, story):
    settings.COMMENTS_PER_PAGE = 2
    comments = [make_comment(story, body=f"Comment {n}") for n in range(3)]
    for query in ("?comments=2", f"?reply={comments[0].pk}"):
        first = client.get(story.get_absolute_url() + query)
        with CaptureQueriesContext(connection) as queries:
            second = client.get(story.get_absolute_url() + query)
        assert len(queries) == 0 and second.content == first.content, query
    assert b"Comment 2" in first.content or b"Replying to a comment" in first.content


def test_a_disallowed_host_is_never_answered_from_the_store(client, story, settings):
    client.get("/")
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400


# Guards: each fails if its guard is dropped ------------------------------------------------------


def test_a_logged_in_reader_never_gets_another_readers_comment_thread():
    story = make_article()
    alice, bob = make_user("alice"), make_user("bob")
    make_comment(story, user=alice, name="alice", body="Alice's own words.")
    first, second = Client(), Client()
    first.force_login(alice)
    second.force_login(bob)
    first.get(story.get_absolute_url())  # hands out the CSRF cookie
    assert b"/delete/" in first.get(story.get_absolute_url()).content  # her delete form
    page = second.get(story.get_absolute_url()).content
    assert b"Commenting as <strong>alice" not in page
    assert b"/delete/" not in page  # not her delete form, nor her CSRF token


def test_a_public_page_that_sets_a_cookie_is_never_stored():
    story = make_article()
    odd = Client()
    odd.cookies["csrftoken"] = "not-a-token"  # Django answers with a new CSRF cookie
    assert odd.get(story.get_absolute_url()).cookies.get("csrftoken")
    with CaptureQueriesContext(connection) as queries:
        Client().get(story.get_absolute_url())
    assert len(queries) > 0, "the page that set a cookie was stored and served"
