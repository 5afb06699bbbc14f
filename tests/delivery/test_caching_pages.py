"""Anonymous pages are shared, stored and answered 304; every change shows on the next one."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles import services
from articles.models import Article
from comments.models import Comment
from comments.services import comments_moderate
from tests.factories import (
    comment_form_data,
    make_article,
    make_category,
    make_comment,
    make_editor,
    make_trackback,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    return make_article(title="Harbour reopens", slug="harbour-reopens", standfirst="Boats back.")


@pytest.fixture
def editor():
    return make_editor("editor", is_superuser=True)


def public_pages(story):
    return [
        "/",
        story.get_absolute_url(),
        story.category.get_absolute_url(),
        f"/{story.published_at:%Y}/",
        f"/{story.published_at:%Y}/{story.published_at:%m}/",
        "/feed/",
        "/feed/atom/",
        reverse("articles:category_feed", kwargs={"slug": story.category.slug}),
    ]


def test_anonymous_public_pages_set_no_cookie_and_may_be_kept_by_anyone(client, story):
    for url in public_pages(story):
        for _ in range(2):  # rendered, then stored
            response = client.get(url)
            assert response.status_code == 200, url
            assert "Set-Cookie" not in response and not response.cookies, url
            control = response["Cache-Control"]
            assert control.startswith("public, max-age=60, s-maxage=60,"), (url, control)
            assert "stale-while-revalidate=60" in control
            # Weak, compressed or not: the 304 says the same whatever the coding (RFC 9110 8.8.1).
            assert response["ETag"].startswith('W/"') and response["Last-Modified"], url
            # Logged-in readers get another page: the session cookie is all that varies it,
            # beside the compression. Feeds are the same for everybody: only compression varies.
            vary = "Accept-Encoding" if "feed" in url else "Cookie, Accept-Encoding"
            assert response.get("Vary") == vary, (url, response.get("Vary"))
    assert not client.cookies


def test_a_stored_story_page_costs_no_query(client, story, django_assert_num_queries):
    first = client.get(story.get_absolute_url())
    with django_assert_num_queries(0):
        second = client.get(story.get_absolute_url())
    assert second.content == first.content and second["ETag"] == first["ETag"]


def test_a_stored_list_or_feed_costs_no_query(client, story, django_assert_num_queries):
    for url in ["/", story.category.get_absolute_url(), "/feed/", "/?page=1"]:
        client.get(url)
        with django_assert_num_queries(0):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("header", ["etag", "date"])
def test_conditional_get_answers_304_without_a_query_when_stored(
    client, story, django_assert_num_queries, header
):
    for url in [story.get_absolute_url(), "/", "/feed/"]:
        first = client.get(url)
        conditional = (
            {"HTTP_IF_NONE_MATCH": first["ETag"]}
            if header == "etag"
            else {"HTTP_IF_MODIFIED_SINCE": first["Last-Modified"]}
        )
        with django_assert_num_queries(0):
            response = client.get(url, **conditional)
        assert response.status_code == 304 and response.content == b""
        assert response["ETag"] == first["ETag"]


def test_conditional_get_of_a_page_not_stored_costs_at_most_one_query(
    client, settings, story, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0  # nothing stored: only the versions answer
    etag = client.get(story.get_absolute_url())["ETag"]
    home_etag = client.get("/")["ETag"]
    with django_assert_num_queries(1):  # the story, to know whose discussion
        response = client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    with django_assert_num_queries(0):
        assert client.get("/", HTTP_IF_NONE_MATCH=home_etag).status_code == 304


def test_logged_in_readers_never_get_the_stored_anonymous_page(client, story):
    anonymous = client.get(story.get_absolute_url())
    assert b"Log in" in anonymous.content
    reader = make_user("robin")
    client.force_login(reader)
    response = client.get(story.get_absolute_url())
    assert b"robin" in response.content and response.content != anonymous.content
    assert response["Cache-Control"] == "private, no-cache"
    assert "ETag" not in response
    # ... and what they were shown is not stored for anybody else.
    client.logout()
    assert b"robin" not in client.get(story.get_absolute_url()).content


def test_a_reader_with_a_message_waiting_gets_their_own_page(client, story):
    post_url = reverse("comments:post", kwargs=story.url_kwargs())
    client.get(story.get_absolute_url())  # stored
    client.post(post_url, comment_form_data(story, body="First!"))
    response = client.get(story.get_absolute_url())
    assert b"Your comment is published" in response.content
    assert response["Cache-Control"] == "private, no-cache"
    assert b"Your comment is published" not in client.get(story.get_absolute_url()).content


def test_unknown_query_parameters_are_never_stored(client, story, django_assert_num_queries):
    url = story.get_absolute_url() + "?utm_source=x"
    client.get(url)
    # Rendered again from the fragments the first one kept (section nav and trackbacks among
    # them): only the story itself is read.
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200


# Every change shows on the very next anonymous response ---------------------------------------


def test_publishing_shows_at_once(client, editor):
    draft = make_article(status=Article.Status.DRAFT, title="Ferry strike ends")
    assert b"Ferry strike ends" not in client.get("/").content
    services.article_publish(article=draft, by=editor)
    assert b"Ferry strike ends" in client.get("/").content
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_editing_shows_at_once(client, story, editor):
    etag = client.get(story.get_absolute_url())["ETag"]
    client.get("/feed/")
    story.title = "Harbour reopens after storm"
    services.article_save(article=story, by=editor)
    page = client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert page.status_code == 200 and b"Harbour reopens after storm" in page.content
    assert b"Harbour reopens after storm" in client.get("/feed/").content


def test_unpublishing_shows_at_once(client, story, editor):
    assert client.get(story.get_absolute_url()).status_code == 200
    assert b"Harbour reopens" in client.get("/").content
    services.article_unpublish(article=story, by=editor)
    assert client.get(story.get_absolute_url()).status_code == 404
    assert b"Harbour reopens" not in client.get("/").content


def test_deleting_a_section_or_story_shows_at_once(client, editor):
    doomed = make_article(title="Wrong story", category=make_category("Weather"))
    assert b"Wrong story" in client.get("/").content
    services.article_delete(article=doomed, by=editor)
    assert b"Wrong story" not in client.get("/").content
    assert b"Weather" in client.get("/").content
    doomed.category.delete()
    assert b"Weather" not in client.get("/").content


def test_approving_a_comment_shows_at_once(client, story, editor):
    held = make_comment(story, status=Comment.Status.PENDING, body="Held for a moment.")
    etag = client.get(story.get_absolute_url())["ETag"]
    assert b"Held for a moment." not in client.get(story.get_absolute_url()).content
    comments_moderate(
        comments=Comment.objects.filter(pk=held.pk), status="approved", moderator=editor
    )
    response = client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and b"Held for a moment." in response.content
    # Marking it as spam takes it away again, as removing would.
    comments_moderate(comments=Comment.objects.filter(pk=held.pk), status="spam", moderator=editor)
    assert b"Held for a moment." not in client.get(story.get_absolute_url()).content


def test_approving_a_trackback_shows_at_once(client, story, editor):
    ping = make_trackback(story, "https://blog.example/post", title="A blog answers")
    assert b"A blog answers" not in client.get(story.get_absolute_url()).content
    comments_moderate(
        comments=Comment.objects.filter(pk=ping.pk), status="approved", moderator=editor
    )
    assert b"A blog answers" in client.get(story.get_absolute_url()).content


def test_a_comment_posted_and_shown_at_once_shows_to_the_next_reader(client, story):
    assert b"Well reported." not in client.get(story.get_absolute_url()).content
    post_url = reverse("comments:post", kwargs=story.url_kwargs())
    poster = type(client)()
    assert poster.post(post_url, comment_form_data(story, body="Well reported.")).status_code == 302
    assert b"Well reported." in client.get(story.get_absolute_url()).content


def test_a_comment_on_one_story_leaves_the_others_stored(client, story, django_assert_num_queries):
    other = make_article(category=story.category)
    client.get(other.get_absolute_url())
    make_comment(story, body="Elsewhere.")
    with django_assert_num_queries(0):
        client.get(other.get_absolute_url())


def test_a_scheduled_story_appears_on_the_stored_home_page_at_its_time(client, editor):
    make_article(title="Already out")
    draft = make_article(status=Article.Status.DRAFT, title="Embargoed budget")
    at = timezone.now() + timedelta(hours=2)
    services.article_schedule(article=draft, by=editor, at=at)
    first = client.get("/")
    assert b"Embargoed budget" not in first.content
    # Nobody may keep the page past the moment the story goes live.
    assert "max-age=60" in first["Cache-Control"]
    with time_machine.travel(at - timedelta(seconds=30), tick=False):
        response = client.get("/")
        assert b"Embargoed budget" not in response.content
        assert "max-age=30, s-maxage=30" in response["Cache-Control"]
    with time_machine.travel(at + timedelta(seconds=1), tick=False):
        assert b"Embargoed budget" in client.get("/").content
        assert b"Embargoed budget" in client.get("/feed/").content


# Outside input ----------------------------------------------------------------------------------


@hypothesis_settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    header=st.sampled_from(
        [
            "HTTP_IF_NONE_MATCH",
            "HTTP_IF_MODIFIED_SINCE",
            "HTTP_IF_MATCH",
            "HTTP_IF_UNMODIFIED_SINCE",
        ]
    ),
    value=st.one_of(
        st.text(st.characters(min_codepoint=0x20, exclude_characters="\x7f"), max_size=80),
        st.sampled_from(
            [
                '"',
                "*",
                'W/""',
                '"x", *',
                "Sun, 06 Nov 1994 08:49:37 GMT",
                "Sun, 06 Nov 99999 08:49:37 GMT",
                "-1",
                "9" * 40,
            ]
        ),
    ),
    stored=st.booleans(),
)
def test_conditional_headers_with_any_value_never_answer_5xx(client, story, header, value, stored):
    for url in [story.get_absolute_url(), "/", "/feed/"]:
        if stored:
            client.get(url)
        response = client.get(url, **{header: value})
        assert response.status_code in (200, 304, 412), (url, header, value)


# Logged-in readers: their own page, built from kept fragments ------------------------------------


def test_a_logged_in_readers_page_reuses_the_kept_fragments(
    client, story, django_assert_num_queries
):
    make_article(category=story.category, title="Older harbour story")
    make_comment(story, body="Nice one.")
    client.force_login(make_user("robin"))
    client.get(story.get_absolute_url())  # hands out the CSRF cookie, as logging in does
    first = client.get(story.get_absolute_url())
    # session, user, story and the reader's ping token: the body, metadata, related stories,
    # section nav, comment thread and trackbacks come from kept fragments
    with django_assert_num_queries(4):
        second = client.get(story.get_absolute_url())
    # The same page, but for the masthead's logout token (Django masks it anew each time).
    masked = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert masked.sub(b"", second.content) == masked.sub(b"", first.content)
    assert b"Older harbour story" in second.content and b"Nice one." in second.content
    assert b"robin" in second.content


def test_kept_fragments_follow_every_change(client, story, editor):
    client.force_login(make_user("robin"))
    client.get(story.get_absolute_url())
    story.body = "A new paragraph."
    services.article_save(article=story, by=editor)
    make_comment(story, body="Fresh comment.")
    page = client.get(story.get_absolute_url()).content
    assert b"<p>A new paragraph.</p>" in page and b"Fresh comment." in page


def test_kept_trackbacks_sections_and_months_follow_changes_for_a_logged_in_reader(
    client, story, editor
):
    client.force_login(make_user("robin"))
    ping = make_trackback(story, "https://blog.example/harbour", title="Harbour at dawn")
    before = client.get(story.get_absolute_url()).content
    assert b"Harbour at dawn" not in before and b"Night ferries" not in before
    comments_moderate(
        comments=Comment.objects.filter(pk=ping.pk),
        status=Comment.Status.APPROVED,
        moderator=editor,
    )
    make_category("Night ferries")
    make_article(title="From the archive", published_at=timezone.now() - timedelta(days=3000))
    page = client.get(story.get_absolute_url()).content
    assert b"Harbour at dawn" in page and b"1 Trackback(s)" in page
    assert b"Night ferries" in page
    year = (timezone.now() - timedelta(days=3000)).year
    assert f'href="/{year}/"'.encode() in page  # the footer's archive months
    # The reader's own part of the section is still theirs, not an anonymous reader's.
    assert b"You need to login." not in page and b"Send a trackback" in page
