"""Which public paths show a story, a section or an author page: what a write to one makes
stale for the cache in front (delivery/purge.py, told by delivery/invalidation.py).

Every page shows the sections and the latest stories, but purging every page at each write would
empty the front cache; the pages that name the story (its own, the lists and feeds it is in, the
sitemaps) are purged, and the rest follow within `PAGE_SHARED_MAX_AGE`.
"""

from django.urls import reverse

from .models import Article
from .people import byline_page
from .sitemaps import SITEMAPS


def site_paths() -> set[str]:
    """The pages every story is listed on: home, the site's feeds and the sitemaps."""
    paths = {
        reverse("articles:home"),
        reverse("articles:feed"),
        reverse("articles:feed_atom"),
        reverse("articles:sitemap"),
        reverse("articles:news_sitemap"),
    }
    paths |= {reverse("articles:sitemap_section", kwargs={"section": s}) for s in SITEMAPS}
    return paths


def section_paths(slug: str) -> set[str]:
    names = ("articles:category", "articles:category_feed", "articles:category_feed_atom")
    return {reverse(name, kwargs={"slug": slug}) for name in names}


def author_paths(slug: str) -> set[str]:
    names = ("articles:author", "articles:author_feed", "articles:author_feed_atom")
    return {reverse(name, kwargs={"slug": slug}) for name in names}


def story_paths(story: Article) -> set[str]:
    """The story's page and the pages that list it (what other apps serve under it aside)."""
    if not story.is_public:
        return set()  # a draft, in review, scheduled or under embargo: no public page yet
    paths = {story.get_absolute_url()}
    parts = story.url_kwargs()
    paths.add(reverse("articles:archive_year", kwargs={"year": parts["year"]}))
    paths.add(
        reverse("articles:archive_month", kwargs={"year": parts["year"], "month": parts["month"]})
    )
    if story.category_id:
        paths |= section_paths(story.category.slug)
    profile = byline_page(story)
    if profile is not None:
        paths |= author_paths(profile.slug)
    if story.corrections_count:
        paths |= {
            reverse("articles:corrections"),
            reverse("articles:corrections_feed"),
            reverse("articles:corrections_feed_atom"),
        }
    return paths
