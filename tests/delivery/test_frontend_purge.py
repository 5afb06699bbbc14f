"""FRONTEND_PURGE_URL: after a write commits, the worker tells the cache in front, by HTTP PURGE
to a real server on 127.0.0.1, to forget exactly the paths that changed, with the public Host."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import services
from articles.models import Article, AuthorProfile
from comments.models import Comment
from comments.services import comments_moderate
from delivery import purge
from tests.factories import (
    comment_form_data,
    make_article,
    make_category,
    make_comment,
    make_editor,
    make_journalist,
)
from tests.http_server import LocalServer
from tests.operations.conftest import closed_port, run_worker

SITE_PATHS = {
    "/",
    "/feed/",
    "/feed/atom/",
    "/sitemap.xml",
    "/news-sitemap.xml",
    "/sitemap-stories.xml",
    "/sitemap-sections.xml",
    "/sitemap-authors.xml",
    "/sitemap-pages.xml",
}


@pytest.fixture
def front(settings):
    """A real HTTP server standing in for Varnish: answers every PURGE with 200."""
    with LocalServer() as server:
        answer_all(server)
        settings.FRONTEND_PURGE_URL = server.url("").rstrip("/")
        settings.SITE_URL = "https://news.example.com"
        yield server


def purged(server) -> list[str]:
    assert {method for method, *_ in server.requests} <= {"PURGE"}
    return [path for _, path, _, _ in server.requests]


def answer_all(server, status=200):
    """Answer every path with `status`."""

    class Every(dict):
        def get(self, path, default=None):
            return (status, {}, b"")

    server.httpd.routes = Every()


def story_paths(story, *, section="politics", author=None, year=None, month=None):
    local = timezone.localtime(story.published_at)
    base = story.get_absolute_url()
    paths = {
        base,
        f"{base}comments/feed/",
        f"/{local.year}/",
        f"/{local:%Y/%m}/",
        f"/api/v1/stories/{story.pk}/",
        "/api/v1/stories/",
        f"/category/{section}/",
        f"/category/{section}/feed/",
        f"/category/{section}/feed/atom/",
    }
    if author:
        paths |= {f"/author/{author}/", f"/author/{author}/feed/", f"/author/{author}/feed/atom/"}
    return paths


@pytest.mark.django_db(transaction=True)
def test_publishing_purges_the_story_its_lists_and_feeds_once_with_the_public_host(front, settings):
    settings.FRONTEND_PURGE_TOKEN = "purge-secret"
    section = make_category("Politics", slug="politics")
    writer = make_journalist("kim", first_name="Kim", last_name="Lee")
    AuthorProfile.objects.create(user=writer, slug="kim-lee")
    editor = make_editor("ed")
    story = make_article(
        category=section, author=writer, status=Article.Status.IN_REVIEW, slug="harbour-reopens"
    )
    front.requests.clear()  # what the builders' own writes purged (not public: nothing)

    services.article_publish(article=story, by=editor)

    paths = purged(front)
    assert sorted(paths) == sorted(set(paths))  # each once
    assert set(paths) == SITE_PATHS | story_paths(story, author="kim-lee")
    for _, _, headers, _ in front.requests:
        assert headers["Host"] == "news.example.com"
        assert headers["X-Purge-Token"] == "purge-secret"


@pytest.mark.django_db(transaction=True)
def test_a_new_slug_purges_the_old_address_too_and_a_draft_save_purges_nothing(front):
    editor = make_editor("ed")
    story = make_article(category=make_category(slug="politics"), slug="old-name")
    old = story.get_absolute_url()
    front.requests.clear()
    story.slug = "new-name"
    services.article_save(article=story, by=editor)
    paths = set(purged(front))
    assert {old, f"{old}comments/feed/", story.get_absolute_url()} <= paths
    assert paths == SITE_PATHS | story_paths(story) | {old, f"{old}comments/feed/"}

    draft = make_article(status=Article.Status.DRAFT)
    front.requests.clear()  # its new section's pages, purged when it was made
    draft.title = "Still a draft"
    services.article_save(article=draft, by=editor)
    assert purged(front) == []


@pytest.mark.django_db(transaction=True)
def test_unpublishing_and_moving_a_section_purge_the_old_lists(front):
    editor = make_editor("ed")
    story = make_article(category=make_category(slug="politics"))
    front.requests.clear()
    story.category = make_category(slug="sport")
    services.article_save(article=story, by=editor)
    assert set(purged(front)) == (
        SITE_PATHS | story_paths(story) | story_paths(story, section="sport")
    )

    front.requests.clear()
    services.article_unpublish(article=story, by=editor)
    assert set(purged(front)) == SITE_PATHS | story_paths(story, section="sport")


@pytest.mark.django_db(transaction=True)
def test_a_comment_purges_only_the_story_page_its_comments_feed_and_api_answers(front, client):
    story = make_article()
    front.requests.clear()
    response = client.post(f"{story.get_absolute_url()}comments/", comment_form_data(story))
    assert response.status_code in (200, 302, 303)
    assert Comment.objects.filter(article=story).exists()
    url = story.get_absolute_url()
    api = ["/api/v1/stories/", f"/api/v1/stories/{story.pk}/"]
    assert sorted(purged(front)) == sorted([url, f"{url}comments/feed/", *api])

    front.requests.clear()
    comment = make_comment(make_article(), status=Comment.Status.PENDING)
    front.requests.clear()
    comments_moderate(
        comments=Comment.objects.filter(pk=comment.pk),
        status=Comment.Status.APPROVED,
        moderator=make_editor("mod"),
    )
    other = comment.article.get_absolute_url()
    api = ["/api/v1/stories/", f"/api/v1/stories/{comment.article_id}/"]
    assert sorted(purged(front)) == sorted([other, f"{other}comments/feed/", *api])


@pytest.mark.django_db(transaction=True)
def test_a_section_renamed_purges_its_old_and_new_pages_and_the_site_lists(front):
    section = make_category(slug="politics")
    front.requests.clear()
    section.slug = "government"
    section.save()
    assert set(purged(front)) == SITE_PATHS | {
        f"/category/{slug}/{feed}"
        for slug in ("politics", "government")
        for feed in ("", "feed/", "feed/atom/")
    }


@pytest.mark.django_db(transaction=True)
def test_several_writes_in_one_transaction_queue_one_task_with_each_path_once(
    front, database_tasks
):
    stories = [make_article(), make_article()]
    DBTaskResult.objects.all().delete()
    with transaction.atomic():
        for story in stories:
            story.title = "Changed"
            story.save()
            make_comment(story)
    tasks = DBTaskResult.objects.filter(task_path="delivery.purge.frontend_purge")
    assert tasks.count() == 1
    paths = tasks.get().args_kwargs["args"][0]
    assert paths == sorted(set(paths))
    for story in stories:
        assert story.get_absolute_url() in paths
    assert front.requests == []  # only queued: the worker sends


@pytest.mark.django_db(transaction=True)
def test_a_write_rolled_back_purges_nothing(front):
    story = make_article()
    front.requests.clear()
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            story.title = "Never committed"
            story.save()
            raise RuntimeError
        make_category(slug="kept")
    assert set(purged(front)) == SITE_PATHS | {
        f"/category/kept/{feed}" for feed in ("", "feed/", "feed/atom/")
    }


@pytest.mark.django_db(transaction=True)
def test_without_the_setting_nothing_is_queued(settings, database_tasks):
    settings.FRONTEND_PURGE_URL = ""
    services.article_publish(
        article=make_article(status=Article.Status.IN_REVIEW), by=make_editor("ed")
    )
    assert not DBTaskResult.objects.filter(task_path="delivery.purge.frontend_purge").exists()


@pytest.mark.django_db(transaction=True)
def test_a_purge_endpoint_that_is_down_never_fails_the_write_and_the_task_is_retried(
    settings, database_tasks
):
    settings.FRONTEND_PURGE_URL = f"http://127.0.0.1:{closed_port()}"
    story = make_article(status=Article.Status.IN_REVIEW)
    editor = make_editor("ed")
    DBTaskResult.objects.all().delete()  # its new section's purge
    services.article_publish(article=story, by=editor)  # committed: no error
    assert Article.objects.get(pk=story.pk).is_public
    queued = DBTaskResult.objects.get(task_path="delivery.purge.frontend_purge")

    run_worker()

    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL
    assert queued.return_value["retried"] is True
    assert "ConnectionRefusedError" in queued.return_value["error"]
    retry = DBTaskResult.objects.get(
        task_path="delivery.purge.frontend_purge", status=TaskResultStatus.READY
    )
    assert retry.run_after > timezone.now() + timedelta(seconds=20)
    assert retry.args_kwargs["args"] == queued.args_kwargs["args"]
    assert retry.args_kwargs["kwargs"] == {"retry_attempt": 2}


@pytest.mark.django_db(transaction=True)
def test_5xx_is_retried_and_a_refusal_fails_the_task(front, settings):
    answer_all(front, status=503)
    with pytest.raises(purge.TransientError):
        purge.frontend_purge.call(["/"])
    answer_all(front, status=405)
    with pytest.raises(purge.PurgeRefused):
        purge.frontend_purge.call(["/"])
    answer_all(front, status=404)  # it had no copy: done
    assert purge.frontend_purge.call(["/", "/feed/"]) == {"purged": 2}
    assert purged(front)[-2:] == ["/", "/feed/"]
