from datetime import timedelta
from io import StringIO

import feedparser
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests.factories import make_article, make_comment, make_user

pytestmark = pytest.mark.django_db


def delete_url(comment):
    return reverse("comments:delete", kwargs={**comment.article.url_kwargs(), "pk": comment.pk})


def test_reader_deletes_own_comment_and_the_thread_stays(client, article):
    reader = make_user()
    own = make_comment(article, user=reader, body="I take this back", email="me@example.com")
    reply = make_comment(article, parent=own, body="A reply that stays")
    client.force_login(reader)
    page = client.get(article.get_absolute_url()).content.decode()
    assert delete_url(own) in page  # the reader sees a delete button on their own comment
    response = client.post(delete_url(own))
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.status, own.body, own.email) == ("removed", "", "")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "comment removed" in page and "A reply that stays" in page
    assert "I take this back" not in page
    reply.refresh_from_db()
    assert reply.parent_id == own.pk


def test_nobody_else_can_delete_a_comment(client, article):
    theirs = make_comment(article, user=make_user(), body="Mine, not yours")
    assert client.post(delete_url(theirs)).status_code == 302  # anonymous: to the login page
    client.force_login(make_user())
    assert delete_url(theirs) not in client.get(article.get_absolute_url()).content.decode()
    assert client.post(delete_url(theirs)).status_code == 404
    assert client.get(delete_url(theirs)).status_code == 405
    theirs.refresh_from_db()
    assert theirs.status == Comment.Status.APPROVED and theirs.body == "Mine, not yours"


def test_anonymise_blanks_old_addresses_only(article):
    old = make_comment(article, ip_address="203.0.113.9", user_agent="Old browser")
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    new = make_comment(article, ip_address="203.0.113.10", user_agent="New browser")
    out = StringIO()
    call_command("comments_anonymise", "--days", "30", stdout=out)
    assert "Anonymised 1 comment(s)" in out.getvalue()
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.ip_address, old.user_agent) == (None, "")
    assert (new.ip_address, new.user_agent) == ("203.0.113.10", "New browser")


def test_comment_feed_lists_approved_comments(client, article):
    make_comment(article, name="Ana", body="First approved")
    make_comment(article, body="Still pending", status="pending")
    make_comment(article, body="Spam here", status="spam")
    make_comment(make_article(), body="Other story")
    response = client.get(reverse("comments:feed", kwargs=article.url_kwargs()))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    assert [e.title for e in feed.entries] == ["Comment by Ana"]
    assert feed.entries[0].link.startswith("http://testserver/")
    assert "First approved" in feed.entries[0].summary


def test_comment_feed_of_hidden_story_is_404(client):
    draft = make_article(status="draft")
    url = f"{draft.get_absolute_url()}comments/feed/"
    assert client.get(url).status_code == 404


def test_comment_feed_query_count_is_fixed(client, article, django_assert_num_queries):
    url = reverse("comments:feed", kwargs=article.url_kwargs())
    for n in (1, 40):
        for _ in range(n):
            make_comment(article)
        with django_assert_num_queries(2):  # the story, then its comments with the story joined
            client.get(url)
