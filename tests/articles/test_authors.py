"""Author pages: /author/<slug>/ with name, bio, photo, published stories, feeds; bylines link."""

import json
import re
from datetime import timedelta

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from articles import authors, services
from articles.models import Article, AuthorProfile
from tests.conftest import log_in_staff
from tests.factories import make_article, make_category, make_editor, make_journalist

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer():
    return make_journalist("kim", first_name="Kim", last_name="Lee")


@pytest.fixture
def page(writer):
    return authors.author_profile_ensure(user=writer)


def json_ld(response):
    block = re.search(rb'<script type="application/ld\+json">(.*?)</script>', response.content)
    return json.loads(block.group(1))


def test_writing_a_story_through_the_service_gives_the_writer_a_page(writer):
    editor = make_editor("erin")
    story = Article(
        title="Ferry", slug="ferry", category=make_category(), body="Text.", author=writer
    )
    services.article_save(article=story, by=editor)
    profile = AuthorProfile.objects.get(user=writer)
    assert profile.slug == "kim-lee"
    # A namesake gets another address; a rename keeps the one other sites link to.
    namesake = make_journalist("kim2", first_name="Kim", last_name="Lee")
    assert authors.author_profile_ensure(user=namesake).slug == "kim-lee-2"
    writer.last_name = "Park"
    writer.save()
    assert authors.author_profile_ensure(user=writer).slug == "kim-lee"


def test_the_author_page_shows_name_bio_and_only_their_published_stories(client, writer, page):
    page.bio = "Covers the harbour & the <ferries>."
    page.save()
    mine = make_article(author=writer, title="Kim's ferry story")
    make_article(author=writer, title="Kim's draft", status=Article.Status.DRAFT)
    make_article(
        author=writer, title="Kim's scheduled", published_at=timezone.now() + timedelta(hours=1)
    )
    make_article(title="Someone else's story")
    response = client.get(page.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Kim Lee</h1>" in html
    assert "Covers the harbour &amp; the &lt;ferries&gt;." in html
    assert mine.get_absolute_url() in html
    assert "Kim&#x27;s draft" not in html and "scheduled" not in html and "else" not in html
    assert f'href="http://testserver/author/{page.slug}/feed/"' in html


def test_the_author_page_is_paginated(client, writer, page, settings):
    settings.ARTICLES_PER_PAGE = 2
    for n in range(5):
        make_article(author=writer, title=f"Kim story {n}")
    assert client.get(page.get_absolute_url()).context["paginator"].num_pages == 3
    last = client.get(page.get_absolute_url() + "?page=3")
    assert [a.title for a in last.context["articles"]] == ["Kim story 4"]  # the oldest
    assert client.get(page.get_absolute_url() + "?page=4").status_code == 404


def test_no_page_nor_feed_without_a_published_story(client, writer, page):
    make_article(author=writer, title="Only a draft", status=Article.Status.DRAFT)
    for url in (
        page.get_absolute_url(),
        reverse("articles:author_feed", args=[page.slug]),
        reverse("articles:author_feed_atom", args=[page.slug]),
        "/author/nobody/",
    ):
        assert client.get(url).status_code == 404, url


def test_rss_and_atom_list_the_authors_stories(client, writer, page):
    make_article(author=writer, title="Kim on the tides")
    make_article(title="Not Kim's")
    for name in ("articles:author_feed", "articles:author_feed_atom"):
        feed = feedparser.parse(client.get(reverse(name, args=[page.slug])).content)
        assert [entry.title for entry in feed.entries] == ["Kim on the tides"]
        assert "Kim Lee" in feed.feed.title


def test_bylines_link_to_the_author_page_and_json_ld_names_it(client, writer, page):
    story = make_article(author=writer, title="Linked byline")
    typed_over = make_article(author=writer, title="Agency copy", byline="Staff and agencies")
    link = f'<a href="/author/{page.slug}/" rel="author">Kim Lee</a>'
    assert link in client.get("/").content.decode()
    response = client.get(story.get_absolute_url())
    assert link in response.content.decode()
    assert json_ld(response)["author"] == {
        "@type": "Person",
        "name": "Kim Lee",
        "url": f"http://testserver/author/{page.slug}/",
    }
    other = client.get(typed_over.get_absolute_url())
    assert 'rel="author"' not in other.content.decode()
    assert "url" not in json_ld(other)["author"]


def test_the_stored_author_page_follows_their_stories_and_bio(client, writer, page):
    editor = make_editor("erin")
    story = make_article(author=writer, title="First headline")
    assert b"First headline" in client.get(page.get_absolute_url()).content  # now stored
    story.title = "Second headline"
    services.article_save(article=story, by=editor)
    assert b"Second headline" in client.get(page.get_absolute_url()).content
    page.bio = "New bio line."
    authors.author_profile_save(profile=page, by=editor)
    assert b"New bio line." in client.get(page.get_absolute_url()).content
    services.article_unpublish(article=story, by=editor)
    assert client.get(page.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("stories", [1, 30])
def test_author_page_query_count_is_fixed(client, writer, page, django_assert_num_queries, stories):
    for _ in range(stories):
        make_article(author=writer)
    # the author page + count + the page of stories (joins) + section nav + archive months
    with django_assert_num_queries(5):
        assert client.get(page.get_absolute_url()).status_code == 200


def test_editors_edit_author_pages_in_the_admin(client, writer, page):
    make_article(author=writer)
    log_in_staff(client, make_editor("erin"))
    url = reverse("admin:articles_authorprofile_change", args=[page.pk])
    response = client.post(url, {"slug": "kim", "bio": "Harbour reporter."})
    assert response.status_code == 302
    page.refresh_from_db()
    assert (page.slug, page.bio) == ("kim", "Harbour reporter.")
    assert client.get("/author/kim/").status_code == 200
