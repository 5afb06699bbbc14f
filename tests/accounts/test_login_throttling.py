"""Login throttling: after N failures per username and per address, the login page refuses.

The admin's login is the site's (/admin/login/ sends there), so one page is throttled for both."""

import re
import socket
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_editor, make_user

pytestmark = pytest.mark.django_db

LOGIN_PAGES = ["/accounts/login/"]
THROTTLED = b"Too many failed logins"


@pytest.fixture
def editor():
    return make_editor("editor", password="the-right-password")


def attempt(client, page, username, password="wrong-password", ip="203.0.113.7"):
    return client.post(page, {"login": username, "password": password}, REMOTE_ADDR=ip)


def normalised(response) -> str:
    """The page without what differs by design between two answers: tokens, the typed name."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    return re.sub(r'name="login" value="[^"]*"', "", text)


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_thirty_wrong_passwords_are_throttled_after_five(client, editor, settings, page):
    assert settings.AXES_FAILURE_LIMIT == 5
    statuses = [attempt(client, page, "editor").status_code for _ in range(30)]
    # Four times the form again with its error; the fifth failure starts the cool-off.
    assert statuses == [200] * 4 + [429] * 26
    locked = attempt(client, page, "editor", password="the-right-password")
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    assert THROTTLED in locked.content and b"wait 15 minutes" in locked.content
    assert locked["Retry-After"] == "900"


def test_known_and_unknown_usernames_get_identical_answers(client, editor):
    page = LOGIN_PAGES[0]
    for _ in range(7):
        known = attempt(client, page, "editor", ip="198.51.100.1")
        unknown = attempt(client, page, "nobody-here", ip="198.51.100.2")
        assert known.status_code == unknown.status_code
        assert normalised(known) == normalised(unknown)
    assert known.status_code == 429


def test_one_address_trying_many_usernames_is_throttled(client, editor):
    page = LOGIN_PAGES[0]
    statuses = [attempt(client, page, f"guess{n}").status_code for n in range(6)]
    assert statuses[-1] == 429
    # The real editor, from elsewhere, is not locked out by someone else's guessing.
    response = attempt(client, page, "editor", "the-right-password", ip="192.0.2.50")
    assert response.status_code == 302


def test_one_username_is_throttled_from_any_address(client, editor):
    page = LOGIN_PAGES[0]
    for n in range(5):
        attempt(client, page, "editor", ip=f"192.0.2.{n + 1}")
    assert attempt(client, page, "editor", ip="192.0.2.99").status_code == 429


def test_cool_off_ends_and_a_success_resets_the_count(client, editor):
    page = LOGIN_PAGES[0]
    for _ in range(5):
        attempt(client, page, "editor")
    assert attempt(client, page, "editor", "the-right-password").status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert attempt(client, page, "editor", "the-right-password").status_code == 302
        client.logout()
        # The success cleared the failures: four more mistakes are not yet a lockout.
        statuses = [attempt(client, page, "editor").status_code for _ in range(4)]
        assert statuses == [200] * 4


def test_logging_in_to_ones_own_account_keeps_the_address_count(client, editor):
    make_user("mallory", password="mallorys-own-password")
    statuses = []
    for round_ in range(4):
        for n in range(4):
            statuses.append(attempt(client, LOGIN_PAGES[0], f"victim{round_}-{n}").status_code)
        attempt(client, LOGIN_PAGES[0], "mallory", "mallorys-own-password")
        client.logout()
    # 16 guesses from one address: the fifth is refused, whatever logins came between.
    assert statuses == [200] * 4 + [429] * 12
    # The success still cleared that account's own failures, seen from another address.
    for _ in range(4):
        attempt(client, LOGIN_PAGES[0], "editor", ip="198.51.100.7")
    success = attempt(client, LOGIN_PAGES[0], "editor", "the-right-password", ip="198.51.100.7")
    assert success.status_code == 302
    client.logout()
    assert attempt(client, LOGIN_PAGES[0], "editor", ip="198.51.100.8").status_code == 200


def test_throttling_holds_while_the_cache_is_down(client, editor, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "delivery.cache.DegradingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/14",
        }
    }
    statuses = [attempt(client, LOGIN_PAGES[0], "editor").status_code for _ in range(7)]
    assert statuses == [200] * 4 + [429] * 3


def test_logins_without_a_request_are_not_throttled(client, editor):
    for _ in range(6):
        attempt(client, LOGIN_PAGES[0], "editor")
    # Code that logs in (the shell, commands, tests) has no address or form to throttle.
    assert client.login(username="editor", password="the-right-password")
    assert client.get(reverse("accounts:home")).status_code == 200


def test_the_admin_login_is_the_sites_login(client):
    response = client.get("/admin/login/?next=/admin/comments/comment/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fcomments%2Fcomment%2F"
    # A `next` elsewhere is not followed there.
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_a_login_by_email_address_clears_that_addresss_failures(client):
    """A success forgets the failures of what was typed: an email address as well as a username.
    Otherwise failures typed as the address add up across successful logins until the owner
    is locked out with the right password."""
    make_user("mira", email="mira@example.com", password="the-right-password")
    page = LOGIN_PAGES[0]
    for n in range(4):
        assert attempt(client, page, "Mira@Example.com", ip=f"198.51.100.{n}").status_code == 200
    ok = attempt(client, page, "mira@example.com", "the-right-password", ip="198.51.100.20")
    assert ok.status_code == 302
    client.logout()
    assert attempt(client, page, "mira@example.com", ip="198.51.100.21").status_code == 200
    again = attempt(client, page, "mira@example.com", "the-right-password", ip="198.51.100.22")
    assert again.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.parametrize(
    ("failed_as", "then_as"),
    [
        ("unverified", "unverified@drill.local"),
        ("Unverified@Drill.Local", "unverified"),
        ("unverified@drill.local", "UNVERIFIED"),
    ],
)
def test_an_account_is_counted_however_it_is_named(client, failed_as, then_as):
    """Failures count against the account a login names, not the spelling: five wrong passwords
    typed as the username lock the account when typed as its email address too."""
    make_user(
        "unverified",
        email="unverified@drill.local",
        password="the-right-password",
        email_verified=False,
    )
    page = LOGIN_PAGES[0]
    # From a new address each time: only the account's count can refuse.
    for n in range(5):
        attempt(client, page, failed_as, ip=f"192.0.2.{n + 1}")
    wrong = [attempt(client, page, then_as, ip=f"198.51.100.{n + 1}").status_code for n in range(4)]
    assert wrong == [429] * 4
    right = attempt(client, page, then_as, "the-right-password", ip="198.51.100.99")
    assert right.status_code == 429 and "_auth_user_id" not in client.session


def test_failures_under_two_names_of_one_account_add_up(client):
    make_user("mira", email="mira@example.com", password="the-right-password")
    page = LOGIN_PAGES[0]
    names = ["mira", "mira@example.com", "MIRA", "Mira@Example.com"]
    statuses = [
        attempt(client, page, names[n % 4], ip=f"192.0.2.{n + 1}").status_code for n in range(6)
    ]
    assert statuses == [200] * 4 + [429] * 2
    # An unknown name is counted by itself, as before: its answers are the known account's.
    unknown = [
        attempt(client, page, "nobody@example.com", ip=f"198.51.100.{n + 1}").status_code
        for n in range(6)
    ]
    assert unknown == statuses
