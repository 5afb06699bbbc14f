"""Autosave keeps a non-public copy of the form's text; reopening offers it; nothing that
publishes ever picks it up unless the writer restores it and saves."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import services
from articles.models import Article, DraftRevision
from articles.workflow import Transition
from guards.text import printable, without_control_characters
from tests.conftest import log_in_staff
from tests.factories import form_data, make_article, make_editor, make_journalist

pytestmark = pytest.mark.django_db

SAVED = "The council met at noon."
TYPED = "The council met at noon and voted to close the pool."


@pytest.fixture
def journalist():
    return make_journalist("jamie")


@pytest.fixture
def story(journalist):
    return make_article(status=Article.Status.DRAFT, body=SAVED, title="Council", author=journalist)


def autosave_url(article):
    return reverse("admin:articles_article_autosave", args=[article.pk])


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_autosave_stores_a_revision_that_is_not_public(client, story, journalist):
    revisions = story.history.count()
    log_in_staff(client, journalist)
    response = client.post(autosave_url(story), {"title": "Council", "body": TYPED})
    assert response.status_code == 200
    assert response.json()["message"].startswith("Autosaved at ")

    draft = DraftRevision.objects.get()
    assert (draft.kind, draft.user, draft.body) == ("autosave", journalist, TYPED)
    story.refresh_from_db()
    assert story.body == SAVED and story.history.count() == revisions
    # A second autosave replaces the first: one per story and writer.
    client.post(autosave_url(story), {"title": "Council", "body": TYPED + " More."})
    assert DraftRevision.objects.get().body == TYPED + " More."


def test_reopening_the_form_offers_the_autosave_and_restores_it(client, story, journalist):
    log_in_staff(client, journalist)
    client.post(autosave_url(story), {"title": "Council", "body": TYPED})

    page = client.get(change_url(story))
    text = page.content.decode()
    assert "You have unsaved changes to this story" in text
    assert 'href="?draft=autosave"' in text
    assert form_data(page)["body"] == SAVED  # offered, not applied

    restored = client.get(change_url(story) + "?draft=autosave")
    assert "Restored unsaved changes from" in restored.content.decode()
    assert form_data(restored)["body"] == TYPED

    # Saving the restored form keeps the text for real; the autosave has done its work.
    response = client.post(change_url(story), form_data(restored))
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.body == TYPED
    assert not DraftRevision.objects.exists()


def test_an_autosave_is_offered_only_to_its_writer(client, story, journalist):
    log_in_staff(client, journalist)
    client.post(autosave_url(story), {"title": "Council", "body": TYPED})
    log_in_staff(client, make_editor())
    assert "unsaved changes" not in client.get(change_url(story)).content.decode()


def test_publishing_never_picks_up_an_autosave(client, story, journalist):
    editor = make_editor("erin")
    log_in_staff(client, editor)
    page = client.get(change_url(story))  # opened before typing
    client.post(autosave_url(story), {"title": "Council", "body": TYPED})
    log_in_staff(client, journalist)
    client.post(autosave_url(story), {"title": "Council", "body": TYPED + " (mine)"})

    # The editor publishes from the list's action: the stored words go out.
    services.article_apply(article=story, by=editor, transition=Transition.SUBMIT)
    services.article_apply(
        article=Article.objects.get(pk=story.pk), by=editor, transition=Transition.PUBLISH
    )
    story.refresh_from_db()
    assert story.is_public and story.body == SAVED
    public = Client().get(story.get_absolute_url()).content.decode()
    assert SAVED in public and TYPED not in public
    # The journalist's autosave is still theirs to restore or discard; the editor's is gone.
    assert list(DraftRevision.objects.values_list("user__username", flat=True)) == ["jamie"]
    assert page.status_code == 200


def test_publishing_from_the_form_uses_the_form_not_the_autosave(client, journalist):
    editor = make_editor("erin")
    story = make_article(status=Article.Status.IN_REVIEW, body=SAVED, author=journalist)
    log_in_staff(client, editor)
    page = client.get(change_url(story))
    client.post(autosave_url(story), {"title": story.title, "body": TYPED})
    response = client.post(change_url(story), form_data(page, _publish="Publish"))
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.is_public and story.body == SAVED


def test_autosave_of_a_live_story_changes_nothing_public(client):
    editor = make_editor()
    story = make_article(body=SAVED, published_at=timezone.now() - timedelta(hours=1))
    reader = Client()
    assert SAVED in reader.get(story.get_absolute_url()).content.decode()
    log_in_staff(client, editor)
    assert client.post(autosave_url(story), {"body": TYPED}).status_code == 200
    page = reader.get(story.get_absolute_url()).content.decode()
    assert SAVED in page and TYPED not in page


def test_autosave_needs_the_csrf_token_and_the_right_to_change(story, journalist):
    browser = Client(enforce_csrf_checks=True)
    log_in_staff(browser, journalist)
    assert browser.post(autosave_url(story), {"body": TYPED}).status_code == 403
    other = Client()
    log_in_staff(other, make_journalist())  # may read a colleague's draft, not change it
    assert other.post(autosave_url(story), {"body": TYPED}).status_code == 403
    assert Client().post(autosave_url(story), {"body": TYPED}).status_code == 302  # to login
    assert Client().get(autosave_url(story)).status_code == 302
    assert not DraftRevision.objects.exists()


def test_autosave_refuses_text_too_long_to_keep(client, story, journalist):
    log_in_staff(client, journalist)
    response = client.post(autosave_url(story), {"title": "x" * 201})
    assert response.status_code == 400
    assert "title" in response.json()["errors"]["__all__"][0]
    assert not DraftRevision.objects.exists()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.text(max_size=300), title=st.text(max_size=200))
def test_any_text_typed_is_kept_as_typed(client, story, journalist, body, title):
    log_in_staff(client, journalist)
    response = client.post(autosave_url(story), {"title": title, "body": body})
    assert response.status_code == 200
    draft = DraftRevision.objects.get()

    def kept(text):  # control characters dropped at the door (NUL never reaches PostgreSQL)
        return without_control_characters(text).replace("\r\n", "\n").replace("\r", "\n")

    # A title is one line: it keeps no control character at all, line breaks included (the
    # rule every stored one-line field follows, guards/text.py).
    assert (draft.body, draft.title) == (kept(body), printable(kept(title)))


def test_a_story_not_created_yet_is_autosaved_and_offered_on_the_add_form(client, journalist):
    add = reverse("admin:articles_article_add")
    log_in_staff(client, journalist)
    assert (
        'data-autosave-url="/admin/articles/article/add/autosave/"'
        in client.get(add).content.decode()
    )
    response = client.post(
        reverse("admin:articles_article_autosave_new"), {"title": "Pool closes", "body": TYPED}
    )
    assert response.status_code == 200
    assert DraftRevision.objects.get(article=None).body == TYPED
    assert not Article.objects.exists()

    page = client.get(add).content.decode()
    assert "You have an unsaved story from" in page and "Pool closes" in page
    restored = client.get(add + "?draft=autosave")
    assert "Restored unsaved changes from" in restored.content.decode()
    data = form_data(restored)
    assert (data["title"], data["body"]) == ("Pool closes", TYPED)

    # Creating the story uses the autosave up.
    section = make_article().category
    response = client.post(add, {**data, "slug": "pool-closes", "category": section.pk})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Article.objects.get(slug="pool-closes").body == TYPED
    assert not DraftRevision.objects.exists()


def test_the_add_forms_autosave_is_the_writers_own_and_can_be_discarded(client, journalist):
    log_in_staff(client, journalist)
    client.post(reverse("admin:articles_article_autosave_new"), {"title": "Mine", "body": "x"})
    other = Client()
    log_in_staff(other, make_journalist())
    assert "unsaved story" not in other.get(reverse("admin:articles_article_add")).content.decode()
    reader = Client()
    log_in_staff(reader, make_user_without_rights())
    response = reader.post(reverse("admin:articles_article_autosave_new"), {"body": "x"})
    assert response.status_code == 403
    client.post(reverse("admin:articles_article_autosave_new_discard"))
    assert not DraftRevision.objects.exists()


def make_user_without_rights():
    from tests.factories import make_user

    return make_user(is_staff=True)


def test_restored_text_written_before_a_newer_save_goes_through_the_conflict_check(
    client, story, journalist
):
    log_in_staff(client, journalist)
    client.post(autosave_url(story), {"title": "Council", "body": TYPED})
    editor = make_editor("erin", first_name="Erin", last_name="Editor")
    live = Article.objects.get(pk=story.pk)
    live.standfirst = "The editor's standfirst."
    services.article_save(article=live, by=editor)

    restored = client.get(change_url(story) + "?draft=autosave")
    response = client.post(change_url(story), form_data(restored))
    assert response.status_code == 200  # refused: the editor saved after the autosave
    assert "Erin Editor changed this story on" in " ".join(
        response.context["adminform"].form.non_field_errors()
    )
    assert TYPED in response.content.decode()
    story.refresh_from_db()
    assert story.body == SAVED and story.standfirst == "The editor's standfirst."
