"""Two people on one story: the stale save is refused, nothing typed or saved is lost."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article
from articles.revisions import user_text
from tests.conftest import log_in_staff
from tests.factories import form_data, make_article, make_editor, make_journalist

pytestmark = pytest.mark.django_db

ORIGINAL = "The storm reached the coast at noon."
THEIRS = "The storm reached the coast at noon. Ferries stayed in port."
MINE = "The storm reached the coast at noon. Schools closed early."


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def client_for(user):
    client = Client()
    log_in_staff(client, user)
    return client


@pytest.fixture
def story():
    return make_article(
        status=Article.Status.IN_REVIEW,
        title="Storm",
        body=ORIGINAL,
        author=make_journalist("jamie", first_name="Jamie", last_name="Journalist"),
    )


def test_second_save_of_a_stale_form_is_refused_and_nothing_is_lost(story):
    editor = make_editor("erin", first_name="Erin", last_name="Editor")
    journalist_browser, editor_browser = client_for(story.author), client_for(editor)

    # Both open the change form before either saves.
    journalist_page = journalist_browser.get(change_url(story))
    editor_page = editor_browser.get(change_url(story))

    # The editor saves first.
    saved_at = timezone.now()
    response = editor_browser.post(change_url(story), form_data(editor_page, body=THEIRS))
    assert response.status_code == 302

    # The journalist's save, on top of a form opened before, is refused...
    response = journalist_browser.post(
        change_url(story), form_data(journalist_page, body=MINE, title="Storm hits the coast")
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    errors = " ".join(form.non_field_errors())
    assert "Erin Editor changed this story on" in errors
    when = timezone.localtime(story.history.order_by("-history_id").first().history_date)
    assert when - saved_at < timedelta(seconds=30)
    assert when.strftime("%H:%M") in errors
    page = response.content.decode()
    # ... shows the difference the editor made ...
    assert "<ins> Ferries stayed in port.</ins>" in page
    # ... and keeps every word the journalist typed in the form.
    assert form["body"].value() == MINE
    assert form["title"].value() == "Storm hits the coast"
    assert MINE + "</textarea>" in page

    # The stored story is the editor's version, untouched by the refused save.
    story.refresh_from_db()
    assert (story.title, story.body) == ("Storm", THEIRS)

    # Having seen the difference, the journalist may save again, deliberately; the editor's
    # text stays in the revisions, so nothing of either is lost.
    response = journalist_browser.post(change_url(story), form_data(response, _save="Save"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    story.refresh_from_db()
    assert story.body == MINE
    bodies = list(story.history.values_list("body", flat=True))
    assert THEIRS in bodies and MINE in bodies


def test_a_workflow_change_also_makes_an_open_form_stale(story):
    editor = make_editor()
    journalist_browser = client_for(story.author)
    page = journalist_browser.get(change_url(story))
    # While the journalist types, the editor publishes the story.
    editor_browser = client_for(editor)
    editor_page = editor_browser.get(change_url(story))
    editor_browser.post(change_url(story), form_data(editor_page, _publish="Publish"))
    story.refresh_from_db()
    assert story.is_public
    # The journalist may no longer change it at all: refused, not silently overwritten, and
    # every word they typed comes back to them with who changed the story.
    response = journalist_browser.post(change_url(story), form_data(page, body=MINE))
    assert response.status_code == 409
    text = response.content.decode()
    assert "Your changes were not saved" in text and "published" in text
    assert escape(MINE) in text
    assert user_text(editor) in text
    story.refresh_from_db()
    assert story.body == ORIGINAL


def test_post_without_the_revision_marker_is_refused(story):
    browser = client_for(make_editor())
    page = browser.get(change_url(story))
    response = browser.post(change_url(story), form_data(page, base_revision="", body=MINE))
    assert response.status_code == 200
    assert "changed this story" in " ".join(response.context["adminform"].form.non_field_errors())
    story.refresh_from_db()
    assert story.body == ORIGINAL


def test_the_change_form_shows_who_else_has_the_story_open(story):
    editor = make_editor("erin", first_name="Erin", last_name="Editor")
    other_editor = make_editor("max", first_name="Max", last_name="Mustermann")
    client_for(editor).get(change_url(story))
    page = client_for(other_editor).get(change_url(story))
    others = [p.name for p in page.context["others_here"]]
    assert others == ["Erin Editor"]
    assert "Also open here in the last few minutes" in page.content.decode()

    # A heartbeat keeps the list fresh; six minutes later, a silent visitor has gone.
    presence = reverse("admin:articles_article_presence", args=[story.pk])
    answer = client_for(other_editor).post(presence).json()
    assert [o["name"] for o in answer["others"]] == ["Erin Editor"]
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        page = client_for(other_editor).get(change_url(story))
        assert page.context["others_here"] == []
    assert client_for(other_editor).get(presence).status_code == 405


def test_presence_is_refused_to_those_who_cannot_see_stories(story, django_user_model):
    reader = django_user_model.objects.create_user("reader", password="pw")
    presence = reverse("admin:articles_article_presence", args=[story.pk])
    assert client_for(reader).post(presence).status_code == 302


def test_the_same_form_sent_twice_saves_once(story):
    # A double click on Save: the second copy is stale the moment the first is stored.
    browser = client_for(make_editor())
    data = form_data(browser.get(change_url(story)), body=MINE)
    assert browser.post(change_url(story), data).status_code == 302
    assert browser.post(change_url(story), data).status_code == 200
    assert story.history.filter(body=MINE).count() == 1
