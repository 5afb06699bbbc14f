"""delivery/invalidation.py: what a fact implies for stored pages, done once per transaction;
and the hooks through which the content versions ask the apps when they end."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

import hooks
from comments.signals import discussion_changed
from delivery import versions
from tests.factories import make_article, make_category

SITEMAPS_REBUILD = "articles.tasks.sitemaps_prebuild"


@pytest.fixture
def sitemaps_kept(settings, database_tasks):
    settings.SITEMAP_PREBUILD = True
    settings.PAGE_CACHE_SECONDS = 300


@pytest.mark.django_db(transaction=True)
def test_five_stories_saved_in_one_transaction_queue_one_sitemap_rebuild(sitemaps_kept):
    section = make_category()
    stories = [make_article(category=section) for _ in range(5)]
    DBTaskResult.objects.all().delete()
    with transaction.atomic():
        for story in stories:
            story.title = f"{story.title} (updated)"
            story.save()
    assert DBTaskResult.objects.filter(task_path=SITEMAPS_REBUILD).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_leaves_the_rebuild_of_the_writes_that_stayed(sitemaps_kept):
    story = make_article()
    DBTaskResult.objects.all().delete()
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            make_category(slug="never")
            raise RuntimeError
        story.save()
        with pytest.raises(RuntimeError), transaction.atomic():
            make_category(slug="never-either")
            raise RuntimeError
    assert DBTaskResult.objects.filter(task_path=SITEMAPS_REBUILD).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_transaction_rolled_back_rebuilds_nothing_and_the_next_one_does(sitemaps_kept):
    story = make_article()
    DBTaskResult.objects.all().delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        story.save()
        raise RuntimeError
    assert not DBTaskResult.objects.filter(task_path=SITEMAPS_REBUILD).exists()
    story.save()
    story.save()  # each in its own transaction (autocommit): one rebuild each
    assert DBTaskResult.objects.filter(task_path=SITEMAPS_REBUILD).count() == 2


@pytest.mark.django_db
def test_a_discussion_changed_gives_each_story_a_new_version():
    one, two = make_article(), make_article()
    before = versions.current([versions.story(one.pk), versions.story(two.pk), versions.SITE])
    discussion_changed.send(sender=None, story_ids={one.pk, two.pk})
    after = versions.current([versions.story(one.pk), versions.story(two.pk), versions.SITE])
    assert after[versions.story(one.pk)].token != before[versions.story(one.pk)].token
    assert after[versions.story(two.pk)].token != before[versions.story(two.pk)].token
    assert after[versions.SITE] == before[versions.SITE]  # no list shows a discussion


@pytest.fixture
def own_hooks(monkeypatch):
    """Hooks as the apps registered them, put back after the test."""
    monkeypatch.setattr(hooks, "_registered", {k: list(v) for k, v in hooks._registered.items()})


@pytest.mark.django_db
def test_the_earliest_answer_ends_the_site_version(own_hooks):
    soon, later = timezone.now() + timedelta(hours=1), timezone.now() + timedelta(hours=2)
    make_article(published_at=later)  # scheduled: articles answers later
    hooks.register("site_version_expires", lambda: None)  # an app with nothing scheduled
    hooks.register("site_version_expires", lambda: soon)
    versions.change(versions.SITE)
    made = versions.current([versions.SITE])[versions.SITE]
    assert made.until == soon.timestamp()


def test_the_earliest_answer_ends_a_story_version(own_hooks, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = settings.TRACKBACKS_CLOSE_AFTER_DAYS = None
    soon, later = timezone.now() + timedelta(hours=1), timezone.now() + timedelta(hours=2)
    hooks.register("story_version_expires", lambda pk: later)
    hooks.register("story_version_expires", lambda pk: soon if pk == 7 else None)
    versions.replace([versions.story(7), versions.story(8)])
    made = versions.peek([versions.story(7), versions.story(8)])
    assert made[versions.story(7)].until == soon.timestamp()
    assert made[versions.story(8)].until == later.timestamp()


@pytest.mark.django_db
def test_the_first_position_answered_is_recorded_and_every_listener_sees_the_versions(own_hooks):
    hooks.register("version_position", lambda: None)  # no replica to ask
    hooks.register("version_position", lambda: 41)
    hooks.register("version_position", lambda: 99)
    seen = []
    hooks.register("versions_seen", lambda found: seen.append(("a", list(found))))
    hooks.register("versions_seen", lambda found: seen.append(("b", list(found))))
    versions.replace([versions.SITE])
    found = versions.peek([versions.SITE])
    assert found[versions.SITE].lsn == 41
    assert seen == [("a", [found[versions.SITE]]), ("b", [found[versions.SITE]])]
