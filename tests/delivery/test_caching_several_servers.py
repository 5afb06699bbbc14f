"""Several app servers share Redis: a change whose process is gone before the cache came back
must not leave stored pages behind."""

import time

import pytest
from django.core.cache import cache

from articles import services
from articles.models import Article
from delivery import cache as cache_module
from delivery import versions
from tests.factories import make_article, make_editor
from tests.operations.tcp_forwarder import TcpForwarder
from tests.operations.test_outages import REDIS_PORT, redis_cache, wait_for

pytestmark = pytest.mark.django_db


def test_a_server_that_saw_the_cache_away_forgets_stored_pages_when_it_returns(client, settings):
    story = make_article(title="Harbour reopens")
    url = story.get_absolute_url()
    with TcpForwarder(REDIS_PORT) as redis:
        settings.CACHES = redis_cache(redis.port)
        cache.clear()
        cache.set("probe", "here")
        assert "Harbour reopens" in client.get(url).content.decode()  # stored in Redis

        redis.cut("refused")
        assert client.get(url).status_code == 200  # served without the cache: this one saw it
        # Another server's write while Redis was away: its version change could not be stored,
        # and that server is gone (recycled, stopped) before Redis came back, with its memory.
        Article.objects.filter(pk=story.pk).update(title="Harbour closed again")
        versions._missed.discard(versions.story(story.pk))

        redis.restore()
        assert wait_for(lambda: cache.get("probe") == "here", seconds=15)
        client.get("/")  # the first request after the return renews the site's version
        assert "Harbour closed again" in client.get(url).content.decode()
        cache.clear()


def test_a_write_made_while_the_cache_was_away_is_seen_by_the_first_request_after(
    client, settings, monkeypatch
):
    monkeypatch.setattr(cache_module, "RETRY_SECONDS", 0.2)  # Redis is tried again soon
    editor = make_editor("editor", is_superuser=True)
    story = make_article(title="Harbour reopens")
    url = story.get_absolute_url()
    with TcpForwarder(REDIS_PORT) as redis:
        settings.CACHES = redis_cache(redis.port)
        cache.clear()
        before = client.get(url)
        assert client.get(url)["ETag"] == before["ETag"]  # stored, and served from Redis

        redis.cut("refused")
        story.title = "Harbour closed again"
        services.article_save(article=story, by=editor)  # its new versions cannot be stored

        redis.restore()
        seen = []
        for _ in range(10):  # across the retry pause: served without Redis, then with it
            response = client.get(url)
            seen.append((response.get("ETag"), "Harbour closed again" in response.text))
            time.sleep(0.1)
        assert cache.available  # Redis was used again by the requests above
        assert all(fresh and etag != before["ETag"] for etag, fresh in seen), seen
        cache.clear()
