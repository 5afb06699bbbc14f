"""Sitemaps: every public page for crawlers, and the last two days for Google News."""

from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from .models import Article, AuthorProfile, Category, Correction
from .paths import story_path_format
from .xml_text import xml_text

# Google News takes stories of the last two days, at most 1,000 per sitemap.
NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000


class SiteSitemap(Sitemap):
    """A sitemap whose URLs start with the site's public origin."""

    @cached_property
    def paginator(self):
        # Django builds a new paginator (and counts again) on every access.
        return super().paginator

    def get_urls(self, page=1, site=None, protocol=None, *, origin=None):
        if origin:
            parts = urlsplit(origin)
            site, protocol = SimpleNamespace(domain=parts.netloc), parts.scheme
        return super().get_urls(page=page, site=site, protocol=protocol)


class HomeSitemap(SiteSitemap):
    """The pages that are neither a section, a story nor an author: home and the corrections."""

    changefreq = "hourly"

    def items(self):
        return ["articles:home", "articles:corrections"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        if item == "articles:corrections":
            return Correction.objects.public().aggregate(latest=Max("created_at"))["latest"]
        return Article.objects.published().aggregate(latest=Max("published_at"))["latest"]

    def get_latest_lastmod(self):
        # Django's gives up (None) when one page has no date yet, as corrections may not.
        return max(filter(None, map(self.lastmod, self.items())), default=None)


class CategorySitemap(SiteSitemap):
    changefreq = "hourly"

    def items(self):
        latest = Article.objects.published().filter(category=OuterRef("pk"))
        return Category.objects.annotate(
            latest_story=Subquery(latest.order_by("-published_at").values("published_at")[:1])
        ).order_by("position", "pk")

    def lastmod(self, item):
        return item.latest_story

    def get_latest_lastmod(self):
        return Article.objects.published().aggregate(latest=Max("published_at"))["latest"]


class AuthorSitemap(SiteSitemap):
    """Writers' pages: those with a published story credited to them (`credited_to`), each
    with its latest such story as lastmod, in one query."""

    changefreq = "daily"

    def items(self):
        user = "user__"
        # `AuthorProfile.name` in SQL: the full name, else the username.
        full_name = Trim(Concat(f"{user}first_name", Value(" "), f"{user}last_name"))
        name = Coalesce(NullIf(full_name, Value("")), f"{user}username")
        credited = Article.objects.published().filter(
            Q(byline="") | Q(byline=OuterRef("credit_name")), author_id=OuterRef("user_id")
        )
        latest = credited.order_by("-published_at").values("published_at")[:1]
        return (
            AuthorProfile.objects.annotate(credit_name=name, latest_story=Subquery(latest))
            .filter(latest_story__isnull=False)
            .order_by("slug", "pk")
        )

    def lastmod(self, item):
        return item.latest_story

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("latest_story"))["latest"]


class StorySitemap(SiteSitemap):
    def get_urls(self, page=1, site=None, protocol=None, *, origin=None):
        """The page's URLs from one query of four columns; URLs as `get_absolute_url()` makes."""
        if not origin:
            return super().get_urls(page=page, site=site, protocol=protocol)
        rows = self.paginator.page(page).object_list.values_list(
            "slug", "published_at", "updated_at"
        )
        path = origin.rstrip("/") + story_path_format()
        zone = timezone.get_current_timezone()  # once: localtime() looks it up on every call
        urls = []
        for slug, published_at, updated_at in rows:
            day = published_at.astimezone(zone)
            location = path.format(day.year, day.month, day.day, slug)
            urls.append(
                {"location": location, "lastmod": max(updated_at, published_at), "changefreq": None}
            )
        return urls

    def items(self):
        # Only what a URL and its lastmod need; newest first so page 1 holds the fresh ones.
        return (
            Article.objects.published()
            .only("slug", "published_at", "updated_at", "created_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, item):
        return max(item.updated_at, item.published_at)

    def get_latest_lastmod(self):
        # Django's default loads every story to find the maximum; the database can do it.
        latest = Article.objects.published().aggregate(
            updated=Max("updated_at"), published=Max("published_at")
        )
        return max(filter(None, latest.values()), default=None)


class NewsSitemap(SiteSitemap):
    limit = NEWS_LIMIT

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            Article.objects.published()
            .filter(published_at__gte=since)
            .only("slug", "title", "published_at")
            .order_by("-published_at", "-pk")[:NEWS_LIMIT]
        )

    def get_urls(self, *args, **kwargs):
        urls = super().get_urls(*args, **kwargs)
        for url in urls:
            url["news"] = {
                "name": settings.SITE_NAME,
                "language": settings.SITE_LANGUAGE,
                "title": xml_text(url["item"].title),
                "published": url["item"].published_at,
            }
        return urls


SITEMAPS = {
    "pages": HomeSitemap,
    "sections": CategorySitemap,
    "authors": AuthorSitemap,
    "stories": StorySitemap,
}
