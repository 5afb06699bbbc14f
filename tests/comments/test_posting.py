import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client

from comments.models import Comment
from comments.services import comment_post
from tests.factories import comment_form_data, make_article, make_comment, make_user

pytestmark = pytest.mark.django_db


# What a browser adds to a form it sends from one of this site's pages.
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"}


def test_post_with_csrf_end_to_end(article, post_url):
    client = Client(enforce_csrf_checks=True)
    before = client.get(article.get_absolute_url()).content.decode()
    assert "0 Comment(s)" in before and "Write comment" in before
    # The page is shared by every anonymous reader: no token in it, no cookie set.
    assert "csrfmiddlewaretoken" not in before and not client.cookies

    response = client.post(
        post_url, comment_form_data(article, body="Well reported."), **SAME_ORIGIN
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#c{comment.pk}"
    assert comment.status == Comment.Status.APPROVED
    assert comment.ip_address == "127.0.0.1"

    page = client.get(article.get_absolute_url()).content.decode()
    assert "1 Comment(s)" in page
    assert f'id="c{comment.pk}"' in page and "Well reported." in page
    assert "ana@example.com" not in page  # the email is never shown


def test_post_without_csrf_token_is_refused_and_stores_nothing(article, post_url):
    client = Client(enforce_csrf_checks=True)
    response = client.post(post_url, comment_form_data(article))
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_invalid_post_keeps_the_text_and_says_why(client, article, post_url):
    response = client.post(
        post_url, comment_form_data(article, email="not-an-email", body="My words <3")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a valid email address." in page
    assert "My words &lt;3</textarea>" in page
    assert "<h1>Harbour reopens</h1>" in page  # the story page itself, not a bare error
    assert not Comment.objects.exists()


def test_body_over_5000_characters_is_refused(client, article, post_url):
    response = client.post(post_url, comment_form_data(article, body="x" * 5001))
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_logged_in_reader_posts_under_their_account(client, article, post_url):
    reader = make_user("robin", first_name="Robin", last_name="Reader", email="robin@example.com")
    client.force_login(reader)
    data = comment_form_data(article, name="Someone Else", email="fake@example.com")
    assert client.post(post_url, data).status_code == 302
    comment = Comment.objects.get()
    assert (comment.user, comment.name, comment.email) == (reader, "Robin Reader", reader.email)


@pytest.mark.parametrize("status", ["draft", "review"])
def test_no_comments_on_unpublished_stories(client, status):
    hidden = make_article(status=status)
    url = f"{hidden.get_absolute_url()}comments/"
    assert client.post(url, comment_form_data(hidden)).status_code == 404
    assert not Comment.objects.exists()


def test_no_comments_on_scheduled_or_unknown_stories(client):
    from datetime import timedelta

    from django.utils import timezone

    scheduled = make_article(published_at=timezone.now() + timedelta(hours=2))
    assert (
        client.post(
            f"{scheduled.get_absolute_url()}comments/", comment_form_data(scheduled)
        ).status_code
        == 404
    )
    assert client.post("/2024/01/01/no-such-story/comments/", {}).status_code == 404
    assert client.post("/2024/13/45/bad-date/comments/", {}).status_code == 404
    assert not Comment.objects.exists()


def test_get_is_not_allowed(client, post_url):
    assert client.get(post_url).status_code == 405


def test_extra_fields_change_nothing(client, article, post_url):
    draft = make_article(status="draft")
    other_user = make_user()
    data = {
        **comment_form_data(article, body="Buy www.a.com www.b.com www.c.com"),
        "status": "approved",
        "user": other_user.pk,
        "article": draft.pk,
        "kind": "trackback",
        "ip_address": "10.0.0.1",
        "moderation_reason": "trusted",
    }
    assert client.post(post_url, data).status_code == 302
    comment = Comment.objects.get()
    assert comment.article == article
    assert comment.user is None
    assert comment.kind == Comment.Kind.COMMENT
    assert comment.status == Comment.Status.PENDING  # three links: held, whatever was sent
    assert comment.ip_address == "127.0.0.1"
    assert comment.moderation_reason == "3 links"


def test_reply_nests_under_its_parent(client, article, post_url):
    parent = make_comment(article, body="First!")
    response = client.post(post_url, comment_form_data(article, parent=parent.pk, body="Reply."))
    assert response.status_code == 302
    reply = Comment.objects.get(body="Reply.")
    assert reply.parent == parent
    page = client.get(article.get_absolute_url()).content.decode()
    thread = page.split(f'id="c{parent.pk}"', 1)[1]
    assert '<ol class="replies">' in thread.split(f'id="c{reply.pk}"', 1)[0]


def test_replies_stop_at_the_configured_depth(client, article, post_url, settings):
    settings.COMMENTS_MAX_DEPTH = 3
    level1 = make_comment(article)
    level2 = make_comment(article, parent=level1)
    level3 = make_comment(article, parent=level2)
    ok = client.post(post_url, comment_form_data(article, parent=level2.pk, body="at depth 3"))
    assert ok.status_code == 302
    too_deep = client.post(post_url, comment_form_data(article, parent=level3.pk, body="depth 4"))
    assert too_deep.status_code == 400
    assert "too deep" in too_deep.content.decode()
    assert not Comment.objects.filter(body="depth 4").exists()


def test_reply_to_a_comment_of_another_story_is_refused(client, article, post_url):
    elsewhere = make_comment(make_article())
    response = client.post(post_url, comment_form_data(article, parent=elsewhere.pk))
    assert response.status_code == 400
    assert Comment.objects.count() == 1


def test_next_is_followed_only_to_this_site(client, article, post_url):
    inside = client.post(post_url, comment_form_data(article, next="/category/other/", body="a"))
    assert inside["Location"].startswith("/category/other/#c")
    for target in [
        "https://evil.example/",
        "//evil.example/x",
        "javascript:alert(1)",
        "\\\\evil.example",
    ]:
        response = client.post(post_url, comment_form_data(article, next=target, body=target))
        assert response["Location"].startswith(article.get_absolute_url()), target


def test_tampered_or_foreign_form_stamp_is_a_form_error(client, article, post_url):
    other = make_article()
    for stamp in ["", "garbage", comment_form_data(other)["rendered"]]:
        response = client.post(post_url, comment_form_data(article, rendered=stamp))
        assert response.status_code == 400
    assert not Comment.objects.exists()


def test_page_shows_only_approved_comments_and_removed_placeholders(client, article):
    make_comment(article, body="Visible one")
    make_comment(article, body="Waiting one", status="pending")
    make_comment(article, body="Spammy one", status="spam")
    removed = make_comment(article, body="Taken back", status="removed")
    make_comment(article, body="Reply to removed", parent=removed)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "2 Comment(s)" in page
    assert "Visible one" in page and "Reply to removed" in page
    assert "Waiting one" not in page and "Spammy one" not in page and "Taken back" not in page
    assert "comment removed" in page


def test_comment_text_is_escaped_with_line_breaks_and_ugc_links(client, article):
    make_comment(article, body="Line one\nSee https://example.org/report <b>bold</b>")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Line one<br>See" in page
    assert (
        '<a href="https://example.org/report" rel="nofollow ugc">https://example.org/report</a>'
        in page
    )
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


def test_control_characters_in_the_user_agent_are_dropped(client, article, post_url):
    response = client.post(post_url, comment_form_data(article), HTTP_USER_AGENT="evil\x00ua\x07")
    assert response.status_code == 302
    assert Comment.objects.get().user_agent == "evilua"


def test_forged_forwarded_address_is_not_stored(client, article, post_url, settings):
    settings.NUM_PROXIES = 1
    client.post(post_url, comment_form_data(article), HTTP_X_FORWARDED_FOR="not-an-ip")
    assert Comment.objects.get().ip_address is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_a_double_click_stores_one_comment(settings):
    """Two posts of the same comment at once: the second waits for the first, then sees it."""
    article = make_article()
    started, results = threading.Event(), []

    def first():
        with transaction.atomic():
            comment_post(article=article, user=None, body="Twice?", name="A", ip_address="1.2.3.4")
            started.set()
            time.sleep(0.5)  # still uncommitted while the second post arrives
        connection.close()

    def second():
        started.wait(5)
        results.append(
            comment_post(article=article, user=None, body="Twice?", name="A", ip_address="1.2.3.4")
        )
        connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert Comment.objects.filter(body="Twice?").count() == 1
    assert results and results[0].pk == Comment.objects.get(body="Twice?").pk
