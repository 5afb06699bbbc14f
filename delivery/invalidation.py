"""Forget stored pages when the facts they show change: the one module that knows what a
change implies for page delivery.

It listens to the apps' facts (articles/signals.py, comments/signals.py) and, for each, gives
the content versions the change touches new tokens (delivery/versions.py), names the public
paths the cache in front must forget (delivery/purge.py, with `FRONTEND_PURGE_URL` set), and
has every sitemap page built again (`SITEMAP_PREBUILD`, where pages are kept). The versions
change at once; what must wait for the commit is gathered per transaction and done once after
it, whatever the number of writes: the versions made again, one purge task, one rebuild.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models.signals import pre_save

import hooks
from articles import purging
from articles.models import Article, Category
from articles.people import AuthorProfile
from articles.signals import byline_changed, section_changed, story_changed
from articles.tasks import sitemaps_prebuild
from comments.signals import discussion_changed
from delivery import purge, versions

# The stored row as it was before this save: its old address, section and author page are
# stale too. Read only with a cache in front to tell (one query per save).
BEFORE = "_stored_before_save"


class _AfterCommit:
    """What the writes of one transaction made stale, acted on once after it commits."""

    def __init__(self):
        self.keys: set[str] = set()
        self.paths: set[str] = set()
        self.sitemaps = False
        self.done = False
        self.queue: list | None = None  # the connection's list of commit callbacks it is in

    def send(self) -> None:
        # Each write queued this; the first to run after the commit acts for them all. The
        # versions are made again first (a reader may have rendered the old rows under the
        # token given at the write), then the purge and the sitemaps built under them.
        if self.done:
            return
        self.done = True
        if self.keys:
            versions.replace(self.keys)
        if self.paths:
            purge.frontend_purge.enqueue(sorted(self.paths))
        if self.sitemaps:
            sitemaps_prebuild.enqueue()


def _stale(keys: Iterable[str], paths: Iterable[str] = (), *, sitemaps: bool = False) -> None:
    """These versions change now and again after the commit; these paths are purged and (with
    `sitemaps`) the sitemaps built again after it, once for the whole transaction."""
    keys = set(keys)
    versions.replace(keys)  # now, so this process sees the change at once
    connection = transaction.get_connection()
    batch = getattr(connection, "stale_after_commit", None)
    # A batch that has run, or whose callbacks were all dropped (their savepoints rolled back),
    # is done with: this write starts a new one. Django makes a new list of commit callbacks
    # only when a savepoint rolls back: the batch's are looked for only then.
    pending = (
        connection.in_atomic_block
        and batch is not None
        and not batch.done
        and (
            batch.queue is connection.run_on_commit
            or any(callback == batch.send for _, callback, _ in connection.run_on_commit)
        )
    )
    if not pending:
        batch = connection.stale_after_commit = _AfterCommit()
    batch.keys |= keys
    batch.paths |= {path for path in paths if path and path.startswith("/")}
    batch.sitemaps |= sitemaps and settings.SITEMAP_PREBUILD and settings.PAGE_CACHE_SECONDS > 0
    # Queued by every write (filled first: outside a transaction it runs at once), so that it
    # runs whichever of the transaction's savepoints survive. Robust: a cache or a queue that
    # cannot be written to is logged; the write has committed.
    transaction.on_commit(batch.send, robust=True)
    batch.queue = connection.run_on_commit


def _served_under(story: Article) -> set[str]:
    """What other apps serve under the story's page (`story_paths` hook)."""
    return {path for paths_of in hooks.get("story_paths") for path in paths_of(story)}


def _story_paths(story: Article) -> set[str]:
    """The public paths showing the story: its page, the lists it is in, what is served under it."""
    if not story.is_public:
        return set()  # a draft, in review, scheduled or under embargo: no public page yet
    return purging.story_paths(story) | _served_under(story)


def _stored(instance):
    rows = type(instance).objects.all()
    if type(instance) is Article:
        rows = Article.objects.select_related("category", "author__author_profile")
    return rows.filter(pk=instance.pk).first()


def _remember_stored(sender, instance, **kwargs) -> None:
    """pre_save: keep the stored row, whose old paths are stale too (a slug, date or section
    changed). Only this module needs it, and only with a cache in front."""
    if purge.enabled() and instance.pk is not None:
        setattr(instance, BEFORE, _stored(instance))


def _paths_of(instance) -> set[str]:
    """The paths a save or delete of this story, section or author page makes stale."""
    if not purge.enabled():
        return set()  # no query then
    before = instance.__dict__.pop(BEFORE, None)
    paths: set[str] = set()
    for row in [instance] if before is None else [instance, before]:
        if isinstance(row, Article):
            paths |= _story_paths(row)
        elif isinstance(row, Category):
            paths |= purging.section_paths(row.slug)
        elif isinstance(row, AuthorProfile):
            paths |= purging.author_paths(row.slug)
    if paths or isinstance(instance, Category):
        paths |= purging.site_paths()
    return paths


def _story_changed(sender, story, **kwargs) -> None:
    # Every public page: lists, feeds, section navigation and related stories change; the
    # story's own version too, since when its discussion closes may have moved.
    keys = [versions.SITE] if story.pk is None else [versions.SITE, versions.story(story.pk)]
    _stale(keys, _paths_of(story), sitemaps=True)


def _section_changed(sender, section, **kwargs) -> None:
    _stale([versions.SITE], _paths_of(section), sitemaps=True)


def _byline_changed(sender, author, page, **kwargs) -> None:
    if page is not None:
        _stale([versions.SITE], _paths_of(page), sitemaps=True)
        return
    paths = set()
    if purge.enabled():
        profile = AuthorProfile.objects.filter(user=author).first()
        if profile is not None:
            paths = purging.author_paths(profile.slug)
    _stale([versions.SITE], paths)


def _discussion_changed(sender, story_ids, stories=(), **kwargs) -> None:
    # Only the stories' own pages show their discussions (and what other apps serve under them).
    paths = set()
    if purge.enabled():
        stories = stories or Article.objects.filter(pk__in=story_ids).only(
            "slug", "published_at", "status"
        )
        paths = {
            path
            for story in stories
            if story.status == Article.Status.PUBLISHED
            for path in (story.get_absolute_url(), *_served_under(story))
        }
    _stale([versions.story(pk) for pk in story_ids], paths)


def connect() -> None:
    """Listen to the apps' facts; call once, from an `AppConfig.ready()`."""
    story_changed.connect(_story_changed, dispatch_uid="invalidation:story")
    section_changed.connect(_section_changed, dispatch_uid="invalidation:section")
    byline_changed.connect(_byline_changed, dispatch_uid="invalidation:byline")
    discussion_changed.connect(_discussion_changed, dispatch_uid="invalidation:discussion")
    for model in (Article, Category, AuthorProfile):
        uid = f"invalidation:before:{model.__name__}"
        pre_save.connect(_remember_stored, sender=model, dispatch_uid=uid)
