"""Draft → in review → published (now or scheduled) → unpublished, through the admin's own views."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article
from articles.workflow import Transition
from tests.conftest import log_in_staff
from tests.factories import (
    form_data,
    make_article,
    make_category,
    make_editor,
    make_journalist,
    make_user,
)

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_article_add")
CHANGELIST = reverse("admin:articles_article_changelist")
PASSWORD = "pass-for-tests"


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def login(client, user):
    return log_in_staff(client, user)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def public_pages(article):
    when = timezone.localtime(article.published_at)
    return [
        reverse("articles:home"),
        article.category.get_absolute_url(),
        reverse("articles:archive_year", kwargs={"year": when.year}),
        reverse("articles:archive_month", kwargs={"year": when.year, "month": when.month}),
    ]


def test_journalist_drafts_and_submits_but_only_an_editor_publishes(client, django_user_model):
    category = make_category("City", slug="city")
    journalist = make_journalist("jamie")
    editor = make_editor("erin")

    # The journalist logs in (password and second factor) and creates a draft with the add form.
    login(client, journalist)
    add_page = client.get(ADD)
    response = client.post(
        ADD,
        form_data(
            add_page,
            title="Harbour bridge reopens",
            slug="harbour-bridge-reopens",
            category=category.pk,
            body="The bridge reopened at dawn.",
            _save="Save",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    story = Article.objects.get(slug="harbour-bridge-reopens")
    assert (story.status, story.author) == (Article.Status.DRAFT, journalist)

    # The change form offers "submit", not "publish"; submitting saves and sends it to review.
    page = client.get(change_url(story))
    buttons = dict(page.context["workflow_buttons"])
    assert list(buttons) == ["_submit_review"]
    response = client.post(change_url(story), form_data(page, _submit_review="Submit"))
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == Article.Status.IN_REVIEW

    # The publish action is not offered, and a crafted action POST changes nothing.
    changelist = client.get(CHANGELIST)
    actions = [name for name, _ in changelist.context["action_form"].fields["action"].choices]
    assert "submit_for_review" in actions and "publish_now" not in actions
    response = client.post(
        CHANGELIST,
        {"action": "publish_now", "_selected_action": [story.pk], "index": 0},
        follow=True,
    )
    assert "No action selected." in messages_of(response)
    # A crafted change form POST that sets the status is refused with a form error...
    page = client.get(change_url(story))
    yesterday = timezone.localtime() - timedelta(days=1)
    response = client.post(
        change_url(story),
        form_data(
            page,
            status="published",
            published_at_0=yesterday.strftime("%Y-%m-%d"),
            published_at_1="08:00:00",
            _save="Save",
        ),
    )
    assert response.status_code == 200
    assert "You cannot set the status, publication time" in str(
        response.context["adminform"].form.non_field_errors()
    )
    # ... and a crafted "publish" button is forbidden outright.
    response = client.post(change_url(story), form_data(page, _publish="Publish"))
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.status == Article.Status.IN_REVIEW and not story.is_public
    assert client.get(reverse("articles:home")).content.decode().count("Harbour bridge") == 0

    # In review, the journalist may still edit their story.
    page = client.get(change_url(story))
    response = client.post(change_url(story), form_data(page, standfirst="Traffic flows again."))
    assert response.status_code == 302

    # The editor sees it waiting, publishes it from its change form, and it is on the home page.
    client.logout()
    login(client, editor)
    index = client.get(reverse("admin:index")).content.decode()
    assert 'Stories waiting for review: <strong class="desk-count">1</strong>' in index
    page = client.get(change_url(story))
    assert "_publish" in dict(page.context["workflow_buttons"])
    response = client.post(change_url(story), form_data(page, _publish="Publish"))
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.is_public
    latest = story.history.order_by("-history_id").first()
    assert (latest.history_user, latest.history_change_reason) == (editor, "Published")
    client.logout()
    home = client.get(reverse("articles:home")).content.decode()
    assert "Harbour bridge reopens" in home
    assert client.get(story.get_absolute_url()).status_code == 200

    # Once published, the journalist can no longer change it (refused; what they sent is
    # handed back to them, never stored).
    login(client, journalist)
    refused = client.post(change_url(story), {"body": "Sneaky edit."})
    assert refused.status_code == 409 and "Sneaky edit." in refused.content.decode()
    story.refresh_from_db()
    assert story.body != "Sneaky edit."
    view_only = client.get(change_url(story))
    assert view_only.status_code == 200 and not view_only.context["workflow_buttons"]


def test_editor_schedules_a_story_that_goes_live_by_itself(client):
    editor = make_editor()
    login(client, editor)
    story = make_article(status=Article.Status.IN_REVIEW, title="Budget explained")
    at = timezone.localtime() + timedelta(days=2)
    page = client.get(change_url(story))
    response = client.post(
        change_url(story),
        form_data(
            page,
            published_at_0=at.strftime("%Y-%m-%d"),
            published_at_1=at.strftime("%H:%M:%S"),
            _schedule="Schedule",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    story.refresh_from_db()
    assert story.status == Article.Status.PUBLISHED
    assert story.published_at == at.replace(microsecond=0)

    # The newsroom sees it as scheduled: list column, filter, desk.
    scheduled = client.get(CHANGELIST, {"publication": "scheduled"}).content.decode()
    assert "Budget explained" in scheduled and "Scheduled for" in scheduled
    live = client.get(CHANGELIST, {"publication": "live"}).content.decode()
    assert "Budget explained" not in live
    index = client.get(reverse("admin:index")).content.decode()
    assert 'Stories scheduled: <strong class="desk-count">1</strong>' in index

    client.logout()
    assert client.get(story.get_absolute_url()).status_code == 404
    for page_url in public_pages(story):
        assert "Budget explained" not in client.get(page_url).content.decode(), page_url
    # No command runs in between: the clock alone makes it public.
    with time_machine.travel(story.published_at + timedelta(minutes=1)):
        assert client.get(story.get_absolute_url()).status_code == 200
        for page_url in public_pages(story):
            assert "Budget explained" in client.get(page_url).content.decode(), page_url


def test_scheduling_in_the_past_is_a_form_error(client):
    login(client, make_editor())
    story = make_article(status=Article.Status.DRAFT)
    page = client.get(change_url(story))
    response = client.post(
        change_url(story),
        form_data(
            page, published_at_0="2020-01-01", published_at_1="09:00:00", _schedule="Schedule"
        ),
    )
    assert response.status_code == 200
    assert "future" in str(response.context["adminform"].form.errors["published_at"])
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT


def test_a_write_the_service_refuses_keeps_what_was_typed(client):
    # The future-time rule lives in the service; the form shows its refusal, saves nothing.
    login(client, make_editor())
    story = make_article(status=Article.Status.DRAFT, body="Stored body.")
    page = client.get(change_url(story))
    response = client.post(
        change_url(story),
        form_data(
            page,
            body="Typed body.",
            published_at_0="2020-01-01",
            published_at_1="09:00:00",
            _schedule="Schedule",
        ),
    )
    form = response.context["adminform"].form
    assert form.errors["published_at"] == ["Choose a time in the future to schedule the story."]
    assert "Typed body.</textarea>" in response.content.decode()
    story.refresh_from_db()
    assert (story.status, story.body) == (Article.Status.DRAFT, "Stored body.")
    assert story.history.count() == 1


def test_schedule_action_asks_for_a_time_then_schedules(client):
    login(client, make_editor())
    stories = [make_article(status=Article.Status.IN_REVIEW) for _ in range(2)]
    ids = [s.pk for s in stories]
    ask = client.post(CHANGELIST, {"action": "schedule", "_selected_action": ids, "index": 0})
    assert ask.status_code == 200 and b"Go public at" in ask.content
    at = timezone.localtime() + timedelta(hours=5)
    done = client.post(
        CHANGELIST,
        {
            "action": "schedule",
            "_selected_action": ids,
            "apply": "1",
            "at_0": at.strftime("%Y-%m-%d"),
            "at_1": at.strftime("%H:%M:%S"),
        },
        follow=True,
    )
    assert "Scheduled: 2 stories." in messages_of(done)
    assert set(Article.objects.scheduled().values_list("pk", flat=True)) == set(ids)


def test_unpublish_takes_a_story_away_and_republishing_keeps_its_url(client):
    editor = make_editor()
    login(client, editor)
    story = make_article(title="Withdrawn story")
    url = story.get_absolute_url()
    response = client.post(
        CHANGELIST, {"action": "unpublish", "_selected_action": [story.pk], "index": 0}, follow=True
    )
    assert "Unpublished: 1 story." in messages_of(response)
    story.refresh_from_db()
    assert story.status == Article.Status.UNPUBLISHED
    client.logout()
    assert client.get(url).status_code == 404
    assert "Withdrawn story" not in client.get(reverse("articles:home")).content.decode()
    services.article_publish(article=story, by=editor)
    assert story.get_absolute_url() == url
    assert client.get(url).status_code == 200


def test_actions_report_refusals_story_by_story(client):
    journalist = make_journalist()
    login(client, journalist)
    own = make_article(status=Article.Status.DRAFT, author=journalist, title="Mine")
    other = make_article(status=Article.Status.DRAFT, title="Someone else's")
    response = client.post(
        CHANGELIST,
        {
            "action": "submit_for_review",
            "_selected_action": [own.pk, other.pk],
            "index": 0,
        },
        follow=True,
    )
    shown = messages_of(response)
    assert "Submitted for review: 1 story." in shown
    assert any("Someone else" in message for message in shown)
    own.refresh_from_db(), other.refresh_from_db()
    assert own.status == Article.Status.IN_REVIEW and other.status == Article.Status.DRAFT


# The rules, transition by transition, for each role; services are where they are enforced.

S = Article.Status
FUTURE = object()


def story_in(state, author):
    if state == "scheduled":
        return make_article(
            status=S.PUBLISHED, author=author, published_at=timezone.now() + timedelta(days=1)
        )
    return make_article(status=state, author=author)


def apply(transition, article, user):
    at = timezone.now() + timedelta(days=3)
    return services.article_apply(article=article, by=user, transition=transition, at=at)


@pytest.mark.parametrize(
    ("role", "own", "state", "transition", "outcome"),
    [
        # journalists: submit their own drafts, nothing else
        ("journalist", True, S.DRAFT, Transition.SUBMIT, S.IN_REVIEW),
        ("journalist", False, S.DRAFT, Transition.SUBMIT, PermissionDenied),
        ("journalist", True, S.IN_REVIEW, Transition.PUBLISH, PermissionDenied),
        ("journalist", True, S.DRAFT, Transition.PUBLISH, PermissionDenied),
        ("journalist", True, S.IN_REVIEW, Transition.SCHEDULE, PermissionDenied),
        ("journalist", True, S.PUBLISHED, Transition.UNPUBLISH, PermissionDenied),
        ("journalist", True, "scheduled", Transition.UNPUBLISH, PermissionDenied),
        ("journalist", True, S.UNPUBLISHED, Transition.SUBMIT, PermissionDenied),
        # editors: everything the state allows, on anyone's story
        ("editor", False, S.DRAFT, Transition.SUBMIT, S.IN_REVIEW),
        ("editor", False, S.IN_REVIEW, Transition.PUBLISH, S.PUBLISHED),
        ("editor", False, S.DRAFT, Transition.PUBLISH, S.PUBLISHED),
        ("editor", False, "scheduled", Transition.PUBLISH, S.PUBLISHED),
        ("editor", False, S.IN_REVIEW, Transition.SCHEDULE, S.PUBLISHED),
        ("editor", False, S.UNPUBLISHED, Transition.SCHEDULE, S.PUBLISHED),
        ("editor", False, S.PUBLISHED, Transition.UNPUBLISH, S.UNPUBLISHED),
        ("editor", False, "scheduled", Transition.UNPUBLISH, S.UNPUBLISHED),
        ("editor", False, S.UNPUBLISHED, Transition.SUBMIT, S.IN_REVIEW),
        # ... but not what the state forbids
        ("editor", False, S.PUBLISHED, Transition.PUBLISH, ValidationError),
        ("editor", False, S.PUBLISHED, Transition.SCHEDULE, ValidationError),
        ("editor", False, S.DRAFT, Transition.UNPUBLISH, ValidationError),
        ("editor", False, S.IN_REVIEW, Transition.SUBMIT, ValidationError),
        # staff without a role, and readers, do nothing
        ("staff", True, S.DRAFT, Transition.SUBMIT, PermissionDenied),
        ("reader", True, S.DRAFT, Transition.SUBMIT, PermissionDenied),
    ],
)
def test_transition_rules(role, own, state, transition, outcome):
    user = {
        "journalist": make_journalist,
        "editor": make_editor,
        "staff": lambda: make_user(is_staff=True),
        "reader": make_user,
    }[role]()
    article = story_in(state, user if own else make_journalist())
    before = (article.status, article.published_at)
    if isinstance(outcome, type) and issubclass(outcome, Exception):
        with pytest.raises(outcome):
            apply(transition, article, user)
        article.refresh_from_db()
        assert (article.status, article.published_at) == before
        return
    apply(transition, article, user)
    article.refresh_from_db()
    assert article.status == outcome
    revision = article.history.order_by("-history_id").first()
    assert revision.history_user == user
    assert revision.history_change_reason.startswith(transition.reason)
    assert abs(revision.history_date - timezone.now()) < timedelta(seconds=30)


@pytest.mark.parametrize(
    ("state", "own", "status_code"),
    [
        (S.DRAFT, True, 302),
        (S.IN_REVIEW, True, 302),
        # Refused with 409: the typed text comes back on the page, nothing is stored.
        (S.DRAFT, False, 409),
        (S.IN_REVIEW, False, 409),
        (S.PUBLISHED, True, 409),
        (S.PUBLISHED, False, 409),
        (S.UNPUBLISHED, True, 409),
    ],
)
def test_journalist_edits_only_own_drafts_and_stories_in_review(client, state, own, status_code):
    journalist = make_journalist()
    login(client, journalist)
    article = make_article(
        status=state, author=journalist if own else make_journalist(), body="Original body."
    )
    page = client.get(change_url(article))
    assert page.status_code == 200  # others' stories are readable, not editable
    data = (
        form_data(page, body="Changed body.")
        if status_code == 302
        else {
            "title": article.title,
            "slug": article.slug,
            "category": article.category_id,
            "body": "Changed body.",
            "image_focal_x": 50,
            "image_focal_y": 50,
        }
    )
    response = client.post(change_url(article), data)
    assert response.status_code == status_code
    article.refresh_from_db()
    assert article.body == ("Changed body." if status_code == 302 else "Original body.")


def test_editor_edits_anyones_story_in_any_state(client):
    login(client, make_editor())
    for state in (S.DRAFT, S.IN_REVIEW, S.PUBLISHED, S.UNPUBLISHED):
        article = make_article(status=state, author=make_journalist())
        page = client.get(change_url(article))
        response = client.post(change_url(article), form_data(page, body=f"Edited {state}."))
        assert response.status_code == 302, (state, response.context["adminform"].form.errors)
        article.refresh_from_db()
        assert article.body == f"Edited {state}."


def test_moving_a_live_story_into_the_future_needs_unpublish_first(client):
    login(client, make_editor())
    story = make_article()
    at = timezone.localtime() + timedelta(days=1)
    page = client.get(change_url(story))
    response = client.post(
        change_url(story),
        form_data(page, published_at_0=at.strftime("%Y-%m-%d"), published_at_1="10:00:00"),
    )
    assert response.status_code == 200
    assert "unpublish it" in str(response.context["adminform"].form.errors["published_at"])
    response = client.post(change_url(story), form_data(page, published_at_0="", published_at_1=""))
    assert "needs a time" in str(response.context["adminform"].form.errors["published_at"])
    assert Article.objects.published().filter(pk=story.pk).exists()


def test_desk_is_for_editors_only(client):
    make_article(status=S.IN_REVIEW)
    login(client, make_journalist())
    assert b"Stories waiting for review" not in client.get(reverse("admin:index")).content


@pytest.mark.parametrize("stories", [1, 25])
def test_changelist_query_count_is_fixed(client, django_assert_num_queries, stories):
    editor = make_editor()
    login(client, editor)
    category = make_category()
    for n in range(stories):
        make_article(
            category=category, author=editor, status=[S.DRAFT, S.PUBLISHED, S.IN_REVIEW][n % 3]
        )
    client.get(CHANGELIST)  # warm the session and permission caches alike for both counts
    # session, user, user and group permissions, the category and author filter choices,
    # two counts, one page of stories with category and author joined, two date-hierarchy
    # queries: the same eleven whatever the number of stories
    with django_assert_num_queries(11):
        response = client.get(CHANGELIST)
    assert response.status_code == 200


def test_journalist_cannot_publish_from_the_add_form_either(client):
    category = make_category()
    login(client, make_journalist())
    page = client.get(ADD)
    story = {"title": "Sneaky", "slug": "sneaky", "category": category.pk, "body": "Text."}
    crafted = client.post(ADD, form_data(page, **story, status="published", _save="Save"))
    assert crafted.status_code == 200 and "You cannot set the status" in crafted.content.decode()
    assert client.post(ADD, form_data(page, **story, _publish="Publish")).status_code == 403
    assert not Article.objects.exists()
    # Saving and submitting in one go is what they may do.
    response = client.post(ADD, form_data(page, **story, _submit_review="Submit"))
    assert response.status_code == 302
    assert Article.objects.get().status == Article.Status.IN_REVIEW


def test_schedule_action_refuses_a_past_time(client):
    login(client, make_editor())
    story = make_article(status=Article.Status.IN_REVIEW)
    response = client.post(
        CHANGELIST,
        {
            "action": "schedule",
            "_selected_action": [story.pk],
            "apply": "1",
            "at_0": "2020-01-01",
            "at_1": "09:00:00",
        },
    )
    assert response.status_code == 200 and b"Choose a time in the future." in response.content
    story.refresh_from_db()
    assert story.status == Article.Status.IN_REVIEW
