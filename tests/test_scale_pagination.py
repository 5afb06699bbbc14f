"""Listing pages cost the same however deep: page 1,000 of a section costs what page 1 does."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles.models import Article
from delivery.pagination import rows_at
from tests.conftest import refused_query
from tests.factories import make_article, make_category, make_comment
from tests.scale_plans import table_reads, vacuum

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _every_page_rendered(settings):
    """The cost of rendering a page, not of serving a stored copy (that is 0 queries)."""
    settings.PAGE_CACHE_SECONDS = 0


PER_PAGE = 3
STORIES = 61  # 21 pages, the last one short


def bulk_stories(category, count, *, prefix="s"):
    """Published stories, newest first, an hour apart (two share each time: the id decides)."""
    now = timezone.now()
    Article.objects.bulk_create(
        Article(
            title=f"Story {prefix}{n}",
            slug=f"{prefix}-{n}",
            category=category,
            body="Text.",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(hours=n // 2 + 1),
        )
        for n in range(count)
    )


def listed_slugs(response) -> list[str]:
    return [article.slug for article in response.context["articles"]]


def offset_order(category) -> list[str]:
    """The section's slugs in list order, read the plain way (one query, no paging)."""
    listing = Article.objects.published().for_listing().filter(category=category)
    return list(listing.values_list("slug", flat=True))


@pytest.fixture
def section(settings):
    settings.ARTICLES_PER_PAGE = PER_PAGE
    category = make_category()
    bulk_stories(category, STORIES)
    bulk_stories(make_category(), 5, prefix="elsewhere")  # another section's stories
    return category


def test_a_deep_section_page_costs_the_queries_of_page_one(
    client, section, django_assert_num_queries
):
    url = section.get_absolute_url()
    client.get(url)  # the footer's archive months and the section's count are cached
    with django_assert_num_queries(3):  # section, the page's stories, section nav
        first = client.get(url)
    with django_assert_num_queries(3):
        deep = client.get(url, {"page": 20})
    assert first.context["page_obj"].number == 1 and deep.context["page_obj"].number == 20
    assert len(listed_slugs(deep)) == PER_PAGE


def test_a_deep_home_page_costs_the_queries_of_page_one(client, section, django_assert_num_queries):
    client.get("/")
    with django_assert_num_queries(2):  # the page's stories, section nav (the count is kept)
        client.get("/")
    with django_assert_num_queries(2):
        assert client.get("/", {"page": 22}).status_code == 200


def test_a_list_is_counted_once_per_site_version(client, section):
    from django.db import connection as db

    def counts(url, **params):
        with CaptureQueriesContext(db) as queries:
            response = client.get(url, params)
        return response, sum("COUNT(" in q["sql"].upper() for q in queries)

    url = section.get_absolute_url()
    assert counts(url)[1] == 1  # the first reader of this version counts
    assert counts(url, page=2)[1] == 0  # every page after reads the kept count
    assert counts("/")[1] == 1  # each list its own count
    # A write changes the site's version: the next reader counts again, and sees the new story.
    make_article(category=section, title="Fresh")
    response, counted = counts(url, page=21)
    assert counted == 1 and response.context["paginator"].count == STORIES + 1


def test_every_page_lists_what_offset_paging_listed_in_the_same_order(client, section):
    expected = offset_order(section)
    seen = []
    for number in range(1, 22):
        seen += listed_slugs(client.get(section.get_absolute_url(), {"page": number}))
    assert seen == expected
    assert len(set(seen)) == STORIES  # none twice, none missing, though times are shared


def test_hidden_stories_stay_off_deep_pages(client, section):
    Article.objects.filter(slug="s-59").update(status=Article.Status.DRAFT)
    Article.objects.filter(slug="s-60").update(published_at=timezone.now() + timedelta(days=1))
    last = client.get(section.get_absolute_url(), {"page": 20})
    assert last.context["paginator"].count == STORIES - 2
    assert listed_slugs(last) == offset_order(section)[57:]  # nothing hidden took a place


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(page=st.one_of(st.integers(-5, 40).map(str), st.text(max_size=12), st.just("last")))
def test_any_page_parameter_answers_a_page_or_404(client, section, page):
    expected = offset_order(section)
    response = client.get(section.get_absolute_url(), {"page": page})
    assert response.status_code in ((400,) if refused_query(page) else (200, 404))
    if response.status_code == 200:
        number = response.context["page_obj"].number
        start = (number - 1) * PER_PAGE
        assert listed_slugs(response) == expected[start : start + PER_PAGE]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's plans")
@pytest.mark.django_db(transaction=True)
def test_a_deep_page_reads_only_its_own_rows_from_the_table(settings):
    settings.ARTICLES_PER_PAGE = 20
    category = make_category()
    bulk_stories(category, 4000)
    bulk_stories(make_category(), 1000, prefix="other")
    vacuum("articles_article")
    section = Article.objects.published().for_listing().filter(category=category)
    home = Article.objects.published().for_listing()

    # Page 150 of the section and page 200 of the home page: the skipped 2,980 and 3,980
    # stories are passed over in the index; only the 20 shown are read from the table.
    ids_from_index_then_the_page = {"rows": 20, "index_only": 1}
    assert table_reads(rows_at(section, 2980, 3000), "articles_article") == (
        ids_from_index_then_the_page
    )
    assert table_reads(rows_at(home, 3980, 4000), "articles_article") == (
        ids_from_index_then_the_page
    )
    # What plain OFFSET paging read, so the measure above is known to see skipped rows.
    assert table_reads(section[2980:3000], "articles_article")["rows"] >= 3000


def test_listing_and_thread_pages_are_read_through_the_id_index(client):
    """The query counts above hold for OFFSET paging too; this pins the SQL of both pages."""
    story = make_article()
    for n in range(3):
        make_comment(story, body=f"Comment {n}")
    with CaptureQueriesContext(connection) as queries:
        client.get(story.category.get_absolute_url())
        client.get(story.get_absolute_url())
    paged = [q["sql"] for q in queries if "OFFSET" in q["sql"] or "LIMIT" in q["sql"]]
    listing = [sql for sql in paged if '"articles_article"."title"' in sql and "IN (SELECT" in sql]
    thread = [sql for sql in paged if '"comments_comment"."body"' in sql and "IN (SELECT" in sql]
    assert listing and thread
