"""Review of author pages (issue 16): a story credited to another byline is not the writer's."""

import feedparser
import pytest
from django.urls import reverse

from articles import authors
from tests.factories import make_article, make_journalist

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer():
    return make_journalist("kim", first_name="Kim", last_name="Lee")


def author_urls(page):
    return [
        page.get_absolute_url(),
        reverse("articles:author_feed", args=[page.slug]),
        reverse("articles:author_feed_atom", args=[page.slug]),
    ]


def test_a_story_under_another_byline_is_not_listed_on_the_writers_page(client, writer):
    page = authors.author_profile_ensure(user=writer)
    make_article(author=writer, title="From our correspondent", byline="Our correspondent")
    # The story's byline hides who wrote it: no page, no feed names Kim as its writer.
    for url in author_urls(page):
        assert client.get(url).status_code == 404, url
    make_article(author=writer, title="Kim on the tides")
    make_article(author=writer, title="Kim on the ferries", byline="Kim Lee")
    html = client.get(page.get_absolute_url()).content.decode()
    assert "Kim on the tides" in html and "Kim on the ferries" in html
    assert "correspondent" not in html
    for url in author_urls(page)[1:]:
        titles = [entry.title for entry in feedparser.parse(client.get(url).content).entries]
        assert sorted(titles) == ["Kim on the ferries", "Kim on the tides"]
