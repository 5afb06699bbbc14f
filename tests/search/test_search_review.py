"""Review of issue 17's search changes: bylines linked to writers' pages without a query per
result, result markup escaped whatever the desk typed, and stored pages keyed per query.

Runs on both databases (and the Tantivy backend for the byline count).
"""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles import authors
from articles.models import Article, AuthorProfile, Category
from search.query import HIGHLIGHT, mark_snippet
from search.templatetags.search_results import search_results
from tests.factories import make_article, make_category, make_user
from tests.search.test_search_stored import search, stored_pages, titles

pytestmark = pytest.mark.django_db


def _writers_stories(count: int, *, word: str = "harbour") -> list:
    """`count` stories, each by its own writer who has a page, and one by a writer without."""
    category = make_category()
    stories = []
    for n in range(count):
        writer = make_user(f"writer{n}", first_name="Writer", last_name=f"Number{n}")
        authors.author_profile_ensure(user=writer)
        stories.append(
            make_article(
                category=category,
                title=f"{word.title()} report {n}",
                body=f"The {word} {n}.",
                author=writer,
                byline="",
                published_at=timezone.now() - timedelta(hours=n),
            )
        )
    loner = make_user("nopage", first_name="No", last_name="Page")
    stories.append(
        make_article(
            category=category,
            title=f"{word.title()} aside",
            body=f"A {word}.",
            author=loner,
            byline="",
        )
    )
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
    from search.backends import search_backend

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
    from search.backends import search_backend

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
    again = client.get(
        "/search/",
        {"q": "harbour"},
        headers={
            "If-None-Match": first.headers.get("ETag", '"none"'),
            "If-Modified-Since": first.headers.get(
                "Last-Modified", "Mon, 30 Nov 2026 00:00:00 GMT"
            ),
        },
    )
    assert again.status_code == 200
    assert sorted(titles(again)) == ["Harbour dredging", "Harbour reopens"]
    assert stored_pages() == []


class _Markup(HTMLParser):
    """The elements and attributes of a piece of HTML, and its text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data):
        self.text.append(data)


# What the desk may type, with HTML's own characters and pieces of markup much more often than
# chance would give them.
_desk_text = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "<",
                ">",
                "&",
                '"',
                "'",
                "=",
                "/",
                " ",
                "b",
                "<b>",
                "<script>",
                '"><i x="',
                "&amp;",
                "&lt;",
                "\ue000",
                "\ue001",
            ]
        ),
        st.characters(codec="utf-8", exclude_categories=["Cs"]),
    ),
    max_size=12,
).map("".join)


@given(
    title=_desk_text,
    standfirst=_desk_text,
    byline=_desk_text,
    section=_desk_text,
    first=_desk_text,
    body=_desk_text,
    profile=st.booleans(),
)
@hypothesis_settings(max_examples=300, deadline=None)
def test_result_markup_escapes_whatever_the_desk_typed(
    title, standfirst, byline, section, first, body, profile
):
    """Titles, standfirsts, bylines, writers' names, section names and snippets (from story
    text, with the highlight markers) never make an element or attribute of their own."""
    author = get_user_model()(pk=7, username="kim", first_name=first, last_name="")
    author_page = AuthorProfile(pk=3, user=author, slug="kim") if profile else None
    AuthorProfile.user.field.remote_field.set_cached_value(author, author_page)
    story = Article(
        pk=11,
        title=title,
        slug="a-story",
        standfirst=standfirst,
        byline=byline,
        published_at=timezone.now(),
        category=Category(pk=5, name=section, slug="coast"),
        author=author,
    )
    # The highlight markers in the story's own text would make a stray <mark> (no more than
    # that): left alone here, see the review's report.
    body = body.replace(HIGHLIGHT[0], "").replace(HIGHLIGHT[1], "")
    marked = f"{body[:6]}{HIGHLIGHT[0]}{body[6:]}{HIGHLIGHT[1]}" if body else ""
    story.snippet = mark_snippet(marked)
    parsed = _Markup()
    parsed.feed(str(search_results([story])))
    parsed.close()
    assert set(parsed.tags) <= {"article", "p", "a", "h2", "time", "mark"}
    assert parsed.tags.count("a") <= 3
    assert parsed.tags.count("mark") == (1 if body else 0)  # the highlight, and only that
    assert {name for name, _ in parsed.attributes} <= {"class", "href", "rel", "datetime"}
    assert all(value.startswith("/") for name, value in parsed.attributes if name == "href")
    text = "".join(parsed.text)
    assert title in text and section in text
