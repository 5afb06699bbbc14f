import pytest
from django.urls import reverse

from comments.models import Comment
from tests.factories import make_comment, make_user

pytestmark = pytest.mark.django_db

# story + related stories + section nav + archive months + comment counts + one page of
# comments + shown trackbacks
STORY_PAGE_QUERIES = 7


def add_comments(article, n):
    Comment.objects.bulk_create(
        Comment(article=article, name=f"R{i}", body=f"Comment {i}", status="approved")
        for i in range(n)
    )


@pytest.mark.parametrize("count", [0, 50, 500])
def test_story_page_query_count_is_the_same_for_0_50_and_500_comments(
    client, article, settings, django_assert_num_queries, count
):
    settings.COMMENTS_PER_PAGE = 50
    add_comments(article, count)
    with django_assert_num_queries(STORY_PAGE_QUERIES):
        response = client.get(article.get_absolute_url())
    page = response.content.decode()
    assert f"{count} Comment(s)" in page
    assert page.count('class="comment"') == min(count, 50)  # bounded on the page
    if count > 50:
        assert "?comments=2#comments" in page  # with a link to the rest


def test_later_comment_pages_show_the_rest(client, article, settings):
    settings.COMMENTS_PER_PAGE = 50
    add_comments(article, 120)
    page3 = client.get(article.get_absolute_url(), {"comments": 3}).content.decode()
    assert "Comment 119" in page3 and "Comment 99<" not in page3
    assert page3.count('class="comment"') == 20
    # A page number out of range falls back to a real page, never an error.
    assert client.get(article.get_absolute_url(), {"comments": "999"}).status_code == 200
    assert client.get(article.get_absolute_url(), {"comments": "x"}).status_code == 200


def test_threads_cost_no_extra_queries(client, article, django_assert_num_queries):
    root = make_comment(article)
    parent = root
    for _ in range(2):
        parent = make_comment(article, parent=parent)
    with django_assert_num_queries(STORY_PAGE_QUERIES):
        client.get(article.get_absolute_url())


def test_logged_in_reader_costs_only_the_session_and_user(
    client, article, django_assert_num_queries
):
    add_comments(article, 20)
    client.force_login(make_user())
    with django_assert_num_queries(STORY_PAGE_QUERIES + 3):  # session, user, their token
        client.get(article.get_absolute_url())


def test_comment_post_query_count(client, article, django_assert_num_queries):
    from tests.factories import comment_form_data

    url = reverse("comments:post", kwargs=article.url_kwargs())
    # story, the story's row lock, duplicate check, moderation rules, insert
    # (+ savepoint pair on the atomic block)
    with django_assert_num_queries(7):
        assert client.post(url, comment_form_data(article)).status_code == 302
