"""The linkbacks' records: each ping a story sent, personal TrackBack tokens, verified sites.

Pings received are `comments.Comment` rows (kind trackback): they are shown in the story's
discussion and moderated with its comments.
"""

from django.conf import settings
from django.db import models


class SentLinkback(models.Model):
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
        db_table = "articles_trackbackping"  # the table it had in `articles`
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "target_url"], name="ping_once_per_target"),
        ]

    def __str__(self):
        return f"{self.article} → {self.target_url}"


class TrackbackToken(models.Model):
    """A user's personal credential for sending trackbacks from software or a blog engine.

    The database keeps a hash for look-ups and a random seed; the token itself is an HMAC of the
    seed under SECRET_KEY, so a copy of the database alone reveals no token, while the site can
    still show a user their own personal ping URL.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trackback_tokens"
    )
    name = models.CharField(max_length=100, default="Personal token")
    seed = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "comments_trackbacktoken"  # the table it had in `comments`
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.user})"

    @property
    def is_active(self):
        return self.revoked_at is None


class VerifiedSite(models.Model):
    """A web site (an origin) a user says is theirs; once proved, its Webmentions and Pingbacks
    count as that user's authenticated trackbacks (see linkbacks/site_proof.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verified_sites"
    )
    origin = models.CharField(max_length=300, help_text="scheme://host[:port]")
    code = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    check_note = models.CharField(max_length=300, blank=True, editable=False)
    verified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        db_table = "comments_verifiedsite"  # the table it had in `comments`
        ordering = ["origin", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "origin"], name="site_once_per_user"),
        ]
        indexes = [models.Index(fields=["origin", "verified_at"], name="site_origin_idx")]

    def __str__(self):
        return f"{self.origin} ({self.user})"

    @property
    def is_verified(self):
        return self.verified_at is not None
