"""Which public paths a write to a story, a section or an author page makes stale, for the cache
in front (newsroom/purge.py). Only with `FRONTEND_PURGE_URL` set: otherwise no query is made.

Every page shows the sections and the latest stories, but purging every page at each write would
empty the front cache; the pages that name the story (its own, the lists and feeds it is in, the
sitemaps) are purged, and the rest follow within `PAGE_SHARED_MAX_AGE`.
"""

from django.urls import reverse

from delivery import purge

from .models import Article, Category
from .people import AuthorProfile, byline_page
from .sitemaps import SITEMAPS

# The stored row as it was before this save (its old address, section and author page).
BEFORE = "_purge_before"


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
    """The story's page and what other apps serve under it, and the pages that list it."""
    if not story.is_public:
        return set()  # a draft, in review, scheduled or under embargo: no public page yet
    paths = {story.get_absolute_url(), *purge.story_extra_paths(story)}
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


def _stored(instance):
    model = type(instance)
    rows = model.objects.all()
    if model is Article:
        rows = Article.objects.select_related("category", "author__author_profile")
    return rows.filter(pk=instance.pk).first()


def remember_before(sender, instance, **kwargs) -> None:
    """pre_save: keep the stored row, whose old paths are stale too (a slug, date or section
    changed)."""
    if purge.enabled() and instance.pk is not None:
        setattr(instance, BEFORE, _stored(instance))


def paths_of(instance) -> set[str]:
    """The paths a save or delete of this story, section or author page makes stale."""
    before = getattr(instance, BEFORE, None)
    versions = [instance] if before is None else [instance, before]
    paths: set[str] = set()
    for row in versions:
        if isinstance(row, Article):
            paths |= story_paths(row)
        elif isinstance(row, Category):
            paths |= section_paths(row.slug)
        elif isinstance(row, AuthorProfile):
            paths |= author_paths(row.slug)
    if paths or isinstance(instance, Category):
        paths |= site_paths()
    return paths


def written(sender, instance, **kwargs) -> None:
    """post_save and post_delete: the front cache forgets the paths this write changed."""
    if purge.enabled():
        purge.paths_changed(paths_of(instance))
        if hasattr(instance, BEFORE):
            delattr(instance, BEFORE)


def author_written(user) -> None:
    """A user whose name is a byline was saved: their author page changes."""
    if not purge.enabled():
        return
    profile = AuthorProfile.objects.filter(user=user).first()
    if profile is not None:
        purge.paths_changed(author_paths(profile.slug))
