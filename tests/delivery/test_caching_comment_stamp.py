"""The comment form's time trap on stored pages: a fresh stamp from the endpoint, or one confirm."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests.factories import form_data, make_article

pytestmark = pytest.mark.django_db
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"}


@pytest.fixture
def story():
    return make_article(title="Harbour reopens", slug="harbour-reopens")


def post_url(story):
    return reverse("comments:post", kwargs=story.url_kwargs())


def stamp_url(story):
    return reverse("comments:stamp", kwargs=story.url_kwargs())


def test_a_bot_posting_at_once_from_a_stored_page_is_still_caught(story):
    Client().get(story.get_absolute_url())  # a reader's visit stores the page
    with time_machine.travel(timezone.now() + timedelta(seconds=30), tick=False):
        bot = Client(enforce_csrf_checks=True)
        page = bot.get(story.get_absolute_url())  # the stored page, stamp 30 s old
        fields = form_data(page, "comment-form", name="Spam Bot", body="Cheap pills")
        asked = bot.post(post_url(story), fields, **SAME_ORIGIN)  # at once
        again = form_data(asked, "comment-form")  # the form shown again, stamped now
        bot.post(post_url(story), again, **SAME_ORIGIN)  # and at once again
    assert asked.status_code == 400 and b"send it again" in asked.content
    assert not Comment.objects.filter(body="Cheap pills").exists()


def test_a_reader_without_script_confirms_once_and_loses_nothing(story):
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(story.get_absolute_url())
    fields = form_data(page, "comment-form", name="Ana", body="Good to know.")
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False) as clock:
        asked = reader.post(post_url(story), fields, **SAME_ORIGIN)
        assert asked.status_code == 400 and b"Good to know." in asked.content  # text kept
        clock.shift(10)
        sent = reader.post(post_url(story), form_data(asked, "comment-form"), **SAME_ORIGIN)
    assert sent.status_code == 302
    assert Comment.objects.get().body == "Good to know."


def test_a_page_stamp_older_than_any_stored_copy_is_accepted(story, settings):
    page = Client().get(story.get_absolute_url())
    fields = form_data(page, "comment-form", name="Ana", body="Slow and careful.")
    later = settings.PAGE_CACHE_SECONDS + settings.PAGE_SHARED_MAX_AGE + 120
    with time_machine.travel(timezone.now() + timedelta(seconds=later), tick=False):
        sent = Client().post(post_url(story), fields, **SAME_ORIGIN)
    assert sent.status_code == 302
    assert Comment.objects.filter(body="Slow and careful.").exists()


def test_a_fresh_stamp_from_the_endpoint_keeps_the_time_trap(story, django_assert_num_queries):
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(story.get_absolute_url())
    assert f'data-stamp-url="{stamp_url(story)}"'.encode() in page.content
    assert b"comments/stamp.js" in page.content
    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False) as clock:
        with django_assert_num_queries(1):
            answer = reader.get(stamp_url(story))
        assert answer.status_code == 200 and answer["Content-Type"] == "application/json"
        assert "no-store" in answer["Cache-Control"] and not answer.cookies
        fields = form_data(page, "comment-form", name="Bot", body="Too fast.")
        fields["rendered"] = answer.json()["rendered"]
        assert reader.post(post_url(story), fields, **SAME_ORIGIN).status_code == 302  # dropped
        clock.shift(5)
        fields["body"] = "Written after focusing the form."
        assert reader.post(post_url(story), fields, **SAME_ORIGIN).status_code == 302
    assert list(Comment.objects.values_list("body", flat=True)) == [
        "Written after focusing the form."
    ]


def test_the_endpoint_answers_only_for_stories_open_to_comments(story, settings):
    draft = make_article(status="draft", slug="draft")
    assert Client().get(stamp_url(draft)).status_code == 404
    assert Client().post(stamp_url(story)).status_code == 405
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0
    assert Client().get(stamp_url(story)).status_code == 404


def test_a_stamp_for_another_story_is_refused(story):
    other = make_article(slug="other")
    reader = Client()
    page = reader.get(story.get_absolute_url())
    fields = form_data(page, "comment-form", name="Ana", body="Crossed wires.")
    fields["rendered"] = reader.get(stamp_url(other)).json()["rendered"]
    with time_machine.travel(timezone.now() + timedelta(seconds=10), tick=False):
        response = reader.post(post_url(story), fields, **SAME_ORIGIN)
    assert response.status_code == 400 and not Comment.objects.exists()
