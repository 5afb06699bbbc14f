"""A comment's HTML is made when it is saved, never while a page is rendered."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from comments.models import Comment
from comments.rendering import comment_html
from comments.services import comment_delete_own
from tests.factories import make_article, make_comment, make_user

pytestmark = pytest.mark.django_db

fill = importlib.import_module("comments.migrations.0005_stored_html").fill_stored_html


def test_saving_stores_the_escaped_linked_html():
    comment = make_comment(make_article(), body="See https://example.com/a <b>now</b>\nBye")
    row = Comment.objects.get(pk=comment.pk)
    assert row.body_rendered == (
        'See <a href="https://example.com/a" rel="nofollow ugc">https://example.com/a</a> '
        "&lt;b&gt;now&lt;/b&gt;<br>Bye"
    )


def test_the_thread_shows_the_stored_html_not_a_new_rendering(client):
    story = make_article()
    comment = make_comment(story, body="Stored words.")
    Comment.objects.filter(pk=comment.pk).update(body="Changed behind its back.")
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Stored words." in page and "Changed behind" not in page


def test_a_row_written_around_save_is_still_shown_escaped(client):
    story = make_article()
    comment = make_comment(story, body="Bulk <i>loaded</i>")
    Comment.objects.filter(pk=comment.pk).update(body_rendered="")
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Bulk &lt;i&gt;loaded&lt;/i&gt;" in page and "<i>loaded" not in page


def test_a_reader_taking_back_a_comment_takes_back_its_html():
    reader = make_user()
    comment = make_comment(make_article(), body="Regret this.", user=reader)
    comment_delete_own(comment=comment, user=reader)
    assert Comment.objects.get(pk=comment.pk).body_rendered == ""


def test_the_upgrade_migration_fills_existing_comments():
    story = make_article()
    comments = [make_comment(story, body=f"Old <{n}> www.example.com") for n in range(3)]
    Comment.objects.update(body_rendered="")
    fill(apps, SimpleNamespace(connection=connection))
    for comment in comments:
        assert Comment.objects.get(pk=comment.pk).body_rendered == comment_html(comment.body)
        assert "&lt;" in comment_html(comment.body)


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300))
def test_whatever_a_reader_types_is_stored_without_markup_of_theirs(text):
    html = comment_html(text)
    # Only our own tags survive: links we made and line breaks; every < of theirs is escaped.
    stripped = html.replace("<br>", "")
    for tag in ("<a ", "</a>"):
        stripped = stripped.replace(tag, "")
    assert "<" not in stripped
