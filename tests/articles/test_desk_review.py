"""Review of the desk (issue 12): pending text and drafts stay with those who may change them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import drafting
from tests.conftest import log_in_staff
from tests.factories import make_article, make_editor, make_journalist

pytestmark = pytest.mark.django_db

LIVE = "The bridge opens on Monday."
PENDING = "The bridge opens on Tuesday, a secret kept aside."


@pytest.fixture
def story():
    return make_article(
        title="Bridge",
        body=LIVE,
        published_at=timezone.now() - timedelta(days=1),
        author=make_journalist("jamie"),
    )


def test_a_colleague_who_may_only_view_the_story_never_sees_its_pending_changes(client, story):
    story.body = PENDING
    drafting.pending_save(article=story, by=make_editor("erin"))
    story.refresh_from_db()
    log_in_staff(client, make_journalist("colleague"))
    change = reverse("admin:articles_article_change", args=[story.pk])
    for url in (
        change + "?draft=pending",
        reverse("admin:articles_article_preview", args=[story.pk]) + "?draft=pending",
    ):
        response = client.get(url)
        assert response.status_code == (200 if url.startswith(change) else 403), url
        assert PENDING not in response.content.decode(), url
    assert LIVE in client.get(change + "?draft=pending").content.decode()  # the story itself


@pytest.mark.parametrize(
    "src",
    [
        "/media/articles/body/%2e%2e/%2e%2e/%2e%2e/admin/logout/",
        "/media/articles/body/.%2E/.%2e/.%2e/search/",
        "/media/articles/body/%2E%2e%2F%2e%2e%2Fadmin/",
    ],
)
def test_a_body_image_cannot_leave_the_uploads_folder_with_encoded_dots(src):
    from articles.rendering import render_markdown

    # Browsers read %2e%2e as "..": the image would load another page of the site.
    assert "<img" not in render_markdown(f"![x]({src})")


def _change(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_an_editor_publishes_only_the_pending_changes_they_saw(client, story):
    from tests.factories import form_data

    author = client.__class__()
    log_in_staff(author, story.author)
    form = author.get(_change(story))
    author.post(_change(story), form_data(form, body="Reviewed words.", _pending="Save"))
    log_in_staff(client, make_editor("erin"))
    page = client.get(_change(story))  # the editor reads the pending changes, then...
    assert (
        "Reviewed words."
        in client.get(
            reverse("admin:articles_article_preview", args=[story.pk]) + "?draft=pending"
        ).content.decode()
    )
    form = author.get(_change(story))  # ...the author swaps other words in meanwhile
    author.post(_change(story), form_data(form, body=PENDING, _pending="Save"))
    publish = reverse("admin:articles_article_draft_action", args=[story.pk, "pending", "publish"])
    client.post(publish, {"pending_seen": form_data(page).get("pending_seen", "")})
    story.refresh_from_db()
    assert story.body == LIVE  # never the words the editor did not see


def test_saving_pending_changes_never_silently_replaces_someone_elses(client, story):
    from articles.models import DraftRevision
    from tests.factories import form_data

    log_in_staff(client, make_editor("erin"))
    stale = client.get(_change(story))  # Erin opens the live story
    other = client.__class__()
    log_in_staff(other, make_editor("olga"))
    form = other.get(_change(story))
    other.post(_change(story), form_data(form, body=PENDING, _pending="Save"))
    response = client.post(_change(story), form_data(stale, body="Erin's words.", _pending="Save"))
    assert response.status_code == 200 and "since you opened this page" in response.content.decode()
    assert DraftRevision.objects.get(kind="pending").body == PENDING
