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


@pytest.fixture
def back_to_the_latest_schema():
    """Leave the database migrated to the end, as the tests after an upgrade test expect."""
    yield
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()  # the moved models' content types were read on the way
