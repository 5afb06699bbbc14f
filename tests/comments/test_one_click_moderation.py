"""Moderation in one click per row: Approve, Spam, Remove, through the same service; no
"Add comment" for editors."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.conftest import log_in_staff
from tests.factories import make_article, make_comment, make_journalist, make_user

pytestmark = pytest.mark.django_db


def one_click(comment, status):
    return reverse("admin:comments_comment_moderate_one", args=[comment.pk, status])


@pytest.fixture
def editor_client():
    editor = make_user("erin", is_staff=True, groups=[Group.objects.get(name="Editors")])
    client = Client()
    log_in_staff(client, editor)
    return client


def test_each_row_has_its_decisions_and_one_click_applies_them(editor_client):
    story = make_article()
    held = make_comment(story, status=Comment.Status.PENDING)
    listing = reverse("admin:comments_comment_changelist")
    page = editor_client.get(listing, {"status__exact": "pending"}).content.decode()
    assert f'formaction="{one_click(held, "approved")}?back=status__exact%3Dpending"' in page
    assert 'class="button moderate-spam"' in page and 'class="button moderate-removed"' in page

    response = editor_client.post(one_click(held, "approved") + "?back=status__exact%3Dpending")
    assert response.status_code == 302
    assert response["Location"] == f"{listing}?status__exact=pending"
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED
    # An approved comment offers only the other two decisions.
    page = editor_client.get(listing).content.decode()
    assert one_click(held, "approved") not in page and one_click(held, "spam") in page

    editor_client.post(one_click(held, "spam"))
    held.refresh_from_db()
    assert held.status == Comment.Status.SPAM


def test_one_click_needs_a_moderator_a_post_and_a_known_decision(editor_client):
    comment = make_comment(make_article(), status=Comment.Status.PENDING)
    writer = Client()
    log_in_staff(writer, make_journalist())
    assert writer.post(one_click(comment, "approved")).status_code == 403
    assert editor_client.get(one_click(comment, "approved")).status_code == 405
    assert editor_client.post(one_click(comment, "pending")).status_code == 404
    strict = Client(enforce_csrf_checks=True)
    moderator = make_user("mod", is_staff=True, groups=[Group.objects.get(name="Editors")])
    log_in_staff(strict, moderator)
    assert strict.post(one_click(comment, "approved")).status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_editors_are_not_offered_to_add_comments(editor_client):
    page = editor_client.get(reverse("admin:comments_comment_changelist")).content.decode()
    assert reverse("admin:comments_comment_add") not in page
    assert editor_client.get(reverse("admin:comments_comment_add")).status_code == 403
