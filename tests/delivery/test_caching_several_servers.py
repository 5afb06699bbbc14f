"""Several app servers share Redis: a change whose process is gone before the cache came back
must not leave stored pages behind."""

import pytest
from django.core.cache import cache

from articles.models import Article
from delivery import versions
from tests.factories import make_article
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
