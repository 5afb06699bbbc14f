"""A story's comments feed: validated and kept like every other feed, with the linkbacks the
story page shows beside its comments."""

import feedparser
import pytest
from django.urls import reverse

from comments.models import Comment
from tests.factories import make_article, make_comment, make_trackback

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    return make_article(title="Harbour reopens", slug="harbour-reopens")


def feed_url(story):
    return reverse("comments:feed", kwargs=story.url_kwargs())


def test_the_comments_feed_is_validated_and_kept_like_the_other_feeds(client, story):
    make_comment(story, name="Ana", body="Good news.")
    first = client.get(feed_url(story))
    assert first.status_code == 200
    assert first["Cache-Control"].startswith("public, max-age=")
    assert first["ETag"].startswith('W/"')
    for asked in (
        {"HTTP_IF_MODIFIED_SINCE": first["Last-Modified"]},
        {"HTTP_IF_NONE_MATCH": first["ETag"]},
    ):
        assert client.get(feed_url(story), **asked).status_code == 304, asked


def test_a_new_comment_or_linkback_makes_the_feed_new(client, story):
    first = client.get(feed_url(story))
    make_comment(story, name="Ben", body="Later words.")
    again = client.get(feed_url(story), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and b"Comment by Ben" in again.content
    make_trackback(story, "https://blog.example/p", status=Comment.Status.APPROVED)
    third = client.get(feed_url(story), HTTP_IF_NONE_MATCH=again["ETag"])
    assert third.status_code == 200 and b"Trackback from A blog" in third.content


def test_the_feed_lists_the_approved_linkbacks_marked_as_such(client, story):
    make_comment(story, name="Ana", body="First approved")
    make_trackback(
        story,
        "https://blog.example/2024/harbour",
        name="Harbour Blog",
        title="The harbour is back",
        body="They reopened it.",
        status=Comment.Status.APPROVED,
    )
    make_trackback(story, "https://held.example/x", name="Held", status=Comment.Status.PENDING)
    make_trackback(story, "https://spam.example/x", name="Spam", status=Comment.Status.SPAM)
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Harbour Blog" in page and "Held" not in page  # what the story page shows
    feed = feedparser.parse(client.get(feed_url(story)).content)
    assert not feed.bozo, feed.get("bozo_exception")
    entries = {entry.title: entry for entry in feed.entries}
    assert set(entries) == {"Comment by Ana", "Trackback from Harbour Blog"}
    trackback = entries["Trackback from Harbour Blog"]
    assert [tag.term for tag in trackback.tags] == ["trackback"]
    assert [tag.term for tag in entries["Comment by Ana"].tags] == ["comment"]
    assert trackback.link.startswith("http://testserver" + story.get_absolute_url() + "#t")
    assert 'href="https://blog.example/2024/harbour"' in trackback.summary
    assert "The harbour is back" in trackback.summary and "They reopened it." in trackback.summary
