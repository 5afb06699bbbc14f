"""A mail server that hangs holds up the worker for the SMTP timeout, never a reader's request."""

import time

import pytest
from django.tasks import TaskResultStatus
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from tests.factories import comment_form_data, make_article, make_editor
from tests.operations.conftest import run_worker
from tests.operations.smtp_server import SilentSMTPServer, SMTPServer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def held_comment_post(client, settings, database_tasks):
    """Post a comment that is held for moderation, timed; answer (response, seconds)."""
    settings.COMMENTS_PREMODERATE = True
    make_editor("desk", email="desk@example.com")
    article = make_article(title="Harbour reopens", slug="harbour-reopens")
    url = reverse("comments:post", kwargs=article.url_kwargs())

    def post(body):
        start = time.monotonic()
        response = client.post(url, comment_form_data(article, body=body))
        return response, time.monotonic() - start

    return post


def test_a_silent_mail_server_never_holds_up_the_comment(held_comment_post, settings):
    with SilentSMTPServer() as silent:
        settings.MAILERS = silent.mailer(timeout=1)
        response, seconds = held_comment_post("Is the ferry running?")
        assert response.status_code == 302 and seconds < 1
        assert Comment.objects.get().status == Comment.Status.PENDING
        queued = DBTaskResult.objects.get()
        assert queued.task_name == "notify_moderators" and queued.status == TaskResultStatus.READY
        assert silent.connections == []  # the request never spoke to the mail server

        start = time.monotonic()
        run_worker()
        worker_seconds = time.monotonic() - start
    # The worker tried, waited out the SMTP timeout, and moved on.
    assert len(silent.connections) == 1
    assert 1 <= worker_seconds < 5
    queued.refresh_from_db()
    assert queued.status != TaskResultStatus.READY


def test_the_worker_sends_the_mail_later(held_comment_post, settings):
    with SMTPServer() as server:
        settings.MAILERS = server.mailer(timeout=5)
        response, seconds = held_comment_post("When does the ferry leave?")
        assert response.status_code == 302 and seconds < 1
        assert server.messages == []
        run_worker()
    assert len(server.messages) == 1
    assert "awaiting moderation" in server.messages[0]
    assert "When does the ferry leave?" in server.messages[0]
