"""Sitemaps, the Google News sitemap and robots.txt."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.sitemaps import StorySitemap
from tests.factories import make_article, make_category, make_hidden_stories

pytestmark = pytest.mark.django_db

SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
NS = {"sm": SM, "news": NEWS}


def xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/xml"
    return ElementTree.fromstring(response.content)


def locations(root):
    return [loc.text for loc in root.iterfind(".//sm:loc", NS)]


def test_sitemap_lists_home_sections_and_stories_with_lastmod(client):
    category = make_category(slug="world")
    story = make_article(category=category)
    root = xml(client, reverse("articles:sitemap"))
    assert root.tag == f"{{{SM}}}urlset"
    urls = {u.find("sm:loc", NS).text: u for u in root.iterfind("sm:url", NS)}
    assert set(urls) == {
        "http://testserver/",
        "http://testserver/corrections/",
        "http://testserver/category/world/",
        "http://testserver" + story.get_absolute_url(),
    }
    lastmod = urls["http://testserver" + story.get_absolute_url()].find("sm:lastmod", NS).text
    assert parse_datetime(lastmod) == max(story.updated_at, story.published_at).replace(
        microsecond=0
    )
    assert urls["http://testserver/"].find("sm:lastmod", NS) is not None


def test_drafts_and_scheduled_stories_never_appear_in_sitemaps(client):
    category = make_category()
    visible = make_article(category=category, published_at=timezone.now() - timedelta(hours=1))
    hidden = make_hidden_stories(category)
    for url in [
        reverse("articles:sitemap"),
        reverse("articles:news_sitemap"),
        reverse("articles:sitemap_section", kwargs={"section": "stories"}),
    ]:
        found = locations(xml(client, url))
        assert "http://testserver" + visible.get_absolute_url() in found, url
        for story in hidden.values():
            assert not any(story.slug in loc for loc in found), (url, story.slug)


def test_sitemap_splits_into_an_index_of_pages_past_the_limit(client, monkeypatch):
    monkeypatch.setattr(StorySitemap, "limit", 5)
    monkeypatch.setattr("articles.crawler_views.SITEMAP_MAX_URLS", 5)
    category = make_category()
    stories = [make_article(category=category) for _ in range(12)]
    root = xml(client, reverse("articles:sitemap"))
    assert root.tag == f"{{{SM}}}sitemapindex"
    pages = locations(root)
    assert pages == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-sections.xml",
        "http://testserver/sitemap-stories.xml",
        "http://testserver/sitemap-stories.xml?p=2",
        "http://testserver/sitemap-stories.xml?p=3",
    ]
    assert all(entry.find("sm:lastmod", NS) is not None for entry in root)
    found = []
    for page in pages:
        page_urls = locations(xml(client, page.removeprefix("http://testserver")))
        assert len(page_urls) <= 5
        found += page_urls
    expected = {"http://testserver" + s.get_absolute_url() for s in stories}
    assert (
        expected <= set(found) and len(found) == len(set(found)) == 12 + 3
    )  # home, corrections, section
    assert client.get("/sitemap-stories.xml?p=4").status_code == 404
    assert client.get("/sitemap-stories.xml?p=abc").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_news_sitemap_follows_the_google_news_schema(client, settings):
    settings.SITE_NAME = "The Daily <Example>"
    settings.SITE_LANGUAGE = "en"
    story = make_article(title="Budget & you", published_at=timezone.now() - timedelta(hours=3))
    root = xml(client, reverse("articles:news_sitemap"))
    assert root.tag == f"{{{SM}}}urlset"
    [url] = root.findall("sm:url", NS)
    assert url.find("sm:loc", NS).text == "http://testserver" + story.get_absolute_url()
    news = url.find("news:news", NS)
    assert news.find("news:publication/news:name", NS).text == "The Daily <Example>"
    assert news.find("news:publication/news:language", NS).text == "en"
    assert news.find("news:title", NS).text == "Budget & you"
    published = parse_datetime(news.find("news:publication_date", NS).text)
    assert published == story.published_at.replace(microsecond=0)
    # Required elements, in the order the schema's sequence wants them.
    assert [child.tag for child in news] == [
        f"{{{NEWS}}}publication",
        f"{{{NEWS}}}publication_date",
        f"{{{NEWS}}}title",
    ]


def test_news_sitemap_holds_only_the_last_two_days(client):
    now = timezone.now()
    fresh = make_article(title="Fresh", published_at=now - timedelta(hours=47))
    old = make_article(title="Three days old", published_at=now - timedelta(days=3))
    found = locations(xml(client, reverse("articles:news_sitemap")))
    assert found == ["http://testserver" + fresh.get_absolute_url()]
    assert old.slug not in " ".join(found)
    with time_machine.travel(now + timedelta(hours=2)):
        assert locations(xml(client, reverse("articles:news_sitemap"))) == []


def test_news_sitemap_holds_at_most_a_thousand(client, monkeypatch):
    monkeypatch.setattr("articles.sitemaps.NEWS_LIMIT", 3)
    for _ in range(5):
        make_article(published_at=timezone.now() - timedelta(hours=1))
    assert len(locations(xml(client, reverse("articles:news_sitemap")))) == 3


def test_sitemaps_use_site_url(client, settings):
    settings.SITE_URL = "https://news.example.com"
    story = make_article(published_at=timezone.now() - timedelta(hours=1))
    assert "https://news.example.com" + story.get_absolute_url() in locations(
        xml(client, reverse("articles:sitemap"))
    )
    assert locations(xml(client, reverse("articles:news_sitemap"))) == [
        "https://news.example.com" + story.get_absolute_url()
    ]


def test_robots_txt_names_both_sitemaps(client, settings):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/news-sitemap.xml" in lines
    assert "Disallow: /admin/" in lines
    settings.SITE_URL = "https://news.example.com"
    robots = client.get("/robots.txt").content
    assert b"Sitemap: https://news.example.com/news-sitemap.xml" in robots


@pytest.mark.parametrize("stories", [1, 30])
def test_sitemap_query_count_is_fixed(client, django_assert_num_queries, stories):
    categories = [make_category(), make_category()]
    for i in range(stories):
        make_article(category=categories[i % 2])
    # count stories, count sections, count author pages (none here: no page of them read),
    # latest story (home lastmod), latest correction (the corrections page's lastmod), sections
    # with their latest story (one subquery), the page of stories
    with django_assert_num_queries(7):
        assert client.get(reverse("articles:sitemap")).status_code == 200


@pytest.mark.parametrize("stories", [6, 30])
def test_sitemap_index_query_count_is_fixed(
    client, django_assert_num_queries, monkeypatch, stories
):
    monkeypatch.setattr(StorySitemap, "limit", 5)
    monkeypatch.setattr("articles.crawler_views.SITEMAP_MAX_URLS", 5)
    category = make_category()
    for _ in range(stories):
        make_article(category=category)
    # counts of sections, author pages and stories (home and corrections are a list), then one
    # aggregate per listed section's lastmod (home and corrections: one each; no author page)
    with django_assert_num_queries(7):
        assert client.get(reverse("articles:sitemap")).status_code == 200
    with django_assert_num_queries(2):  # count + the page
        assert client.get("/sitemap-stories.xml?p=2").status_code == 200


@pytest.mark.parametrize("stories", [1, 30])
def test_news_sitemap_query_count_is_fixed(client, django_assert_num_queries, stories):
    for _ in range(stories):
        make_article(published_at=timezone.now() - timedelta(minutes=5))
    with django_assert_num_queries(2):  # count + the stories
        response = client.get(reverse("articles:news_sitemap"))
    assert len(locations(ElementTree.fromstring(response.content))) == stories


def test_the_sitemap_lists_author_pages_with_a_published_story_and_the_corrections(client):
    from articles import authors
    from tests.factories import make_user

    writer = make_user(first_name="Kim", last_name="Lee")
    credited = make_article(author=writer, published_at=timezone.now() - timedelta(hours=3))
    make_article(author=writer, byline="Our correspondent")  # not theirs alone: not counted
    page = authors.author_profile_ensure(user=writer)
    idle = authors.author_profile_ensure(user=make_user(first_name="No", last_name="Stories"))
    drafting = make_user()
    make_article(author=drafting, status="draft")
    draft_page = authors.author_profile_ensure(user=drafting)
    root = xml(client, reverse("articles:sitemap"))
    urls = {u.find("sm:loc", NS).text: u for u in root.iterfind("sm:url", NS)}
    author_url = "http://testserver" + page.get_absolute_url()
    assert author_url in urls
    assert "http://testserver/corrections/" in urls
    for absent in (idle, draft_page):
        assert "http://testserver" + absent.get_absolute_url() not in urls
    lastmod = urls[author_url].find("sm:lastmod", NS).text
    assert parse_datetime(lastmod) == credited.published_at.replace(microsecond=0)
    section = locations(xml(client, "/sitemap-authors.xml"))
    assert section == [author_url]
    assert client.get(page.get_absolute_url()).status_code == 200
    assert client.get(idle.get_absolute_url()).status_code == 404
