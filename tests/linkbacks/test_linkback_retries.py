"""Temporary answers (429, 5xx, no answer) are retried by the worker, honouring Retry-After,
up to a bound; refusals (403, a TrackBack error) are final; an editor may send one again."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from linkbacks.models import SentLinkback
from linkbacks.outgoing import MAX_ATTEMPTS
from linkbacks.tasks import send_trackbacks
from tests.conftest import log_in_staff
from tests.factories import make_article, make_editor, make_journalist
from tests.http_server import LocalServer
from tests.operations.conftest import run_worker

XML_OK = (200, {"Content-Type": "text/xml"}, b"<response><error>0</error></response>")
TOO_QUICKLY = (
    429,
    {"Content-Type": "text/xml", "Retry-After": "120"},
    b"<response><error>1</error><message>You are posting comments too quickly. Slow down."
    b"</message></response>",
)


@pytest.fixture(autouse=True)
def _local_targets(settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True


def posts(server, path):
    return [r for r in server.requests if r[0] == "POST" and r[1] == path]


def retries():
    return DBTaskResult.objects.filter(task_path="linkbacks.tasks.retry_trackbacks")


@pytest.mark.django_db(transaction=True)
def test_429_with_retry_after_is_retried_once_then_recorded_as_sent(database_tasks):
    with LocalServer() as server:
        server.routes["/ping"] = TOO_QUICKLY
        article = make_article(trackback_targets=server.url("/ping"))
        queued_at = timezone.now()
        send_trackbacks.enqueue(article.pk)
        run_worker()
        ping = SentLinkback.objects.get()
        assert (ping.status, ping.attempts) == ("unreachable", 1)
        [retry] = retries()
        # The site asked for two minutes: the retry waits that long, not the usual one.
        assert retry.run_after >= queued_at + timedelta(seconds=120)
        with time_machine.travel(retry.run_after - timedelta(seconds=5)):
            run_worker()  # not due yet: nothing sent
        assert len(posts(server, "/ping")) == 1

        server.routes["/ping"] = XML_OK
        with time_machine.travel(retry.run_after + timedelta(seconds=1)):
            run_worker()
        for hours in range(1, 8):  # nothing more is ever sent
            with time_machine.travel(retry.run_after + timedelta(hours=hours)):
                run_worker()
    ping.refresh_from_db()
    assert (ping.status, ping.message, ping.attempts) == ("sent", "", 2)
    assert len(posts(server, "/ping")) == 2
    assert retries().count() == 1


@pytest.mark.django_db(transaction=True)
def test_403_is_not_retried(database_tasks):
    with LocalServer() as server:
        server.routes["/ping"] = (
            403,
            {"Content-Type": "text/xml"},
            b"<response><error>1</error><message>Pings from your host are blocked.</message>"
            b"</response>",
        )
        article = make_article(trackback_targets=server.url("/ping"))
        send_trackbacks.enqueue(article.pk)
        start = timezone.now()
        for hours in range(8):
            with time_machine.travel(start + timedelta(hours=hours)):
                run_worker()
        call_command("send_trackbacks", stdout=StringIO())
    ping = SentLinkback.objects.get()
    assert (ping.status, ping.message) == ("refused", "HTTP 403: Pings from your host are blocked.")
    assert len(posts(server, "/ping")) == 1
    assert not retries().exists()


@pytest.mark.django_db
def test_a_site_that_never_answers_well_is_failed_with_its_last_answer_after_the_bound():
    with LocalServer() as server:
        server.routes["/ping"] = (503, {"Content-Type": "text/plain"}, b"Maintenance")
        make_article(trackback_targets=server.url("/ping"))
        start = timezone.now()
        for hours in range(MAX_ATTEMPTS + 2):  # the cron catch-up, each run after the wait
            with time_machine.travel(start + timedelta(hours=2 * hours)):
                call_command("send_trackbacks", stdout=StringIO())
    ping = SentLinkback.objects.get()
    assert ping.status == "failed" and ping.attempts == MAX_ATTEMPTS
    assert ping.message == f"Gave up after {MAX_ATTEMPTS} tries; last answer: HTTP 503"
    assert len(posts(server, "/ping")) == MAX_ATTEMPTS


@pytest.mark.django_db
def test_an_editor_sends_one_target_again_by_hand(client, django_capture_on_commit_callbacks):
    with LocalServer() as server:
        server.routes["/a"] = (403, {}, b"")
        server.routes["/b"] = XML_OK
        article = make_article(trackback_targets=f"{server.url('/a')}\n{server.url('/b')}")
        send_trackbacks.enqueue(article.pk)  # tasks run on the spot here
        refused = SentLinkback.objects.get(target_url=server.url("/a"))
        assert refused.status == "refused"
        server.routes["/a"] = XML_OK  # the site's owner unblocked us
        log_in_staff(client, make_editor("desk"))
        change = reverse("admin:articles_article_change", args=[article.pk])
        page = client.get(change).content.decode()
        assert f'name="ping" value="{refused.pk}"' in page
        with django_capture_on_commit_callbacks(execute=True):  # the worker's part
            response = client.post(
                reverse("admin:articles_article_resend_ping", args=[article.pk]),
                {"ping": refused.pk},
            )
        assert response.status_code == 302 and response["Location"] == change
    refused.refresh_from_db()
    assert (refused.status, refused.attempts) == ("sent", 2)
    assert len(posts(server, "/a")) == 2 and len(posts(server, "/b")) == 1


@pytest.mark.django_db
def test_sending_again_is_refused_to_who_may_not_edit_and_for_unknown_targets(client):
    article = make_article(trackback_targets="https://a.example/p")
    other = make_article()
    ping = SentLinkback.objects.create(article=article, target_url="https://a.example/p")
    url = reverse("admin:articles_article_resend_ping", args=[other.pk])
    log_in_staff(client, make_editor("desk"))
    assert client.post(url, {"ping": ping.pk}).status_code == 404  # not this story's
    assert client.post(url, {"ping": "1e3"}).status_code == 404
    assert client.get(url).status_code == 405
    ping.refresh_from_db()
    assert ping.status == "pending" and ping.attempts == 0


@pytest.mark.django_db
def test_the_author_of_a_live_story_may_open_it_but_not_send_again(client):
    journalist = make_journalist("writer")
    article = make_article(author=journalist, trackback_targets="https://a.example/p")
    ping = SentLinkback.objects.create(
        article=article, target_url="https://a.example/p", status="refused", attempts=1
    )
    log_in_staff(client, journalist)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert page.status_code == 200  # to keep pending changes (the desk)
    assert 'name="ping"' not in page.content.decode()
    url = reverse("admin:articles_article_resend_ping", args=[article.pk])
    assert client.post(url, {"ping": ping.pk}).status_code == 403
    ping.refresh_from_db()
    assert (ping.status, ping.attempts) == ("refused", 1)
