"""Tasks outlive the worker that ran them: a dead worker's task is queued again, a database error
inside a task is retried like any passing fault."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import InterfaceError, OperationalError, connection
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from operations.heartbeat import Heartbeat, heartbeat_record
from operations.tasks import retry_with_backoff
from tests.operations.conftest import run_worker

# The worker runs outside any transaction, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
calls: list[str] = []


@pytest.fixture(autouse=True)
def _forget_calls():
    calls.clear()


@task
def record(word: str) -> str:
    calls.append(word)
    return word


@task
def linger(marker: str) -> str:
    """Hang the first time (until the worker is killed); finish at once when run again."""
    path = Path(marker)
    if not path.exists():
        path.touch()
        time.sleep(120)
    return "finished"


@task
@retry_with_backoff(attempts=3)
def loses_the_database(kind: str) -> None:
    calls.append(kind)
    raise {"operational": OperationalError, "interface": InterfaceError}[kind]("connection lost")


def claimed(result, *, by: list[str], seconds_ago: float) -> DBTaskResult:
    """Mark a queued task as taken by workers `by` (the last one still on it) that long ago."""
    row = DBTaskResult.objects.get(pk=result.id)
    started_at = timezone.now() - timedelta(seconds=seconds_ago)
    DBTaskResult.objects.filter(pk=row.pk).update(
        status=TaskResultStatus.RUNNING, worker_ids=by, started_at=started_at
    )
    return row


def queued_again_soon(result, seconds: float = 10) -> bool:
    """Whether a running worker's heartbeat thread queues the task again within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.READY:
            return True
        time.sleep(0.05)
    return False


def test_the_task_of_a_worker_that_stopped_beating_runs_again(database_tasks):
    result = record.enqueue("again")
    # The worker was killed 5 minutes ago, in the middle of the task: its last beat is that old.
    with time_machine.travel(timezone.now() - timedelta(minutes=5)):
        heartbeat_record(worker_id="killed", started_at=timezone.now())
    claimed(result, by=["killed"], seconds_ago=300)

    run_worker()
    result.refresh()
    assert calls == ["again"]
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.worker_ids[0] == "killed" and len(result.worker_ids) == 2


def test_the_task_of_a_live_worker_is_left_running(database_tasks):
    result = record.enqueue("long job")
    heartbeat_record(worker_id="busy", started_at=timezone.now())  # beating right now
    claimed(result, by=["busy"], seconds_ago=600)
    run_worker()
    result.refresh()
    assert calls == [] and result.status == TaskResultStatus.RUNNING


def test_a_task_taken_moments_ago_is_left_running(database_tasks):
    result = record.enqueue("just claimed")
    claimed(result, by=["no-heartbeat-yet"], seconds_ago=5)
    run_worker()
    result.refresh()
    assert calls == [] and result.status == TaskResultStatus.RUNNING


def test_a_task_that_took_three_workers_down_fails_for_good(database_tasks):
    result = record.enqueue("poison")
    claimed(result, by=["w1", "w2", "w3"], seconds_ago=300)
    run_worker()
    row = DBTaskResult.objects.get(pk=result.id)
    assert calls == [] and row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "operations.heartbeat.WorkerLost"
    assert "3 workers running it died" in row.traceback


def test_a_worker_starting_again_after_an_outage_queues_its_own_task_again(database_tasks):
    result = record.enqueue("interrupted")
    claimed(result, by=["w-outage"], seconds_ago=5)  # the database went away mid-task
    with Heartbeat(worker_id="w-outage", background=False):  # what db_worker does on return
        assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.READY


def test_a_running_worker_looks_again_every_few_minutes(settings, database_tasks):
    settings.WORKER_HEARTBEAT_SECONDS = 0.05
    settings.WORKER_REQUEUE_SECONDS = 0.1
    with Heartbeat(worker_id="beating", background=True):
        result = record.enqueue("later")
        claimed(result, by=["gone"], seconds_ago=300)  # abandoned after this worker started
        assert queued_again_soon(result)


def test_a_running_worker_never_queues_its_own_running_task_again(settings, database_tasks):
    settings.WORKER_HEARTBEAT_SECONDS = 0.05
    settings.WORKER_REQUEUE_SECONDS = 0.1
    with Heartbeat(worker_id="busy", background=True):
        own = record.enqueue("slow mail")
        claimed(own, by=["busy"], seconds_ago=300)  # this worker's task, running five minutes
        lost = record.enqueue("lost")
        claimed(lost, by=["gone"], seconds_ago=300)
        # The look that queues the dead worker's task again sees this worker's own task too.
        assert queued_again_soon(lost)
        assert DBTaskResult.objects.get(pk=own.id).status == TaskResultStatus.RUNNING


@pytest.mark.parametrize("kind", ["operational", "interface"])
def test_a_database_error_in_a_task_is_retried(database_tasks, kind):
    first = loses_the_database.enqueue(kind)
    run_worker()
    first.refresh()
    assert calls == [kind]
    assert first.status == TaskResultStatus.SUCCESSFUL and first.return_value["retried"]
    assert first.return_value["error"].endswith("Error: connection lost")
    retry = DBTaskResult.objects.get(pk=first.return_value["next_attempt"])
    assert retry.status == TaskResultStatus.READY


def test_a_killed_worker_s_task_is_run_by_the_next_worker(database_tasks, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("a worker in another process needs a database it can reach")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "ENV_FILE": "", "DATABASE_URL": url, "DEBUG": "0"}
    marker = tmp_path / "started"
    result = linger.enqueue(str(marker))
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.1)
        assert marker.exists(), worker.stderr.read().decode()[-2000:] if worker.poll() else ""
    finally:
        worker.send_signal(signal.SIGKILL)  # no goodbye: the heartbeat row and RUNNING stay
        worker.wait(20)
    result.refresh()
    assert result.status == TaskResultStatus.RUNNING

    run_worker()  # a minute later than this the killed worker counts as dead; not yet
    result.refresh()
    assert result.status == TaskResultStatus.RUNNING
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        run_worker()
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == "finished"
    assert len(result.worker_ids) == 2
