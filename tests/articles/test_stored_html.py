"""The body's HTML and the summary are rendered when a story is written, never per request."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from articles import services
from articles.models import Article
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

fill = importlib.import_module("articles.migrations.0007_stored_html").fill_stored_text


def test_every_door_stores_the_rendered_body_and_the_summary():
    created = make_article(body="Hello *world* <script>alert(1)</script>", standfirst="")
    row = Article.objects.get(pk=created.pk)
    assert row.body_rendered == "<p>Hello <em>world</em> </p>"
    assert row.description == "Hello world"

    editor = make_user(is_superuser=True, is_staff=True)
    row.body, row.standfirst = "Now **bold**.", "The lead."
    services.article_save(article=row, by=editor)
    row = Article.objects.get(pk=created.pk)
    assert row.body_rendered == "<p>Now <strong>bold</strong>.</p>"
    assert row.description == "The lead."


def test_saving_only_the_body_keeps_its_stored_html_in_step():
    story = make_article(body="First.")
    story.body = "Second."
    story.save(update_fields=["body"])
    assert Article.objects.get(pk=story.pk).body_rendered == "<p>Second.</p>"


def test_pages_and_feeds_show_the_stored_html_not_a_new_rendering(client):
    story = make_article(body="Stored words.", standfirst="")
    # Written around save(): what readers get shows whether anything renders per request.
    Article.objects.filter(pk=story.pk).update(body="Changed behind its back.")
    page = client.get(story.get_absolute_url()).content.decode()
    assert "<p>Stored words.</p>" in page and "Changed behind" not in page
    assert '<meta name="description" content="Stored words.">' in page
    feed = client.get("/feed/").content.decode()
    assert "Stored words." in feed and "Changed behind" not in feed


def test_a_row_written_around_save_is_still_shown_rendered(client):
    story = make_article(body="Bulk *loaded*.", standfirst="")
    Article.objects.filter(pk=story.pk).update(body_rendered="", description="")
    page = client.get(story.get_absolute_url()).content.decode()
    assert "<p>Bulk <em>loaded</em>.</p>" in page
    assert '<meta name="description" content="Bulk loaded.">' in page


def test_the_upgrade_migration_fills_existing_stories():
    stories = [make_article(body=f"Old story *{n}*.", standfirst="") for n in range(3)]
    Article.objects.update(body_rendered="", description="")
    fill(apps, SimpleNamespace(connection=connection))
    for story in stories:
        row = Article.objects.get(pk=story.pk)
        assert row.body_rendered == f"<p>Old story <em>{story.body[11]}</em>.</p>"
        assert row.description == f"Old story {story.body[11]}."


def test_revisions_do_not_copy_the_rendered_columns():
    assert not hasattr(Article.history.model, "body_rendered")
    assert not hasattr(Article.history.model, "description")
