"""Pending changes on a live story: saved aside, previewed, published through the services;
readers see the live version until then."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from articles import drafting
from articles.models import Article, DraftRevision
from tests.conftest import log_in_staff
from tests.factories import form_data, make_article, make_editor, make_journalist

pytestmark = pytest.mark.django_db

LIVE = "The bridge opens on Monday."
PENDING = "The bridge opens on Tuesday, a day late."


@pytest.fixture
def editor():
    return make_editor("erin", first_name="Erin", last_name="Editor")


@pytest.fixture
def story():
    return make_article(
        title="Bridge",
        body=LIVE,
        published_at=timezone.now() - timedelta(days=1),
        author=make_journalist("jamie"),
    )


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def action_url(article, kind, action):
    return reverse("admin:articles_article_draft_action", args=[article.pk, kind, action])


def story_text(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_preview_shows_pending_changes_and_the_public_page_does_not_until_published(
    client, story, editor
):
    reader = client.__class__()
    assert LIVE in story_text(reader, story)  # stored for anonymous readers
    revisions = story.history.count()

    log_in_staff(client, editor)
    form = client.get(change_url(story))
    assert 'name="_pending"' in form.content.decode()
    response = client.post(change_url(story), form_data(form, body=PENDING, _pending="Save"))
    assert response.status_code == 302 and response["Location"] == change_url(story)

    story.refresh_from_db()
    assert story.body == LIVE and story.history.count() == revisions
    page = story_text(reader, story)
    assert LIVE in page and PENDING not in page

    # The change form says so and links to the preview of the pending words.
    notice = client.get(change_url(story)).content.decode()
    assert "Pending changes by Erin Editor" in notice
    assert "?draft=pending" in notice
    preview = client.get(
        reverse("admin:articles_article_preview", args=[story.pk]) + "?draft=pending"
    )
    assert preview.status_code == 200
    assert PENDING in preview.content.decode() and LIVE not in preview.content.decode()
    assert "Pending changes to the live story" in preview.content.decode()
    assert "private" in preview["Cache-Control"]

    response = client.post(action_url(story, "pending", "publish"))
    assert response.status_code == 302
    page = story_text(reader, story)
    assert PENDING in page and LIVE not in page
    latest = story.history.order_by("-history_id").first()
    assert latest.history_change_reason == "Published pending changes"
    assert latest.history_user == editor
    assert not DraftRevision.objects.exists()


def test_editing_the_pending_version_loads_it_into_the_form(client, story, editor):
    drafting.pending_save(article=Article(**{**vars_of(story), "body": PENDING}), by=editor)
    log_in_staff(client, editor)
    page = client.get(change_url(story) + "?draft=pending").content.decode()
    assert "Showing the pending changes saved by Erin Editor" in page
    assert form_data(client.get(change_url(story) + "?draft=pending"))["body"] == PENDING
    assert form_data(client.get(change_url(story)))["body"] == LIVE


def vars_of(article):
    return {f.attname: getattr(article, f.attname) for f in Article._meta.concrete_fields}


def test_discarding_pending_changes_leaves_the_live_story(client, story, editor):
    drafting.pending_save(article=Article(**{**vars_of(story), "body": PENDING}), by=editor)
    log_in_staff(client, editor)
    client.post(action_url(story, "pending", "discard"))
    assert not DraftRevision.objects.exists()
    story.refresh_from_db()
    assert story.body == LIVE


def test_only_live_stories_keep_pending_changes(story, editor):
    draft = make_article(status=Article.Status.DRAFT)
    with pytest.raises(ValidationError):
        drafting.pending_save(article=draft, by=editor)


def test_a_journalist_cannot_change_a_colleagues_live_story_even_as_pending(client, story):
    colleague = make_journalist("colleague")
    with pytest.raises(PermissionDenied):
        drafting.pending_save(article=story, by=colleague)
    log_in_staff(client, colleague)
    response = client.post(change_url(story), {"title": "x", "body": PENDING, "_pending": "1"})
    assert response.status_code in (403, 409)
    assert not DraftRevision.objects.exists()
    response = client.post(action_url(story, "pending", "publish"))
    assert response.status_code == 403


def test_no_pending_button_on_a_story_that_is_not_live(client, editor):
    draft = make_article(status=Article.Status.IN_REVIEW)
    log_in_staff(client, editor)
    assert 'name="_pending"' not in client.get(change_url(draft)).content.decode()


def test_the_author_keeps_pending_changes_on_their_live_story_and_an_editor_publishes(
    client, story, editor
):
    author = story.author
    log_in_staff(client, author)
    form = client.get(change_url(story))
    page = form.content.decode()
    assert 'name="_pending"' in page
    assert 'name="_save"' not in page and 'name="_continue"' not in page
    # A plain save of the live story is still refused, with every word handed back.
    response = client.post(change_url(story), form_data(form, body=PENDING))
    assert response.status_code == 409 and PENDING in response.content.decode()
    response = client.post(change_url(story), form_data(form, body=PENDING, _pending="Save"))
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.body == LIVE
    notice = client.get(change_url(story)).content.decode()
    assert "An editor publishes them." in notice
    assert "Publish pending changes</button>" not in notice
    assert client.post(action_url(story, "pending", "publish")).status_code == 403

    desk = client.__class__()
    log_in_staff(desk, editor)
    index = desk.get(reverse("admin:index")).content.decode()
    assert "Live stories with pending changes" in index and "?publication=pending" in index
    listing = desk.get(reverse("admin:articles_article_changelist") + "?publication=pending")
    assert list(listing.context["cl"].result_list) == [story]
    desk.post(action_url(story, "pending", "publish"))
    story.refresh_from_db()
    assert story.body == PENDING


def test_an_author_cannot_keep_pending_changes_on_someone_elses_story(client, story):
    other = make_journalist("other")
    with pytest.raises(PermissionDenied):
        drafting.pending_save(article=story, by=other)
    log_in_staff(client, other)
    form_page = client.get(change_url(story))
    assert 'name="_pending"' not in form_page.content.decode()


def test_pending_changes_written_before_a_newer_live_save_are_not_published_blindly(
    client, story, editor
):
    drafting.pending_save(article=Article(**{**vars_of(story), "body": PENDING}), by=editor)
    other = make_editor("olga", first_name="Olga", last_name="Other")
    live = Article.objects.get(pk=story.pk)
    live.title = "Bridge: a correction"
    from articles import services

    services.article_save(article=live, by=other)
    log_in_staff(client, editor)
    response = client.post(action_url(story, "pending", "publish"), follow=True)
    assert "The live story was saved by Olga Other" in response.content.decode()
    story.refresh_from_db()
    assert story.body == LIVE and story.title == "Bridge: a correction"

    # Reopened, checked and kept again, they publish.
    form = client.get(change_url(story) + "?draft=pending")
    checked = client.post(change_url(story), form_data(form, _pending="Keep"))
    assert checked.status_code == 200  # the usual conflict check: Olga's change is shown
    assert "Olga Other changed this story on" in checked.content.decode()
    kept = client.post(
        change_url(story), form_data(checked, title="Bridge: a correction", _pending="Keep")
    )
    assert kept.status_code == 302
    client.post(action_url(story, "pending", "publish"))
    story.refresh_from_db()
    assert story.body == PENDING and story.title == "Bridge: a correction"
