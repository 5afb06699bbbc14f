"""Compression for pages without secrets, in the coding the client prefers by q-value;
nothing of one reader's is ever compressed (BREACH)."""

import gzip
import shutil

import brotli
import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from whitenoise.compress import Compressor

from delivery.compression import ENCODERS, accepted_codings, chosen_coding
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip"}
BROWSER = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
DECODE = {"gzip": gzip.decompress, "br": brotli.decompress}


def test_anonymous_pages_and_feeds_are_compressed_also_when_stored(client):
    story = make_article(title="Compressed story", body="Words. " * 200)
    for url in ("/", story.get_absolute_url(), "/feed/", "/sitemap.xml"):
        for asked, coding in ((GZIP, "gzip"), (BROWSER, "br")):
            for _ in range(2):  # rendered, then served from the page cache
                response = client.get(url, **asked)
                assert response["Content-Encoding"] == coding, url
                assert "Accept-Encoding" in response["Vary"]
    for asked, coding in ((GZIP, "gzip"), (BROWSER, "br")):
        html = DECODE[coding](client.get(story.get_absolute_url(), **asked).content)
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


# The coding each Accept-Encoding gets from a page: q=0 refuses, the highest q wins, ties go to
# Brotli, then Zstandard where Python has it, then gzip.
SECOND = "zstd" if "zstd" in ENCODERS else "gzip"
ASKED = [
    ("gzip;q=0", None),
    ("gzip; q=0.000", None),
    ("GZIP;Q=0", None),
    ("br;q=0, gzip;q=0", None),
    ("identity", None),
    ("gzip;q=0, br", "br"),
    ("gzip, br", "br"),
    ("br;q=0.5, gzip", "gzip"),
    ("br;q=0.5, gzip;q=0.8", "gzip"),
    ("*", "br"),
    ("br;q=0, *", SECOND),
    ("*;q=0", None),
    ("*;q=0, gzip", "gzip"),
    ("x-gzip", "gzip"),
    ("gzip;q=0.3, identity;q=0.5", None),
    ("gzip;q=nonsense", None),
    ("deflate", None),
]


@pytest.mark.parametrize(("header", "coding"), ASKED)
def test_a_page_is_compressed_as_the_q_values_ask(client, header, coding):
    story = make_article(title="Weighed story", body="Words. " * 200)
    for _ in range(2):  # rendered, then the stored copy
        response = client.get(story.get_absolute_url(), HTTP_ACCEPT_ENCODING=header)
        assert response.get("Content-Encoding") == coding, header
        decode = DECODE.get(coding) or (lambda content: content)
        if coding == "zstd":
            from compression import zstd

            decode = zstd.decompress
        assert b"Weighed story" in decode(response.content)


def test_zstandard_where_python_has_it(client):
    zstd = pytest.importorskip("compression.zstd")  # Python 3.14 on; skipped on 3.13
    story = make_article(title="Zstandard story", body="Words. " * 200)
    response = client.get(story.get_absolute_url(), HTTP_ACCEPT_ENCODING="zstd, gzip;q=0.9")
    assert response["Content-Encoding"] == "zstd"
    assert b"Zstandard story" in zstd.decompress(response.content)


@given(st.text(max_size=80))
def test_any_accept_encoding_chooses_an_offered_coding_it_accepts_or_none(header):
    offered = tuple(ENCODERS)
    coding = chosen_coding(header, offered)
    if coding is not None:
        weights = accepted_codings(header)
        assert coding in offered
        assert weights.get(coding, weights.get("*", 0)) > 0


@pytest.fixture
def collected(settings, tmp_path):
    """A static file as `collectstatic` leaves it in production: with the .gz and .br copies
    WhiteNoise's compressor makes (the one collectstatic runs; Brotli since it is installed)."""
    settings.STATIC_ROOT = tmp_path / "collected"
    target = settings.STATIC_ROOT / "css" / "site.css"
    target.parent.mkdir(parents=True)
    shutil.copy(settings.BASE_DIR / "static" / "css" / "site.css", target)
    compressor = Compressor(quiet=True)
    assert compressor.use_brotli
    compressor.compress(str(target))
    assert target.with_name("site.css.br").exists() and target.with_name("site.css.gz").exists()
    return "/static/css/site.css"


CASES = [
    ("gzip;q=0", None),
    ("br;q=0, gzip;q=0", None),
    ("gzip", "gzip"),
    ("br", "br"),
    ("gzip, br", "br"),
    ("br;q=0.1, gzip", "gzip"),
    ("br;q=0, gzip", "gzip"),
    ("*", "br"),
    ("", None),
]


def test_static_files_follow_the_q_values_too(collected):
    client = Client()  # a new one: WhiteNoise finds the files when its middleware starts
    for header, coding in CASES:
        response = client.get(collected, HTTP_ACCEPT_ENCODING=header)
        assert response.status_code == 200
        assert response.get("Content-Encoding") == coding, header
        assert response["Vary"] == "Accept-Encoding"
        body = b"".join(response.streaming_content)
        decode = DECODE.get(coding) or (lambda content: content)
        assert b"{" in decode(body), header
