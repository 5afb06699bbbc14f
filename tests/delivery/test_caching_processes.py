"""Pages stored in Redis by a real server are forgotten when another process or thread writes."""

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from articles import services
from articles.models import Article
from comments.models import Comment
from comments.services import comments_moderate
from delivery import pagecache
from tests.conftest import redis_url
from tests.factories import make_article, make_comment, make_editor, make_trackback

pytestmark = pytest.mark.django_db(transaction=True)

# Redis for shared pages (TEST_REDIS_DB, if set); each run keeps its keys under its own prefix
# (tests/conftest.py), in this process and in the writer's.
REDIS = f"redis://127.0.0.1:6379/{int(os.environ.get('TEST_REDIS_DB', '5'))}"
ROOT = Path(__file__).resolve().parents[2]  # the checkout (this file is in tests/delivery/)


@pytest.fixture
def shared_cache(settings):
    from django.core.cache import cache

    settings.CACHES = {
        "default": {"BACKEND": "delivery.cache.DegradingRedisCache", "LOCATION": REDIS}
    }
    cache.clear()
    cache.set("probe", 1)
    assert cache.get("probe") == 1, "Redis on 127.0.0.1:6379 is needed (.ci/run starts it)"
    yield cache
    cache.clear()


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - 127.0.0.1
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def editor():
    return make_editor("editor", is_superuser=True)


def test_a_page_is_stored_in_redis_and_served_from_it(live_server, shared_cache):
    story = make_article(title="Harbour reopens")
    url = live_server.url + story.get_absolute_url()
    assert "Harbour reopens" in fetch(url)[1]
    # Changed around save(): no version changes, so the stored copy is what readers get.
    Article.objects.filter(pk=story.pk).update(title="Changed behind its back")
    assert "Harbour reopens" in fetch(url)[1]
    assert any(
        key.startswith(shared_cache.make_key(pagecache.PAGE_PREFIX).encode())
        for key in shared_cache._cache.get_client().keys("*")
    )


def test_each_change_shows_on_the_live_servers_next_answer(live_server, shared_cache, editor):
    story = make_article(title="Harbour reopens")
    draft = make_article(status=Article.Status.DRAFT, title="Ferry strike ends")
    home, page = live_server.url + "/", live_server.url + story.get_absolute_url()
    assert "Ferry strike ends" not in fetch(home)[1]

    services.article_publish(article=draft, by=editor)
    assert "Ferry strike ends" in fetch(home)[1]

    story.title = "Harbour reopens after storm"
    services.article_save(article=story, by=editor)
    assert "Harbour reopens after storm" in fetch(page)[1]

    held = make_comment(story, status=Comment.Status.PENDING, body="Held for a moment.")
    ping = make_trackback(story, "https://blog.example/post", title="A blog answers")
    assert "Held for a moment." not in fetch(page)[1]
    comments_moderate(
        comments=Comment.objects.filter(pk=held.pk), status="approved", moderator=editor
    )
    assert "Held for a moment." in fetch(page)[1]
    assert "A blog answers" not in fetch(page)[1]
    comments_moderate(
        comments=Comment.objects.filter(pk=ping.pk), status="approved", moderator=editor
    )
    assert "A blog answers" in fetch(page)[1]

    services.article_unpublish(article=story, by=editor)
    assert fetch(page)[0] == 404
    assert "Harbour reopens after storm" not in fetch(home)[1]


WRITER = """
import django, sys
django.setup()
from django.contrib.auth import get_user_model
from articles import services
from articles.models import Article
from comments.models import Comment
from comments.services import comments_moderate
editor = get_user_model().objects.get(username="editor")
if sys.argv[1] == "approve":
    comments_moderate(comments=Comment.objects.filter(pk=int(sys.argv[2])), status="approved",
                      moderator=editor)
else:
    story = Article.objects.get(pk=int(sys.argv[2]))
    story.title = sys.argv[3]
    services.article_save(article=story, by=editor)
"""


def run_writer(*args: str) -> None:
    """Make the change in a process of its own, sharing only the database and Redis."""
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "ENV_FILE": "",
        "DATABASE_URL": url,
        "CACHE_URL": redis_url(REDIS),
        "TASKS_BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
    }
    done = subprocess.run(
        [sys.executable, "-c", WRITER, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_write_in_another_process_shows_on_the_next_answer(live_server, shared_cache, editor):
    if connection.vendor != "postgresql":
        pytest.skip("another process can reach the test database on PostgreSQL only")
    story = make_article(title="Harbour reopens")
    held = make_comment(story, status=Comment.Status.PENDING, body="Held for a moment.")
    page = live_server.url + story.get_absolute_url()
    assert "Held for a moment." not in fetch(page)[1]
    run_writer("approve", str(held.pk))
    assert "Held for a moment." in fetch(page)[1]
    run_writer("edit", str(story.pk), "Harbour reopens after storm")
    assert "Harbour reopens after storm" in fetch(page)[1]
    assert "Harbour reopens after storm" in fetch(live_server.url + reverse("articles:feed"))[1]
