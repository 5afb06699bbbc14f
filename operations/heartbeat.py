"""The task worker's sign of life: one row per running worker, refreshed every few seconds.

A worker that stops beating (killed, its machine lost) leaves the task it was running marked
RUNNING; the live workers put such tasks back in the queue (at start and every
WORKER_REQUEUE_SECONDS). A task may so run twice: tasks are written to bear that.
"""

import logging
import os
import socket
import threading
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# A worker killed without a goodbye leaves its row; rows this old are dropped by the next beat.
FORGOTTEN_AFTER = timedelta(days=1)
# A task that was running each time its worker died this many times is failed, not run again.
MAX_WORKERS_LOST = 3


class WorkerLost(Exception):
    """The workers running this task kept dying: it is not run again."""


@transaction.atomic
def heartbeat_record(*, worker_id: str, started_at: datetime) -> WorkerHeartbeat:
    """Record that this worker is alive now, and forget workers long gone."""
    now = timezone.now()
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"beat_at": now},
        create_defaults={
            "beat_at": now,
            "started_at": started_at,
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
        },
    )
    WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGOTTEN_AFTER).delete()
    return beat


@transaction.atomic
def heartbeat_remove(*, worker_id: str) -> None:
    """Say goodbye: a worker that stopped cleanly is not ready a second longer."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


@transaction.atomic
def task_results_requeue_abandoned(
    *, max_age: float, restarting_worker_id: str | None = None
) -> int:
    """Queue again the running tasks of workers without a fresh heartbeat; answer how many.

    Only tasks started more than `max_age` seconds ago count, except those of
    `restarting_worker_id`, a worker starting again (after a database outage) that runs nothing.
    """
    now = timezone.now()
    live = set(WorkerHeartbeat.objects.fresh(max_age=max_age).values_list("worker_id", flat=True))
    live.discard(restarting_worker_id)
    started_before = now - timedelta(seconds=max_age)
    requeued = 0
    for result in DBTaskResult.objects.running().select_for_update(skip_locked=True):
        worker_id = result.worker_ids[-1] if result.worker_ids else None
        restarting = worker_id is not None and worker_id == restarting_worker_id
        if not restarting and (
            worker_id in live or result.started_at is None or result.started_at >= started_before
        ):
            continue
        if len(result.worker_ids) >= MAX_WORKERS_LOST:
            logger.warning(
                "Task %s (%s) failed: %s workers running it died",
                result.id,
                result.task_path,
                len(result.worker_ids),
            )
            result.set_failed(WorkerLost(f"{len(result.worker_ids)} workers running it died"))
            continue
        logger.warning(
            "Task %s (%s) queued again: its worker %s stopped",
            result.id,
            result.task_path,
            worker_id,
        )
        result.status, result.started_at = TaskResultStatus.READY, None
        result.save(update_fields=["status", "started_at"])
        requeued += 1
    return requeued


class Heartbeat:
    """Beat once on entering, then every WORKER_HEARTBEAT_SECONDS from a thread; remove on exit.

    The thread only proves that the worker process lives; a task that runs long is bounded by
    its own timeouts (mail, fetches), well inside WORKER_HEARTBEAT_MAX_AGE.
    """

    def __init__(self, *, worker_id: str, background: bool = True):
        self.worker_id = worker_id
        self.background = background
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._requeued_at = 0.0
        self._thread: threading.Thread | None = None

    def __enter__(self):
        heartbeat_record(worker_id=self.worker_id, started_at=self.started_at)
        # Starting (again, after a database outage), this worker runs nothing: a task still
        # marked as its own was cut short, and is queued again at once.
        self._requeue_abandoned(restarting=True)
        if self.background:
            self._thread = threading.Thread(target=self._beat, name="heartbeat", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        try:
            heartbeat_remove(worker_id=self.worker_id)
        except DatabaseError:
            logger.warning("Could not remove the heartbeat of worker %s", self.worker_id)

    def _requeue_abandoned(self, *, restarting: bool = False):
        # Once started, the task this worker runs is its own to finish: never queued again.
        task_results_requeue_abandoned(
            max_age=settings.WORKER_HEARTBEAT_MAX_AGE,
            restarting_worker_id=self.worker_id if restarting else None,
        )
        self._requeued_at = time.monotonic()

    def _beat(self):
        failing = False
        while not self._stop.wait(settings.WORKER_HEARTBEAT_SECONDS):
            try:
                heartbeat_record(worker_id=self.worker_id, started_at=self.started_at)
                if time.monotonic() - self._requeued_at >= settings.WORKER_REQUEUE_SECONDS:
                    self._requeue_abandoned()
            except DatabaseError as error:
                if not failing:  # once per outage, not every few seconds
                    logger.warning("Worker heartbeat not recorded: %s", error)
                failing = True
            else:
                if failing:
                    logger.warning("Worker heartbeat recorded again")
                failing = False
            finally:
                # Hand the connection back between beats (this thread has its own).
                close_old_connections()
                connection.close()
