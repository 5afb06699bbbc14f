import contextlib
import logging
import os
import signal
import time

from django.db import DatabaseError, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from operations.heartbeat import Heartbeat

logger = logging.getLogger("newsroom.worker")
SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
# While the database is away the worker waits 1, 2, 4 ... seconds between tries, at most this.
MAX_OUTAGE_WAIT = 30


class Command(db_worker.Command):
    help = (
        "Run the background task worker (django-tasks-db's) and keep its heartbeat fresh for "
        "/readyz; it waits out database outages. --batch runs what is due, then exits."
    )

    def handle(self, *args, worker_id, batch, reload, **options):
        # With --reload, this process only restarts a child that does the work (and the beating).
        reloader_parent = reload and not batch and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if reloader_parent:
            return super().handle(*args, worker_id=worker_id, batch=batch, reload=reload, **options)
        handlers = {signum: signal.getsignal(signum) for signum in SIGNALS}
        wait = 1
        try:
            while True:
                started = time.monotonic()
                try:
                    with Heartbeat(worker_id=worker_id, background=not batch):
                        super().handle(
                            *args, worker_id=worker_id, batch=batch, reload=reload, **options
                        )
                    return None
                except DatabaseError as error:
                    # A worker that died with the database would leave queued work behind it
                    # after the database came back: wait, then work again.
                    if batch:
                        raise
                    if time.monotonic() - started > 2 * MAX_OUTAGE_WAIT:
                        wait = 1  # a new outage, not the same one going on
                    logger.warning(
                        "Database unavailable (%s); the worker tries again in %s s",
                        str(error).splitlines()[0] if str(error) else type(error).__name__,
                        wait,
                    )
                    with contextlib.suppress(DatabaseError):
                        connections.close_all()
                    time.sleep(wait)
                    wait = min(wait * 2, MAX_OUTAGE_WAIT)
        finally:
            # The worker installs its own handlers; whoever called us (a test) gets theirs back.
            for signum, handler in handlers.items():
                signal.signal(signum, handler)
