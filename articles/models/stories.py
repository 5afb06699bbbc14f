"""Stories, their sections and their corrections, with the querysets that read them."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe
from simple_history.models import HistoricalRecords

from delivery.site import absolute_url

from ..images import SocialImage, article_social_image, lead_image_upload_to
from ..paths import story_path
from ..rendering import article_description_text, render_markdown, search_excerpt_text
from .authors import BYLINE_JOIN
from .desk import DeskQuerySet


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


class ArticleQuerySet(DeskQuerySet, models.QuerySet):
    def published(self):
        """Stories the public may see: the single definition of "visible".

        An embargo holds on its own, whatever the publication time says (see `embargoed()`).
        """
        now = timezone.now()
        return self.filter(
            Q(embargo_until__isnull=True) | Q(embargo_until__lte=now),
            status=Article.Status.PUBLISHED,
            published_at__lte=now,
        )

    def embargoed(self):
        """Stories under an embargo still to end: nothing about them may reach the public."""
        return self.filter(embargo_until__gt=timezone.now())

    def withdrawn(self):
        """Unpublished stories that carry corrections: their page says they were withdrawn,
        under `published_title` (what readers saw, whatever the desk has rewritten since)."""
        return self.filter(status=Article.Status.UNPUBLISHED, corrections_count__gt=0).annotate(
            published_title=title_when_published(OuterRef("pk"))
        )

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
        return self.select_related("category", BYLINE_JOIN).order_by("-published_at", "-pk")

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
    # The social card's size in bytes: the length of the feeds' enclosure, read without I/O.
    image_social_bytes = models.PositiveIntegerField(null=True, blank=True, editable=False)
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
    embargo_until = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Nothing about the story reaches the public before this time.",
    )
    # Written only by `correction_add` (an UPDATE of this column alone), so that a page showing
    # an uncorrected story needs no query for corrections, and no older copy saved can hide one.
    corrections_count = models.PositiveIntegerField(default=0, editable=False)
    comments_open = models.BooleanField(default=True)
    trackbacks_open = models.BooleanField(default=True)
    trackback_targets = models.TextField(
        "send trackbacks to",
        blank=True,
        help_text="One URL per line: a story page (its ping URL is discovered) or a ping URL. "
        "Add a space and a token after the URL for sites that require one.",
    )
    notify_linked_pages = models.BooleanField(
        "notify linked pages",
        default=True,
        help_text="Also tell every other site this story links to (by TrackBack, Webmention or "
        "Pingback, whichever it offers), as WordPress does.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # PostgreSQL keeps this current with a trigger (see articles/search_index.py); unused on
    # SQLite, where an FTS5 table plays its part.
    search_vector = SearchVectorField(null=True, editable=False)
    # Rendered once when the story is written (see `save()`), never per request: the sanitised
    # body (pages, feeds, pings), the plain-text summary (metadata, feeds) and the body's opening
    # as bounded plain text (search snippets, whose cost must not grow with the story).
    body_rendered = models.TextField(blank=True, default="", editable=False)
    description = models.TextField(blank=True, default="", editable=False)
    search_excerpt = models.TextField(blank=True, default="", editable=False)
    STORED_TEXT = ("body_rendered", "description", "search_excerpt")

    objects = ArticleManager()
    # Every save keeps a revision of the words; images (files with their own lifecycle), the
    # search index and the outgoing ping list (which may hold other sites' tokens) are not kept.
    history = HistoricalRecords(
        excluded_fields=[
            "image",
            "image_width",
            "image_height",
            "image_alt",
            "image_caption",
            "image_credit",
            "image_focal_x",
            "image_focal_y",
            "search_vector",
            "trackback_targets",
            "notify_linked_pages",
            *STORED_TEXT,
        ],
    )

    class Meta:
        verbose_name = "story"  # as the newsroom says it; the code keeps Article
        verbose_name_plural = "stories"
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
            # No door (admin, shell, bulk update) can put a live time before the embargo.
            models.CheckConstraint(
                condition=Q(embargo_until__isnull=True)
                | ~Q(status="published")
                | Q(published_at__gte=models.F("embargo_until")),
                name="article_published_after_embargo",
            ),
            models.CheckConstraint(
                condition=Q(image_focal_x__lte=100, image_focal_y__lte=100),
                name="article_focal_point_in_image",
            ),
        ]
        # Every listing filters on status (and section) and orders by time then id: with the
        # id in the index, a page's ids are read from the index alone (delivery/pagination.py).
        # The embargo rides along (PostgreSQL INCLUDE), so `published()` still reads only the
        # index; SQLite has no covering indexes and reads the rows it filters.
        indexes = [
            models.Index(
                fields=["status", "-published_at", "-id"],
                name="article_listing_idx",
                include=["embargo_until"],
            ),
            models.Index(
                fields=["category", "status", "-published_at", "-id"],
                name="article_section_listing_idx",
                include=["embargo_until"],
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Derived columns, so they live with the row: every door that saves a story (services,
        # admin, shell, demo loader, test builders) passes here, and none can forget them.
        self.stored_text_refresh()
        if not self._state.adding and kwargs.get("update_fields") is None:
            # Every loaded column but the corrections count (as Django saves a deferred row).
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "corrections_count" and f.attname not in deferred
            ]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"body", "standfirst"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, *Article.STORED_TEXT}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return story_path(**self.url_kwargs())

    def stored_text_refresh(self, body_rendered: str | None = None) -> None:
        """Render the body and its summary into their stored columns (bulk writers call this);
        `body_rendered`: render_markdown's result, when the caller knows it (load data)."""
        self.body_rendered = render_markdown(self.body) if body_rendered is None else body_rendered
        self.__dict__.pop("body_html", None)
        self.description = article_description_text(self.standfirst, self.body_rendered)
        self.search_excerpt = search_excerpt_text(self.body_rendered)

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
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
            and not self.under_embargo
        )

    @property
    def under_embargo(self) -> bool:
        return self.embargo_until is not None and self.embargo_until > timezone.now()

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
    def corrections_shown(self) -> list:
        """The story's corrections, oldest first: one query; none if prefetched or none exist."""
        if not self.corrections_count and not hasattr(self, "_prefetched_objects_cache"):
            return []
        return list(self.corrections.all())

    @cached_property
    def body_html(self) -> SafeString:
        """The sanitised body as stored; rendered here only for a row written around `save()`."""
        if self.body_rendered or not self.body:
            return mark_safe(self.body_rendered)  # noqa: S308 - sanitised when it was stored
        return render_markdown(self.body)


def title_when_published(story) -> Subquery:
    """The title a story had when last saved published (its revisions): a withdrawn story may
    be reworked, unpublished, before it returns, and readers must see only what was public."""
    revisions = Article.history.model.objects.filter(id=story, status=Article.Status.PUBLISHED)
    return Subquery(revisions.order_by("-history_date", "-history_id").values("title")[:1])


class AppendOnly(Exception):
    """A correction, once published, is never changed or removed."""


class CorrectionQuerySet(models.QuerySet):
    def public(self):
        """Corrections readers see: on live stories, and on stories withdrawn after them; each
        with `story_title`, its story's title as last published (see `title_when_published`)."""
        return self.filter(
            Q(article__in=Article.objects.published())
            | Q(article__status=Article.Status.UNPUBLISHED)
        ).with_story_titles()

    def with_story_titles(self):
        return self.annotate(story_title=title_when_published(OuterRef("article_id")))

    def delete(self):
        raise AppendOnly("Corrections are never deleted.")

    def update(self, **kwargs):
        # Deleting the editor who wrote it leaves the correction, unsigned (SET_NULL).
        if set(kwargs) - {"created_by"}:
            raise AppendOnly("Corrections are never changed.")
        return super().update(**kwargs)


class Correction(models.Model):
    """What a published story got wrong and what is right: appended, never edited or removed."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="corrections")
    wrong = models.TextField("what was wrong")
    right = models.TextField("what is right")
    created_at = models.DateTimeField("corrected at", default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="correction_newest_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(wrong="") & ~Q(right=""), name="correction_says_both"
            ),
        ]

    def __str__(self):
        return f"Correction to {self.article}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Corrections are never changed.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#correction-{self.pk}"

    def delete(self, *args, **kwargs):
        raise AppendOnly("Corrections are never deleted.")
