"""Signing in with one's website in Chromium, against a local authorization server written to
the 2024 IndieAuth spec (PKCE S256 required, `iss` in its answer): a reader gets in, and the
site's own CSP (form-action 'self') does not stop the way out to their server; a newsroom
account, with or without a second factor, is never signed in that way."""

import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from linkbacks.models import VerifiedSite
from linkbacks.sites import site_confirm
from tests.accounts.indieauth_server import IndieAuthServer
from tests.factories import make_editor

pytestmark = pytest.mark.django_db(transaction=True)
# Screenshots of the flow, to look at (not compared): set INDIEAUTH_SCREENSHOTS to a folder.
SCREENSHOTS = os.environ.get("INDIEAUTH_SCREENSHOTS")
CALLBACK = "/accounts/indieauth/callback/"


@pytest.fixture
def blog(settings, live_server):
    settings.SITE_URL = live_server.url  # client_id and redirect_uri: the live server
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    with IndieAuthServer() as server:
        yield server


def screenshot(page, name):
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(SCREENSHOTS) / f"indieauth-{name}.png", full_page=True)


def sign_in_with_website(page, blog, name):
    page.goto("/accounts/indieauth/")
    page.fill("#indieauth-form [name=me]", blog.me)
    screenshot(page, f"{name}-1-form")
    page.locator("#indieauth-form [type=submit]").click()
    # Out to the blogger's authorization server (which approves at once), and back: signed in
    # (the account page) or refused (the callback's page). Blocked by CSP, it stays put.
    page.wait_for_url(lambda url: urlsplit(url).path in ("/accounts/", CALLBACK))
    screenshot(page, f"{name}-2-back")
    return page.locator("main").inner_text()


def test_a_reader_signs_in_with_their_website_in_chromium(open_page, blog, live_server):
    page = open_page("desktop")
    text = sign_in_with_website(page, blog, "reader")
    assert urlsplit(page.url).path == "/accounts/"
    assert f"Signed in with {blog.me}" in text
    site = VerifiedSite.objects.get()
    assert site.origin == blog.me.removesuffix("/") and not site.user.is_staff
    # The server saw PKCE S256 and our client; the code came back with its `iss`.
    [asked] = [path for method, path, *_ in blog.requests if path.startswith("/auth?")]
    query = parse_qs(urlsplit(asked).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["client_id"] == [f"{live_server.url}/"]
    [redeemed] = [body for method, path, _, body in blog.requests if method == "POST"]
    assert b"code_verifier=" in redeemed


@pytest.mark.parametrize("second_factor", [False, True], ids=["no-factor", "totp"])
def test_a_newsroom_account_is_never_signed_in_by_its_website(open_page, blog, second_factor):
    editor = make_editor("erin")
    site_confirm(user=editor, url=blog.me, note="proved earlier")
    if second_factor:
        TOTP.activate(editor, generate_totp_secret())
    page = open_page("desktop")
    text = sign_in_with_website(page, blog, f"staff-{'totp' if second_factor else 'none'}")
    assert urlsplit(page.url).path == CALLBACK and "never with a website" in text
    page.goto("/admin/")
    screenshot(page, f"staff-{'totp' if second_factor else 'none'}-3-admin")
    assert urlsplit(page.url).path == "/accounts/login/"
    page.goto("/accounts/")
    assert urlsplit(page.url).path == "/accounts/login/"
