"""GZip for pages without secrets; nothing of one reader's is ever compressed (BREACH)."""

import gzip

import pytest
from django.test import Client

from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def test_anonymous_pages_and_feeds_are_compressed_also_when_stored(client):
    story = make_article(title="Compressed story", body="Words. " * 200)
    for url in ("/", story.get_absolute_url(), "/feed/", "/sitemap.xml"):
        for _ in range(2):  # rendered, then served from the page cache
            response = client.get(url, **GZIP)
            assert response["Content-Encoding"] == "gzip", url
            assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(client.get(story.get_absolute_url(), **GZIP).content)
    assert b"Compressed story" in html
    # A client that does not ask gets the page as it is.
    plain = client.get(story.get_absolute_url())
    assert not plain.has_header("Content-Encoding") and b"Compressed story" in plain.content


def test_pages_with_a_csrf_token_or_a_session_are_not_compressed(client):
    story = make_article(body="Words. " * 200)
    login_page = client.get("/accounts/login/", **GZIP)
    assert b"csrfmiddlewaretoken" in login_page.content
    assert not login_page.has_header("Content-Encoding")

    reader = Client()
    reader.force_login(make_user("reader"))
    for url in ("/", story.get_absolute_url()):
        response = reader.get(url, **GZIP)
        assert response.status_code == 200
        assert not response.has_header("Content-Encoding"), url


def test_images_are_not_compressed_again(client):
    response = client.get("/favicon.ico", **GZIP)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


def test_every_page_names_a_favicon_that_exists(client):
    make_article()
    assert b'<link rel="icon" href="/favicon.ico"' in client.get("/").content
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_a_compressed_pages_weak_etag_still_answers_304(client):
    story = make_article(body="Words. " * 200)
    first = client.get(story.get_absolute_url(), **GZIP)
    assert first["ETag"].startswith('W/"')
    again = client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"], **GZIP)
    assert again.status_code == 304
