"""Review: two senders at once (the worker's send queued by a save, the cron catch-up, a retry)
must not both tell the same target: each target is claimed before it is sent to."""

import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from linkbacks.models import SentLinkback
from linkbacks.outgoing import article_send_trackbacks
from linkbacks.services import sent_linkback_retry
from linkbacks.tasks import resend_trackback
from tests.factories import make_article, make_editor
from tests.http_server import LocalServer, Routes

XML_OK = (200, {"Content-Type": "text/xml"}, b"<response><error>0</error></response>")


class SlowRoutes(Routes):
    """Every answer takes a moment, as a real blog's does."""

    def get(self, *args):
        time.sleep(0.3)
        return super().get(*args)


@pytest.fixture(autouse=True)
def _local_targets(settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the SQLite test database is in memory with a shared cache, where a second writer "
    "fails at once with 'database table is locked' instead of waiting as the file database "
    "of `make run` does (IMMEDIATE transactions, a 20 s timeout); PostgreSQL runs it",
)
@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_tell_a_target_once():
    with LocalServer() as server:
        server.httpd.routes = SlowRoutes()
        server.routes["/ping"] = XML_OK
        article = make_article(trackback_targets=server.url("/ping"))
        SentLinkback.objects.create(article=article, target_url=server.url("/ping"))
        errors = []

        def send():
            try:
                article_send_trackbacks(article=article)
            except Exception as error:  # reported below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not errors
    posted = [r for r in server.requests if r[0] == "POST" and r[1] == "/ping"]
    assert len(posted) == 1
    ping = SentLinkback.objects.get()
    assert (ping.status, ping.attempts) == ("sent", 1)


@pytest.mark.django_db
def test_an_editors_send_again_is_not_sent_twice_by_the_cron_meanwhile():
    with LocalServer() as server:
        server.routes["/ping"] = (403, {}, b"")
        article = make_article(trackback_targets=server.url("/ping"))
        article_send_trackbacks(article=article)
        ping = SentLinkback.objects.get()
        assert ping.status == "refused"
        server.routes["/ping"] = XML_OK
        with transaction.atomic():
            sent_linkback_retry(ping=ping, by=make_editor("desk"))
        # The worker has not run the editor's send yet; the cron catch-up runs meanwhile.
        call_command("send_trackbacks", stdout=StringIO())
        resend_trackback.call(ping.pk)  # then the worker
    posted = [r for r in server.requests if r[0] == "POST" and r[1] == "/ping"]
    assert len(posted) == 2  # the first, refused; the editor's, once
    ping.refresh_from_db()
    assert ping.status == "sent"


@pytest.mark.django_db(transaction=True)
def test_send_again_pressed_twice_tells_the_target_once(database_tasks):
    from django_tasks_db.models import DBTaskResult

    from tests.operations.conftest import run_worker

    with LocalServer() as server:
        server.routes["/ping"] = (403, {}, b"")
        article = make_article(trackback_targets=server.url("/ping"))
        article_send_trackbacks(article=article)
        assert SentLinkback.objects.get().status == "refused"
        server.routes["/ping"] = XML_OK
        editor = make_editor("desk")
        for _ in range(2):  # a double click, each through its own app server
            sent_linkback_retry(ping=SentLinkback.objects.get(), by=editor)
        assert (
            DBTaskResult.objects.filter(task_path="linkbacks.tasks.resend_trackback").count() == 2
        )
        run_worker()
    posted = [r for r in server.requests if r[0] == "POST" and r[1] == "/ping"]
    assert len(posted) == 2  # the first, refused; the editor's, once
    ping = SentLinkback.objects.get()
    assert (ping.status, ping.attempts) == ("sent", 2)
