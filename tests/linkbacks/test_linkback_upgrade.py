"""Review: upgrading must not make the archive tell every site its old stories ever linked to.

Before 0010 a story told only its "send trackbacks to" list. `notify_linked_pages` came with
default True, so every existing row got True, and the first cron `send_trackbacks` after the
upgrade pinged every external link of every published story, however old."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from articles.models import Article
from linkbacks.models import SentLinkback
from tests.http_server import LocalServer

BEFORE = ("articles", "0009_corrections_embargo")


@pytest.mark.django_db(transaction=True)
def test_stories_published_before_the_upgrade_do_not_ping_their_body_links(
    back_to_the_latest_schema, settings
):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = MigrationExecutor(connection).loader.project_state([BEFORE]).apps
    category = old.get_model("articles", "Category").objects.create(name="Old", slug="old")
    with LocalServer() as server:
        server.routes["/post/"] = (200, {"Content-Type": "text/html"}, b"<p>No linkbacks</p>")
        server.routes["/ping"] = (200, {"Content-Type": "text/xml"}, b"<error>0</error>")
        story = old.get_model("articles", "Article").objects.create(
            title="From the archive",
            slug="from-the-archive",
            category=category,
            body=f"As [they wrote]({server.url('/post/')}) years ago.",
            status="published",
            published_at=timezone.now() - timezone.timedelta(days=900),
        )
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        assert Article.objects.get(pk=story.pk).notify_linked_pages is False
        call_command("send_trackbacks", stdout=StringIO())  # the first cron run after upgrading
    assert not server.requests
    assert not SentLinkback.objects.exists()
    # A story written after the upgrade tells its links, as the new rule says.
    fresh = Article(title="New", slug="new", category_id=category.pk, body="x")
    assert fresh.notify_linked_pages is True
