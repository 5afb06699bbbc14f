import os
import signal

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from newsroom.heartbeat import Heartbeat

SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]


class Command(db_worker.Command):
    help = (
        "Run the background task worker (django-tasks-db's) and keep its heartbeat fresh for "
        "/readyz. --batch runs what is due, then exits."
    )

    def handle(self, *args, worker_id, batch, reload, **options):
        # With --reload, this process only restarts a child that does the work (and the beating).
        reloader_parent = reload and not batch and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if reloader_parent:
            return super().handle(*args, worker_id=worker_id, batch=batch, reload=reload, **options)
        handlers = {signum: signal.getsignal(signum) for signum in SIGNALS}
        try:
            with Heartbeat(worker_id=worker_id, background=not batch):
                super().handle(*args, worker_id=worker_id, batch=batch, reload=reload, **options)
        finally:
            # The worker installs its own handlers; whoever called us (a test) gets theirs back.
            for signum, handler in handlers.items():
                signal.signal(signum, handler)
