"""The account page: profile, tokens, verified sites, the person's discussion, their data, and
closing the account (comments kept as "Former reader", or deleted)."""

import json

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from comments.services import comment_post
from linkbacks.models import TrackbackToken, VerifiedSite
from linkbacks.tokens import trackback_token_create
from tests.factories import make_editor, make_trackback, make_user

pytestmark = pytest.mark.django_db

HOME = "/accounts/"


@pytest.fixture
def reader(article):
    """A reader with a comment, a trackback, a token, a verified site and a failed login."""
    reader = make_user("robin", email="robin@example.com")
    comment_post(
        article=article,
        user=reader,
        body="I was there.",
        ip_address="203.0.113.5",
        user_agent="Firefox",
    )
    token, _ = trackback_token_create(user=reader, name="My blog")
    make_trackback(
        article,
        "https://robin.example/post",
        user=reader,
        email=reader.email,
        token=token,
        ip_address="203.0.113.5",
        name="Robin's blog",
        status=Comment.Status.APPROVED,
    )
    VerifiedSite.objects.create(
        user=reader, origin="https://robin.example", code="nrv-x", verified_at=timezone.now()
    )
    AccessAttempt.objects.create(
        username="robin", ip_address="203.0.113.5", user_agent="x", failures_since_start=1
    )
    return reader


def test_the_page_needs_a_login_and_shows_everything_in_one_place(client, reader):
    assert client.get(HOME)["Location"].startswith("/accounts/login/?next=")
    client.force_login(reader)
    page = client.get(HOME).content.decode()
    assert 'class="masthead"' in page
    for expected in (
        "Profile",
        "robin@example.com",
        "Trackback tokens",
        "My blog",
        "https://robin.example",
        "I was there.",
        "A post",
        reverse("accounts:export"),
        reverse("accounts:delete"),
        reverse("account_change_password"),
        reverse("mfa_index"),
    ):
        assert expected in page, expected


def test_the_page_costs_a_fixed_number_of_queries(
    client, reader, article, django_assert_num_queries
):
    client.force_login(reader)
    client.get(HOME)
    with django_assert_num_queries(10):
        client.get(HOME)
    for n in range(5):
        comment_post(article=article, user=reader, body=f"More {n}")
        trackback_token_create(user=reader, name=f"Token {n}")
    with django_assert_num_queries(10):
        client.get(HOME)


def test_the_old_token_page_moved_here(client):
    response = client.get("/accounts/trackback-tokens/")
    assert response.status_code == 301 and response["Location"] == "/accounts/#tokens"


def test_profile_is_saved_and_bad_input_is_a_message(client, reader):
    client.force_login(reader)
    client.post(
        reverse("accounts:profile"), {"display_name": "Robin R.", "blog_url": "robin.example"}
    )
    reader.profile.refresh_from_db()
    assert (reader.profile.display_name, reader.profile.blog_url) == (
        "Robin R.",
        "https://robin.example",
    )
    bad = client.post(reverse("accounts:profile"), {"blog_url": "javascript:alert(1)"}, follow=True)
    assert bad.status_code == 200 and "not saved" in bad.content.decode()
    reader.profile.refresh_from_db()
    assert reader.profile.blog_url == "https://robin.example"


def test_the_download_holds_the_persons_data_and_no_secret(client, reader):
    client.force_login(reader)
    response = client.get(reverse("accounts:export"))
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="account-')
    data = json.loads(response.content)
    assert data["account"]["username"] == "robin"
    assert data["email_addresses"] == [
        {"email": "robin@example.com", "verified": True, "primary": True}
    ]
    assert [c["body"] for c in data["comments"]] == ["I was there."]
    assert [t["url"] for t in data["trackbacks"]] == ["https://robin.example/post"]
    assert data["verified_sites"][0]["site"] == "https://robin.example"
    assert data["trackback_tokens"][0]["name"] == "My blog"
    text = response.content.decode()
    token = TrackbackToken.objects.get()
    assert token.seed not in text and token.token_hash not in text and "pbkdf2" not in text


def test_deleting_with_anonymise_keeps_comments_under_former_reader(
    client, reader, article, settings
):
    story = article.get_absolute_url()
    page = client.get(story).content.decode()  # now stored for anonymous readers
    assert "<strong>robin</strong>" in page and "I was there." in page
    client.force_login(reader)
    page = client.get(reverse("accounts:delete"))
    assert b"Former reader" in page.content
    refused = client.post(reverse("accounts:delete"), {"comments": "anonymise"})
    assert refused.status_code == 200 and get_user_model().objects.filter(pk=reader.pk).exists()
    response = client.post(reverse("accounts:delete"), {"comments": "anonymise", "confirm": "on"})
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    assert not get_user_model().objects.filter(pk=reader.pk).exists()

    comment = Comment.objects.comments().get()
    assert (comment.name, comment.body, comment.user) == ("Former reader", "I was there.", None)
    assert (comment.email, comment.ip_address, comment.user_agent) == ("", None, "")
    trackback = Comment.objects.trackbacks().get()
    assert (trackback.email, trackback.ip_address, trackback.token, trackback.user) == (
        "",
        None,
        None,
        None,
    )
    assert not TrackbackToken.objects.exists() and not VerifiedSite.objects.exists()
    assert not AccessAttempt.objects.filter(username="robin").exists()
    # The stored story page was forgotten: readers see the new name at once.
    page = client.get(story).content.decode()
    assert "<strong>Former reader</strong>" in page and "I was there." in page
    assert "<strong>robin</strong>" not in page


def test_deleting_with_delete_removes_the_discussion_too(client, reader, article):
    client.force_login(reader)
    client.post(reverse("accounts:delete"), {"comments": "delete", "confirm": "on"})
    assert not Comment.objects.exists() and not get_user_model().objects.exists()
    assert "I was there." not in client.get(article.get_absolute_url()).content.decode()


def test_newsroom_accounts_are_not_closed_from_the_account_page(client):
    editor = make_editor()
    client.force_login(editor)
    response = client.post(
        reverse("accounts:delete"), {"comments": "delete", "confirm": "on"}, follow=True
    )
    assert b"closed by an administrator" in response.content
    assert get_user_model().objects.filter(pk=editor.pk).exists()


def test_a_verified_site_can_be_removed_only_by_its_owner(client, reader):
    site = VerifiedSite.objects.get()
    client.force_login(make_user("mallory"))
    client.post(reverse("linkbacks:sites"), {"remove": str(site.pk)})
    assert VerifiedSite.objects.exists()
    client.force_login(reader)
    response = client.post(reverse("linkbacks:sites"), {"remove": str(site.pk)})
    assert response["Location"] == "/accounts/#sites"
    assert not VerifiedSite.objects.exists()


def test_deleting_forgets_login_records_typed_as_the_email_address(client, reader):
    """A login typed as the email address is recorded (with the IP address) under the account it
    names: closing the account forgets those records too."""
    from axes.models import AccessLog

    failed = client.post(
        "/accounts/login/",
        {"login": "Robin@Example.com", "password": "wrong"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert failed.status_code == 200
    assert AccessAttempt.objects.filter(username="robin").exists()
    client.force_login(reader)
    response = client.post(reverse("accounts:delete"), {"comments": "delete", "confirm": "on"})
    assert response.status_code == 302
    for model in (AccessAttempt, AccessLog):
        assert not model.objects.filter(username__icontains="robin").exists()
        assert not model.objects.filter(ip_address="198.51.100.7").exists()
