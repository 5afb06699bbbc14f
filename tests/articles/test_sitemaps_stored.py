"""Sitemap pages are stored public pages: built once per site version, then served as stored
(no query, the same at 100,000 stories as at 100), with validators and 304; a publication
forgets them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.sitemaps import StorySitemap
from tests.articles.test_sitemaps import locations, xml
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

URLS = ["/sitemap.xml", "/sitemap-stories.xml", "/sitemap-stories.xml?p=2", "/news-sitemap.xml"]


@pytest.fixture
def paged(monkeypatch):
    monkeypatch.setattr(StorySitemap, "limit", 3)
    monkeypatch.setattr("articles.crawler_views.SITEMAP_MAX_URLS", 3)
    category = make_category()
    return [
        make_article(category=category, published_at=timezone.now() - timedelta(hours=n))
        for n in range(5)
    ]


@pytest.mark.parametrize("url", URLS)
def test_a_sitemap_page_is_built_once_then_served_without_queries(
    client, paged, django_assert_num_queries, url
):
    first = client.get(url)
    assert first.status_code == 200 and first["X-Robots-Tag"] == "noindex, noodp, noarchive"
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content == first.content
    assert again["X-Robots-Tag"] == first["X-Robots-Tag"]  # kept with the stored copy
    assert again["Last-Modified"] and again["ETag"] == first["ETag"]
    assert "public" in again["Cache-Control"]
    with django_assert_num_queries(0):
        revalidated = client.get(url, headers={"if-none-match": first["ETag"]})
    assert revalidated.status_code == 304
    with django_assert_num_queries(0):
        since = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert since.status_code == 304


def test_a_publication_forgets_the_stored_sitemaps(client, paged):
    before = locations(xml(client, "/sitemap-stories.xml"))
    news_before = locations(xml(client, reverse("articles:news_sitemap")))
    fresh = make_article(
        category=paged[0].category,
        title="Just published",
        published_at=timezone.now() - timedelta(seconds=5),
    )
    url = "http://testserver" + fresh.get_absolute_url()
    after = locations(xml(client, "/sitemap-stories.xml"))
    assert url not in before and url in after
    assert url in locations(xml(client, reverse("articles:news_sitemap")))
    assert url not in news_before


def test_story_urls_are_the_ones_get_absolute_url_makes(client, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    # 31 May 20:00 UTC is 1 June in Tokyo: the URL carries the local date.
    story = make_article(
        published_at=timezone.make_aware(timezone.datetime(2024, 5, 31, 20), timezone.UTC)
    )
    found = locations(xml(client, "/sitemap-stories.xml"))
    assert found == ["http://testserver" + story.get_absolute_url()]
    assert "/2024/06/01/" in found[0]


def test_story_locations_are_escaped(client):
    story = make_article(slug="a-b")
    html = client.get("/sitemap-stories.xml").content.decode()
    assert f"<loc>http://testserver{story.get_absolute_url()}</loc>" in html


def test_the_worker_builds_every_sitemap_page_after_a_write(
    client, paged, settings, django_capture_on_commit_callbacks, django_assert_num_queries
):
    settings.SITEMAP_PREBUILD = True
    with django_capture_on_commit_callbacks(execute=True):
        fresh = make_article(
            category=paged[0].category,
            title="Just published",
            published_at=timezone.now() - timedelta(seconds=5),
        )
    url = "http://testserver" + fresh.get_absolute_url()
    # Every page was built by the task: the crawler's requests cost no query, and show it.
    with django_assert_num_queries(0):
        pages = [client.get(u) for u in URLS]
    assert all(page.status_code == 200 for page in pages)
    assert url.encode() in pages[1].content + pages[2].content
    assert url.encode() in pages[3].content  # the news sitemap
