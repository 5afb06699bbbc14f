"""Sign-up: a verified email before trackbacks, the comments' bot defences, no enumeration."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Profile
from comments.models import Comment
from linkbacks.tokens import trackback_token_create
from tests.accounts.conftest import link_in, outbox_to, signup_data
from tests.factories import make_user
from tests.linkbacks.pings import answer, body, ping

# Mail is queued when the request's work commits, as outside the tests.
pytestmark = pytest.mark.django_db(transaction=True)

SIGNUP = "/accounts/signup/"


def test_the_signup_page_is_in_the_site_look_and_linked_from_login_and_stories(client, article):
    page = client.get(SIGNUP).content.decode()
    assert 'class="masthead"' in page and "Create an account" in page
    assert 'name="display_name"' in page and 'name="blog_url"' in page
    assert '<div class="hp" aria-hidden="true">' in page  # the honeypot is hidden
    assert reverse("account_signup") in client.get("/accounts/login/").content.decode()
    story = client.get(article.get_absolute_url()).content.decode()
    assert "create an account</a> to send a trackback" in story


def test_signup_mails_a_link_that_verifies_the_address(client, mailoutbox):
    response = client.post(SIGNUP, signup_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session  # sign-up does not log in (see below)
    user = get_user_model().objects.get(username="ana")
    assert user.email == "ana@example.com"
    profile = Profile.objects.get(user=user)
    assert (profile.display_name, profile.blog_url) == ("Ana Blogger", "https://ana.example/")
    assert user.get_full_name() == "Ana Blogger"  # what comments and trackbacks are signed with
    address = EmailAddress.objects.get(user=user)
    assert not address.verified
    [message] = mailoutbox
    assert message.to == ["ana@example.com"] and "verify your email" in message.subject
    assert message.alternatives[0].mimetype == "text/html"  # plain text and HTML
    link = link_in(message)
    assert link in message.alternatives[0].content
    confirm_page = client.get(link)
    assert confirm_page.status_code == 200 and b'class="masthead"' in confirm_page.content
    client.post(link)
    address.refresh_from_db()
    assert address.verified


def test_a_known_address_gets_the_same_answer_and_a_mail_saying_so(client, mailoutbox):
    make_user("existing", email="taken@example.com")
    known = client.post(SIGNUP, signup_data(email="taken@example.com", username="other"))
    unknown = client.post(SIGNUP, signup_data(email="new@example.com", username="newbie"))
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert not get_user_model().objects.filter(username="other").exists()
    [exists] = outbox_to("taken@example.com")
    assert "already" in exists.subject and "/accounts/password/reset/" in exists.body
    assert exists.alternatives[0].mimetype == "text/html"
    assert "verify your email" in outbox_to("new@example.com")[0].subject


def test_an_unverified_account_may_log_in_and_comment_but_not_send_trackbacks(client, article):
    client.post(SIGNUP, signup_data())
    user = get_user_model().objects.get(username="ana")
    login = client.post(
        "/accounts/login/", {"login": "ana@example.com", "password": "a-long-passphrase-9"}
    )
    assert login.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)
    _, token = trackback_token_create(user=user)
    url = reverse("linkbacks:trackback", kwargs=article.url_kwargs())
    refused = ping(client, url, body(), token)
    assert refused.status_code == 200
    assert answer(refused) == (
        "1",
        "Verify your email first: open the link we mailed you "
        "(your account page can send it again).",
    )
    assert not Comment.objects.exists()  # nothing stored
    EmailAddress.objects.filter(user=user).update(verified=True)
    assert answer(ping(client, url, body(), token)) == ("0", None)
    assert Comment.objects.get().user == user


def test_an_address_verified_then_changed_to_an_unverified_one_is_refused(client, article):
    blogger = make_user("blogger", email="old@example.com")
    _, token = trackback_token_create(user=blogger)
    get_user_model().objects.filter(pk=blogger.pk).update(email="new@example.com")
    url = reverse("linkbacks:trackback", kwargs=article.url_kwargs())
    assert answer(ping(client, url, body(), token))[0] == "1"
    assert not Comment.objects.exists()


def test_bots_that_fill_the_honeypot_or_post_at_once_are_refused(client, mailoutbox):
    from accounts.forms import signup_stamp

    filled = client.post(SIGNUP, signup_data(website="http://spam.example"))
    assert filled.status_code == 200 and b"Please leave this field empty" in filled.content
    hasty = client.post(SIGNUP, signup_data(rendered=signup_stamp()))
    assert hasty.status_code == 200 and b"That was quick!" in hasty.content
    forged = client.post(SIGNUP, signup_data(rendered="12345:forged"))
    assert forged.status_code == 200 and b"not valid any more" in forged.content
    assert not get_user_model().objects.exists() and mailoutbox == []


def test_signups_are_limited_per_address(client, settings):
    settings.ACCOUNTS_SIGNUP_RATE_LIMIT = 2
    statuses = [
        client.post(SIGNUP, signup_data(email=f"u{n}@example.com", username=f"u{n}")).status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert get_user_model().objects.count() == 2
    other = client.post(
        SIGNUP, signup_data(email="x@example.com", username="x"), REMOTE_ADDR="192.0.2.9"
    )
    assert other.status_code == 302


def test_signup_can_be_closed(client, settings):
    settings.ACCOUNTS_SIGNUP_OPEN = False
    page = client.get(SIGNUP)
    assert b"Sign-up is closed" in page.content
    client.post(SIGNUP, signup_data())
    assert not get_user_model().objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"email": "not-an-address"},
        {"password2": "different"},
        {"username": "a b\x00"},
        {"blog_url": "javascript:alert(1)"},
        {"display_name": ""},
    ],
)
def test_bad_input_is_a_form_error_never_a_500(client, fields):
    response = client.post(SIGNUP, signup_data(**fields))
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert not get_user_model().objects.exists()
