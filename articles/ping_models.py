"""Outgoing trackbacks: the record of what each target answered (sent by articles/tasks.py).

Its own module so that `articles.models` stays readable; `articles.models` re-exports it.
"""

from django.db import models


class TrackbackPing(models.Model):
    """One outgoing trackback: a story telling another page that it links to it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Not sent yet"
        SENT = "sent", "Accepted"
        REFUSED = "refused", "Refused by the site"
        FAILED = "failed", "Could not be sent"
        UNREACHABLE = "unreachable", "Site unreachable; trying again"

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="pings_sent"
    )
    target_url = models.URLField(max_length=2000)
    ping_url = models.URLField(max_length=2000, blank=True)
    status = models.CharField(max_length=12, choices=Status, default=Status.PENDING)
    message = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "target_url"], name="ping_once_per_target"),
        ]

    def __str__(self):
        return f"{self.article} → {self.target_url}"
