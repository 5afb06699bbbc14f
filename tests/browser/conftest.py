"""Browser tests: Playwright driving Debian's Chromium against the live test server.

Run with `make test-browser` (which installs Chromium when it is missing); `make test` leaves them
out. A failing test leaves a screenshot of every page it opened in tests/browser/artifacts/.
"""

import os
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[_failed] = report.failed
    return report


_failed = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in the test's thread; the test's own ORM calls are
    # still plain synchronous code, so Django's guard against async callers does not apply.
    # Set here, not at import: `make test` collects this file too, and its subprocesses (the
    # deploy check) must not inherit it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test-browser` installs it.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def open_page(request, browser, live_server):
    """open_page(width="phone"|"desktop") -> a fresh page in its own context (own cookies).

    Every page opened is screenshotted into tests/browser/artifacts/ when the test fails.
    """
    contexts = []

    def _open(width="desktop"):
        viewport = PHONE if width == "phone" else DESKTOP
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append((width, context))
        return context.new_page()

    yield _open
    if request.node.stash.get(_failed, False):
        ARTIFACTS.mkdir(exist_ok=True)
        for n, (width, context) in enumerate(contexts):
            for m, page in enumerate(context.pages):
                name = f"{request.node.name}-{n}-{m}-{width}.png"
                page.screenshot(path=ARTIFACTS / name, full_page=True)
    for _, context in contexts:
        context.close()


@pytest.fixture
def log_in(live_server):
    """log_in(page, user, password) through the site's own login form.

    Staff also pass their second factor, as the admin requires: a TOTP authenticator is enrolled
    for them if they have none, and the code page is answered as their app would. With
    `second_factor=False` they stop after the password (to test enrolment itself).
    """
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.utils import decrypt

    from tests.accounts.totp import totp_code

    def _log_in(page, user, password="pass-for-tests", *, second_factor=True):
        secret = None
        if user.is_staff and second_factor:
            totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
            if totp is None:
                totp = TOTP.activate(user, generate_totp_secret()).instance
            secret = decrypt(totp.data["secret"])
        page.goto("/accounts/login/")
        page.fill("input[name=login]", user.username)
        page.fill("input[name=password]", password)
        page.locator("main form [type=submit]").click()
        page.wait_for_load_state()
        if secret is not None:
            page.fill("input[name=code]", totp_code(secret))
            page.locator("main form [type=submit]").click()
            page.wait_for_load_state()

    return _log_in
