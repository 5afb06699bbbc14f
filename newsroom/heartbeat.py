"""The task worker's sign of life: one row per running worker, refreshed every few seconds."""

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# A worker killed without a goodbye leaves its row; rows this old are dropped by the next beat.
FORGOTTEN_AFTER = timedelta(days=1)


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
        self._thread: threading.Thread | None = None

    def __enter__(self):
        heartbeat_record(worker_id=self.worker_id, started_at=self.started_at)
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

    def _beat(self):
        failing = False
        while not self._stop.wait(settings.WORKER_HEARTBEAT_SECONDS):
            try:
                heartbeat_record(worker_id=self.worker_id, started_at=self.started_at)
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
