"""Trackbacks with the real task queue: the ping is answered once stored, the worker checks the
source, and a source that cannot be reached is checked again later."""

from datetime import timedelta

import pytest
import time_machine
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from tests.factories import make_editor
from tests.http_server import LocalServer
from tests.linkbacks.pings import answer, body, html, ping
from tests.operations.conftest import closed_port, run_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sources_on_this_machine(settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True


def test_the_ping_is_answered_before_its_source_is_fetched(
    client, article, token, ping_url, database_tasks, sources_on_this_machine
):
    with LocalServer() as server:
        server.routes["/post"] = html([article.permalink])
        response = ping(client, ping_url, body(url=server.url("/post")), token=token)
        assert answer(response) == ("0", None)
        # Stored and queued; the source has not been asked anything yet.
        assert server.requests == []
        trackback = Comment.objects.trackbacks().get()
        assert trackback.verification == Comment.Verification.UNCHECKED
        assert DBTaskResult.objects.ready().get().task_path == "linkbacks.tasks.verify_trackback"

        run_worker()

    trackback.refresh_from_db()
    assert (trackback.status, trackback.verification) == ("approved", "linked")
    assert len(server.requests) == 1


def test_an_unreachable_source_is_checked_again_later(
    client, article, token, ping_url, database_tasks, sources_on_this_machine
):
    port = closed_port()
    source = f"http://127.0.0.1:{port}/post"
    assert answer(ping(client, ping_url, body(url=source), token=token)) == ("0", None)

    run_worker()
    trackback = Comment.objects.trackbacks().get()
    assert (trackback.status, trackback.verification) == ("pending", "unreachable")
    retry = DBTaskResult.objects.filter(status=TaskResultStatus.READY).get()
    assert retry.task_path == "linkbacks.tasks.verify_trackback"
    assert retry.run_after > trackback.verified_at + timedelta(seconds=25)

    # The blog comes back up on the same port before the next attempt is due.
    with LocalServer(port=port) as server:
        server.routes["/post"] = html([article.permalink])
        with time_machine.travel(retry.run_after + timedelta(seconds=1)):
            run_worker()

    trackback.refresh_from_db()
    assert (trackback.status, trackback.verification) == ("approved", "linked")
    retry.refresh_from_db()
    assert retry.status == TaskResultStatus.SUCCESSFUL
    assert not DBTaskResult.objects.failed().exists()


def test_editors_hear_once_of_a_trackback_whose_source_cannot_be_reached(
    client, article, token, ping_url, database_tasks, sources_on_this_machine, mailoutbox
):
    make_editor("desk", email="desk@example.com")
    source = f"http://127.0.0.1:{closed_port()}/post"
    assert answer(ping(client, ping_url, body(url=source), token=token)) == ("0", None)
    start = timezone.now()
    for hours in range(6):  # every retry falls due within the hour
        with time_machine.travel(start + timedelta(hours=hours)):
            run_worker()
    trackback = Comment.objects.trackbacks().get()
    assert (trackback.status, trackback.verification) == ("pending", "unreachable")
    assert [m.to for m in mailoutbox] == [["desk@example.com"]]
    assert "awaiting moderation" in mailoutbox[0].subject
    assert DBTaskResult.objects.failed().get().task_path == "linkbacks.tasks.verify_trackback"


def test_with_tasks_run_on_the_spot_editors_hear_of_an_unreachable_source(
    client,
    article,
    token,
    ping_url,
    sources_on_this_machine,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    make_editor("desk", email="desk@example.com")
    source = f"http://127.0.0.1:{closed_port()}/post"
    with django_capture_on_commit_callbacks(execute=True):
        assert answer(ping(client, ping_url, body(url=source), token=token)) == ("0", None)
    assert [m.to for m in mailoutbox] == [["desk@example.com"]]
