"""Reader navigation: related stories, reading time, archive links, the search box."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from articles.models import Article
from articles.textstats import reading_minutes
from tests.factories import make_article, make_category, make_hidden_stories

pytestmark = pytest.mark.django_db


def related_titles(response):
    html = response.content.decode()
    block = re.search(r'<aside class="related".*?</aside>', html, re.S)
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', block.group(0)) if block else []


def test_related_stories_are_the_latest_of_the_same_section_without_the_story(client):
    world, sport = make_category(slug="world"), make_category(slug="sport")
    now = timezone.now()
    story = make_article(category=world, title="The story", published_at=now - timedelta(days=3))
    for i in range(6):
        make_article(category=world, title=f"World {i}", published_at=now - timedelta(hours=i + 1))
    make_article(category=sport, title="Sport news", published_at=now)
    make_hidden_stories(world)
    found = related_titles(client.get(story.get_absolute_url()))
    assert found == ["World 0", "World 1", "World 2", "World 3"]


def test_no_related_block_when_the_section_has_nothing_else(client):
    story = make_article(category=make_category())
    html = client.get(story.get_absolute_url()).content.decode()
    assert 'class="related"' not in html


@pytest.mark.parametrize("others", [1, 20])
def test_related_stories_cost_one_query_however_many(client, django_assert_num_queries, others):
    category = make_category()
    for _ in range(others):
        make_article(category=category)
    story = make_article(category=category, published_at=timezone.now())
    # story + related (one query, joined) + section nav + footer archive (cold cache)
    # + the discussion: comment counts, a page of comments, shown trackbacks
    with django_assert_num_queries(7):
        response = client.get(story.get_absolute_url())
    assert len(related_titles(response)) == min(others, 4)


def test_reading_time_is_shown_and_counts_words():
    assert reading_minutes("") == 1
    assert reading_minutes("word " * 230) == 1
    assert reading_minutes("word " * 231) == 2
    assert reading_minutes("word " * 2300) == 10


def test_story_page_shows_reading_time(client):
    story = make_article(body="word " * 1000)
    assert b"5 min read" in client.get(story.get_absolute_url()).content


def test_footer_links_every_month_with_published_stories(client):
    category = make_category()
    for year, month in [(2024, 6), (2024, 5), (2023, 12)]:
        when = timezone.make_aware(timezone.datetime(year, month, 10, 12))
        make_article(category=category, published_at=when)
    make_article(
        category=category,
        status="draft",
        published_at=timezone.make_aware(timezone.datetime(2022, 1, 5)),
    )
    make_article(category=category, published_at=timezone.now() + timedelta(days=40))
    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    links = re.findall(r'href="(/\d{4}/(?:\d\d/)?)"', footer)
    assert links == ["/2024/", "/2024/06/", "/2024/05/", "/2023/", "/2023/12/"]
    for link in links:
        assert client.get(link).status_code == 200


def test_footer_archive_is_cached_so_pages_stay_at_a_fixed_cost(
    client, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0  # the cost of rendering: no stored pages
    category = make_category()
    story = make_article(category=category)
    client.get("/")  # warms the cache
    # page + section nav: the archive query is gone, and so is the count (kept per site version)
    with django_assert_num_queries(2):
        client.get("/")
    # story + related + section nav + the discussion's three (comments count, page, trackbacks)
    with django_assert_num_queries(6):
        client.get(story.get_absolute_url())


def test_archive_months_cut_in_the_site_time_zone(client, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    # 31 May 20:00 UTC is already 1 June in Tokyo.
    make_article(published_at=timezone.make_aware(timezone.datetime(2024, 5, 31, 20), timezone.UTC))
    cache.clear()
    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert 'href="/2024/06/"' in footer and 'href="/2024/05/"' not in footer


def test_a_new_month_reaches_the_footer_when_its_first_story_is_written(client, settings):
    settings.ARCHIVE_CACHE_SECONDS = 60
    now = timezone.now()
    make_article(published_at=now - timedelta(days=70))
    client.get("/")
    make_article(published_at=now)
    month = f'href="/{now:%Y}/{now:%m}/"'
    # The months are kept under the site's version, which every story write changes.
    assert month in client.get("/").content.decode()


def test_a_new_month_reaches_the_footer_within_the_cache_time(client, settings):
    settings.ARCHIVE_CACHE_SECONDS = 60
    settings.PAGE_CACHE_SECONDS = 0  # the months' own lifetime, without stored pages
    now = timezone.now()
    make_article(published_at=now - timedelta(days=70))
    draft = make_article(status="draft")
    client.get("/")
    # Published around save(), so no version changes: only the months' lifetime can show it.
    Article.objects.filter(pk=draft.pk).update(status="published", published_at=now)
    month = f'href="/{now:%Y}/{now:%m}/"'
    assert month not in client.get("/").content.decode()  # still cached
    with time_machine.travel(now + timedelta(seconds=61)):
        assert month in client.get("/").content.decode()


def test_every_page_has_a_search_box(client):
    story = make_article()
    for url in ["/", story.get_absolute_url(), story.category.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert 'role="search"' in html and 'action="/search/"' in html and 'name="q"' in html


def test_footer_archive_is_rendered_once_per_site_version(client, settings):
    settings.PAGE_CACHE_SECONDS = 0  # every page rendered
    story = make_article(published_at=timezone.make_aware(timezone.datetime(2019, 3, 5)))
    rendered = [t.name for t in client.get("/").templates]
    assert "includes/archive_nav.html" in rendered
    again = client.get(story.category.get_absolute_url())
    assert "includes/archive_nav.html" not in [t.name for t in again.templates]
    assert 'href="/2019/03/"' in again.content.decode()  # the stored links
    make_article(published_at=timezone.make_aware(timezone.datetime(2021, 7, 1)))
    fresh = client.get("/")
    assert "includes/archive_nav.html" in [t.name for t in fresh.templates]
    assert 'href="/2021/07/"' in fresh.content.decode()
