"""An editor sends a story back to its journalist with a note; the journalist sees it on the
form and on the desk ("Returned to me") until they submit again."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from articles import services
from articles.models import Article, ReviewNote
from articles.workflow import Transition
from tests.conftest import log_in_staff
from tests.factories import form_data, make_article, make_editor, make_journalist

pytestmark = pytest.mark.django_db

NOTE = "Please name the second source <and> check the date."


@pytest.fixture
def journalist():
    return make_journalist("jamie")


@pytest.fixture
def editor():
    return make_editor("erin", first_name="Erin", last_name="Editor")


@pytest.fixture
def story(journalist):
    return make_article(status=Article.Status.IN_REVIEW, author=journalist, title="Floods")


def client_for(user):
    client = Client()
    log_in_staff(client, user)
    return client


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_send_back_with_a_note_then_resubmit(story, journalist, editor):
    desk = client_for(editor)
    form = desk.get(change_url(story))
    assert "Send back to the journalist with a note" in form.content.decode()
    response = desk.post(
        reverse("admin:articles_article_send_back", args=[story.pk]),
        {**form_data(form), "review_note": NOTE},
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT
    latest = story.history.order_by("-history_id").first()
    assert (latest.history_change_reason, latest.history_user) == (
        "Sent back to the journalist",
        editor,
    )

    writer = client_for(journalist)
    index = writer.get(reverse("admin:index")).content.decode()
    assert "Returned to me" in index and "?publication=returned" in index
    listing = writer.get(reverse("admin:articles_article_changelist") + "?publication=returned")
    assert list(listing.context["cl"].result_list) == [story]
    page = writer.get(change_url(story)).content.decode()
    assert "Sent back by Erin Editor on" in page
    assert "Please name the second source &lt;and&gt; check the date." in page

    response = writer.post(
        change_url(story), form_data(writer.get(change_url(story)), _submit_review="Submit")
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == Article.Status.IN_REVIEW
    assert ReviewNote.objects.get().resolved_at is not None
    assert "Sent back by" not in writer.get(change_url(story)).content.decode()
    assert not Article.objects.returned_to(journalist).exists()


def test_only_editors_send_back_only_stories_in_review_and_only_with_a_note(
    story, journalist, editor
):
    with pytest.raises(PermissionDenied):
        services.article_return(article=story, by=journalist, note=NOTE)
    with pytest.raises(ValidationError):
        services.article_return(article=story, by=editor, note="   ")
    draft = make_article(status=Article.Status.DRAFT, author=journalist)
    with pytest.raises(ValidationError):
        services.article_return(article=draft, by=editor, note=NOTE)
    story.refresh_from_db()
    assert story.status == Article.Status.IN_REVIEW and not ReviewNote.objects.exists()

    response = client_for(journalist).post(
        reverse("admin:articles_article_send_back", args=[story.pk]), {"review_note": NOTE}
    )
    assert response.status_code == 403
    # An empty note through the form: told, nothing changes.
    desk = client_for(editor)
    response = desk.post(
        reverse("admin:articles_article_send_back", args=[story.pk]),
        {"review_note": ""},
        follow=True,
    )
    assert "Write a note saying what to change." in response.content.decode()
    story.refresh_from_db()
    assert story.status == Article.Status.IN_REVIEW


def test_a_published_story_cannot_be_sent_back(editor, journalist):
    live = make_article(author=journalist)
    with pytest.raises(ValidationError):
        services.article_return(article=live, by=editor, note=NOTE)
    services.article_apply(article=live, by=editor, transition=Transition.UNPUBLISH)
    assert not ReviewNote.objects.exists()
