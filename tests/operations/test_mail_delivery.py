"""Mail under the reliability drills' faults (issue 25), through a real SMTP server on 127.0.0.1:
every message arrives, none is lost; a message sent again where the worker cannot know whether
the server took it is the same message (one Message-ID, which mail systems keep once); a live
worker's mail is never sent twice, by itself or by a second worker.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import formats, timezone
from django_tasks_db.models import DBTaskResult

from articles import roles
from comments.models import Comment
from comments.tasks import notify_moderators
from operations.models import WorkerHeartbeat
from tests.conftest import log_in_staff
from tests.factories import make_article, make_comment, make_editor, make_user
from tests.operations.conftest import run_worker
from tests.operations.smtp_server import SMTPServer
from tests.operations.tcp_forwarder import TcpForwarder
from tests.operations.test_worker_outages import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="worker processes share the queue through PostgreSQL (SQLite: one file)",
)


@pytest.fixture
def smtp(settings, database_tasks):
    with SMTPServer() as server:
        settings.MAILERS = server.mailer(timeout=10)
        yield server


@pytest.fixture
def held_comments():
    """Comments held for moderation, each with its moderation mail queued (none sent yet)."""
    make_editor("desk", email="desk@example.com")
    story = make_article(title="Harbour reopens", slug="harbour-reopens")

    def hold(count: int) -> list[Comment]:
        comments = [
            make_comment(story, status=Comment.Status.PENDING, body=f"Question {n}?")
            for n in range(count)
        ]
        for comment in comments:
            notify_moderators.enqueue(comment.pk)
        return comments

    return hold


def mail_tasks():
    return DBTaskResult.objects.filter(task_path="comments.tasks.notify_moderators")


def run_due_retries(until):
    """Run the worker at each waiting task's next attempt (on a clock the test moves), until
    `until(now)` holds or nothing waits; answer the time on that clock when it stopped."""
    now = timezone.now()
    while not until(now):
        waiting = mail_tasks().filter(status=TaskResultStatus.READY).order_by("run_after").first()
        if waiting is None:
            break
        now = max(now, waiting.run_after) + timedelta(seconds=1)
        with time_machine.travel(now, tick=False):
            run_worker()
    return now


def worker_env(settings, smtp, database_url, **extra) -> dict:
    return {
        **os.environ,
        "ENV_FILE": "",
        "DEBUG": "0",
        "DATABASE_URL": database_url,
        "SITE_URL": settings.SITE_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "EMAIL_TIMEOUT": "30",
        **extra,
    }


def database_url(port=None) -> str:
    db = connection.settings_dict
    host = "127.0.0.1" if port else db["HOST"] or "127.0.0.1"
    return f"postgres://{db['USER']}@{host}:{port or db['PORT'] or 5432}/{db['NAME']}"


def start_worker(env, worker_id: str) -> subprocess.Popen:
    command = ["manage.py", "db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.2"]
    return subprocess.Popen(
        [sys.executable, *command, "--worker-id", worker_id],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(workers) -> str:
    """Stop the workers; answer what they wrote to stderr."""
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    output = []
    for worker in workers:
        try:
            output.append(worker.communicate(timeout=30)[1])
        except subprocess.TimeoutExpired:
            worker.kill()
            output.append(worker.communicate(timeout=5)[1])
    return "\n".join(output)


# --- 18: a live worker's task is its own to finish


@postgresql_only
def test_two_workers_and_a_slow_mail_server_send_each_moderation_mail_once(
    settings, smtp, held_comments
):
    # The server takes 2.5 s over each message: longer than a worker's heartbeat may be old
    # (1 s) and than the time between its looks for abandoned tasks (0.3 s).
    smtp.after_data = lambda message: time.sleep(2.5)
    env = worker_env(
        settings,
        smtp,
        database_url(),
        WORKER_HEARTBEAT_SECONDS="0.2",
        WORKER_HEARTBEAT_MAX_AGE="1",
        WORKER_REQUEUE_SECONDS="0.3",
    )
    workers = [start_worker(env, f"mail-worker-{n}") for n in range(2)]
    try:
        assert wait_for(lambda: WorkerHeartbeat.objects.count() == 2, 60), (
            "the workers never started"
        )
        held_comments(6)
        done = wait_for(
            lambda: (
                mail_tasks().filter(status=TaskResultStatus.SUCCESSFUL).count() == 6
                and not mail_tasks().exclude(status=TaskResultStatus.SUCCESSFUL).exists()
            ),
            60,
        )
    finally:
        errors = stop(workers)
    assert done, errors[-3000:]
    assert len(smtp.messages) == 6, smtp.message_ids()
    assert len(smtp.message_ids()) == 6
    assert all(len(row.worker_ids) == 1 for row in mail_tasks())


# --- 19: a message sent again is the same message


def test_a_server_that_hangs_up_after_taking_the_mail_gets_the_same_message_again(
    smtp, held_comments
):
    # The worker cannot know whether the server took it: the retry sends it again, the same.
    smtp.hang_up_after_data = True
    held_comments(1)
    run_worker()
    assert len(smtp.messages) == 1
    smtp.hang_up_after_data = False
    run_due_retries(until=lambda now: len(smtp.messages) == 2)
    assert len(smtp.messages) == 2
    assert list(smtp.message_ids().values()) == [2]  # one Message-ID, twice
    assert not mail_tasks().filter(status=TaskResultStatus.FAILED).exists()


@postgresql_only
def test_a_worker_killed_while_sending_is_followed_by_the_same_message(
    settings, smtp, held_comments
):
    taken = threading.Event()
    release = threading.Event()

    def hold_the_answer(message):
        taken.set()
        release.wait(60)

    smtp.after_data = hold_the_answer
    worker = start_worker(worker_env(settings, smtp, database_url()), "killed-mid-send")
    try:
        held_comments(1)
        assert taken.wait(60), "the worker never sent the mail"
    finally:
        worker.send_signal(signal.SIGKILL)  # no goodbye: its heartbeat stops, the task RUNNING
        worker.wait(20)
        release.set()
    assert mail_tasks().get().status == TaskResultStatus.RUNNING

    # A minute later the killed worker counts as dead: the next worker sends the mail again.
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        run_worker()
    assert mail_tasks().get().status == TaskResultStatus.SUCCESSFUL
    assert len(smtp.messages) == 2
    assert list(smtp.message_ids().values()) == [2]


@postgresql_only
def test_a_database_lost_after_sending_costs_at_most_the_same_message_again(
    settings, smtp, held_comments
):
    with TcpForwarder(connection.settings_dict["PORT"] or 5432) as database:
        # The server takes the mail and the database goes away before the task is marked done.
        smtp.after_data = lambda message: database.cut("refused")
        env = worker_env(
            settings, smtp, database_url(database.port), WORKER_HEARTBEAT_SECONDS="0.5"
        )
        worker = start_worker(env, "loses-the-database")
        try:
            assert wait_for(WorkerHeartbeat.objects.exists, 60), "the worker never started"
            held_comments(1)
            assert wait_for(lambda: len(smtp.messages) == 1, 60), "the worker never sent the mail"
            smtp.after_data = None
            time.sleep(2)  # the worker notices, and waits the outage out
            database.restore()
            done = wait_for(lambda: mail_tasks().get().status == TaskResultStatus.SUCCESSFUL, 90)
        finally:
            errors = stop([worker])
    assert done, errors[-3000:]
    assert "Database unavailable" in errors
    assert len(smtp.message_ids()) == 1  # perhaps twice, but one message: the copy is dropped


# --- 20: mail waits for a mail server that refuses it for long


def test_mail_waits_out_a_long_refusal_and_editors_see_it_waiting(
    client, settings, smtp, held_comments
):
    settings.MAIL_RETRY_MAX_DELAY = 120
    smtp.refusing = True  # 451 to every message for 10 minutes (on the test's clock)
    held_comments(3)
    start = timezone.now()
    run_worker()
    stopped = run_due_retries(until=lambda now: now > start + timedelta(minutes=10))
    assert stopped > start + timedelta(minutes=10)
    assert smtp.messages == [] and smtp.refused > 3 * 5  # more than 5 tries each, none lost
    assert not mail_tasks().filter(status=TaskResultStatus.FAILED).exists()
    waiting = mail_tasks().filter(status=TaskResultStatus.READY)
    assert waiting.count() == 3
    # Never more than MAIL_RETRY_MAX_DELAY between two tries.
    assert all(row.run_after - row.enqueued_at <= timedelta(seconds=121) for row in waiting)

    # Editors see the mail waiting on the desk, and when it is tried next in the task list.
    call_command("setup_roles", stdout=StringIO())
    editor = make_user("editor", is_staff=True, groups=[Group.objects.get(name=roles.EDITORS)])
    log_in_staff(client, editor)
    with time_machine.travel(stopped, tick=False):
        index = client.get(reverse("admin:index")).content.decode()
        listing = client.get(
            reverse("admin:django_tasks_database_dbtaskresult_changelist"),
            {"status__exact": "READY"},
        ).content.decode()
    assert 'Background tasks waiting to run later: <strong class="desk-count">3</strong>' in index
    assert "next attempt" in listing.lower()
    next_attempt = waiting.order_by("run_after").first().run_after
    assert formats.localize(timezone.template_localtime(next_attempt)) in listing

    # The server takes mail again: each moderation mail arrives, once.
    smtp.refusing = False
    run_due_retries(until=lambda now: len(smtp.messages) == 3)
    assert len(smtp.messages) == 3 and len(smtp.message_ids()) == 3
    assert not mail_tasks().exclude(status=TaskResultStatus.SUCCESSFUL).exists()


def test_mail_refused_for_longer_than_mail_retry_days_fails_for_good(settings, smtp, held_comments):
    settings.MAIL_RETRY_DAYS = 1
    settings.MAIL_RETRY_MAX_DELAY = 3600
    smtp.refusing = True
    held_comments(1)
    start = timezone.now()
    run_worker()
    stopped = run_due_retries(until=lambda now: False)
    assert timedelta(hours=23) < stopped - start <= timedelta(days=1, minutes=1)
    assert mail_tasks().filter(status=TaskResultStatus.FAILED).count() == 1
    assert not mail_tasks().filter(status=TaskResultStatus.READY).exists()


def test_a_mail_the_server_refuses_for_good_is_not_tried_again(settings, smtp, held_comments):
    smtp.refusing = True
    smtp.refusal = "550 5.7.1 this message is not accepted here"
    held_comments(1)
    run_worker()
    assert smtp.refused == 1 and smtp.messages == []
    assert mail_tasks().filter(status=TaskResultStatus.FAILED).count() == 1
    assert not mail_tasks().filter(status=TaskResultStatus.READY).exists()


def test_a_message_id_for_a_site_at_an_ipv6_address_is_well_formed(settings):
    from email.headerregistry import HeaderRegistry

    from operations.tasks import job_message_id

    settings.SITE_URL = "http://[::1]:8000"
    message_id = job_message_id()
    assert message_id.endswith("@[::1]>")
    parsed = HeaderRegistry()("Message-ID", message_id)
    assert not parsed.defects, parsed.defects
