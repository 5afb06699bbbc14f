"""The desk's rows beside the story: old addresses that answer 301, words not yet public
(pending changes on a live story, autosaved form text) and images inserted into bodies.

Each is written only by the services in `articles.desk`; `articles.models` re-exports them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ..body_images import body_image_reference, body_image_upload_to


class DeskQuerySet:
    """The desk's reads of stories, mixed into ArticleQuerySet (`Article.objects...`)."""

    def returned_to(self, user):
        """`user`'s drafts an editor sent back with a note they have not answered yet."""
        open_notes = ReviewNote.objects.filter(resolved_at=None).values("article_id")
        return self.filter(author=user, status=self.model.Status.DRAFT, pk__in=open_notes)

    def with_pending_changes(self):
        """Live stories with changes kept aside for an editor to publish."""
        pending = DraftRevision.objects.filter(kind=DraftRevision.Kind.PENDING).values("article_id")
        return self.filter(pk__in=pending)


class StoryRedirect(models.Model):
    """An old path of a story, answered with 301 to the story's current address.

    The target is the story itself, not a path: a chain (A -> B -> C) always answers A -> C,
    and a story that is not public makes its old paths answer 404.
    """

    old_path = models.CharField(
        max_length=300,
        unique=True,
        help_text="The address that should lead to the story, e.g. /2024/05/01/old-slug/.",
    )
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="redirects", verbose_name="story"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "redirect"

    def __str__(self):
        return f"{self.old_path} → {self.article}"


class DraftRevision(models.Model):
    """Words of a story that are not public: an editor's pending changes to a live story (one
    per story), or the form text autosaved for one user (one per story and user, and one for
    the story they are starting)."""

    class Kind(models.TextChoices):
        PENDING = "pending", "Pending changes"
        AUTOSAVE = "autosave", "Autosaved"

    # None: a story not created yet (the add form's autosave, one per user).
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="draft_revisions",
        null=True,
        blank=True,
    )
    kind = models.CharField(max_length=10, choices=Kind)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    standfirst = models.TextField(blank=True)
    body = models.TextField(blank=True)
    category = models.ForeignKey(
        "articles.Category", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    byline = models.CharField(max_length=200, blank=True)
    # The public revision these words were written on (history_id), to tell a stale draft.
    base_revision = models.PositiveBigIntegerField(null=True, blank=True)
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-saved_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["article"], condition=Q(kind="pending"), name="one_pending_per_story"
            ),
            models.UniqueConstraint(
                fields=["article", "user"],
                condition=Q(kind="autosave"),
                name="one_autosave_per_story_and_user",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(kind="autosave", article__isnull=True),
                name="one_new_story_autosave_per_user",
            ),
            models.CheckConstraint(
                condition=Q(kind="autosave") | Q(article__isnull=False),
                name="pending_changes_belong_to_a_story",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"


class BodyImage(models.Model):
    """A picture uploaded for use inside a story's body (inserted as Markdown)."""

    image = models.ImageField(
        upload_to=body_image_upload_to,
        max_length=200,
        width_field="width",
        height_field="height",
        help_text="JPEG, PNG or WebP; at most 10 MB and 40 megapixels.",
    )
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    alt = models.CharField(
        "alt text",
        max_length=250,
        help_text="What the image shows, for readers who cannot see it.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = "image for story bodies"
        verbose_name_plural = "images for story bodies"

    def __str__(self):
        return self.alt

    @property
    def markdown(self) -> str:
        """What the editor inserts into a body: `![alt](url)`."""
        alt = self.alt.replace("[", "(").replace("]", ")")
        return f"![{alt}]({body_image_reference(self.image.name)})"


class ReviewNote(models.Model):
    """An editor's note when sending a story in review back to its journalist; open until the
    story is submitted again."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="review_notes"
    )
    note = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.note[:60]
