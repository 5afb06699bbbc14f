import pytest

from tests.factories import make_article, make_user
from tests.http_server import LocalServer


@pytest.fixture
def article(db):
    return make_article(title="Harbour reopens", slug="harbour-reopens")


@pytest.fixture
def blogger(db):
    return make_user("blogger", email="blogger@example.com")


@pytest.fixture
def token(blogger):
    """A personal token of `blogger`, in clear."""
    from linkbacks.tokens import trackback_token_create

    return trackback_token_create(user=blogger, name="My blog")[1]


@pytest.fixture
def ping_url(article):
    from django.urls import reverse

    return reverse("linkbacks:trackback", kwargs=article.url_kwargs())


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running
