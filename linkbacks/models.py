"""The record of each linkback a story sends: what each target answered, and when to try again."""

from django.db import models


class TrackbackPing(models.Model):
    """One outgoing linkback (TrackBack, Pingback or Webmention): a story telling another page
    that it links to it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Not sent yet"
        SENT = "sent", "Accepted"
        REFUSED = "refused", "Refused by the site"
        FAILED = "failed", "Could not be sent"
        UNREACHABLE = "unreachable", "No answer yet; trying again"
        NONE = "none", "The page takes no linkbacks"

    class Protocol(models.TextChoices):
        TRACKBACK = "trackback", "TrackBack"
        PINGBACK = "pingback", "Pingback"
        WEBMENTION = "webmention", "Webmention"

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="pings_sent"
    )
    target_url = models.URLField(max_length=2000)
    ping_url = models.URLField(max_length=2000, blank=True)
    status = models.CharField(max_length=12, choices=Status, default=Status.PENDING)
    message = models.CharField(max_length=500, blank=True)
    protocol = models.CharField(max_length=10, choices=Protocol, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # Not before then: the site asked us to wait (Retry-After).
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "target_url"], name="ping_once_per_target"),
        ]

    def __str__(self):
        return f"{self.article} → {self.target_url}"
