"""Two real workers (`manage.py db_worker` processes) on one PostgreSQL queue: every task runs
once, and a job queued twice (by two app servers, say) has its effect once.

The local server answering the workers holds each request until a second one arrives (or a few
seconds pass), so that two runs of the same job overlap whenever both get that far.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from delivery.purge import frontend_purge
from linkbacks.models import SentLinkback
from linkbacks.tasks import send_trackbacks, verify_trackback
from operations.models import WorkerHeartbeat
from tests.factories import make_article, make_trackback
from tests.http_server import LocalServer

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
TASKS = 40
WAIT_FOR_ALL = 90  # seconds the test gives the workers before it stops them and fails


def _held_until_a_second_arrives(answer):
    """A route that keeps the first request until a second one comes (at most 3 s)."""
    arrivals = threading.Condition()
    count = [0]

    def route(method, path, headers, body):
        with arrivals:
            count[0] += 1
            arrivals.notify_all()
            arrivals.wait_for(lambda: count[0] >= 2, timeout=3)
        return answer

    return route


def _workers(env, count=2):
    command = [
        sys.executable,
        "manage.py",
        "db_worker",
        "--no-startup-delay",
        "--no-reload",
        "--interval",
        "0.2",
    ]
    return [
        subprocess.Popen(
            [*command, "--worker-id", f"test-worker-{n}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for n in range(count)
    ]


def _stop(workers):
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(5)


def _unfinished():
    return DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).count()


def test_two_workers_run_each_task_once_and_a_job_queued_twice_has_its_effect_once(
    database_tasks, settings
):
    if connection.vendor != "postgresql":
        pytest.skip(
            "two worker processes share the queue through PostgreSQL (SQLite: one file, "
            "no row locks to skip)"
        )
    with LocalServer() as server:
        story = make_article(slug="harbour-reopens")
        settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
        source = f'<html><body><a href="{story.permalink}">the story</a></body></html>'.encode()
        server.routes.update(
            {
                # A page named in the story's "send trackbacks to": it takes a TrackBack.
                "/target/": _held_until_a_second_arrives(
                    (
                        200,
                        {"Content-Type": "text/xml"},
                        b'<?xml version="1.0"?><response><error>0</error></response>',
                    )
                ),
                # A trackback's source, which links to the story.
                "/source/": _held_until_a_second_arrives(
                    (200, {"Content-Type": "text/html"}, source)
                ),
            }
        )
        trackback = make_trackback(story, server.url("/source/"))
        DBTaskResult.objects.all().delete()  # what the builders queued (a purge: none set)

        story.trackback_targets = server.url("/target/")
        type(story).objects.filter(pk=story.pk).update(trackback_targets=story.trackback_targets)
        db = connection.settings_dict
        host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        url = f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}"
        env = {
            **os.environ,
            "ENV_FILE": "",
            "DEBUG": "0",
            "DATABASE_URL": url,
            "SITE_URL": settings.SITE_URL,
            "FRONTEND_PURGE_URL": server.url("").rstrip("/"),
            "TRACKBACK_ALLOW_PRIVATE_SOURCES": "1",
            "TRACKBACKS_PREMODERATE": "1",
        }
        workers = _workers(env)
        try:
            # Both workers wait for work (their heartbeats are recorded), then it comes: the
            # same jobs twice each first, so that the two take one copy each at once.
            deadline = time.monotonic() + WAIT_FOR_ALL
            while WorkerHeartbeat.objects.count() < 2 and time.monotonic() < deadline:
                assert all(worker.poll() is None for worker in workers)
                time.sleep(0.1)
            for _ in range(2):
                verify_trackback.enqueue(trackback.pk)
            for _ in range(2):
                send_trackbacks.enqueue(story.pk)
            for n in range(TASKS):
                frontend_purge.enqueue([f"/page/{n}/"])
            while _unfinished() and time.monotonic() < deadline:
                if any(worker.poll() is not None for worker in workers):
                    break
                time.sleep(0.2)
            died = [w.stderr.read().decode()[-2000:] for w in workers if w.poll() is not None]
            assert not died, died
            assert _unfinished() == 0, "the workers did not finish in time"
        finally:
            _stop(workers)

    # Both workers took part, and no task ran twice (a task row is taken by one worker).
    results = DBTaskResult.objects.all()
    assert {row.worker_ids[-1] for row in results} == {"test-worker-0", "test-worker-1"}
    assert all(len(row.worker_ids) == 1 for row in results)
    assert all(row.status == TaskResultStatus.SUCCESSFUL for row in results)
    requests = Counter((method, path) for method, path, _, _ in server.requests)
    # Every purge reached the front cache exactly once.
    for n in range(TASKS):
        assert requests[("PURGE", f"/page/{n}/")] == 1
    # The ping queued twice told its target once (a claim on the ping's row).
    assert requests[("POST", "/target/")] == 1
    assert story.pings_sent.get().status == SentLinkback.Status.SENT
    # The check queued twice (both may read the source): one verdict, editors told once.
    trackback.refresh_from_db()
    assert trackback.verification == Comment.Verification.LINKED
    assert trackback.status == Comment.Status.PENDING  # premoderated: waits for an editor
    notified = DBTaskResult.objects.filter(task_path="comments.tasks.notify_moderators")
    assert notified.count() == 1
