"""Reader comments and trackbacks: one model, one moderation queue (as WordPress does)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article

from .rendering import comment_html


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def comments(self):
        return self.filter(kind=Comment.Kind.COMMENT)

    def trackbacks(self):
        return self.filter(kind=Comment.Kind.TRACKBACK)

    def in_thread(self):
        """Comments a reader sees in a thread: approved ones, and removed ones as placeholders."""
        return self.filter(status__in=[Comment.Status.APPROVED, Comment.Status.REMOVED])

    def in_moderation(self):
        return self.filter(status=Comment.Status.PENDING)

    def for_public_articles(self):
        return self.filter(article__in=Article.objects.published())


class Comment(models.Model):
    class Kind(models.TextChoices):
        COMMENT = "comment", "Comment"
        TRACKBACK = "trackback", "Trackback"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        REMOVED = "removed", "Removed"

    class Verification(models.TextChoices):
        UNCHECKED = "unchecked", "Not checked yet"
        LINKED = "linked", "Source links to the story"
        NO_LINK = "no_link", "Source does not link to the story"
        GONE = "gone", "Source not found (404/410)"
        UNREACHABLE = "unreachable", "Source could not be fetched"
        REFUSED = "refused", "Source address not allowed"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.COMMENT)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    # For a trackback: name is the blog's name, title the post's title, body its excerpt.
    name = models.CharField(max_length=250)
    email = models.EmailField(blank=True, help_text="Never shown publicly.")
    url = models.URLField(max_length=2000, blank=True)
    title = models.CharField(max_length=250, blank=True)
    body = models.TextField()
    # The body as HTML, made when the comment is saved (comments/rendering.py), never per view.
    body_rendered = models.TextField(blank=True, default="", editable=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING, db_index=True)
    moderation_reason = models.CharField(
        max_length=200, blank=True, help_text="Why the policy held or blocked it."
    )
    # Trackbacks only: which token sent it, and what checking its source found.
    token = models.ForeignKey(
        "linkbacks.TrackbackToken",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pings",
    )
    verification = models.CharField(max_length=12, choices=Verification, blank=True)
    verification_note = models.CharField(max_length=300, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        permissions = [("can_moderate", "Can moderate comments and trackbacks")]
        indexes = [
            models.Index(
                fields=["article", "kind", "status", "created_at"], name="comment_thread_idx"
            ),
            # A page of a story's thread (approved and removed comments, in time order) and its
            # counts, read from this index alone however long the thread grows.
            models.Index(
                fields=["article", "kind", "created_at", "id", "status"],
                condition=Q(status__in=["approved", "removed"]),
                name="comment_thread_page_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "url"],
                condition=Q(kind="trackback"),
                name="trackback_unique_url_per_article",
                violation_error_message="A trackback from this URL is already registered.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} by {self.name} on {self.article}"

    def save(self, *args, **kwargs):
        # Derived, so it lives with the row: every door that saves a comment passes here. A save
        # of other columns only (moderation, verification) leaves the stored HTML alone.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.body_rendered = comment_html(self.body)
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_rendered"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#c{self.pk}"

    @property
    def body_html(self) -> SafeString:
        """The stored HTML; rows written in bulk without it are rendered on the spot."""
        if self.body_rendered or not self.body:
            return mark_safe(self.body_rendered)  # noqa: S308 - escaped when it was stored
        return mark_safe(comment_html(self.body))  # noqa: S308 - escaped by comment_html

    @property
    def is_removed(self):
        return self.status == self.Status.REMOVED


class ModerationRule(models.Model):
    """A word or sender that editors hold or block; settings add defaults beside these rows."""

    class Kind(models.TextChoices):
        HOLD_WORD = "hold_word", "Hold for moderation: word or phrase"
        SPAM_WORD = "spam_word", "Mark as spam: word or phrase"
        BLOCKED_EMAIL = "blocked_email", "Mark as spam: email address"
        BLOCKED_IP = "blocked_ip", "Mark as spam: IP address"

    kind = models.CharField(max_length=20, choices=Kind)
    value = models.CharField(max_length=200)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            # Matching ignores case, so "Casino" and "casino" are one rule.
            models.UniqueConstraint("kind", Lower("value"), name="moderation_rule_unique"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"
