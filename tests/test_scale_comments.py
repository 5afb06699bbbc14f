"""A story's thread costs the same with 20 comments as with 2,000, on any of its pages."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from comments.discussion import comment_section
from comments.models import Comment
from delivery.pagination import rows_at
from tests.factories import make_article
from tests.scale_plans import table_reads, vacuum

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _every_page_rendered(settings):
    """The cost of rendering a page, not of serving a stored copy (that is 0 queries)."""
    settings.PAGE_CACHE_SECONDS = 0


# story + related stories + section nav + comment counts + one page of comments + shown
# trackbacks (the footer's archive months are cached by the first request)
STORY_PAGE_QUERIES = 6


def add_comments(article, count):
    """Approved comments, with a removed one (a placeholder) and a held one among them."""
    statuses = {3: Comment.Status.REMOVED, 4: Comment.Status.PENDING}
    Comment.objects.bulk_create(
        Comment(
            article=article,
            name=f"R{n}",
            body=f"Comment {n}",
            status=statuses.get(n, Comment.Status.APPROVED),
        )
        for n in range(count)
    )


def thread_page(article):
    """The story's thread in page order, read the plain way."""
    visible = Comment.objects.comments().in_thread().filter(article=article)
    return visible.order_by("created_at", "pk")


@pytest.mark.parametrize("count", [20, 2000])
def test_story_page_query_count_is_the_same_for_20_and_2000_comments(
    client, settings, django_assert_num_queries, count
):
    settings.COMMENTS_PER_PAGE = 50
    article = make_article()
    add_comments(article, count)
    url = article.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(STORY_PAGE_QUERIES):
        first = client.get(url).content.decode()
    with django_assert_num_queries(STORY_PAGE_QUERIES):
        last = client.get(url, {"comments": 40}).content.decode()
    assert f"{count - 2} Comment(s)" in first  # neither the held nor the removed one
    # Page 1 leaves out the held comment, and the removed one (it has no replies to hold).
    assert first.count('class="comment"') == {20: 18, 2000: 49}[count]
    assert f"Comment {count - 1}<" in last  # the last page ends with the newest comment


def test_a_deep_comment_page_shows_what_offset_paging_showed(rf, settings):
    settings.COMMENTS_PER_PAGE = 7
    article = make_article()
    add_comments(article, 60)
    expected = list(thread_page(article).values_list("pk", flat=True))
    shown = []
    for number in range(1, 10):
        request = rf.get("/", {"comments": number})
        request.user = AnonymousUser()
        context = comment_section(request, article)
        shown += [c.pk for c in context["comments"]]  # top level: no replies in this thread
    assert shown == expected and len(shown) == 59


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's plans")
@pytest.mark.django_db(transaction=True)
def test_a_deep_comment_page_reads_only_its_own_rows_from_the_table():
    article = make_article()
    add_comments(article, 3000)
    for _ in range(6):  # other stories' threads: most of the table, as on a real site
        add_comments(make_article(), 2000)
    vacuum("comments_comment")
    thread = thread_page(article)
    # The 2,900 comments before page 59 are passed over in the index, unread.
    page = table_reads(rows_at(thread, 2900, 2950), "comments_comment")
    assert page == {"rows": 50, "index_only": 1}  # ids from the index, then the page's rows
    assert table_reads(thread[2900:2950], "comments_comment")["rows"] >= 2950
