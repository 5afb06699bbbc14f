import json

import pytest
from django.urls import reverse

from articles.models import Article
from tests.conftest import log_in_staff
from tests.factories import (
    form_data,
    make_article,
    make_category,
    make_editor,
    make_journalist,
)

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_article_add")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def journalist_client(client):
    journalist = make_journalist("jamie")
    log_in_staff(client, journalist)
    return client, journalist


@pytest.fixture
def editor_client(client):
    editor = make_editor("erin")
    log_in_staff(client, editor)
    return client, editor


def new_story(category, **overrides):
    return {
        "title": "Harbour bridge reopens",
        "slug": "harbour-bridge-reopens",
        "category": category.pk,
        "standfirst": "Traffic flows again after six weeks.",
        "body": "The bridge reopened at dawn.",
        **overrides,
    }


def test_journalist_adds_a_story_through_the_admin_form(journalist_client):
    client, journalist = journalist_client
    category = make_category("City", slug="city")
    add_page = client.get(ADD)
    assert add_page.status_code == 200
    # Journalists do not choose the author, the status or the time: they are not form fields.
    fields = add_page.context["adminform"].form.fields
    assert "author" not in fields and "status" not in fields and "published_at" not in fields

    response = client.post(ADD, form_data(add_page, **new_story(category), _save="Save"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="harbour-bridge-reopens")
    assert article.author == journalist
    assert article.status == Article.Status.DRAFT
    assert article.category == category


def test_journalist_edits_a_story_through_the_change_form(journalist_client):
    client, journalist = journalist_client
    article = make_article(status=Article.Status.DRAFT, author=journalist, slug="to-edit")
    page = client.get(change_url(article))
    assert page.status_code == 200
    response = client.post(change_url(article), form_data(page, body="A corrected body."))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.body == "A corrected body."


def test_publish_button_on_the_add_form_means_now(editor_client):
    client, editor = editor_client
    category = make_category()
    page = client.get(ADD)
    response = client.post(ADD, form_data(page, **new_story(category), _publish="Publish"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert article.is_public and article.author == editor
    assert client.get(article.get_absolute_url()).status_code == 200


def test_duplicate_slug_is_a_form_error_not_a_crash(editor_client):
    client, _ = editor_client
    existing = make_article(slug="taken")
    page = client.get(ADD)
    response = client.post(ADD, form_data(page, **new_story(existing.category, slug="taken")))
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors
    assert Article.objects.count() == 1


def test_slug_is_prepopulated_from_the_title(editor_client):
    client, _ = editor_client
    page = client.get(ADD)
    prepopulated = json.loads(page.context["prepopulated_fields_json"])
    assert prepopulated == [
        {
            "id": "#id_slug",
            "name": "slug",
            "dependency_ids": ["#id_title"],
            "dependency_list": ["title"],
            "maxLength": 200,
            "allowUnicode": False,
        }
    ]
    assert "data-prepopulated-fields" in page.content.decode()


def test_admin_list_filters_and_search(editor_client):
    client, _ = editor_client
    make_article(title="Flood defences hold")
    make_article(title="Budget passes", status=Article.Status.DRAFT)
    url = reverse("admin:articles_article_changelist")
    found = client.get(url, {"q": "flood"}).content.decode()
    assert "Flood defences hold" in found and "Budget passes" not in found
    drafts = client.get(url, {"publication": "draft"}).content.decode()
    assert "Budget passes" in drafts and "Flood defences hold" not in drafts


def test_view_on_site_for_public_stories_and_preview_for_others(editor_client):
    client, _ = editor_client
    public = make_article()
    draft = make_article(status=Article.Status.DRAFT)
    public_page = client.get(change_url(public)).content.decode()
    draft_page = client.get(change_url(draft)).content.decode()
    assert "View on site" in public_page and ">Preview<" not in public_page
    assert "View on site" not in draft_page
    preview = reverse("admin:articles_article_preview", args=[draft.pk])
    assert f'href="{preview}"' in draft_page


def test_change_form_counts_characters_words_and_reading_time(editor_client):
    client, _ = editor_client
    article = make_article(body=" ".join(["word"] * 460))
    page = client.get(change_url(article)).content.decode()
    assert "2,299 characters · 460 words · 2 min read" in page


def test_category_autocomplete_answers_staff(journalist_client):
    client, _ = journalist_client
    make_category("Weather", slug="weather")
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "Wea", "app_label": "articles", "model_name": "article", "field_name": "category"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Weather"]


def test_author_autocomplete_offers_staff_to_editors(editor_client, django_user_model):
    client, _ = editor_client
    make_journalist("jo", first_name="Jo")
    django_user_model.objects.create_user("jolene-reader")  # not staff: never an author
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "jo", "app_label": "articles", "model_name": "article", "field_name": "author"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["jo"]


def test_browser_line_endings_are_stored_as_newlines_and_not_logged_as_edits(editor_client):
    from django.contrib.admin.models import LogEntry

    client, _ = editor_client
    article = make_article(body="One.\n\nTwo.", standfirst="Lead.\nMore.")
    page = client.get(change_url(article))
    data = form_data(page)
    data["body"] = data["body"].replace("\n", "\r\n")
    data["standfirst"] = data["standfirst"].replace("\n", "\r\n")
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert (article.body, article.standfirst) == ("One.\n\nTwo.", "Lead.\nMore.")
    assert LogEntry.objects.get().get_change_message() == "No fields changed."


def test_the_trackbacks_sent_table_appears_only_once_a_ping_was_sent(client):
    from linkbacks.models import SentLinkback

    log_in_staff(client, make_editor("root", is_superuser=True))  # who may see the pings' table
    story = make_article()
    page = client.get(change_url(story)).content.decode()
    assert "trackbacks sent" not in page.lower()  # no empty grid of blank headers
    SentLinkback.objects.create(article=story, target_url="https://example.com/a", status="sent")
    response = client.get(change_url(story))
    page = response.content.decode()
    assert "trackbacks sent" in page.lower() and "https://example.com/a" in page
    assert "<th></th>" not in page and '<th class="original">' not in page  # headers all named
    # The read-only table still carries its formset: the story saves as before.
    saved = client.post(change_url(story), form_data(response, title="Saved with pings"))
    assert saved.status_code == 302
    story.refresh_from_db()
    assert story.title == "Saved with pings" and story.pings_sent.count() == 1


def test_the_lead_image_input_has_a_label_of_its_own(editor_client):
    client, _ = editor_client
    page = client.get(ADD).content.decode()
    assert '<label for="id_image">' in page and 'id="id_image"' in page
