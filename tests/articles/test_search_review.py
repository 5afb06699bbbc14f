"""Review of issue 17's search changes: bylines linked to writers' pages without a query per
result, result markup escaped whatever the desk typed, and stored pages keyed per query.

Runs on both databases (and the Tantivy backend for the byline count).
"""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles import authors
from tests.articles.test_search_stored import search, stored_pages, titles
from tests.factories import make_article, make_category, make_user

pytestmark = pytest.mark.django_db


def _writers_stories(count: int, *, word: str = "harbour") -> list:
    """`count` stories, each by its own writer who has a page, and one by a writer without."""
    category = make_category()
    stories = []
    for n in range(count):
        writer = make_user(f"writer{n}", first_name="Writer", last_name=f"Number{n}")
        authors.author_profile_ensure(user=writer)
        stories.append(make_article(
            category=category, title=f"{word.title()} report {n}", body=f"The {word} {n}.",
            author=writer, byline="", published_at=timezone.now() - timedelta(hours=n),
        ))  # fmt: skip
    loner = make_user("nopage", first_name="No", last_name="Page")
    stories.append(make_article(category=category, title=f"{word.title()} aside",
                                body=f"A {word}.", author=loner, byline=""))  # fmt: skip
    return stories


@pytest.mark.parametrize("writers", [1, 6])
def test_bylines_linked_to_writers_pages_cost_no_query_per_result(
    django_assert_num_queries, settings, writers
):
    settings.ARTICLES_PER_PAGE = 20
    _writers_stories(writers)
    client = Client()
    client.get("/")  # the footer's archive months, cached by the first page seen
    search(client, "nothingmatchesthis")  # the section links, cached under the site's version
    # The count and the page (stories with section, author and the author's page): whatever
    # the number of writers. A query string never stored, so the page is rendered each time.
    with django_assert_num_queries(2):
        response = client.get("/search/", {"q": "harbour", "utm": "x"})
    html = response.content.decode()
    assert len(titles(response)) == writers + 1
    assert len(re.findall(r'rel="author">Writer Number\d+</a>', html)) == writers
    assert " · No Page</p>" in html  # no page of their own: not a link


def test_tantivy_bylines_cost_no_query_per_result(django_assert_num_queries, settings, tmp_path):
    from articles.search_backends import search_backend

    settings.SEARCH_BACKEND = "tantivy"
    settings.SEARCH_INDEX_DIR = tmp_path / "search-index"
    _writers_stories(5)
    search_backend().rebuild()
    client = Client()
    client.get("/")
    search(client, "nothingmatchesthis")
    with django_assert_num_queries(1):  # the page's stories (the engine counts and ranks)
        response = client.get("/search/", {"q": "harbour"})
    assert len(titles(response)) == 6
    assert len(re.findall(r'rel="author">Writer Number\d+</a>', response.content.decode())) == 5


def test_tantivy_pages_are_never_answered_304_nor_kept_by_a_cache_in_front(settings, tmp_path):
    """The engine hears of a write after its commit (the worker), when the site's version has
    changed already: a page validated by that version would keep a story out of the results for
    a browser or a CDN that revalidates it, until the next write."""
    from articles.search_backends import search_backend

    settings.SEARCH_BACKEND = "tantivy"
    settings.SEARCH_INDEX_DIR = tmp_path / "search-index"
    category = make_category()
    make_article(category=category, title="Harbour dredging", body="The harbour.")
    search_backend().rebuild()
    client = Client()
    late = make_article(category=category, title="Harbour reopens", body="The harbour.")
    first = search(client, "harbour")  # rendered after the commit, before the worker ran
    assert titles(first) == ["Harbour dredging"]
    assert "ETag" not in first.headers
    assert not first.headers["Cache-Control"].startswith("public")
    search_backend().index([late.pk])  # the worker's turn
    again = client.get("/search/", {"q": "harbour"}, headers={
        "If-None-Match": first.headers.get("ETag", '"none"'),
        "If-Modified-Since": first.headers.get("Last-Modified", "Mon, 30 Nov 2026 00:00:00 GMT"),
    })  # fmt: skip
    assert again.status_code == 200
    assert sorted(titles(again)) == ["Harbour dredging", "Harbour reopens"]
    assert stored_pages() == []
