import os
import secrets

import pytest
from asgiref.local import Local
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.tasks import task_backends

IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


# --- This run's own share of the machine -------------------------------------------------------
# Two runs of the suite at once on one machine (two checkouts, CI beside a developer) share
# Redis and PostgreSQL: each run keeps its keys under its own prefix and its own test database.
RUN = f"{os.getpid()}x{secrets.token_hex(3)}"
REDIS_KEY_PREFIX = f"test-{RUN}"


def redis_url(location: str) -> str:
    """A CACHE_URL for a process the tests start: its keys under this run's prefix too."""
    return f"{location}?key_prefix={REDIS_KEY_PREFIX}"


@receiver(setting_changed)
def _redis_caches_under_this_runs_prefix(*, setting, value, **kwargs):
    # Every Redis cache a test configures keeps its keys under this run's prefix (the caches
    # themselves are made afresh from the settings at their next use).
    if setting == "CACHES":
        for config in value.values():
            prefix = config.get("KEY_PREFIX", "")
            if "redis" in config["BACKEND"].lower() and not prefix.startswith(REDIS_KEY_PREFIX):
                config["KEY_PREFIX"] = f"{REDIS_KEY_PREFIX}{prefix}"


def _clear_this_runs_keys(self):
    """RedisCache.clear in the tests: this run's keys only, never the database (FLUSHDB)."""
    assert self.key_prefix.startswith(REDIS_KEY_PREFIX), "a Redis cache outside this run's keys"
    client = self._cache.get_client(write=True)
    for key in client.scan_iter(match=f"{self.key_prefix}:*", count=1000):
        client.delete(key)
    return True


RedisCache.clear = _clear_this_runs_keys
_redis_caches_under_this_runs_prefix(setting="CACHES", value=settings.CACHES)  # a CACHE_URL's


def refused_query(*values: str) -> bool:
    """Whether the request guards refuse these query-string values: control characters other
    than whitespace answer 400 on every address (guards/middleware.py)."""
    from guards.text import CONTROL_CHARACTERS_BUT_WHITESPACE

    return any(CONTROL_CHARACTERS_BUT_WHITESPACE.search(value) for value in values)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """This run's own PostgreSQL test database (pytest-django drops it at the end)."""
    from pytest_django.fixtures import _set_suffix_to_test_databases

    _set_suffix_to_test_databases(suffix=RUN)


@receiver(setting_changed)
def _reset_task_backends(*, setting, **kwargs):
    # Django forgets cached caches and storages when a test changes them, but not task backends.
    if setting == "TASKS":
        task_backends.__dict__.pop("settings", None)
        task_backends._settings = None
        task_backends._connections = Local(task_backends.thread_critical)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Fast hashing, plain static storage (no collectstatic), media in a temp folder.

    Tasks run on the spot, as part of the step that queues them; tests of the real queue and
    its worker (tests/operations/) switch to the database backend themselves.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    settings.TASKS = IMMEDIATE_TASKS
    settings.SITEMAP_PREBUILD = False  # tests of sitemaps built ahead turn it on


@pytest.fixture
def database_tasks(settings):
    """Queue tasks in the database, as outside the tests; nothing runs until the worker does."""
    settings.TASKS = DATABASE_TASKS


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from delivery import versions

    cache.clear()
    yield
    cache.clear()
    versions._missed.clear()  # changes a test's cache outage left to make again: not the next's


# --- Staff and the admin: a second factor is required (accounts.middleware) -------------------
# Tests that use the admin log staff in with `log_in_staff(client, user)`, never with a bare
# `client.force_login(user)` (the admin would send them to enrol a second factor).


def log_in_staff(client, user):
    """Log `user` in with a password and a TOTP code, as allauth records a real sign-in.

    Enrols a TOTP authenticator for the user when they have none, then marks the client's
    session exactly as allauth does after a correct password and a correct code (the same
    records allauth's login and its TOTP stage write). The real flow through the login form
    and the code form is tested in tests/accounts/test_two_factor.py.
    """
    import time

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is None:
        totp = TOTP.activate(user, generate_totp_secret()).instance
    now = time.time()
    return _log_in_with_records(
        client,
        user,
        [
            {"method": "password", "at": now, "username": user.get_username()},
            {"method": "mfa", "at": now, "id": totp.pk, "type": "totp"},
        ],
    )


def reauthenticated(client, user):
    """Log `user` in with a session that has just given its password again, as allauth records
    a reauthentication: for sensitive changes such as adding a site (a way to sign in). The real
    flow through /accounts/reauthenticate/ is tested in tests/accounts/test_indieauth.py."""
    import time

    return _log_in_with_records(
        client, user, [{"method": "password", "at": time.time(), "reauthenticated": True}]
    )


def _log_in_with_records(client, user, records):
    """Log `user` in and write allauth's record of how this session authenticated."""
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from allauth.account.internal.userkit import user_id_to_str

    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()
    return client


@pytest.fixture
def staff_client(client):
    """`staff_client(user)`: the test client, logged in as staff who passed a second factor."""
    return lambda user: log_in_staff(client, user)


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin client, signed in with a second factor as staff must be."""
    return log_in_staff(client, admin_user)
