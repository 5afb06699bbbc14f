"""HTTP as RFC 9110 has it, on every kind of public page: HEAD wherever GET works, a 304 that
says what its 200 says (validator strength, Vary), and the site-wide policy headers."""

import pytest
from django.urls import reverse

from articles import authors
from articles.corrections import correction_add
from comments.models import Comment
from tests.factories import (
    make_article,
    make_category,
    make_comment,
    make_editor,
    make_trackback,
    make_user,
)

pytestmark = pytest.mark.django_db

CODINGS = {"gzip": "gzip", "br": "br", "none": None}


@pytest.fixture
def site():
    """A story with everything a page can show: a section, an author page, a correction, a
    comment and an approved trackback."""
    writer = make_user("writer", first_name="Kim", last_name="Lee")
    story = make_article(
        title="Harbour reopens",
        slug="harbour-reopens",
        category=make_category("World", slug="world"),
        author=writer,
        body="The harbour reopened. " * 40,
    )
    profile = authors.author_profile_ensure(user=writer)
    correction_add(article=story, by=make_editor(), wrong="on Monday", right="on Tuesday")
    make_comment(story, name="Ana", body="Good news. " * 20)
    make_trackback(story, "https://blog.example/post", status=Comment.Status.APPROVED)
    story.refresh_from_db()
    return story, profile


def public_urls(story, profile) -> dict[str, str]:
    """One address of each kind of public page and every feed."""
    day = story.url_kwargs()
    section = {"slug": story.category.slug}
    author = {"slug": profile.slug}
    return {
        "home": "/",
        "section": story.category.get_absolute_url(),
        "story": story.get_absolute_url(),
        "author": profile.get_absolute_url(),
        "year": reverse("articles:archive_year", kwargs={"year": day["year"]}),
        "month": reverse(
            "articles:archive_month", kwargs={"year": day["year"], "month": day["month"]}
        ),
        "corrections": reverse("articles:corrections"),
        "search": "/search/?q=harbour",
        "sitemap": "/sitemap.xml",
        "sitemap section": "/sitemap-stories.xml",
        "news sitemap": "/news-sitemap.xml",
        "robots": "/robots.txt",
        "api list": "/api/v1/stories/",
        "api detail": f"/api/v1/stories/{story.pk}/",
        "api sections": "/api/v1/sections/",
        "feed": reverse("articles:feed"),
        "feed atom": reverse("articles:feed_atom"),
        "section feed": reverse("articles:category_feed", kwargs=section),
        "section feed atom": reverse("articles:category_feed_atom", kwargs=section),
        "author feed": reverse("articles:author_feed", kwargs=author),
        "author feed atom": reverse("articles:author_feed_atom", kwargs=author),
        "corrections feed": reverse("articles:corrections_feed"),
        "corrections feed atom": reverse("articles:corrections_feed_atom"),
        "comments feed": reverse("comments:feed", kwargs=day),
    }


@pytest.mark.parametrize("coding", CODINGS)
def test_every_public_page_answers_304_saying_what_its_200_says(client, site, coding):
    """Never stored (HEAD first: its 304 comes before any rendering), then rendered and stored
    (GET: its 304 comes from the stored copy)."""
    encoding = {"HTTP_ACCEPT_ENCODING": coding} if CODINGS[coding] else {}
    for kind, url in public_urls(*site).items():
        for method in (client.head, client.get):
            full = method(url, **encoding)
            assert full.status_code == 200, (kind, full.status_code)
            if CODINGS[coding] is None:
                assert not full.has_header("Content-Encoding"), kind
            etag = full["ETag"]
            assert etag.startswith('W/"'), (kind, etag)  # weak: the coded bytes differ
            assert "Accept-Encoding" in full["Vary"], kind
            asks = [{"HTTP_IF_NONE_MATCH": etag}]
            if full.has_header("Last-Modified"):
                asks.append({"HTTP_IF_MODIFIED_SINCE": full["Last-Modified"]})
            for ask in asks:
                again = method(url, **encoding, **ask)
                assert again.status_code == 304, (kind, method, ask)
                for header in ("ETag", "Vary", "Cache-Control", "Last-Modified"):
                    assert again.get(header) == full.get(header), (kind, header, again.get(header))


def test_a_304_matches_a_200_of_another_coding(client, site):
    """The repro of issue 25: an ETag taken with gzip, sent back without it (and with br)."""
    for kind, url in public_urls(*site).items():
        taken = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        for coding in ("br", "identity", None):
            encoding = {"HTTP_ACCEPT_ENCODING": coding} if coding else {}
            again = client.get(url, HTTP_IF_NONE_MATCH=taken["ETag"], **encoding)
            assert again.status_code == 304, (kind, coding)
            assert (again["ETag"], again["Vary"]) == (taken["ETag"], taken["Vary"]), kind


@pytest.mark.parametrize(
    "url",
    [
        "/robots.txt",
        "/sitemap.xml",
        "/sitemap.xml?x=1",  # a spelling never stored: the view itself answers
        "/sitemap-stories.xml?x=1",
        "/news-sitemap.xml?x=1",
        "stamp",
    ],
)
def test_head_answers_wherever_get_does(client, site, url):
    story, _ = site
    if url == "stamp":
        url = reverse("comments:stamp", kwargs=story.url_kwargs())
    got = client.get(url)
    head = client.head(url)
    assert got.status_code == 200
    assert head.status_code == 200, head.status_code
    assert head.content == b""
    assert head["Content-Type"] == got["Content-Type"]


def test_no_public_view_allows_get_alone():
    """`require_GET` refuses HEAD (405); `require_safe` is the decorator for read-only views."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    apps = ("articles", "comments", "linkbacks", "search", "api", "accounts", "delivery")
    sources = [path for app in apps for path in (root / app).rglob("*.py")]
    offenders = [str(path) for path in sources if "require_GET" in path.read_text()]
    assert offenders == []


def test_robots_txt_is_validated_and_kept_like_the_sitemaps_it_names(client):
    response = client.get("/robots.txt")
    assert response["Cache-Control"].startswith("public, max-age=")
    assert response.has_header("ETag") and response.has_header("Last-Modified")
    assert client.get("/robots.txt", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


EMBEDDED = "cross-origin"


@pytest.mark.parametrize(
    ("kind", "policy"),
    [
        ("page", "same-origin"),
        ("feed", "same-origin"),
        ("error page", "same-origin"),
        ("static file", EMBEDDED),
        ("api", EMBEDDED),
    ],
)
def test_permissions_and_resource_policies_on_every_kind_of_answer(client, site, kind, policy):
    story, _ = site
    url = {
        "page": story.get_absolute_url(),
        "feed": "/feed/",
        "error page": "/no-such-page/",
        "static file": "/favicon.ico",
        "api": "/api/v1/stories/",
    }[kind]
    for _ in range(2):  # rendered, then (pages) the stored copy
        response = client.get(url)
        assert response.status_code in (200, 404), kind
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]
        assert response["Cross-Origin-Resource-Policy"] == policy, kind


def test_a_server_error_page_carries_the_policies_too(client, site, monkeypatch):
    from articles import views

    def broken(*args, **kwargs):
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(views.HomeView, "get", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "microphone=()" in response["Permissions-Policy"]
