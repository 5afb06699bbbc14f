"""The database task queue and its worker: queued work waits for the worker, which runs it,
retries passing faults with growing delays, and leaves final failures where editors see them."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.tasks import TaskResultStatus, task
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import roles
from operations.models import WorkerHeartbeat
from operations.tasks import TransientError, retry_with_backoff
from tests.conftest import log_in_staff
from tests.factories import make_journalist, make_user
from tests.operations.conftest import run_worker

# The worker runs outside any transaction, as in production (it closes stale connections).
pytestmark = pytest.mark.django_db(transaction=True)

calls: list[tuple] = []


@pytest.fixture(autouse=True)
def _forget_calls():
    calls.clear()


@task
def record(word: str) -> str:
    calls.append(("record", word, WorkerHeartbeat.objects.count()))
    return word.upper()


@task
@retry_with_backoff(attempts=3, base_delay=30)
def flaky(word: str, failures: int) -> str:
    calls.append(("flaky", word))
    if len(calls) <= failures:
        raise ConnectionRefusedError(f"try {len(calls)} refused")
    return word


@task
@retry_with_backoff(attempts=3)
def judges_itself(word: str) -> None:
    calls.append(("judges_itself", word))
    raise TransientError("source unreachable")


@task
@retry_with_backoff(attempts=3)
def broken(word: str) -> None:
    calls.append(("broken", word))
    raise ValueError("a bug, not a passing fault")


def test_queued_work_waits_for_the_worker_which_runs_it(database_tasks):
    result = record.enqueue("hello")
    assert calls == []
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY

    run_worker()

    # It ran in the worker, which had its heartbeat recorded meanwhile, removed on exit.
    assert calls == [("record", "hello", 1)]
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == "HELLO"
    assert not WorkerHeartbeat.objects.exists()


def test_a_passing_fault_is_retried_later_with_growing_delays(database_tasks):
    first = flaky.enqueue("ping", failures=2)
    start = timezone.now()
    run_worker()
    assert calls == [("flaky", "ping")]
    first.refresh()
    assert first.status == TaskResultStatus.SUCCESSFUL and first.return_value["retried"]
    assert first.return_value["error"] == "ConnectionRefusedError: try 1 refused"
    second = DBTaskResult.objects.get(pk=first.return_value["next_attempt"])
    assert second.status == TaskResultStatus.READY
    assert timedelta(seconds=29) < second.run_after - start < timedelta(seconds=35)

    run_worker()  # not due yet: nothing runs
    assert len(calls) == 1

    with time_machine.travel(second.run_after + timedelta(seconds=1)):
        run_worker()
        second.refresh_from_db()
        third = DBTaskResult.objects.get(pk=second.return_value["next_attempt"])
        # The second delay is twice the first.
        assert timedelta(seconds=59) < third.run_after - timezone.now() < timedelta(seconds=61)
    with time_machine.travel(third.run_after + timedelta(seconds=1)):
        run_worker()
    third.refresh_from_db()
    assert third.status == TaskResultStatus.SUCCESSFUL and third.return_value == "ping"
    assert len(calls) == 3
    assert not DBTaskResult.objects.failed().exists()


def test_the_last_attempt_fails_for_good_and_editors_see_it(client, database_tasks):
    judges_itself.enqueue("source")
    start = timezone.now()
    for hours in range(3):  # each retry is due within the hour
        with time_machine.travel(start + timedelta(hours=hours)):
            run_worker()
    assert len(calls) == 3
    failed = DBTaskResult.objects.failed().get()
    assert failed.exception_class_path == "operations.tasks.TransientError"
    assert "source unreachable" in failed.traceback
    assert DBTaskResult.objects.successful().count() == 2  # the attempts that queued a retry
    assert not DBTaskResult.objects.ready().exists()

    # An editor (the role, not a superuser) sees the count on the desk and reads the failure.
    call_command("setup_roles", stdout=StringIO())  # this test's database was emptied first
    editor = make_user("desk", is_staff=True, groups=[Group.objects.get(name=roles.EDITORS)])
    log_in_staff(client, editor)
    index = client.get(reverse("admin:index")).content.decode()
    assert 'Background tasks failed: <strong class="desk-count">1</strong>' in index
    change = reverse("admin:django_tasks_database_dbtaskresult_change", args=[failed.pk])
    page = client.get(change)
    assert page.status_code == 200 and "source unreachable" in page.content.decode()
    assert client.post(change, {}).status_code == 403  # read-only

    log_in_staff(client, make_journalist())
    assert "Background tasks failed" not in client.get(reverse("admin:index")).content.decode()
    assert client.get(change).status_code == 403


def test_other_errors_fail_at_once(database_tasks):
    broken.enqueue("x")
    run_worker()
    assert calls == [("broken", "x")]
    failed = DBTaskResult.objects.get()
    assert failed.status == TaskResultStatus.FAILED
    assert failed.exception_class_path == "builtins.ValueError"


def test_without_a_queue_that_can_wait_the_error_is_recorded_at_once():
    result = flaky.enqueue("now", failures=5)  # the tests' immediate backend
    assert result.status == TaskResultStatus.FAILED
    assert calls == [("flaky", "now")]
    assert not DBTaskResult.objects.exists()
