"""A search page as a public page (stored per canonical query under the site's version), its
results written by one template tag, and the search statements written once per process.

Runs on both databases (the statements written once are PostgreSQL's; on SQLite the same
behaviour comes from the ORM each time).
"""

import re
import time
from datetime import timedelta
from html import unescape

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles import authors
from delivery import versions
from tests.factories import make_article, make_category, make_user

pytestmark = pytest.mark.django_db


def search(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200, query
    return response


def titles(response):
    html = response.content.decode()
    return [unescape(t) for t in re.findall(r'<h2><a href="[^"]+">([^<]*)</a></h2>', html)]


def stored_pages() -> list[str]:
    now = time.time()
    return [
        key
        for key, expires in cache._expire_info.items()
        if ":v1:page:" in key and (expires is None or expires > now)
    ]


def test_a_search_page_is_stored_until_a_story_is_written(client, django_assert_num_queries):
    make_article(title="Lighthouse keeper retires", body="The lighthouse goes dark.")
    assert titles(search(client, "lighthouse")) == ["Lighthouse keeper retires"]
    with django_assert_num_queries(0):  # the next anonymous reader: the stored page
        response = search(client, "lighthouse")
    assert titles(response) == ["Lighthouse keeper retires"]
    assert response.headers["Cache-Control"].startswith("public")
    make_article(title="A second lighthouse", body="Another lighthouse.")  # the site changes
    assert sorted(titles(search(client, "lighthouse"))) == [
        "A second lighthouse",
        "Lighthouse keeper retires",
    ]


def test_search_pages_stay_at_most_search_cache_seconds(client, settings):
    make_article(title="Lighthouse keeper retires", body="The lighthouse goes dark.")
    settings.SEARCH_CACHE_SECONDS = 0
    search(client, "lighthouse")
    assert stored_pages() == []
    settings.SEARCH_CACHE_SECONDS = 300
    search(client, "lighthouse")
    [key] = stored_pages()
    assert cache._expire_info[key] - time.time() <= 300


@pytest.mark.parametrize(
    "query_string",
    [
        "?q=+lighthouse",  # a space in front
        "?q=lighthouse++keeper",  # two spaces
        "?q=lighthouse%09",  # a control character (one that is whitespace: others answer 400)
        "?q=lighthouse&q=keeper",  # repeated
        "?q=lighthouse&utm_source=x",  # a parameter the page does not take
        "?q=lighthouse&page=01",  # a number in another spelling
        "?q=",  # nothing asked
        "?q=" + "a" * 201,  # longer than a query can be
    ],
)
def test_other_spellings_are_rendered_never_stored(client, query_string):
    make_article(title="Lighthouse keeper retires", body="The lighthouse goes dark.")
    for _ in range(2):
        assert client.get("/search/" + query_string).status_code in (200, 404)
    assert stored_pages() == []


def test_a_query_that_reads_like_parameters_is_a_page_of_its_own(client, settings):
    settings.ARTICLES_PER_PAGE = 1
    category = make_category()
    for n in range(2):
        make_article(
            category=category,
            title=f"Ferry {n}",
            body="ferry",
            published_at=timezone.now() - timedelta(hours=n),
        )
    second_page = titles(search(client, "ferry", page=2))
    assert second_page == ["Ferry 1"]
    # "ferry&page=2" as one query is no second page of "ferry": its own key, its own answer.
    tricky = client.get("/search/", {"q": "ferry&page=2"})
    assert tricky.status_code == 200
    assert titles(tricky) == []  # the words "ferry", "page" and "2": no story has them all
    assert titles(search(client, "ferry", page=2)) == ["Ferry 1"]
    assert len(stored_pages()) == 2


def test_logged_in_readers_get_their_own_search_page(client):
    make_article(title="Lighthouse keeper retires", body="The lighthouse goes dark.")
    client.force_login(make_user())  # a reader, not staff: no second factor involved
    response = search(client, "lighthouse")
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert stored_pages() == []


def test_another_search_reads_the_section_links_from_the_cache(client, django_assert_num_queries):
    make_article(title="Lighthouse keeper retires", body="The lighthouse goes dark.")
    search(client, "keeper")  # the section links are kept under the site's version
    with django_assert_num_queries(2):  # the count and the page: no section query
        assert titles(search(client, "lighthouse")) == ["Lighthouse keeper retires"]


def test_stories_published_after_the_first_search_are_found(client):
    """The statement is written once; its moment ("now") is bound again for every search."""
    make_article(title="Old tide tables", body="tide", published_at=timezone.now() - timedelta(1))
    assert titles(search(client, "tide")) == ["Old tide tables"]
    make_article(title="Fresh tide tables", body="tide", published_at=timezone.now())
    assert titles(search(client, "tide")) == ["Fresh tide tables", "Old tide tables"]
    # And another query through the same statement finds its own stories.
    assert titles(search(client, "tables -fresh")) == ["Old tide tables"]


def test_a_result_shows_section_date_byline_and_the_writers_page():
    from django.test import Client

    writer = make_user("kim", first_name="Kim", last_name="Lee")
    profile = authors.author_profile_ensure(user=writer)
    category = make_category(name="Coast", slug="coast")
    story = make_article(
        category=category,
        title="Storm <warning>",
        body="The storm came.",
        author=writer,
        byline="",
        standfirst="Winds & rain.",
    )
    other = make_article(category=category, title="Storm drill", body="storm", byline="Desk")
    versions.change(versions.SITE)
    html = search(Client(), "storm").content.decode()
    assert f'<a href="{category.get_absolute_url()}">Coast</a>' in html
    assert f'<h2><a href="{story.get_absolute_url()}">Storm &lt;warning&gt;</a></h2>' in html
    assert f'<a href="{profile.get_absolute_url()}" rel="author">Kim Lee</a>' in html
    assert f'<h2><a href="{other.get_absolute_url()}">Storm drill</a></h2>' in html
    assert "· Desk</p>" in html  # a byline typed over the writer's name links nowhere
    day = timezone.localtime(story.published_at)
    assert f"{day.day} {day.strftime('%B')} {day.year}</time>" in html
    assert "<mark>storm</mark>" in html.lower()
