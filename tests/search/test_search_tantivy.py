"""SEARCH_BACKEND=tantivy: the same search page from an embedded engine the worker keeps."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles.demo.load import demo_load
from articles.models import Article
from search.backends.tantivy import tantivy_query_text
from tests.conftest import refused_query
from tests.factories import make_article, make_category
from tests.search.test_search import search, titles
from tests.search.test_search_scale import SEED_RESULTS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tantivy(settings, tmp_path):
    settings.SEARCH_BACKEND = "tantivy"
    settings.SEARCH_INDEX_DIR = tmp_path / "search-index"


@pytest.fixture
def written(django_capture_on_commit_callbacks):
    """Writes whose after-commit work (the index update task) runs, as the worker would."""

    def write(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return write


@pytest.mark.parametrize("query", SEED_RESULTS)
def test_seed_queries_give_what_the_database_gives(client, written, query):
    written(demo_load, with_users=False)
    assert titles(search(client, query)) == SEED_RESULTS[query]


def test_title_ranks_first_and_the_index_follows_every_write(client, written):
    category = make_category()
    body = written(
        make_article, category=category, title="Council notes", body="The harbour was mentioned."
    )
    old = timezone.now() - timedelta(days=3000)
    title = written(
        make_article,
        category=category,
        title="Harbour dredging plan",
        body="Work starts.",
        published_at=old,
    )
    assert titles(search(client, "harbour")) == [title.title, body.title]
    assert "<mark>harbour</mark>" in search(client, "harbour").content.decode().lower()
    title.status = Article.Status.UNPUBLISHED
    written(title.save)
    assert titles(search(client, "harbour")) == [body.title]
    written(body.delete)
    assert titles(search(client, "harbour")) == []


def test_scheduled_stories_and_unsent_writes_are_never_shown(client, written):
    written(make_article, title="Tomorrow's ferry", published_at=timezone.now() + timedelta(days=1))
    assert titles(search(client, "ferry")) == []
    # Written while the index did not hear of it (no commit hook ran): the rebuild catches up.
    make_article(title="Quiet ferry")
    assert titles(search(client, "ferry")) == []
    call_command("search_index_rebuild")
    assert titles(search(client, "ferry")) == ["Quiet ferry"]


def test_the_query_language_is_translated_never_passed_through():
    assert tantivy_query_text('harbour -council "electric vehicle"') == (
        '(+"harbour" -"council" +"electric vehicle")'
    )
    assert tantivy_query_text("a OR b") == '(+"a") OR (+"b")'
    assert tantivy_query_text("-alone") is None
    assert tantivy_query_text("title:x* AND (y") == '(+"title:x*" +"AND" +"(y")'


@given(query=st.text(max_size=60))
@hypothesis_settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_hostile_queries_give_a_normal_page(client, query):
    status = client.get(reverse("search:search"), {"q": query}).status_code
    assert status == (400 if refused_query(query) else 200)
