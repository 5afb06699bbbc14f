"""The services do the whole write by themselves: no admin, no client, same files and pings."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article
from linkbacks.models import SentLinkback
from tests.conftest import log_in_staff
from tests.factories import make_article, make_editor, make_image_upload, make_journalist
from tests.http_server import LocalServer

pytestmark = pytest.mark.django_db

XML_OK = (200, {"Content-Type": "text/xml"}, b"<response><error>0</error></response>")


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def with_image(article, name="photo.jpg", **upload):
    article.image = make_image_upload(name, **upload)
    article.image_alt = "A red square"
    return article


def test_publishing_through_the_service_makes_renditions_and_pings_after_commit(
    settings, django_capture_on_commit_callbacks
):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    editor = make_editor()
    with LocalServer() as server:
        server.routes["/post/ping"] = XML_OK
        story = with_image(
            make_article(
                status=Article.Status.DRAFT,
                title="Bridge reopens",
                trackback_targets=server.url("/post/ping"),
            )
        )
        with django_capture_on_commit_callbacks() as callbacks:
            services.article_publish(article=story, by=editor)
        # Nothing leaves the building before the write commits; then the pings are one of the
        # two things done (the other gives stored pages a new version: delivery/versions.py).
        assert server.requests == [] and len(callbacks) == 2
        assert not SentLinkback.objects.exists()
        for callback in callbacks:
            callback()
        # The task looks for a ping URL on the target page first, then pings.
        assert [(r[0], r[1]) for r in server.requests] == [
            ("GET", "/post/ping"),
            ("POST", "/post/ping"),
        ]
        payload = server.requests[-1][3]

    story.refresh_from_db()
    assert story.is_public
    # The service measured the file itself and made every rendition on disk.
    assert (story.image_width, story.image_height) == (1600, 1000)
    stem = Path(story.image.name).stem
    assert stored_files(settings) == sorted(
        [
            story.image.name,
            f"articles/renditions/{stem}/1200x630-f50-50.jpg",
            f"articles/renditions/{stem}/16x9-f50-50.jpg",
            f"articles/renditions/{stem}/1x1-f50-50.jpg",
            f"articles/renditions/{stem}/400w.jpg",
            f"articles/renditions/{stem}/4x3-f50-50.jpg",
            f"articles/renditions/{stem}/800w.jpg",
        ]
    )
    # The queued task ran against a real server and recorded the answer.
    assert b"title=Bridge+reopens" in payload
    ping = SentLinkback.objects.get(article=story)
    assert (ping.status, ping.attempts) == (SentLinkback.Status.SENT, 1)


def test_a_service_save_that_replaces_the_image_deletes_the_old_files_after_commit(
    settings, django_capture_on_commit_callbacks
):
    editor = make_editor()
    story = with_image(make_article())
    services.article_save(article=story, by=editor)
    old = story.image.name
    assert len(stored_files(settings)) == 7  # the original and six renditions

    story.image = make_image_upload("new.png", fmt="PNG", size=(900, 600))
    with django_capture_on_commit_callbacks() as callbacks:
        services.article_save(article=story, by=editor)
    assert old in stored_files(settings)  # kept until the new row is committed
    for callback in callbacks:
        callback()
    files = stored_files(settings)
    assert not any(Path(old).stem in name for name in files)
    assert story.image.name in files and len(files) == 7
    story.refresh_from_db()
    assert (story.image_width, story.image_height) == (900, 600)


def test_a_new_focal_point_through_the_service_replaces_only_the_crops(
    settings, django_capture_on_commit_callbacks
):
    editor = make_editor()
    story = with_image(make_article())
    services.article_save(article=story, by=editor)
    story.image_focal_x, story.image_focal_y = 10, 90
    with django_capture_on_commit_callbacks(execute=True):
        services.article_save(article=story, by=editor)
    crops = [name for name in stored_files(settings) if "-f" in name.rsplit("/", 1)[1]]
    assert len(crops) == 4 and all(crop.endswith("-f10-90.jpg") for crop in crops)
    assert len(stored_files(settings)) == 7  # the original and six renditions


def test_deleting_through_the_service_removes_the_files_after_commit(
    settings, django_capture_on_commit_callbacks
):
    editor = make_editor()
    story = with_image(make_article())
    services.article_save(article=story, by=editor)
    with django_capture_on_commit_callbacks() as callbacks:
        services.article_delete(article=story, by=editor)
    assert len(stored_files(settings)) == 7  # the original and six renditions
    for callback in callbacks:
        callback()
    assert stored_files(settings) == [] and not Article.objects.exists()


def test_a_bad_image_set_outside_the_admin_is_refused_and_nothing_is_stored(settings):
    story = make_article(body="Kept body.")
    story.image = make_image_upload("notes.jpg", fmt="GIF", size=(2, 2))
    story.image_alt = "Not a photo"
    with pytest.raises(ValidationError) as refused:
        services.article_save(article=story, by=make_editor())
    assert "upload a JPEG, PNG or WebP" in refused.value.message_dict["image"][0]
    assert stored_files(settings) == []


@pytest.mark.parametrize("past", [timedelta(seconds=1), timedelta(days=400)])
def test_article_schedule_refuses_a_past_time_with_its_message(past):
    story = make_article(status=Article.Status.IN_REVIEW)
    with pytest.raises(ValidationError) as refused:
        services.article_schedule(article=story, by=make_editor(), at=timezone.now() - past)
    assert refused.value.message_dict == {
        "published_at": ["Choose a time in the future to schedule the story."]
    }
    story.refresh_from_db()
    assert story.status == Article.Status.IN_REVIEW


def test_a_new_story_belongs_to_whoever_creates_it_unless_an_author_is_chosen():
    editor, other = make_editor(), make_editor()
    story = Article(title="New", slug="new", category=make_article().category, body="Text.")
    services.article_submit(article=story, by=editor)
    chosen = Article(
        title="Chosen", slug="chosen", category=story.category, body="Text.", author=other
    )
    services.article_save(article=chosen, by=editor)
    assert (story.author, chosen.author) == (editor, other)


def lose_every_stored_file(settings):
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            path.unlink()


def test_a_story_whose_image_files_are_lost_can_still_be_unpublished(settings, client):
    editor = make_editor()
    story = make_article(title="Takedown needed")
    services.article_save(article=with_image(story), by=editor)
    lose_every_stored_file(settings)  # media not restored, a storage fault

    services.article_unpublish(article=story, by=editor)
    assert Article.objects.get(pk=story.pk).status == Article.Status.UNPUBLISHED

    # And through the admin's action, which answered 500 while renditions were remade per save.
    services.article_publish(article=Article.objects.get(pk=story.pk), by=editor)
    log_in_staff(client, editor)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish", "_selected_action": [story.pk], "index": 0},
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=story.pk).status == Article.Status.UNPUBLISHED


def test_a_plain_save_never_changes_the_status_or_lets_a_journalist_publish():
    journalist = make_journalist()
    draft = make_article(status=Article.Status.DRAFT, author=journalist)
    draft.status, draft.published_at = Article.Status.PUBLISHED, timezone.now()
    with pytest.raises(PermissionDenied, match="status changes only through"):
        services.article_save(article=draft, by=journalist)

    story = Article(
        title="Straight out",
        slug="straight-out",
        category=draft.category,
        body="Text.",
        status=Article.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    with pytest.raises(PermissionDenied):
        services.article_save(article=story, by=journalist)
    assert not Article.objects.published().exists()


def test_only_editors_set_the_time_or_another_author_in_a_plain_save():
    journalist, editor = make_journalist(), make_editor()
    draft = make_article(status=Article.Status.DRAFT, author=journalist, published_at=None)
    draft.published_at = timezone.now() + timedelta(days=1)
    with pytest.raises(PermissionDenied, match="Only editors"):
        services.article_save(article=draft, by=journalist)
    draft.published_at, draft.author = None, editor
    with pytest.raises(PermissionDenied, match="Only editors"):
        services.article_save(article=draft, by=journalist)
    draft.author = editor
    services.article_save(article=draft, by=editor)  # an editor may reassign it
    assert Article.objects.get(pk=draft.pk).author == editor
