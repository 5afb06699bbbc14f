"""A new blogger in a real browser: signs up from the story page, is refused a token and a
trackback until the address is verified, verifies it from the mail, makes a token, and sends a
trackback."""

import re

import pytest
from django.core import mail

from comments.models import Comment
from tests.factories import make_article
from tests.http_server import LocalServer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def blog(settings):
    """Bea's blog on 127.0.0.1, with a post that links to the story (checked after a ping)."""
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    with LocalServer() as server:
        yield server


def test_sign_up_verify_and_send_a_trackback(open_page, settings, blog, live_server):
    settings.COMMENTS_MIN_SECONDS = 0  # the sign-up form's time trap, as in the comment test
    # The ping form and the mailed link use the site's public address: here, the live server.
    settings.SITE_URL = live_server.url
    story = make_article(title="Harbour council approves the new ferry", slug="ferry")
    post = f'<p>Read <a href="{live_server.url}{story.get_absolute_url()}">the story</a>.</p>'
    blog.routes["/ferry"] = (200, {"Content-Type": "text/html"}, post.encode())
    page = open_page("desktop")
    page.goto(story.get_absolute_url())

    # From the story's trackback section to the sign-up form.
    page.locator("#trackbacks").get_by_role("link", name="create an account").click()
    page.fill("[name=display_name]", "Bea Blogger")
    page.fill("[name=email]", "bea@example.com")
    page.fill("[name=username]", "bea")
    page.fill("[name=password1]", "a-long-passphrase-9")
    page.fill("[name=password2]", "a-long-passphrase-9")
    page.fill("[name=blog_url]", "https://bea.example/")
    page.locator("#signup-form [type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Check your mail"
    [message] = [m for m in mail.outbox if m.to == ["bea@example.com"]]
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body)[1]

    # Logged in but not verified: no token can be made, and the trackback is refused.
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "bea@example.com")
    page.fill("input[name=password]", "a-long-passphrase-9")
    page.locator("#login-form [type=submit]").click()
    page.wait_for_load_state()
    page.goto("/accounts/")
    assert "not verified yet" in page.locator("#sign-in").inner_text()

    def make_token():
        page.goto("/accounts/")
        page.fill("#token-name", "My blog")
        page.locator("#token-form [type=submit]").click()
        page.wait_for_load_state()

    make_token()
    assert "Verify your email first" in page.locator("main").inner_text()
    assert page.locator("#new-token").count() == 0

    def send_trackback(url, token=None):
        page.goto(story.get_absolute_url())
        if token is not None:
            assert token in page.locator(".ping-url").inner_text()  # the personal ping URL
        page.get_by_text("Send a trackback").click()
        page.fill("#tb-url", url)
        page.fill("#tb-title", "The ferry, seen from my window")
        page.locator(".send-trackback [type=submit]").click()
        page.wait_for_load_state()
        return page.locator("main").inner_text()

    refused = send_trackback(blog.url("/ferry"))
    assert "Your trackback was not accepted" in refused and "Verify your email first" in refused
    assert not Comment.objects.exists()

    # The link from the mail; then a token, and the same ping goes through.
    page.goto(link)
    page.locator("main form [type=submit]").click()
    page.wait_for_load_state()
    page.goto("/accounts/")
    assert "verified" in page.locator("#sign-in").inner_text()
    assert "not verified" not in page.locator("#sign-in").inner_text()
    make_token()
    token = page.locator("#new-token").inner_text()
    assert re.fullmatch(r"tb_[0-9a-f]{40}", token)
    accepted = send_trackback(blog.url("/ferry"), token)
    assert "your trackback was received" in accepted
    trackback = Comment.objects.trackbacks().get()
    assert (trackback.user.username, trackback.url) == ("bea", blog.url("/ferry"))
    assert trackback.verification == Comment.Verification.LINKED  # the post was checked
