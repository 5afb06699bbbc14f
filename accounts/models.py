"""What the site keeps about a person beyond Django's user: a profile and their verified sites."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models


class Profile(models.Model):
    """The name a person shows, and their blog, as typed at sign-up or on the account page."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(max_length=100, blank=True)
    blog_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.display_name or str(self.user)


def _path_prefixes(path: str) -> list[str]:
    """ "/a/b/c" -> ["/", "/a/", "/a/b/", "/a/b/c/"]: the site paths that may contain a page."""
    parts = [part for part in path.split("/") if part]
    return ["/" + "".join(f"{part}/" for part in parts[:n]) for n in range(len(parts) + 1)]


class VerifiedSiteQuerySet(models.QuerySet):
    def for_url(self, url: str):
        """The verified sites a page at `url` belongs to (same scheme-less host, path inside)."""
        try:
            parts = urlsplit(url.strip())
            host = (parts.hostname or "").rstrip(".").lower()
            port = parts.port
        except ValueError:
            return self.none()
        if parts.scheme.lower() not in ("http", "https") or not host:
            return self.none()
        netloc = f"{host}:{port}" if port else host
        return self.filter(host=netloc, path__in=_path_prefixes(parts.path))


class VerifiedSite(models.Model):
    """A site its owner proved to be theirs (IndieAuth): its pages' linkbacks are theirs."""

    class Method(models.TextChoices):
        INDIEAUTH = "indieauth", "IndieAuth"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verified_sites"
    )
    url = models.URLField(max_length=500, help_text="The canonical profile URL (IndieAuth `me`).")
    # The URL's host[:port] and path, split out for look-ups by page URL (for_url).
    host = models.CharField(max_length=300, editable=False)
    path = models.CharField(max_length=500, editable=False, default="/")
    method = models.CharField(max_length=20, choices=Method, default=Method.INDIEAUTH)
    verified_at = models.DateTimeField()

    objects = VerifiedSiteQuerySet.as_manager()

    class Meta:
        ordering = ["url"]
        constraints = [
            # One owner per site: proving it again moves it to whoever proved it last.
            models.UniqueConstraint(fields=["url"], name="verified_site_unique_url"),
        ]
        indexes = [models.Index(fields=["host", "path"])]

    def __str__(self):
        return self.url

    def save(self, *args, **kwargs):
        parts = urlsplit(self.url)
        host = (parts.hostname or "").lower()
        self.host = f"{host}:{parts.port}" if parts.port else host
        self.path = (parts.path or "/").rstrip("/") + "/"
        super().save(*args, **kwargs)
