"""Staff log in with their second factor while Redis is away, and a used code stays used.

allauth keeps its rate limits and used-code markers in a cache; in Redis, an outage answered
every right code "Too many failed login attempts". They are in the database now
(accounts/allauth_cache.py): Redis is taken away for real here, through a forwarder we cut.
"""

import os
import time

import pytest
import redis
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse

from delivery.cache import cache_available
from tests.accounts.totp import totp_code
from tests.factories import make_editor
from tests.operations.tcp_forwarder import TcpForwarder

pytestmark = pytest.mark.django_db

PASSWORD = "the-right-password"
# This run's own Redis database (TEST_REDIS_DB): runs side by side each take their own.
REDIS_DB = int(os.environ.get("TEST_REDIS_DB", "14"))


@pytest.fixture
def redis_forwarder(settings):
    """The default cache is a real Redis reached through a forwarder; `accounts` as configured."""
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    with TcpForwarder(6379) as forwarder:
        settings.CACHES = {
            "default": {
                "BACKEND": "delivery.cache.DegradingRedisCache",
                "LOCATION": f"redis://127.0.0.1:{forwarder.port}/{REDIS_DB}",
                "KEY_PREFIX": f"login-outage-{os.getpid()}-{time.monotonic_ns()}",
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            },
            "accounts": django_settings.CACHES["accounts"],
        }
        yield forwarder


def sign_in(client, user, code):
    """Password, then the code: the answer to the code."""
    login = client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    assert login.status_code == 302 and login["Location"] == reverse("mfa_authenticate")
    return client.post(reverse("mfa_authenticate"), {"code": code})


@pytest.mark.parametrize("mode", ["refused", "silent"])
def test_staff_log_in_with_the_right_code_and_a_used_code_is_refused(client, redis_forwarder, mode):
    editor = make_editor("editor", password=PASSWORD)
    secret = generate_totp_secret()
    TOTP.activate(editor, secret)
    redis_forwarder.cut(mode)
    assert cache.add("probe", 1) is False and not cache_available()  # Redis really is away
    # Time stands still: the code stays valid, so only its use can make it refused.
    with time_machine.travel(time.time(), tick=False):
        code = totp_code(secret)
        done = sign_in(client, editor, code)
        assert done.status_code == 302, done.content.decode()[-1500:]
        assert client.session["_auth_user_id"] == str(editor.pk)
        assert client.get(reverse("admin:index")).status_code == 200
        client.post(reverse("account_logout"))

        # Someone who saw the code type it again, in the same half-minute: refused.
        again = sign_in(client, editor, code)
        assert again.status_code == 200 and "_auth_user_id" not in client.session
        assert b"Incorrect code" in again.content
        assert b"Too many failed login attempts" not in again.content
