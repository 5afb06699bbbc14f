"""comments/signals.py `discussion_changed` reaches listeners from every door a discussion
changes through: a comment posted (its row), moderation in the admin and by the service (a
queryset update, which row signals miss), a person leaving."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from comments.models import Comment
from comments.services import comments_moderate, comments_of_user_forget
from comments.signals import discussion_changed
from tests.conftest import log_in_staff
from tests.factories import comment_form_data, make_article, make_comment, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    told = []

    def receiver(sender, signal=None, **arguments):
        told.append(arguments)

    discussion_changed.connect(receiver)
    yield told
    discussion_changed.disconnect(receiver)


@pytest.fixture
def editor():
    return make_user("erin", is_staff=True, groups=[Group.objects.get(name="Editors")])


def test_a_comment_posted_tells_its_story_with_the_story_at_hand(client, heard):
    story = make_article()
    response = client.post(f"{story.get_absolute_url()}comments/", comment_form_data(story))
    assert response.status_code in (200, 302, 303)
    assert Comment.objects.filter(article=story).exists()
    assert [told["story_ids"] for told in heard] == [{story.pk}]


def test_moderation_in_the_admin_tells_every_story_of_the_comments(client, heard, editor):
    one, two = make_article(), make_article()
    comments = [make_comment(one, status="pending"), make_comment(two, status="pending")]
    log_in_staff(client, editor)
    heard.clear()
    client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "approve", "_selected_action": [c.pk for c in comments], "index": 0},
    )
    assert Comment.objects.filter(status=Comment.Status.APPROVED).count() == 2
    assert heard == [{"story_ids": {one.pk, two.pk}, "stories": ()}]


def test_the_moderation_service_and_a_person_leaving_tell_their_stories(heard, editor):
    story, other = make_article(), make_article()
    reader = make_user("reader")
    mine = make_comment(story, user=reader)
    make_comment(other)
    heard.clear()
    comments_moderate(
        comments=Comment.objects.filter(pk=mine.pk), status=Comment.Status.REMOVED, moderator=editor
    )
    assert heard == [{"story_ids": {story.pk}, "stories": ()}]

    heard.clear()
    comments_of_user_forget(user=reader, keep=True)
    assert heard == [{"story_ids": {story.pk}, "stories": ()}]
