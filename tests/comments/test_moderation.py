import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse

from articles.roles import JOURNALISTS, roles_ensure
from comments.models import Comment
from tests.conftest import log_in_staff
from tests.factories import comment_form_data, make_comment, make_user

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:comments_comment_changelist"


@pytest.fixture
def editor():
    return make_user(
        "erin", is_staff=True, email="erin@example.com", groups=[Group.objects.get(name="Editors")]
    )


@pytest.fixture
def journalist():
    group = roles_ensure()[JOURNALISTS]
    return make_user("jamie", is_staff=True, email="jamie@example.com", groups=[group])


def offered_actions(response):
    form = response.context["action_form"]
    return dict(form.fields["action"].choices) if form else {}


def act(client, action, comments):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [c.pk for c in comments], "index": 0},
    )


def test_editors_group_has_the_moderate_permission(editor):
    assert editor.has_perm("comments.can_moderate")


def test_editor_approves_and_the_comment_appears(client, editor, article):
    pending = make_comment(article, body="Held for a look.", status="pending")
    log_in_staff(client, editor)
    assert {"approve", "mark_spam", "remove"} <= offered_actions(
        client.get(reverse(CHANGELIST))
    ).keys()
    response = act(client, "approve", [pending])
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Comment.Status.APPROVED
    assert "Held for a look." in client.get(article.get_absolute_url()).content.decode()


def test_editor_marks_spam_and_removes(client, editor, article):
    one, two = make_comment(article), make_comment(article)
    log_in_staff(client, editor)
    act(client, "mark_spam", [one])
    act(client, "remove", [two])
    assert {c.status for c in Comment.objects.all()} == {"spam", "removed"}


def test_journalist_without_permission_cannot_moderate(client, journalist, article):
    pending = make_comment(article, status="pending")
    journalist.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_comment", "change_comment"])
    )
    log_in_staff(client, journalist)
    changelist = client.get(reverse(CHANGELIST))
    assert changelist.status_code == 200
    assert not {"approve", "mark_spam", "remove"} & offered_actions(changelist).keys()
    act(client, "approve", [pending])  # a crafted POST of the action
    pending.refresh_from_db()
    assert pending.status == Comment.Status.PENDING
    # Nor can the change form set the status.
    change = reverse("admin:comments_comment_change", args=[pending.pk])
    client.post(
        change,
        {"status": "approved", "name": pending.name, "body": pending.body, "article": article.pk},
    )
    pending.refresh_from_db()
    assert pending.status == Comment.Status.PENDING


def test_journalist_without_any_comment_permission_gets_403(client, journalist):
    log_in_staff(client, journalist)
    assert client.get(reverse(CHANGELIST)).status_code == 403


def test_queue_filters_and_links_each_story(client, editor, article):
    make_comment(article, body="pending one", status="pending")
    make_comment(article, body="approved one")
    log_in_staff(client, editor)
    page = client.get(reverse(CHANGELIST), {"status__exact": "pending"}).content.decode()
    assert "pending one" in page and "approved one" not in page
    assert reverse("admin:articles_article_change", args=[article.pk]) in page


def test_changelist_query_count_is_fixed(client, editor, article, django_assert_num_queries):
    log_in_staff(client, editor)
    for _ in range(3):
        make_comment(article)
    client.get(reverse(CHANGELIST))  # warm the session and content types
    with django_assert_num_queries(10) as few:
        client.get(reverse(CHANGELIST))
    for _ in range(30):
        make_comment(article)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse(CHANGELIST))


def test_pending_count_on_the_admin_index(client, editor, article):
    make_comment(article, status="pending")
    make_comment(article, status="pending")
    make_comment(article)
    log_in_staff(client, editor)
    page = client.get(reverse("admin:index")).content.decode()
    assert (
        'Comments and trackbacks awaiting moderation: <strong class="desk-count">2</strong>' in page
    )


def test_journalist_sees_no_moderation_count(client, journalist, article):
    make_comment(article, status="pending")
    log_in_staff(client, journalist)
    assert "awaiting moderation" not in client.get(reverse("admin:index")).content.decode()


def test_pending_comment_mails_editors_and_author_once(
    client, editor, article, post_url, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTS_PREMODERATE = True
    author = make_user("writer", email="writer@example.com")
    article.author = author
    article.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(post_url, comment_form_data(article, email="reader@elsewhere.example"))
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["erin@example.com", "writer@example.com"]
    assert "reader@elsewhere.example" not in mail.outbox[0].to  # never mail a reader's address


def test_approved_comment_sends_no_mail(
    client, editor, article, post_url, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(post_url, comment_form_data(article))
    assert Comment.objects.get().status == "approved"
    assert mail.outbox == []


class BrokenMailServer(EmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server is down")


def test_failing_mail_server_loses_nothing(
    client, editor, article, post_url, settings, django_capture_on_commit_callbacks, caplog
):
    settings.COMMENTS_PREMODERATE = True
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.BrokenMailServer"}}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(post_url, comment_form_data(article))
    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.PENDING
    # The failure is the notification task's (recorded FAILED, retried by a worker backend).
    assert "notify_moderators state=FAILED" in caplog.text
    assert "mail server is down" in caplog.text


def test_trackbacks_share_the_queue_with_sender_token_and_check(client, editor, article):
    from linkbacks.tokens import trackback_token_create

    blogger = make_user("blogger")
    token, _ = trackback_token_create(user=blogger, name="Blog engine")
    make_comment(article, body="A reader's comment", status="pending")
    make_comment(
        article,
        kind="trackback",
        title="A blog's post",
        url="https://b.example/",
        status="pending",
        user=blogger,
        token=token,
        verification="unreachable",
    )
    log_in_staff(client, editor)
    both = client.get(reverse(CHANGELIST), {"status__exact": "pending"}).content.decode()
    assert "A reader&#x27;s comment" in both and "A blog&#x27;s post" in both
    only = client.get(reverse(CHANGELIST), {"kind__exact": "trackback"}).content.decode()
    assert "A blog&#x27;s post" in only and "A reader&#x27;s comment" not in only
    assert "blogger (token: Blog engine)" in only
    assert "Source could not be fetched" in only
    page = client.get(reverse("admin:index")).content.decode()
    assert 'awaiting moderation: <strong class="desk-count">2</strong>' in page
