"""Passkeys (WebAuthn) for the newsroom, in a real browser with Chromium's virtual authenticator:
an editor adds a passkey as their second factor, reaches the admin, and later logs in with it."""

import pytest

from tests.factories import make_editor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def authenticator():
    """attach(page): a platform authenticator (a passkey store) in the page's browser."""

    def attach(page):
        cdp = page.context.new_cdp_session(page)
        cdp.send("WebAuthn.enable")
        cdp.send(
            "WebAuthn.addVirtualAuthenticator",
            {
                "options": {
                    "protocol": "ctap2",
                    "transport": "internal",
                    "hasResidentKey": True,
                    "hasUserVerification": True,
                    "isUserVerified": True,
                }
            },
        )
        return cdp

    return attach


def test_an_editor_adds_a_passkey_and_logs_in_with_it(open_page, log_in, authenticator, settings):
    # The live server speaks plain HTTP; production origins are https.
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    editor = make_editor("erin")
    page = open_page("desktop")
    authenticator(page)
    log_in(page, editor, second_factor=False)

    page.goto("/admin/")
    # No admin without a second factor: sent to enrol one (after the password once more).
    assert "/admin/" not in page.url.split("?")[0] and "totp" in page.url
    page.goto("/accounts/2fa/webauthn/add/?passwordless=1")
    if "/reauthenticate/" in page.url:  # allauth asks for the password once more
        page.fill("input[name=password]", "pass-for-tests")
        page.locator("main form [type=submit]").click()
        page.wait_for_load_state()
    page.fill("input[name=name]", "Laptop")
    page.check("input[name=passwordless]")
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    page.goto("/admin/")
    assert page.url.endswith("/admin/")  # proving the passkey counted as the second factor

    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.locator("#passkey_login").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto("/admin/")
    assert page.url.endswith("/admin/")
    assert "Stories, comments and trackbacks" in page.content()
