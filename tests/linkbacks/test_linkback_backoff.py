"""Review: a target that gave no answer is tried again on the retry schedule, not once more
with every save of the story (each save queues `send_trackbacks`), nor by every cron run."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from articles import services
from linkbacks.models import SentLinkback
from linkbacks.tasks import send_trackbacks
from tests.factories import make_article, make_editor
from tests.http_server import LocalServer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _local_targets(settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True


def posts(server):
    return [r for r in server.requests if r[0] == "POST" and r[1] == "/ping"]


def test_saving_a_live_story_does_not_spend_the_retries_of_a_site_that_is_down(
    django_capture_on_commit_callbacks,
):
    editor = make_editor("desk")
    with LocalServer() as server:
        server.routes["/ping"] = (503, {"Content-Type": "text/plain"}, b"Maintenance")
        article = make_article(trackback_targets=server.url("/ping"))
        send_trackbacks.enqueue(article.pk)  # published: told at once (tasks run on the spot)
        for n in range(12):  # the desk fixes typos, one save after another
            article.standfirst = f"Fixed typo {n}"
            with django_capture_on_commit_callbacks(execute=True):
                services.article_save(article=article, by=editor)
        ping = SentLinkback.objects.get()
        assert len(posts(server)) == 1
        assert (ping.status, ping.attempts) == ("unreachable", 1)
        # Once its wait is over, the next round tells it again.
        with time_machine.travel(timezone.now() + timedelta(hours=2)):
            call_command("send_trackbacks", stdout=StringIO())
        assert len(posts(server)) == 2


def test_cron_run_every_minute_does_not_give_up_on_a_site_down_for_ten_minutes():
    with LocalServer() as server:
        server.routes["/ping"] = (503, {"Content-Type": "text/plain"}, b"Maintenance")
        make_article(trackback_targets=server.url("/ping"))
        start = timezone.now()
        for minute in range(10):
            with time_machine.travel(start + timedelta(minutes=minute)):
                call_command("send_trackbacks", stdout=StringIO())
        assert SentLinkback.objects.get().status == "unreachable"
        assert len(posts(server)) < 10
