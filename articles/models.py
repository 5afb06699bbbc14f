from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe
from simple_history.models import HistoricalRecords

from newsroom.site import absolute_url

from .images import (
    SocialImage,
    article_social_image,
    author_photo_upload_to,
    lead_image_upload_to,
)
from .rendering import article_description_text, render_markdown


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Lower numbers come first in navigation."
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:category", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Stories the public may see: the single definition of "visible"."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def at_url(self, *, year, month, day, slug):
        """The story whose URL carries this date (in the site's time zone) and slug."""
        try:
            start = timezone.make_aware(datetime(int(year), int(month), int(day)))
            end = start + timedelta(days=1)
        except (ValueError, OverflowError):  # 2024/13/45, 9999/12/31
            return self.none()
        return self.filter(slug=slug, published_at__gte=start, published_at__lt=end)

    def scheduled(self):
        """Stories an editor has released for a time still to come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def in_review(self):
        """Stories waiting for an editor's decision."""
        return self.filter(status=Article.Status.IN_REVIEW)

    def for_listing(self):
        """Join what every list of stories shows: category, author and the author's page."""
        return self.select_related("category", "author__author_profile").order_by(
            "-published_at", "-pk"
        )

    def related_to(self, article):
        """Other stories of the same section, newest first (chain after `published()`)."""
        return self.filter(category_id=article.category_id).exclude(pk=article.pk).for_listing()


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_queryset(self):
        # The search vector belongs to the database (a trigger writes it, search SQL reads it);
        # loading it with every story would double the size of each listing.
        return super().get_queryset().defer("search_vector")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles")
    standfirst = models.TextField(
        blank=True, help_text="The lead: one or two sentences shown in lists and feeds."
    )
    body = models.TextField(help_text="Markdown. Raw HTML is sanitised before it is shown.")
    status = models.CharField(max_length=12, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the story goes public. A future time schedules it.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        limit_choices_to={"is_staff": True},
    )
    byline = models.CharField(
        max_length=200, blank=True, help_text="Shown as the author; defaults to the author's name."
    )
    image = models.ImageField(
        "lead image",
        upload_to=lead_image_upload_to,
        max_length=200,
        blank=True,
        help_text="JPEG, PNG or WebP; at most 10 MB and 40 megapixels.",
    )
    # Oriented (EXIF-applied) size of the lead image, so pages compute renditions without I/O.
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(
        "alt text",
        max_length=250,
        blank=True,
        help_text="What the image shows, for readers who cannot see it. Required with an image.",
    )
    image_caption = models.CharField("caption", max_length=300, blank=True)
    image_credit = models.CharField("credit", max_length=200, blank=True)
    image_focal_x = models.PositiveSmallIntegerField(
        "focal point across",
        default=50,
        validators=[MaxValueValidator(100)],
        help_text="Per cent from the left edge; crops keep this point in view.",
    )
    image_focal_y = models.PositiveSmallIntegerField(
        "focal point down",
        default=50,
        validators=[MaxValueValidator(100)],
        help_text="Per cent from the top edge.",
    )
    comments_open = models.BooleanField(default=True)
    trackbacks_open = models.BooleanField(default=True)
    trackback_targets = models.TextField(
        "send trackbacks to",
        blank=True,
        help_text="One URL per line: a story page (its ping URL is discovered) or a ping URL. "
        "Add a space and a token after the URL for sites that require one.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # PostgreSQL keeps this current with a trigger (see articles/search_index.py); unused on
    # SQLite, where an FTS5 table plays its part.
    search_vector = SearchVectorField(null=True, editable=False)
    # Rendered once when the story is written (see `save()`), never per request: the sanitised
    # body (pages, feeds, pings) and the plain-text summary (metadata, feeds).
    body_rendered = models.TextField(blank=True, default="", editable=False)
    description = models.TextField(blank=True, default="", editable=False)

    objects = ArticleManager()
    # Every save keeps a revision of the words; images (files with their own lifecycle), the
    # search index and the outgoing ping list (which may hold other sites' tokens) are not kept.
    history = HistoricalRecords(
        excluded_fields=["image", "image_width", "image_height", "image_alt", "image_caption",
                         "image_credit", "image_focal_x", "image_focal_y", "search_vector",
                         "trackback_targets", "body_rendered", "description"],
    )  # fmt: skip

    class Meta:
        ordering = ["-published_at", "-pk"]
        permissions = [
            ("publish_article", "Can publish, schedule and unpublish stories"),
            ("edit_any_article", "Can edit every story, whoever wrote it and whatever its status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(image="") | ~Q(image_alt=""), name="article_image_has_alt"
            ),
            models.CheckConstraint(
                condition=Q(image_focal_x__lte=100, image_focal_y__lte=100),
                name="article_focal_point_in_image",
            ),
        ]
        # Every listing filters on status (and section) and orders by time then id: with the
        # id in the index, a page's ids are read from the index alone (newsroom/pagination.py).
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="article_listing_idx"),
            models.Index(
                fields=["category", "status", "-published_at", "-id"],
                name="article_section_listing_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Derived columns, so they live with the row: every door that saves a story (services,
        # admin, shell, demo loader, test builders) passes here, and none can forget them.
        self.stored_text_refresh()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"body", "standfirst"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "body_rendered", "description"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs=self.url_kwargs())

    def stored_text_refresh(self) -> None:
        """Render the body and its summary into their stored columns (bulk writers call this)."""
        self.body_rendered = render_markdown(self.body)
        self.__dict__.pop("body_html", None)
        self.description = article_description_text(self.standfirst, self.body_rendered)

    @property
    def permalink(self) -> str:
        """The story's absolute address (SITE_URL and its path): what other sites link to."""
        return absolute_url(self.get_absolute_url())

    def url_kwargs(self):
        """The story's URL parts (date in the site's time zone), for this and other apps' URLs."""
        local = timezone.localtime(self.published_at or self.created_at or timezone.now())
        return {"year": local.year, "month": local.month, "day": local.day, "slug": self.slug}

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def author_profile(self) -> "AuthorProfile | None":
        """The author's page, when the byline is the author's own name and the page exists.

        Read with `select_related("author__author_profile")` (`for_listing()` does), so no list
        pays a query per story. A byline typed over the author's name ("Staff and agencies")
        is not theirs alone, and links nowhere.
        """
        if not self.author_id:
            return None
        author = self.author
        if self.byline and self.byline != (author.get_full_name() or author.get_username()):
            return None
        try:
            return author.author_profile
        except AuthorProfile.DoesNotExist:
            return None

    @property
    def byline_text(self):
        if self.byline:
            return self.byline
        if self.author_id:
            return self.author.get_full_name() or self.author.get_username()
        return ""

    def social_image(self) -> SocialImage | None:
        """The picture that stands for the story in feeds and shares, or None."""
        return article_social_image(self)

    @cached_property
    def body_html(self) -> SafeString:
        """The sanitised body as stored; rendered here only for a row written around `save()`."""
        if self.body_rendered or not self.body:
            return mark_safe(self.body_rendered)  # noqa: S308 - sanitised when it was stored
        return render_markdown(self.body)


class AuthorProfile(models.Model):
    """A writer's public page, /author/<slug>/: shown once they have a published story."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="author_profile"
    )
    slug = models.SlugField(
        max_length=100, unique=True, help_text="The page's address: /author/<slug>/."
    )
    bio = models.TextField(blank=True, help_text="A few sentences about the author, plain text.")
    photo = models.ImageField(
        upload_to=author_photo_upload_to,
        max_length=200,
        blank=True,
        help_text="Optional; JPEG, PNG or WebP, shown square at 160 px.",
    )

    class Meta:
        ordering = ["slug"]
        verbose_name = "author page"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class TrackbackPing(models.Model):
    """One outgoing trackback: a story telling another page that it links to it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Not sent yet"
        SENT = "sent", "Accepted"
        REFUSED = "refused", "Refused by the site"
        FAILED = "failed", "Could not be sent"
        UNREACHABLE = "unreachable", "Site unreachable; trying again"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="pings_sent")
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
