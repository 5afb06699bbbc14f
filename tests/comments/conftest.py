import pytest

from tests.factories import make_article


@pytest.fixture
def article(db):
    return make_article(title="Harbour reopens", slug="harbour-reopens")


@pytest.fixture
def post_url(article):
    from django.urls import reverse

    return reverse("comments:post", kwargs=article.url_kwargs())
