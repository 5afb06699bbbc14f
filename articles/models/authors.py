"""Writers' public pages: the model (its writes are in `articles/authors.py`)."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from ..images import author_photo_upload_to

# What a story's query joins so that its byline links to the author's page without a query.
BYLINE_JOIN = "author__author_profile"


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
