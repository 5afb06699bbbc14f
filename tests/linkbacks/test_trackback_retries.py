"""Outgoing trackbacks with the real queue: a site that answered is never pinged again by a
retry; a site that did not answer is tried again later, and by the cron catch-up after that."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from linkbacks.models import SentLinkback
from linkbacks.tasks import send_trackbacks
from tests.factories import make_article
from tests.http_server import LocalServer
from tests.operations.conftest import closed_port, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

XML_OK = (200, {"Content-Type": "text/xml"}, b"<response><error>0</error></response>")
XML_REFUSED = (
    200,
    {"Content-Type": "text/xml"},
    b"<response><error>1</error><message>Trackbacks are closed.</message></response>",
)
HTML_THANKS = (200, {"Content-Type": "text/html"}, b"<!doctype html><p>Thanks for the ping!")


@pytest.fixture(autouse=True)
def _targets_on_this_machine(settings, database_tasks):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True


def run_every_retry():
    start = timezone.now()
    for hours in range(8):  # each retry falls due within the hour
        with time_machine.travel(start + timedelta(hours=hours)):
            run_worker()


def posts(server, path):
    return [r for r in server.requests if r[0] == "POST" and r[1] == path]


def test_sites_that_answered_are_pinged_once_while_a_dead_one_is_retried():
    with LocalServer() as server:
        server.routes["/closed/"] = XML_REFUSED
        server.routes["/html/"] = HTML_THANKS  # took the ping, answered with a page
        dead = f"http://127.0.0.1:{closed_port()}/post/"
        targets = [server.url("/closed/"), server.url("/html/"), dead]
        article = make_article(trackback_targets="\n".join(targets))
        send_trackbacks.enqueue(article.pk)
        run_every_retry()
    assert len(posts(server, "/closed/")) == 1
    assert len(posts(server, "/html/")) == 1
    statuses = dict(SentLinkback.objects.values_list("target_url", "status"))
    assert statuses == {targets[0]: "refused", targets[1]: "failed", targets[2]: "unreachable"}
    # The first ping and five retries, the last one recorded as failed for editors to see.
    assert SentLinkback.objects.get(target_url=dead).attempts == 6
    assert DBTaskResult.objects.failed().get().task_path == "linkbacks.tasks.retry_trackbacks"


def test_a_site_back_after_the_retries_gets_the_ping_from_the_cron_catch_up():
    port = closed_port()
    article = make_article(trackback_targets=f"http://127.0.0.1:{port}/post/")
    send_trackbacks.enqueue(article.pk)
    run_every_retry()
    assert SentLinkback.objects.get().status == SentLinkback.Status.UNREACHABLE

    waited = SentLinkback.objects.get().next_attempt_at + timedelta(seconds=1)
    with LocalServer(port=port) as server, time_machine.travel(waited):
        server.routes["/post/"] = XML_OK
        call_command("send_trackbacks", stdout=StringIO())  # once the last wait is over
    assert SentLinkback.objects.get().status == SentLinkback.Status.SENT


def test_a_site_back_before_the_next_retry_gets_the_ping_then():
    port = closed_port()
    article = make_article(trackback_targets=f"http://127.0.0.1:{port}/post/")
    send_trackbacks.enqueue(article.pk)
    run_worker()
    retry = DBTaskResult.objects.get(task_path="linkbacks.tasks.retry_trackbacks")
    with LocalServer(port=port) as server:
        server.routes["/post/"] = XML_OK
        with time_machine.travel(retry.run_after + timedelta(seconds=1)):
            run_worker()
    assert SentLinkback.objects.get().status == SentLinkback.Status.SENT
    assert len(posts(server, "/post/")) == 1
