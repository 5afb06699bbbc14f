"""The public pages cost a fixed number of queries, however many stories they list."""

import pytest
from django.urls import reverse

from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

# count (paginator) + the page of stories with category and author joined + the section nav
# + the footer's archive months (the cache is cold in every test; a warm cache saves it)
LIST_QUERIES = 4
# the story (category and author joined) + its related stories + the section nav + archives
# + comment counts + one page of comments + shown trackbacks
DETAIL_QUERIES = 7


@pytest.mark.parametrize("stories", [1, 30])
def test_home_query_count_is_fixed(client, django_assert_num_queries, stories):
    category = make_category()
    for _ in range(stories):
        make_article(category=category)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("articles:home"))
    assert response.status_code == 200


@pytest.mark.parametrize("stories", [1, 30])
def test_category_query_count_is_fixed(client, django_assert_num_queries, stories):
    category = make_category()
    for _ in range(stories):
        make_article(category=category)
    with django_assert_num_queries(LIST_QUERIES + 1):  # + the category itself
        response = client.get(category.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("stories", [1, 30])
def test_story_query_count_is_fixed(client, django_assert_num_queries, django_user_model, stories):
    category = make_category()
    author = django_user_model.objects.create_user("writer", first_name="Wri", last_name="Ter")
    for _ in range(stories):
        article = make_article(category=category, author=author)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert b"By Wri Ter" in response.content
