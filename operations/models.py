from datetime import timedelta

from django.db import models
from django.utils import timezone


class WorkerHeartbeatQuerySet(models.QuerySet):
    def fresh(self, *, max_age: float) -> "WorkerHeartbeatQuerySet":
        """Heartbeats written in the last `max_age` seconds."""
        return self.filter(beat_at__gte=timezone.now() - timedelta(seconds=max_age))


class WorkerHeartbeat(models.Model):
    """The last sign of life of one running task worker; /readyz reads the newest."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    objects = WorkerHeartbeatQuerySet.as_manager()

    class Meta:
        db_table = "newsroom_workerheartbeat"  # made by the `newsroom` app, before the move

    def __str__(self):
        return f"worker {self.worker_id} on {self.hostname} (pid {self.pid})"
