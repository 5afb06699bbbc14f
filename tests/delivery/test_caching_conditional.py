"""Conditional GET and Cache-Control of public pages: never an old page for a newer version."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles import services
from articles.models import Article
from comments.models import Comment
from comments.services import comments_moderate
from tests.factories import make_article, make_comment, make_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    return make_article(title="Harbour reopens", slug="harbour-reopens")


@pytest.fixture
def editor():
    return make_editor("editor", is_superuser=True)


def test_if_modified_since_alone_sees_an_approved_comment(client, story, editor):
    """A feed reader or CDN revalidating with If-Modified-Since only (no ETag)."""
    held = make_comment(story, status=Comment.Status.PENDING, body="Held for a moment.")
    first = client.get(story.get_absolute_url())
    time.sleep(1.1)  # the approval happens in a later second than the page's Last-Modified
    comments_moderate(
        comments=Comment.objects.filter(pk=held.pk), status="approved", moderator=editor
    )
    response = client.get(story.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert response.status_code == 200
    assert b"Held for a moment." in response.content


def test_a_story_that_does_not_exist_is_never_answered_304(client, story):
    home = client.get("/")
    missing = story.get_absolute_url().replace("harbour-reopens", "no-such-story")
    for conditional in (
        {"HTTP_IF_NONE_MATCH": home["ETag"]},
        {"HTTP_IF_MODIFIED_SINCE": home["Last-Modified"]},
    ):
        assert client.get(missing, **conditional).status_code == 404


def test_stale_while_revalidate_ends_at_the_next_scheduled_story(client, editor):
    make_article(title="Already out")
    draft = make_article(status=Article.Status.DRAFT, title="Embargoed budget")
    at = timezone.now() + timedelta(hours=2)
    services.article_schedule(article=draft, by=editor, at=at)
    with time_machine.travel(at - timedelta(seconds=30), tick=False):
        control = client.get("/")["Cache-Control"]
    assert control == "public, max-age=30, s-maxage=30, stale-while-revalidate=30"
